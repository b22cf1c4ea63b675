"""``--upload``: datasets synced by name and example id, results recorded as an experiment,
over real HTTP against a loopback stand-in of the LangSmith API (``LANGSMITH_ENDPOINT``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from groovegraph.evals import evaluators as ev
from groovegraph.evals.datasets import load_dataset
from groovegraph.evals.harness import EvalContext
from groovegraph.evals.runner import UploadError, run_suites
from groovegraph.evals.suites import Suite, Threshold
from groovegraph.settings import Settings
from tests.integration.langsmith_standin import LangSmithStandIn

pytestmark = pytest.mark.integration


def _rows(folder: Path, rows: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "VERSION").write_text("3")
    (folder / "toy.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def _router(ctx: EvalContext) -> Any:
    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        return {"specialists": ["groove"] if "swing" in inputs["message"] else ["discovery"]}

    return target


SUITE = Suite(
    name="toy",
    dataset="toy",
    description="toy routing",
    make_target=_router,
    evaluators=(ev.routing_exact_match,),
    thresholds=(Threshold("routing_exact_match", ">=", 0.95),),
)


def test_upload_syncs_dataset_idempotently_and_records_experiments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ds"
    _rows(
        folder,
        [
            {"id": "t1", "input": "what's the swing?", "specialists": ["groove"]},
            {"id": "t2", "input": "find me funk", "specialists": ["discovery"]},
            {"id": "t3", "input": "find me house", "specialists": ["discovery"]},
        ],
    )
    settings = Settings(data_dir=tmp_path / "data")
    with LangSmithStandIn() as server:
        monkeypatch.setenv("LANGSMITH_ENDPOINT", server.url)
        monkeypatch.setenv("LANGSMITH_API_KEY", "test-key")
        first = run_suites(settings=settings, suites=[SUITE], datasets=folder, upload=True)
        assert first.passed
        assert first.suites[0].experiment
        [dataset] = server.datasets.values()
        assert dataset["name"] == "groovegraph-toy"
        ids = {e["id"] for e in server.examples.values()}
        want = {str(ex.uuid("groovegraph-toy")) for ex in load_dataset("toy", directory=folder)}
        assert ids == want

        # Second run: one example changed, one dropped. Same dataset, no copies.
        _rows(
            folder,
            [
                {"id": "t1", "input": "what's the swing on this?", "specialists": ["groove"]},
                {"id": "t2", "input": "find me funk", "specialists": ["discovery"]},
            ],
        )
        second = run_suites(settings=settings, suites=[SUITE], datasets=folder, upload=True)
        assert second.passed
        assert len(server.datasets) == 1
        assert len(server.examples) == 2
        changed = next(e for e in server.examples.values() if e["metadata"]["example_id"] == "t1")
        assert changed["inputs"]["message"] == "what's the swing on this?"

        # Each run is its own experiment on that dataset, with per-example feedback and traces.
        assert len(server.sessions) == 2
        assert {s["reference_dataset_id"] for s in server.sessions.values()} == {dataset["id"]}
        assert {s["name"] for s in server.sessions.values()} == {
            first.suites[0].experiment,
            second.suites[0].experiment,
        }
        assert [f["key"] for f in server.feedback].count("routing_exact_match") == 5
        assert all(f["score"] == 1.0 for f in server.feedback)
        assert server.runs, "no traces were posted"
        assert not [entry for entry in server.log if entry[2] == 404]


def test_upload_without_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGSMITH_API_KEY", raising=False)
    monkeypatch.delenv("LANGCHAIN_API_KEY", raising=False)
    _rows(tmp_path / "ds", [{"id": "t1", "input": "swing?", "specialists": ["groove"]}])
    with pytest.raises(UploadError, match="LANGSMITH_API_KEY"):
        run_suites(
            settings=Settings(data_dir=tmp_path / "data"),
            suites=[SUITE],
            datasets=tmp_path / "ds",
            upload=True,
        )


def test_upload_of_a_graph_suite_traces_the_real_graph(tmp_path: Path) -> None:
    from langsmith import Client

    from groovegraph.evals.suites import SUITES

    with LangSmithStandIn() as server:
        client = Client(api_url=server.url, api_key="test-key")
        report = run_suites(
            settings=Settings(data_dir=tmp_path / "data"),
            suites=[SUITES["trajectory"]],
            upload=True,
            client=client,
        )
        assert report.passed, report.suites[0].failures
        [dataset] = server.datasets.values()
        assert dataset["name"] == "groovegraph-trajectories"
        n = report.suites[0].examples
        assert [f["key"] for f in server.feedback] == ["trajectory_match"] * n
        # Uploading turns tracing on: the graph's nodes and tools are in the posted runs.
        posted = b"".join(server.runs)
        for name in (b'"supervisor"', b'"respond"', b'"analyze_samples"'):
            assert name in posted, name
        assert not [entry for entry in server.log if entry[2] == 404]
