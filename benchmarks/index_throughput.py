"""Indexing throughput: a cold first index of 30-second clips, and an unchanged rerun.

``python -m benchmarks.index_throughput [--clips 64] [--clip-s 30] [--rerun-files 1000] [--runs 3] [--out PATH]``

What is measured (everything on this machine's cores, ``--workers`` processes):

* **cold** — a fresh ``python`` process with an empty catalog indexes ``--clips`` WAV files
  of ``--clip-s`` seconds (44.1 kHz, 16-bit): walk, tags, SHA-256, parallel analysis
  (worker start-up included), batched commits. Reported as clips per second from the
  indexer's own clock (process start and imports excluded) and from the wall time of the
  whole ``groovegraph index DIR`` command (included). Median of ``--runs`` fresh runs.
* **peer: bare analysis** — :func:`groovegraph.tools.analysis.analyze_many` over the same
  files with the same workers in a fresh process, no catalog at all: the cost floor the
  indexer adds its bookkeeping to.
* **rerun** — ``--rerun-files`` short clips indexed once (untimed), then
  ``index_directory`` again with nothing changed: median seconds of ``--runs`` reruns.
* **peer: hash everything** — reading and hashing every one of those files, which a
  content-hash-only incremental scheme would have to do on each rerun.

Distinct files are made cheaply: a few grooves are synthesized and each copy is scaled
by a slightly different gain, so every file has its own content hash and needs its own
analysis. Bars: cold ≥ 8 clips/s; rerun of 1,000 unchanged files ≤ 3 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import machine_info

RESULTS = Path(__file__).resolve().parent / "results" / "index_throughput.json"
COLD_BAR_CLIPS_PER_S = 8.0
RERUN_BAR_S = 3.0
_GROOVES = (  # tempo, swing, key, pattern
    (96.0, 58.0, "A minor", "boombap"),
    (124.0, 50.0, "F major", "house"),
    (104.0, 56.0, "E minor", "funk"),
    (174.0, 50.0, "D minor", "dnb"),
    (88.0, 64.0, "G minor", "shuffle"),
    (140.0, 52.0, "C minor", "halftime"),
)


def write_library(root: Path, *, n: int, clip_s: float, sr: int) -> list[Path]:
    import numpy as np

    from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

    bases = []
    for i, (bpm, swing, key, pattern) in enumerate(_GROOVES):
        spec = GrooveSpec(
            tempo_bpm=bpm,
            swing_percent=swing,
            key=key,
            pattern=pattern,
            duration_s=clip_s,
            sample_rate=sr,
            seed=500 + i,
            jitter_ms=2.0,
        )
        y, _ = synthesize_groove(spec)
        bases.append((pattern, bpm, y))
    paths = []
    for k in range(n):
        pattern, bpm, y = bases[k % len(bases)]
        gain = 1.0 - 0.0005 * (k // len(bases) + 1)  # distinct bytes, same musical content
        path = root / pattern / f"clip_{k:04d}_{int(bpm)}bpm.wav"
        write_audio(path, (y * gain).astype(np.float32), sr)
        paths.append(path)
    return paths


_CHILD_INDEX = """
import json, sys, time
from pathlib import Path
from groovegraph.settings import Settings
from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.tools.analysis import configure_runtime
s = Settings(data_dir=Path(sys.argv[1]), workers=int(sys.argv[3]))
s.ensure_dirs()
configure_runtime(s)
t0 = time.perf_counter()
with CatalogStore.open(s) as store:
    summary = store.index_directory(sys.argv[2], settings=s, workers=int(sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - t0, "added": summary.added, "failed": summary.failed}))
