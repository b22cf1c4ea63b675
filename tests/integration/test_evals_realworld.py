"""``groovegraph eval --suite analysis_realworld`` end to end (real CLI, fluidsynth
rendering into a cold cache, real analysis) on an evenly spread handful of examples.

The suite's bars are issue 9's open targets, measured on the whole reporting split by
``benchmarks/analysis_realworld.py``; on four examples a mean says nothing, so this checks
that the suite runs, scores every kind of example and reports every bar.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from groovegraph.evals.suites import SUITES

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("fluidsynth") is None, reason="needs the fluidsynth CLI"),
]

ROOT = Path(__file__).resolve().parents[2]
SUBSET = 6  # spread: 4 grooves, a chorale, a one-shot


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("gg-eval-rw")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROOVEGRAPH_")}
    env |= {
        "GROOVEGRAPH_DATA_DIR": str(data_dir),
        "GROOVEGRAPH_EVAL_CORPUS_LIMIT": str(SUBSET),
        "LANGSMITH_TRACING": "false",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "groovegraph.cli",
            "eval",
            "--suite",
            "analysis_realworld",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    try:
        out = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"no JSON (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
        )
    # the audio was rendered into the run's own data dir, not anywhere else
    assert list((data_dir / "eval-corpus").rglob("*.wav"))
    out["_exit"] = proc.returncode
    return dict(out)


def test_realworld_suite_runs_and_reports_every_bar(report: dict[str, Any]) -> None:
    (result,) = report["suites"]
    assert result["name"] == "analysis_realworld"
    assert result["examples"] == SUBSET
    # an analysis refusal is scored as a wrong answer; errors would be eval bugs
    assert result["errors"] == 0, result["failures"][:5]
    reported = {m["metric"]: m for m in result["metrics"]}
    for bar in SUITES["analysis_realworld"].thresholds:
        assert reported[bar.metric]["threshold"] == bar.value
    # the spread subset holds grooves, a chorale and a one-shot: all of them were scored
    for name in ("tempo_acc2", "beat_f_measure", "key_mirex", "one_shot_no_tempo", "fields_filled"):
        assert reported[name]["n"] >= 1, name
    assert (report["_exit"] == 0) is report["passed"]
