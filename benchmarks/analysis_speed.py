"""Speed of the analysis pipeline against the textbook librosa pipeline, in one run.

``python -m benchmarks.analysis_speed [--runs 5] [--clip-s 30] [--out PATH]``

What is measured (every timing in a fresh subprocess restricted to one thread with
``OMP_NUM_THREADS=1`` and friends, i.e. one core's worth of work; ``GG_BENCH_PIN=1`` also
pins it to one CPU):

* **warm**: in one single-threaded process, after a first untimed call, the median over ``--runs`` of
  decode alone (``load_audio`` to 22.05 kHz mono) per format (WAV, FLAC, MP3), analysis
  alone (``analyze_signal`` on the decoded samples) and the whole ``analyze_file``
  (decode + SHA-256 + analysis), plus ``analyze_file`` on eight 4 s loops (where the
  per-file costs show). Reported as seconds per minute of audio and × real time (the
  median run, and the best run, which shows the cost without interference from other
  processes on a shared machine).
* **set-up** (first, as ``make run`` does it): ``python -m groovegraph.tools.analysis``
  (``make warm-up``) in a fresh process with a fresh per-user data dir. It fills the
  per-user numba cache (``DATA_DIR/numba-cache``, where :func:`configure_runtime` points
  numba when ``NUMBA_CACHE_DIR`` is unset) and writes any bytecode the install did not
  (``make setup`` compiles it; an environment with ``PYTHONDONTWRITEBYTECODE`` and a venv
  synced without ``--compile-bytecode`` would otherwise recompile ~600 modules from
  source in every fresh process, seconds that no user of ``make run`` pays).
* **cold**: wall time of a fresh ``python`` process that imports the pipeline and analyses
  one clip (interpreter start included), with an empty numba cache (a fresh data dir) and
  with the warmed per-user one; the median over ``--cold-runs`` processes. Also
  ``groovegraph analyze --json FILE`` as a user runs it. Each cold child reports how many
  of the modules it loaded had no cached bytecode (0 after the set-up).
* **peer**: the textbook librosa pipeline, ``librosa.load`` + ``librosa.beat.beat_track``
  + ``librosa.feature.chroma_cqt``, warm and cold the same way.
* **batch**: ``--batch`` clips (60) of ``--batch-clip-s`` seconds, end to end in one fresh
  single-core process each, start-up included: ``groovegraph analyze --json --workers 1``
  over all of them, and the textbook librosa pipeline over the same files (its numba
  kernels loaded from the same warmed cache). Also ``groovegraph analyze --json FILES``
  as a user types it: the default worker count (``settings.workers``, min(4, CPUs)), a
  fork server and its pool; its CPU time is the whole process tree's (this harness
  adopts and reaps the pool's processes, ``PR_SET_CHILD_SUBREAPER``). ``--batch-runs``
  alternating rounds; the medians are reported, and the speed-up is the median of the
  per-round ratios (each round ran under about the same machine load).

Audio is synthesized (``groovegraph.tools.synth``) into a temporary folder: three grooves
of ``--clip-s`` seconds at 44.1 kHz. Results go to ``benchmarks/results/analysis_speed.json``.
Bars: warm analysis ≥ 300× real time on one core; a cold first analysis in a fresh
process ≤ 3 s with a warm numba cache; the 60-clip batch ≥ 250× real time end to end and
≥ 2× the textbook librosa pipeline on the same files (reported for ``--workers 1`` and
for the default workers). Wall times are load-dependent on a shared machine: the JSON
records the load average and the CPU seconds next to every wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "analysis_speed.json"
ONE_CORE_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
}
FORMATS = ("wav", "flac", "mp3")
CLIPS = (  # tempo, swing, key, pattern: varied enough that no code path is skipped
    (96.0, 58.0, "A minor", "boombap"),
    (124.0, 50.0, "F major", "house"),
    (88.0, 64.0, "E minor", "shuffle"),
)
SHORT_CLIPS, SHORT_CLIP_S = 8, 4.0
WARM_BAR_X = 300.0
COLD_BAR_S = 3.0
BATCH_BAR_X = 250.0
BATCH_SPEEDUP_BAR = 2.0


# --- children (run in fresh, single-core processes) ------------------------------------------


def _pin_one_core() -> int:
    """With ``GG_BENCH_PIN=1``, pin this process to one CPU (the last one it may use).

    Off by default: every measured process is single-threaded anyway (the variables in
    ``ONE_CORE_ENV``), and on a shared machine a pinned process cannot move away from a
    core another job is using, which measures that job rather than ours.
    """
    if os.environ.get("GG_BENCH_PIN") == "1" and hasattr(os, "sched_setaffinity"):
        cpu = max(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    return -1


def _timed(fn: Any, runs: int) -> dict[str, list[float]]:
    """Wall and CPU seconds of ``runs`` calls of ``fn`` after one untimed (warming) call.

    CPU time (this process, user + system) is what the work costs one core; on a shared
    machine the wall time adds whatever share of the core other processes took.
    """
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return {"wall": walls, "cpu": cpus}


def _child_warm(paths: dict[str, list[str]], runs: int, data_dir: str) -> dict[str, Any]:
    import numpy as np

    from groovegraph.settings import Settings
    from groovegraph.tools.analysis import analyze_file, analyze_signal, configure_runtime
    from groovegraph.tools.decode import load_audio

    settings = Settings(data_dir=data_dir)
    configure_runtime(settings)  # as the CLI and every pool worker do (allocator, numba cache)
    out: dict[str, Any] = {"cpu": _pin_one_core(), "decode": {}, "analyze_file": {}}
    audio_s = sum(load_audio(p, sr=None).analysed_s for p in paths["wav"])

    def timed(fn: Any) -> dict[str, list[float]]:
        return _timed(fn, runs)

    for fmt in FORMATS:
        out["decode"][fmt] = timed(lambda fmt=fmt: [load_audio(p, sr=22050) for p in paths[fmt]])
        out["analyze_file"][fmt] = timed(
            lambda fmt=fmt: [analyze_file(p, settings=settings) for p in paths[fmt]]
        )
    # Short loops (what a sample library is mostly made of): per-file costs dominate.
    out["short_analyze_file"] = timed(
        lambda: [analyze_file(p, settings=settings) for p in paths["short"]]
    )
    out["short_audio_s"] = sum(load_audio(p, sr=None).analysed_s for p in paths["short"])
    decoded = [load_audio(p, sr=22050) for p in paths["wav"]]
    out["analysis"] = timed(lambda: [analyze_signal(y=d.y, sr=d.sr) for d in decoded])
    # Where the analysis time goes, for the notes.
    from groovegraph.tools.rhythm import analyze_rhythm
    from groovegraph.tools.tonality import estimate_key

    out["rhythm"] = timed(lambda: [analyze_rhythm(y=d.y, sr=d.sr) for d in decoded])
    out["key"] = timed(lambda: [estimate_key(y=d.y, sr=d.sr) for d in decoded])
    out["audio_s"] = audio_s
    out["samples_checked"] = int(sum(np.asarray(d.y).size for d in decoded))
    return out


def _child_peer_warm(paths: list[str], runs: int) -> dict[str, Any]:
    import librosa

    out: dict[str, Any] = {"cpu": _pin_one_core()}

    def timed(fn: Any) -> dict[str, list[float]]:
        return _timed(fn, runs)

    loaded = [librosa.load(p, sr=22050) for p in paths]
    out["decode"] = timed(lambda: [librosa.load(p, sr=22050) for p in paths])
    out["analysis"] = timed(
        lambda: [
            (librosa.beat.beat_track(y=y, sr=sr), librosa.feature.chroma_cqt(y=y, sr=sr))
            for y, sr in loaded
        ]
    )
    out["beat_track"] = timed(lambda: [librosa.beat.beat_track(y=y, sr=sr) for y, sr in loaded])
    out["chroma_cqt"] = timed(lambda: [librosa.feature.chroma_cqt(y=y, sr=sr) for y, sr in loaded])
    out["audio_s"] = sum(len(y) / sr for y, sr in loaded)
    return out


def _child_peer_batch(paths: list[str]) -> dict[str, Any]:
    """The textbook librosa pipeline over every file, in this (fresh) process."""
    t0 = time.perf_counter()
    _pin_one_core()
    import librosa

    audio_s = 0.0
    for p in paths:
        y, sr = librosa.load(p, sr=22050)
        librosa.beat.beat_track(y=y, sr=sr)
        librosa.feature.chroma_cqt(y=y, sr=sr)
        audio_s += len(y) / sr
    return {"in_process_s": time.perf_counter() - t0, "audio_s": audio_s}


def _child_cold(path: str, data_dir: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    _pin_one_core()
    from groovegraph.settings import Settings
    from groovegraph.tools.analysis import analyze_file, configure_runtime

    t_import = time.perf_counter()
    import groovegraph.state  # noqa: F401 - timed apart: it pulls in langgraph

    t_state = time.perf_counter()
    settings = Settings(data_dir=data_dir)
    configure_runtime(settings)
    analyze_file(path, settings=settings)
    t_first = time.perf_counter()
    analyze_file(path, settings=settings)
    t_second = time.perf_counter()
    return {
        "modules_without_bytecode": _modules_without_bytecode(),
        "import_s": t_import - t0,
        "state_import_s": t_state - t_import,
        "first_analysis_s": t_first - t_state,
        "second_analysis_s": t_second - t_first,
        "in_process_s": t_first - t0,
    }


def _modules_without_bytecode() -> int:
    """Loaded modules with a ``.py`` source but no cached bytecode (compiled at import)."""
    missing = 0
    for module in list(sys.modules.values()):
        spec = getattr(module, "__spec__", None)
        origin, cached = getattr(spec, "origin", None), getattr(spec, "cached", None)
        if origin and cached and origin.endswith(".py") and not os.path.exists(cached):
            missing += 1
    return missing


def _child_peer_cold(path: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    _pin_one_core()
    import librosa

    t_import = time.perf_counter()
    y, sr = librosa.load(path, sr=22050)
    librosa.beat.beat_track(y=y, sr=sr)
    librosa.feature.chroma_cqt(y=y, sr=sr)
    t_first = time.perf_counter()
    return {
        "import_s": t_import - t0,
        "first_analysis_s": t_first - t_import,
        "in_process_s": t_first - t0,
    }


# --- parent ------------------------------------------------------------------------------------


def _child_env(*, data_dir: Path | None = None, numba_cache: Path | None = None) -> dict[str, str]:
    """One-core environment for a child. Ours get the per-user data dir and no
    ``NUMBA_CACHE_DIR`` (configure_runtime then uses DATA_DIR/numba-cache, as for a user);
    the librosa peer, which knows nothing of our settings, gets ``NUMBA_CACHE_DIR``."""
    env = {**os.environ, **ONE_CORE_ENV}
    for name in ("GROOVEGRAPH_DATA_DIR", "NUMBA_CACHE_DIR"):
        env.pop(name, None)
    if data_dir is not None:
        env["GROOVEGRAPH_DATA_DIR"] = str(data_dir)
    if numba_cache is not None:
        env["NUMBA_CACHE_DIR"] = str(numba_cache)
    return env


def _run_child(
    args: list[str],
    *,
    data_dir: Path | None = None,
    numba_cache: Path | None = None,
    timeout: float = 900,
) -> tuple[dict[str, Any], float]:
    """Run ``python -m benchmarks.analysis_speed --child ...``; return its JSON and wall time."""
    env = _child_env(data_dir=data_dir, numba_cache=numba_cache)
    start, cpu = time.perf_counter(), _children_cpu_s()
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.analysis_speed", "--child", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{proc.stderr[-3000:]}")
    detail = json.loads(proc.stdout.strip().splitlines()[-1])
    detail["process_cpu_s"] = _children_cpu_s() - cpu
    return detail, wall


def _children_cpu_s() -> float:
    """User + system CPU seconds of every finished child so far (deltas time one child)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``), so that the CPU time
    of ``groovegraph analyze``'s pool (a fork server and its workers, which can outlive
    the CLI process by a moment) reaches ``RUSAGE_CHILDREN`` once :func:`_reap_orphans`
    has waited for them. Returns whether it took."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        return int(ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap_orphans(timeout: float = 60.0) -> None:
    """Wait for every adopted descendant to exit (their CPU time then counts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)


def _warm_up(data_dir: Path) -> dict[str, Any]:
    """``make warm-up`` for a user whose data dir is ``data_dir``: a fresh process running
    ``python -m groovegraph.tools.analysis``."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "groovegraph.tools.analysis"],
        capture_output=True,
        text=True,
        timeout=1800,
        env=_child_env(data_dir=data_dir),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"warm-up failed: {proc.stderr[-2000:]}")
    return {"wall_s": round(time.perf_counter() - start, 3), "output": proc.stdout.strip()}