"""

_CHILD_ANALYZE = """
import json, sys, time
from pathlib import Path
from groovegraph.settings import Settings
from groovegraph.tools.analysis import analyze_many, configure_runtime
s = Settings(data_dir=Path(sys.argv[1]), workers=int(sys.argv[3]))
s.ensure_dirs()
configure_runtime(s)
paths = sorted(str(p) for p in Path(sys.argv[2]).rglob("*.wav"))
t0 = time.perf_counter()
ok = sum(1 for _, r in analyze_many(paths, settings=s, workers=int(sys.argv[3])) if not isinstance(r, Exception))
print(json.dumps({"seconds": time.perf_counter() - t0, "ok": ok}))
"""


def _child(code: str, *args: str, env: dict[str, str]) -> tuple[dict[str, Any], float]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=1800
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


def _cli_wall(data_dir: Path, lib: Path, workers: int, env: dict[str, str]) -> float:
    e = {**env, "GROOVEGRAPH_DATA_DIR": str(data_dir)}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "groovegraph.cli", "index", str(lib), "--workers", str(workers)],
        capture_output=True,
        text=True,
        env=e,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=64)
    parser.add_argument("--clip-s", type=float, default=30.0)
    parser.add_argument("--rerun-files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from groovegraph.persistence.catalog_store import CatalogStore
    from groovegraph.settings import Settings
    from groovegraph.tools.analysis import configure_runtime

    env = {k: v for k, v in os.environ.items() if not k.startswith("GROOVEGRAPH_")}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="gg-bench-index-") as tmp_s:
        tmp = Path(tmp_s)
        # one numba cache for every child, warmed by the first: "cold" means an empty
        # catalog and fresh processes, not a machine that never ran groovegraph
        env["NUMBA_CACHE_DIR"] = str(tmp / "numba-cache")
        lib = tmp / "clips"
        t0 = time.perf_counter()
        write_library(lib, n=args.clips, clip_s=args.clip_s, sr=44100)
        synth_s = time.perf_counter() - t0
        audio_s = args.clips * args.clip_s

        cold_runs, cli_runs, peer_runs, serial_runs = [], [], [], []
        for r in range(args.runs):
            res, wall = _child(
                _CHILD_INDEX, str(tmp / f"cold-{r}"), str(lib), str(args.workers), env=env
            )
            assert res["added"] == args.clips, res
            cold_runs.append({"index_s": res["seconds"], "process_wall_s": wall})
            cli_runs.append(_cli_wall(tmp / f"cli-{r}", lib, args.workers, env))
            peer, _ = _child(
                _CHILD_ANALYZE, str(tmp / f"peer-{r}"), str(lib), str(args.workers), env=env
            )
            assert peer["ok"] == args.clips, peer
            peer_runs.append(peer["seconds"])
        serial, _ = _child(_CHILD_INDEX, str(tmp / "serial"), str(lib), "1", env=env)
        serial_runs.append(serial["seconds"])
        # what hashing costs per file at the cold clips' size (the rerun files are small)
        hash_big: list[float] = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            for p in sorted(lib.rglob("*.wav")):
                hashlib.sha256(p.read_bytes()).hexdigest()
            hash_big.append((time.perf_counter() - t0) / args.clips)

        # --- unchanged rerun over many files
        many = tmp / "many"
        write_library(many, n=args.rerun_files, clip_s=3.0, sr=22050)
        settings = Settings(data_dir=tmp / "rerun", workers=args.workers)
        settings.ensure_dirs()
        configure_runtime(settings)
        rerun_s: list[float] = []
        hash_s: list[float] = []
        with CatalogStore.open(settings) as store:
            t0 = time.perf_counter()
            first = store.index_directory(many, settings=settings, workers=args.workers)
            first_s = time.perf_counter() - t0
            for _ in range(args.runs):
                t0 = time.perf_counter()
                again = store.index_directory(many, settings=settings, workers=args.workers)
                rerun_s.append(time.perf_counter() - t0)
                assert (again.unchanged, again.added) == (args.rerun_files, 0), again
                t0 = time.perf_counter()
                for p in sorted(many.rglob("*.wav")):
                    hashlib.sha256(p.read_bytes()).hexdigest()
                hash_s.append(time.perf_counter() - t0)

    cold_index = statistics.median(r["index_s"] for r in cold_runs)
    cold_wall = statistics.median(r["process_wall_s"] for r in cold_runs)
    cli_wall = statistics.median(cli_runs)
    peer_s = statistics.median(peer_runs)
    result = {
        "benchmark": "index_throughput",
        "command": "python -m benchmarks.index_throughput "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_info(load_before),
        "workers": args.workers,
        "cold": {
            "clips": args.clips,
            "clip_s": args.clip_s,
            "audio_s": audio_s,
            "index_s_median": round(cold_index, 3),
            "clips_per_s": round(args.clips / cold_index, 2),
            "x_real_time": round(audio_s / cold_index, 1),
            "cli_wall_s_median": round(cli_wall, 3),
            "cli_clips_per_s": round(args.clips / cli_wall, 2),
            "process_wall_s_median": round(cold_wall, 3),
            "runs": cold_runs,
            "cli_runs_s": [round(x, 3) for x in cli_runs],
            "serial_workers_1_clips_per_s": round(args.clips / serial_runs[0], 2),
        },
        "peer_bare_analyze_many": {
            "seconds_median": round(peer_s, 3),
            "clips_per_s": round(args.clips / peer_s, 2),
            "indexer_overhead_percent": round((cold_index / peer_s - 1) * 100, 1),
            "runs_s": [round(x, 3) for x in peer_runs],
        },
        "rerun": {
            "files": args.rerun_files,
            "first_index_s": round(first_s, 2),
            "first_index_failed": first.failed,
            "unchanged_rerun_s_median": round(statistics.median(rerun_s), 3),
            "runs_s": [round(x, 3) for x in rerun_s],
        },
        "peer_hash_every_file": {
            "seconds_median": round(statistics.median(hash_s), 3),
            "runs_s": [round(x, 3) for x in hash_s],
            "note": "the rerun files are 3 s at 22.05 kHz (132 kB); see the line below for full-size clips",
            "seconds_per_1000_cold_size_clips": round(statistics.median(hash_big) * 1000, 3),
        },
        "one_off": {"synthesize_clips_s": round(synth_s, 2)},
        "bars": {
            "cold_clips_per_s": COLD_BAR_CLIPS_PER_S,
            "rerun_1000_s": RERUN_BAR_S,
            "cold_pass": args.clips / cold_index >= COLD_BAR_CLIPS_PER_S,
            "rerun_pass": statistics.median(rerun_s) <= RERUN_BAR_S,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                k: result[k]
                for k in ("cold", "peer_bare_analyze_many", "rerun", "peer_hash_every_file", "bars")
            },
            indent=1,
        )
    )
    return 0 if result["bars"]["cold_pass"] and result["bars"]["rerun_pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
