"""The offline eval suites as a CI gate: ``groovegraph eval --json`` runs once (real CLI,
real graph, demo library, analysis), then each suite's bars are checked in its own test.

Tests carry ``@pytest.mark.langsmith``: with ``LANGSMITH_API_KEY`` set (and tracking not
disabled) each suite's metrics are logged to LangSmith as test feedback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from langsmith import testing as lst

from groovegraph.evals.suites import SUITES

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# Generous: the whole run is about 2 minutes on 2 cores with a warm numba cache.
RUN_TIMEOUT_S = 540  # + rendering the real-world subset into a cold cache
#: The suites a plain ``groovegraph eval`` runs (opt-in ones such as ``understanding``,
#: which builds the full demo library, run only with ``--suite``).
DEFAULT_SUITES = [name for name, suite in SUITES.items() if suite.default]
#: Examples of the analysis_realworld suite run here (of its >= 200).
REALWORLD_SUBSET = 6
#: Suites whose bars are the open targets of issue 9; on a handful of examples a mean says
#: nothing, so here they must run without errors and report every bar, and their bars are
#: measured on the whole reporting split by benchmarks/analysis_realworld.py.
REPORT_ONLY = {"analysis_realworld"}


@pytest.fixture(scope="module")
def eval_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("gg-eval")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROOVEGRAPH_")}
    env |= {
        "GROOVEGRAPH_DATA_DIR": str(data_dir),
        "LANGSMITH_TRACING": "false",
        # The real-world corpus suite runs on an evenly spread handful of its examples here
        # (rendering and analysing all of them is the benchmark's job), with the rendered
        # audio cached across test runs in the temp folder, like the numba cache.
        "GROOVEGRAPH_EVAL_CORPUS_LIMIT": str(REALWORLD_SUBSET),
        "GROOVEGRAPH_CORPUS_CACHE": os.path.join(
            tempfile.gettempdir(), "groovegraph-test-corpus-cache"
        ),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "groovegraph.cli", "eval", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"eval --json printed no JSON (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
        )
    report["_exit"] = proc.returncode
    return dict(report)


def test_cli_exit_status_follows_the_bars(eval_run: dict[str, Any]) -> None:
    assert {s["name"] for s in eval_run["suites"]} == set(DEFAULT_SUITES)
    assert eval_run["uploaded"] is False
    assert eval_run["model"] == "offline"
    assert (eval_run["_exit"] == 0) is eval_run["passed"]


@pytest.mark.langsmith
@pytest.mark.parametrize("suite", [name for name in DEFAULT_SUITES if name not in REPORT_ONLY])
def test_suite_meets_its_bars(eval_run: dict[str, Any], suite: str) -> None:
    result = next(s for s in eval_run["suites"] if s["name"] == suite)
    lst.log_inputs({"suite": suite, "dataset_version": eval_run["version"]})
    lst.log_outputs({m["metric"]: m["value"] for m in result["metrics"]})
    for m in result["metrics"]:
        if m["value"] is not None:
            lst.log_feedback(key=m["metric"], score=m["value"])
    assert result["examples"] > 0
    assert result["errors"] == 0, result["failures"][:5]
    missed = [m for m in result["metrics"] if m["passed"] is False]
    assert not missed, {"missed": missed, "examples": result["failures"][:8]}


def test_realworld_suite_runs_on_a_subset_and_reports_every_bar(eval_run: dict[str, Any]) -> None:
    result = next(s for s in eval_run["suites"] if s["name"] == "analysis_realworld")
    assert result["examples"] == REALWORLD_SUBSET
    # an analysis refusal is scored as a wrong answer, not an error; errors are eval bugs
    assert result["errors"] == 0, result["failures"][:5]
    reported = {m["metric"]: m for m in result["metrics"]}
    for bar in SUITES["analysis_realworld"].thresholds:
        assert reported[bar.metric]["threshold"] == bar.value
    # the subset spans grooves, a chorale and a one-shot, so these all got scores
    for name in ("tempo_acc2", "beat_f_measure", "key_mirex", "one_shot_no_tempo", "fields_filled"):
        assert reported[name]["n"] >= 1, name
