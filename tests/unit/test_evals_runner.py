"""The eval runner on ``langsmith.evaluate``: offline, no API key, no socket opened."""

from __future__ import annotations

import json
import operator
import socket
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest

from groovegraph.cli import main
from groovegraph.evals import evaluators as ev
from groovegraph.evals.datasets import DatasetError, load_dataset, to_langsmith
from groovegraph.evals.harness import EvalContext
from groovegraph.evals.report import render_json
from groovegraph.evals.runner import run_suites
from groovegraph.evals.suites import SUITES, Suite, Threshold, discovery_gains
from groovegraph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _write(folder: Path, name: str, rows: list[dict[str, Any]], version: str = "7") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "VERSION").write_text(version)
    (folder / f"{name}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return folder


def _keyword_router(ctx: EvalContext) -> Any:
    # A deliberately naive router: the runner must report exactly where it is wrong.
    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        text = inputs["message"].lower()
        picked = [
            name
            for word, name in (("swing", "groove"), ("find", "discovery"), ("mix", "compatibility"))
            if word in text
        ]
        return {"specialists": picked}

    return target


def test_offline_run_scores_every_example_without_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LANGSMITH_API_KEY", raising=False)
    attempts: list[Any] = []

    def no_connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_connect)
    folder = _write(
        tmp_path / "ds",
        "toy",
        [
            {"id": "t1", "input": "what's the swing?", "specialists": ["groove"], "notes": ""},
            {"id": "t2", "input": "find me funk", "specialists": ["discovery"], "notes": ""},
            {
                "id": "t3",
                "input": "will they mix? find out the swing",
                "specialists": ["compatibility", "groove"],
                "notes": "",
            },
            {"id": "t4", "input": "what defined Philly soul?", "specialists": ["era"], "notes": ""},
        ],
    )
    suite = Suite(
        name="toy",
        dataset="toy",
        description="toy routing",
        make_target=_keyword_router,
        evaluators=(ev.routing_exact_match,),
        thresholds=(Threshold("routing_exact_match", ">=", 0.95),),
    )
    report = run_suites(
        settings=Settings(data_dir=tmp_path / "data"), suites=[suite], datasets=folder
    )
    [result] = report.suites
    assert result.examples == 4
    assert result.errors == 0
    [metric] = result.metrics
    # t3 wrongly picks discovery ("find"), t4 picks nothing: 2 of 4 right.
    assert metric.value == pytest.approx(0.5)
    assert metric.passed is False
    assert not report.passed
    assert {f["example"] for f in result.failures} == {"t3", "t4"}
    assert report.version == "7"
    assert json.loads(render_json(report))["suites"][0]["metrics"][0]["value"] == pytest.approx(0.5)
    assert attempts == []


def test_target_errors_fail_the_suite(tmp_path: Path) -> None:
    folder = _write(tmp_path / "ds", "toy", [{"id": "t1", "input": "hi", "specialists": []}])

    def broken(ctx: EvalContext) -> Any:
        def target(inputs: dict[str, Any]) -> dict[str, Any]:
            raise RuntimeError("graph exploded")

        return target

    suite = Suite(
        name="toy",
        dataset="toy",
        description="",
        make_target=broken,
        evaluators=(ev.routing_exact_match,),
        thresholds=(),
    )
    report = run_suites(
        settings=Settings(data_dir=tmp_path / "data"), suites=[suite], datasets=folder
    )
    assert report.suites[0].errors == 1
    assert "graph exploded" in report.suites[0].failures[0]["error"]
    assert not report.passed


def test_dataset_loading_checks_lines(tmp_path: Path) -> None:
    folder = _write(
        tmp_path,
        "dup",
        [{"id": "x", "inputs": {}, "outputs": {}}, {"id": "x", "inputs": {}, "outputs": {}}],
    )
    with pytest.raises(DatasetError, match="duplicate"):
        load_dataset("dup", directory=folder)
    (folder / "bad.jsonl").write_text('{"id": "y", "inputs": {}}\nnot json\n')
    with pytest.raises(DatasetError, match=r"bad\.jsonl:2"):
        load_dataset("bad", directory=folder)
    with pytest.raises(DatasetError, match="missing"):
        load_dataset("nope", directory=folder)


