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
from pathlib import Path
from typing import Any

import pytest
from langsmith import testing as lst

from groovegraph.evals.suites import SUITES

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# Generous: the whole run is about 2 minutes on 2 cores with a warm numba cache.
RUN_TIMEOUT_S = 420
#: The suites a plain ``groovegraph eval`` runs (opt-in ones such as ``understanding``,
#: which builds the full demo library, run only with ``--suite``).
DEFAULT_SUITES = [name for name, suite in SUITES.items() if suite.default]


@pytest.fixture(scope="module")
def eval_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("gg-eval")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROOVEGRAPH_")}
    env |= {"GROOVEGRAPH_DATA_DIR": str(data_dir), "LANGSMITH_TRACING": "false"}
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
@pytest.mark.parametrize("suite", DEFAULT_SUITES)
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