def _cli_cold(
    path: str | list[str], *, data_dir: Path, workers: int | None = 1
) -> tuple[float, float]:
    """Wall and CPU seconds of ``groovegraph analyze --json [--workers N] PATH...``
    (``workers=None``: the default, ``settings.workers``). The CPU time is the whole
    process tree's: the CLI, and its fork server and pool workers (see
    :func:`_become_subreaper`)."""
    env = _child_env(data_dir=data_dir)
    start, cpu = time.perf_counter(), _children_cpu_s()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "groovegraph.cli",
            "analyze",
            "--json",
            *(["--workers", str(workers)] if workers is not None else []),
            *([path] if isinstance(path, str) else path),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - start
    _reap_orphans()
    if proc.returncode != 0:
        raise RuntimeError(f"groovegraph analyze failed: {proc.stderr[-2000:]}")
    return wall, _children_cpu_s() - cpu


def _per_minute(times: dict[str, list[float]], audio_s: float) -> dict[str, Any]:
    """Median wall time (the headline) and best run; the best shows the cost without
    interference from other processes on a shared machine, and the median CPU time what
    the work costs one core whatever the load."""
    walls, cpus = times["wall"], times["cpu"]
    seconds, best, cpu = statistics.median(walls), min(walls), statistics.median(cpus)
    return {
        "seconds": round(seconds, 5),
        "seconds_per_audio_minute": round(seconds / (audio_s / 60.0), 5),
        "x_real_time": round(audio_s / seconds, 1),
        "x_real_time_best_run": round(audio_s / best, 1),
        "cpu_seconds": round(cpu, 5),
        "x_real_time_cpu": round(audio_s / cpu, 1),
        "runs_s": [round(t, 5) for t in walls],
        "runs_cpu_s": [round(t, 5) for t in cpus],
    }


