"""A/B of the issue 9 batch: this tree against an earlier commit, alternating, same machine.

``python -m benchmarks.analysis_speed_ab --base REF [--rounds 3] [--batch 60]
[--batch-clip-s 20] [--out PATH]``

On a shared machine neither wall nor CPU time of one run can be compared with another
run's at another hour (CPU time also depends on what runs on the sibling hardware
thread). This runs both versions in alternation: ``groovegraph analyze --json
--workers 1 FILES`` and ``groovegraph analyze --json FILES`` (default workers) over the
same synthesized clips (those of :mod:`benchmarks.analysis_speed`), base then new, for
``--rounds`` rounds, and reports the medians of wall and whole-process-tree CPU seconds
(the harness adopts the pool's processes: see ``analysis_speed._become_subreaper``).

The base is ``git archive REF src`` in a temporary folder, put first on ``PYTHONPATH``
(same virtualenv and dependencies; both trees byte-compiled first, so neither pays for
compiling). Both get a warmed per-user data dir (``python -m groovegraph.tools.analysis``).
Results go to ``benchmarks/results/analysis_speed_ab.json``.
"""

from __future__ import annotations

import argparse
import compileall
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import analysis_speed as speed

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "analysis_speed_ab.json"


def _export_src(ref: str, dest: Path) -> str:
    """``src`` of ``ref`` unpacked under ``dest``; returns the full commit hash."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "src"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return commit


def _clips(folder: Path, count: int, clip_s: float) -> list[str]:
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

    paths = []
    for i in range(count):
        bpm, swing, key, pattern = speed.CLIPS[i % len(speed.CLIPS)]
        spec = GrooveSpec(
            tempo_bpm=bpm + (i % 7), swing_percent=swing, key=key, pattern=pattern,
            duration_s=clip_s, sample_rate=44100, seed=500 + i,
        )  # fmt: skip
        y, _ = synthesize_groove(spec)
        paths.append(str(write_audio(folder / f"batch{i}.wav", y, 44100)))
    return paths


def _warm_up(data_dir: Path, pythonpath: str | None) -> None:
    env = speed._child_env(data_dir=data_dir)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    subprocess.run(
        [sys.executable, "-m", "groovegraph.tools.analysis"],
        env=env, capture_output=True, check=True, timeout=1800,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base", required=True, help="git ref of the 'before' version")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=60)
    parser.add_argument("--batch-clip-s", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    subreaper = speed._become_subreaper()
    started = time.time()
    rows: dict[str, list[dict[str, float | None]]] = {}
    with tempfile.TemporaryDirectory(prefix="gg-speed-ab-") as tmp_name:
        tmp = Path(tmp_name)
        base_commit = _export_src(args.base, tmp / "base")
        base_src = tmp / "base" / "src"
        for tree in (base_src, ROOT / "src"):
            compileall.compile_dir(tree, quiet=1)
        paths = _clips(tmp, args.batch, args.batch_clip_s)
        audio_s = args.batch * args.batch_clip_s
        variants = {"base": str(base_src), "new": None}
        for name, pythonpath in variants.items():
            _warm_up(tmp / f"data-{name}", pythonpath)
        saved = os.environ.get("PYTHONPATH")
        try:
            for r in range(args.rounds):
                for name, pythonpath in variants.items():
                    if pythonpath:
                        os.environ["PYTHONPATH"] = pythonpath
                    else:
                        os.environ.pop("PYTHONPATH", None)
                    for workers in (1, None):
                        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
                        wall, cpu = speed._cli_cold(
                            paths, data_dir=tmp / f"data-{name}", workers=workers
                        )
                        key = f"{name}_workers_{workers or 'default'}"
                        rows.setdefault(key, []).append(
                            {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "load_1min": load}
                        )
                        print(f"round {r + 1}: {key} {wall:.2f} s wall, {cpu:.2f} s CPU",
                              file=sys.stderr)  # fmt: skip
        finally:
            if saved is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved
    new_commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()

    def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
        wall = statistics.median(r["wall_s"] for r in runs)
        cpu = statistics.median(r["cpu_s"] for r in runs)
        return {
            "wall_s": round(wall, 3),
            "cpu_s": round(cpu, 3),
            "x_real_time": round(audio_s / wall, 1),
            "audio_s_per_cpu_s": round(audio_s / cpu, 1),
            "runs": runs,
        }

    report = {
        "benchmark": "analysis_speed_ab",
        "command": "python -m benchmarks.analysis_speed_ab "
        + f"--base {args.base} --rounds {args.rounds} --batch {args.batch} "
        + f"--batch-clip-s {args.batch_clip_s:g}",
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "base_commit": base_commit,
        "new_commit": new_commit + (" (+ uncommitted changes)" if _dirty() else ""),
        "clips": args.batch,
        "clip_s": args.batch_clip_s,
        "cpus": os.cpu_count(),
        "cpu_time_includes_pool_workers": subreaper,
        "what": "groovegraph analyze --json [--workers 1] FILES, fresh processes, start-up "
        "included; base and new alternate round by round",
        "results": {key: summary(runs) for key, runs in rows.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    for key, value in report["results"].items():
        print(f"{key:24s} wall {value['wall_s']:7.2f} s  CPU {value['cpu_s']:6.2f} s")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _dirty() -> bool:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--", "src"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    return bool(out.strip())


if __name__ == "__main__":
    sys.exit(main())