def test_shipped_datasets_load_with_stable_ids() -> None:
    folder = ROOT / "evals" / "datasets"
    for suite in SUITES.values():
        if not (folder / f"{suite.dataset}.jsonl").exists():
            continue

        def load(suite=suite):  # the default binds the loop variable
            if suite.load is not None:
                return suite.load(folder)
            return load_dataset(suite.dataset, directory=folder)

        examples = load()
        first = to_langsmith(examples, dataset="groovegraph-x")
        again = to_langsmith(load(), dataset="groovegraph-x")
        assert [e.id for e in first] == [e.id for e in again]
        assert len({e.id for e in first}) == len(examples)
    routing = load_dataset("routing", directory=folder)
    assert all(
        set(ex.outputs["specialists"]) <= {"groove", "era", "compatibility", "discovery"}
        for ex in routing
    )


def test_discovery_gains_from_manifest_criteria() -> None:
    manifest = {
        "samples": [
            {
                "path": "funk/a.wav",
                "truth": {"tempo_bpm": 96.0, "key": "Am"},
                "tags": {"genre": "funk", "era": "70s"},
            },
            {
                "path": "funk/b.wav",
                "truth": {"tempo_bpm": 104.0, "key": "C major"},
                "tags": {"genre": "funk", "era": "70s"},
            },
            {
                "path": "house/c.wav",
                "truth": {"tempo_bpm": 124.0, "key": "A minor"},
                "tags": {"genre": "house"},
            },
        ]
    }
    gains = discovery_gains(
        manifest, {"must": {"genre": "funk"}, "better": {"tempo_bpm": [92, 100]}}
    )
    assert gains == {"funk/a.wav": 2.0, "funk/b.wav": 1.0}
    assert discovery_gains(manifest, {"must": {"camelot": "8A"}}) == {
        "funk/a.wav": 1.0,
        "house/c.wav": 1.0,
    }


def test_cli_eval_rejects_unknown_suite(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--suite", "nope"]) == 2
    assert "unknown suite" in capsys.readouterr().err


def test_routing_lines_keep_their_attached_samples() -> None:
    examples = load_dataset("routing", directory=ROOT / "evals" / "datasets")
    with_samples = [ex for ex in examples if ex.inputs.get("samples")]
    assert with_samples, "the routing set has requests with attached samples"
    assert all(isinstance(ex.inputs["message"], str) and ex.inputs["message"] for ex in examples)
    assert all("samples" not in ex.metadata for ex in with_samples)


def test_turn_outputs_read_from_real_messages() -> None:
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

    from groovegraph.evals.harness import _final_answer, _tool_messages_in, _tool_outputs

    tool = ToolMessage(
        content="96.0 BPM", tool_call_id="c1", name="analyze_samples", artifact={"tempo_bpm": 95.98}
    )
    update = {
        "groove_messages": [
            AIMessage(content="", tool_calls=[{"name": "analyze_samples", "args": {}, "id": "c1"}]),
            tool,
        ]
    }
    assert _tool_messages_in(update) == [tool]
    assert _tool_outputs([tool]) == ["96.0 BPM", {"tempo_bpm": 95.98}]
    messages = [
        HumanMessage(content="tempo?"),
        AIMessage(content=[{"type": "text", "text": "96 BPM"}]),
    ]
    assert _final_answer(messages) == "96 BPM"


class _Log(TypedDict):
    log: Annotated[list[str], operator.add]


def test_trajectory_lists_parallel_nodes_in_graph_order_whatever_finishes_first() -> None:
    """Two nodes of one superstep finish in the reverse of their declared order; the
    recorded trajectory still lists them as declared, so strict trajectory matches do not
    depend on which parallel specialist happened to finish first."""
    import asyncio

    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import START, StateGraph

    from groovegraph.evals.harness import _node_updates

    def node(name: str, delay: float):  # type: ignore[no-untyped-def]
        async def run(state: _Log) -> _Log:
            await asyncio.sleep(delay)
            return {"log": [name]}

        return run

    builder = StateGraph(_Log)
    builder.add_node("first", node("first", 0.2))
    builder.add_node("second", node("second", 0.0))
    builder.add_node("join", node("join", 0.0))
    builder.add_edge(START, "first")
    builder.add_edge(START, "second")
    builder.add_edge(["first", "second"], "join")
    graph = builder.compile(checkpointer=InMemorySaver())

    async def run() -> tuple[list[str], list[str]]:
        raw = [
            node
            async for chunk in graph.astream(
                {"log": []}, {"configurable": {"thread_id": "raw"}}, stream_mode="updates"
            )
            for node in chunk
        ]
        config = {"configurable": {"thread_id": "t"}}
        seen = [n async for n, _ in _node_updates(graph, {"log": []}, config)]
        return raw, seen

    raw, seen = asyncio.run(run())
    assert raw == ["second", "first", "join"]  # as they finished
    assert seen == ["first", "second", "join"]