def _median_cold(kind: str, args: list[str], runs: int, env_for_run: Any) -> dict[str, Any]:
    """``runs`` fresh processes; ``env_for_run(i)`` gives the data_dir/numba_cache keywords."""
    walls, details = [], []
    for i in range(runs):
        detail, wall = _run_child([kind, *args], **env_for_run(i))
        walls.append(wall)
        details.append(detail)
    keys = details[0].keys()
    return {
        "runs": runs,
        "wall_s": round(statistics.median(walls), 3),
        "wall_s_all": [round(w, 3) for w in walls],
        **{k: round(statistics.median(d[k] for d in details), 3) for k in keys},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--runs", type=int, default=5, help="timed repetitions per warm measurement"
    )
    parser.add_argument(
        "--cold-runs", type=int, default=3, help="fresh processes per cold measurement"
    )
    parser.add_argument("--clip-s", type=float, default=30.0, help="length of each clip in seconds")
    parser.add_argument("--batch", type=int, default=60, help="clips in the end-to-end batch")
    parser.add_argument("--batch-clip-s", type=float, default=20.0)
    parser.add_argument(
        "--batch-runs", type=int, default=3, help="end-to-end batch pairs (ours, librosa)"
    )
    parser.add_argument(
        "--peer-empty-cache-runs",
        type=int,
        default=1,
        help="librosa cold starts with an empty numba cache (minutes each; 0 skips them)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, rest = args.child[0], args.child[1:]
        if kind == "warm":
            result = _child_warm(json.loads(rest[0]), int(rest[1]), rest[2])
        elif kind == "peer-warm":
            result = _child_peer_warm(json.loads(rest[0]), int(rest[1]))
        elif kind == "cold":
            result = _child_cold(rest[0], rest[1])
        elif kind == "peer-cold":
            result = _child_peer_cold(rest[0])
        elif kind == "peer-batch":
            result = _child_peer_batch(json.loads(Path(rest[0]).read_text()))
        else:
            raise SystemExit(f"unknown child {kind}")
        print(json.dumps(result))
        return 0

    from groovegraph.settings import Settings
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

    default_workers = Settings().workers
    subreaper = _become_subreaper()
    started = time.time()
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="gg-speed-") as tmp_name:
        tmp = Path(tmp_name)
        paths: dict[str, list[str]] = {fmt: [] for fmt in FORMATS}
        for i, (bpm, swing, key, pattern) in enumerate(CLIPS):
            spec = GrooveSpec(
                tempo_bpm=bpm, swing_percent=swing, key=key, pattern=pattern,
                duration_s=args.clip_s, sample_rate=44100, seed=i,
            )  # fmt: skip
            y, _ = synthesize_groove(spec)
            for fmt in FORMATS:
                paths[fmt].append(str(write_audio(tmp / f"clip{i}.{fmt}", y, 44100)))
        paths["short"] = []
        for i in range(SHORT_CLIPS):
            bpm, swing, key, pattern = CLIPS[i % len(CLIPS)]
            spec = GrooveSpec(
                tempo_bpm=bpm, swing_percent=swing, key=key, pattern=pattern,
                duration_s=SHORT_CLIP_S, sample_rate=44100, seed=100 + i,
            )  # fmt: skip
            y, _ = synthesize_groove(spec)
            paths["short"].append(str(write_audio(tmp / f"short{i}.wav", y, 44100)))

        # The user's data dir after `make run`'s set-up: `make warm-up` ran once in it.
        user_data = tmp / "user-data"
        user_numba = user_data / "numba-cache"
        print("set-up: make warm-up (python -m groovegraph.tools.analysis) …", file=sys.stderr)
        warm_up_run = _warm_up(user_data)
        print("warm: groovegraph …", file=sys.stderr)
        ours, _ = _run_child(
            ["warm", json.dumps(paths), str(args.runs), str(user_data)], data_dir=user_data
        )
        print("warm: librosa peer …", file=sys.stderr)
        # librosa's kernels compile into the same per-user cache (the peer's cold runs use it).
        peer, _ = _run_child(
            ["peer-warm", json.dumps(paths["wav"]), str(args.runs)], numba_cache=user_numba
        )

        one = paths["wav"][0]
        print("cold: groovegraph …", file=sys.stderr)
        cold_empty = _median_cold(
            "cold",
            [one, str(tmp / "fresh-user")],
            args.cold_runs,
            lambda i: {"data_dir": tmp / f"fresh-user-{i}"},
        )
        cold_warm = _median_cold(
            "cold", [one, str(user_data)], args.cold_runs, lambda i: {"data_dir": user_data}
        )
        cli_runs = [_cli_cold(one, data_dir=user_data) for _ in range(args.cold_runs)]
        cli_walls = [wall for wall, _ in cli_runs]
        print(f"batch: {args.batch} clips end to end, {args.batch_runs} pairs …", file=sys.stderr)
        batch_paths = []
        for i in range(args.batch):
            bpm, swing, key, pattern = CLIPS[i % len(CLIPS)]
            spec = GrooveSpec(
                tempo_bpm=bpm + (i % 7), swing_percent=swing, key=key, pattern=pattern,
                duration_s=args.batch_clip_s, sample_rate=44100, seed=500 + i,
            )  # fmt: skip
            y, _ = synthesize_groove(spec)
            batch_paths.append(str(write_audio(tmp / f"batch{i}.wav", y, 44100)))
        batch_audio_s = args.batch * args.batch_clip_s
        list_file = tmp / "batch.json"
        list_file.write_text(json.dumps(batch_paths))
        batch_walls, peer_batch_walls, batch_cpus, peer_batch_cpus = [], [], [], []
        pool_walls, pool_cpus, batch_loads = [], [], []
        for _ in range(args.batch_runs):
            batch_loads.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else None)
            wall, cpu = _cli_cold(batch_paths, data_dir=user_data)
            batch_walls.append(wall)
            batch_cpus.append(cpu)
            # What a user types: the default worker count (settings.workers).
            wall, cpu = _cli_cold(batch_paths, data_dir=user_data, workers=None)
            pool_walls.append(wall)
            pool_cpus.append(cpu)
            peer_detail, peer_wall = _run_child(
                ["peer-batch", str(list_file)], numba_cache=user_numba, timeout=3600
            )
            peer_batch_walls.append(peer_wall)
            peer_batch_cpus.append(peer_detail["process_cpu_s"])
        batch_wall = statistics.median(batch_walls)
        pool_wall = statistics.median(pool_walls)
        peer_batch_wall = statistics.median(peer_batch_walls)
        batch_speedup = statistics.median(
            p / o for p, o in zip(peer_batch_walls, batch_walls, strict=True)
        )
        pool_speedup = statistics.median(
            p / o for p, o in zip(peer_batch_walls, pool_walls, strict=True)
        )
        print("cold: librosa peer (empty numba cache: slow) …", file=sys.stderr)
        peer_cold_empty = (
            _median_cold(
                "peer-cold",
                [one],
                args.peer_empty_cache_runs,
                lambda i: {"numba_cache": tmp / f"numba-peer-empty-{i}"},
            )
            if args.peer_empty_cache_runs
            else None
        )
        peer_cold_warm = _median_cold(
            "peer-cold", [one], args.cold_runs, lambda i: {"numba_cache": user_numba}
        )

    audio_s = ours["audio_s"]
    warm_ours = {
        "analysis_only": _per_minute(ours["analysis"], audio_s),
        "rhythm_only": _per_minute(ours["rhythm"], audio_s),
        "key_only": _per_minute(ours["key"], audio_s),
        "decode": {fmt: _per_minute(ours["decode"][fmt], audio_s) for fmt in FORMATS},
        "analyze_file": {fmt: _per_minute(ours["analyze_file"][fmt], audio_s) for fmt in FORMATS},
        "analyze_file_short_wav_loops": {
            "clips": SHORT_CLIPS,
            "clip_s": SHORT_CLIP_S,
            **_per_minute(ours["short_analyze_file"], ours["short_audio_s"]),
            "files_per_s": round(
                SHORT_CLIPS / statistics.median(ours["short_analyze_file"]["wall"]), 1
            ),
        },
    }
    warm_peer = {
        "analysis_only": _per_minute(peer["analysis"], peer["audio_s"]),
        "beat_track_only": _per_minute(peer["beat_track"], peer["audio_s"]),
        "chroma_cqt_only": _per_minute(peer["chroma_cqt"], peer["audio_s"]),
        "decode_wav": _per_minute(peer["decode"], peer["audio_s"]),
        "total_wav": _per_minute(
            {
                k: [d + a for d, a in zip(peer["decode"][k], peer["analysis"][k], strict=True)]
                for k in ("wall", "cpu")
            },
            peer["audio_s"],
        ),
    }
    import numpy
    import soundfile

    report = {
        "benchmark": "analysis_speed",
        "command": "python -m benchmarks.analysis_speed "
        + f"--runs {args.runs} --cold-runs {args.cold_runs} --clip-s {args.clip_s:g} "
        + f"--batch {args.batch} --batch-clip-s {args.batch_clip_s:g} "
        + f"--batch-runs {args.batch_runs} --peer-empty-cache-runs {args.peer_empty_cache_runs}",
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_avg_before": load_before,
            "load_avg_after": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "numpy": numpy.__version__,
            "libsndfile": soundfile.__libsndfile_version__,
        },
        "audio": {
            "clips": len(CLIPS),
            "clip_s": args.clip_s,
            "total_s": round(audio_s, 3),
            "native_sr": 44100,
        },
        "set_up": {
            "what": "make warm-up (python -m groovegraph.tools.analysis) in a fresh per-user "
            "data dir before any timing, as make run does",
            **warm_up_run,
            "env_PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
        },
        "one_core": "single-threaded children (OMP/OPENBLAS/MKL/NUMBA threads = 1)",
        "pinned_cpu": os.environ.get("GG_BENCH_PIN") == "1",
        "cpu_time_includes_pool_workers": subreaper,
        "run_wall_s": round(time.time() - started, 1),
        "warm": {"groovegraph": warm_ours, "librosa_textbook": warm_peer, "runs": args.runs},
        "cold": {
            "groovegraph_empty_numba_cache": cold_empty,
            "groovegraph_warm_numba_cache": cold_warm,
            "groovegraph_cli_analyze_json_wall_s": round(statistics.median(cli_walls), 3),
            "groovegraph_cli_analyze_json_wall_s_all": [round(w, 3) for w in cli_walls],
            "groovegraph_cli_analyze_json_cpu_s": round(
                statistics.median(c for _, c in cli_runs), 3
            ),
            "librosa_textbook_empty_numba_cache": peer_cold_empty,
            "librosa_textbook_warm_numba_cache": peer_cold_warm,
        },
        "bars": {
            "warm_analysis_x_real_time_min": WARM_BAR_X,
            "warm_analysis_x_real_time": warm_ours["analysis_only"]["x_real_time"],
            "warm_analysis_ok": warm_ours["analysis_only"]["x_real_time"] >= WARM_BAR_X,
            "warm_analyze_file_wav_x_real_time": warm_ours["analyze_file"]["wav"]["x_real_time"],
            "warm_analyze_file_wav_ok": warm_ours["analyze_file"]["wav"]["x_real_time"]
            >= WARM_BAR_X,
            "cold_first_analysis_max_s": COLD_BAR_S,
            "cold_first_analysis_warm_cache_wall_s": cold_warm["wall_s"],
            "cold_ok": cold_warm["wall_s"] <= COLD_BAR_S,
            # What the same fresh process cost in CPU (user + system, the whole process):
            # the wall time on an otherwise idle core.
            "cold_first_analysis_warm_cache_cpu_s": cold_warm["process_cpu_s"],
            # groovegraph.state (the pydantic Analysis contract) timed apart.
            "cold_warm_cache_wall_s_without_state_import": round(
                cold_warm["wall_s"] - cold_warm["state_import_s"], 3
            ),
            "cold_cli_analyze_json_wall_s": round(statistics.median(cli_walls), 3),
            "cold_cli_ok": statistics.median(cli_walls) <= COLD_BAR_S,
            "batch_x_real_time_min": BATCH_BAR_X,
            "batch_x_real_time": round(batch_audio_s / batch_wall, 1),
            "batch_ok": batch_audio_s / batch_wall >= BATCH_BAR_X,
            "batch_speedup_vs_librosa_min": BATCH_SPEEDUP_BAR,
            "batch_speedup_vs_librosa": round(batch_speedup, 2),
            "batch_speedup_ok": batch_speedup >= BATCH_SPEEDUP_BAR,
            "batch_x_real_time_cpu": round(batch_audio_s / statistics.median(batch_cpus), 1),
            # The same batch as a user runs it: `groovegraph analyze --json FILES`, default
            # workers (settings.workers: min(4, CPUs)); the librosa peer stays one process.
            "batch_default_workers": default_workers,
            "batch_default_workers_x_real_time": round(batch_audio_s / pool_wall, 1),
            "batch_default_workers_ok": batch_audio_s / pool_wall >= BATCH_BAR_X,
            "batch_default_workers_speedup_vs_librosa": round(pool_speedup, 2),
            "batch_default_workers_speedup_ok": pool_speedup >= BATCH_SPEEDUP_BAR,
        },
        "batch": {
            "clips": args.batch,
            "clip_s": args.batch_clip_s,
            "audio_s": batch_audio_s,
            "what": "fresh single-core processes, start-up included: groovegraph analyze "
            "--json --workers 1 FILES vs the textbook librosa pipeline over the same files",
            "runs": args.batch_runs,
            "groovegraph_wall_s": round(batch_wall, 3),
            "groovegraph_wall_s_all": [round(w, 3) for w in batch_walls],
            "librosa_textbook_wall_s": round(peer_batch_wall, 3),
            "librosa_textbook_wall_s_all": [round(w, 3) for w in peer_batch_walls],
            "groovegraph_cpu_s": round(statistics.median(batch_cpus), 3),
            "librosa_textbook_cpu_s": round(statistics.median(peer_batch_cpus), 3),
            "x_real_time_cpu": round(batch_audio_s / statistics.median(batch_cpus), 1),
            "speedup_cpu": round(
                statistics.median(p / o for p, o in zip(peer_batch_cpus, batch_cpus, strict=True)),
                2,
            ),
            "speedup_per_pair": [
                round(p / o, 2) for p, o in zip(peer_batch_walls, batch_walls, strict=True)
            ],
            "load_avg_1min_per_run": batch_loads,
            "default_workers": {
                "what": "groovegraph analyze --json FILES with the default worker count "
                "(a fork server and its pool); CPU is the whole process tree's",
                "workers": default_workers,
                "wall_s": round(pool_wall, 3),
                "wall_s_all": [round(w, 3) for w in pool_walls],
                "cpu_s": round(statistics.median(pool_cpus), 3),
                "cpu_s_all": [round(c, 3) for c in pool_cpus],
                "x_real_time": round(batch_audio_s / pool_wall, 1),
                "speedup_per_run": [
                    round(p / o, 2) for p, o in zip(peer_batch_walls, pool_walls, strict=True)
                ],
            },
        },
        "speedup_vs_librosa_textbook": {
            # Ratios of × real time (medians), same clips, same pinned core, same run.
            "warm_analysis": round(
                warm_ours["analysis_only"]["x_real_time"]
                / warm_peer["analysis_only"]["x_real_time"],
                1,
            ),
            "warm_decode_plus_analysis_wav": round(
                warm_ours["analyze_file"]["wav"]["x_real_time"]
                / warm_peer["total_wav"]["x_real_time"],
                1,
            ),
            "cold_warm_cache": round(peer_cold_warm["wall_s"] / cold_warm["wall_s"], 1),
            "cold_empty_cache": round(peer_cold_empty["wall_s"] / cold_empty["wall_s"], 1)
            if peer_cold_empty
            else None,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["bars"], indent=2))
    print(json.dumps(report["speedup_vs_librosa_textbook"], indent=2))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
