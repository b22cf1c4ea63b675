"""First start in a fresh data dir: ``groovegraph serve`` to ``/readyz`` 200.

Each run empties a data dir, runs ``python -m groovegraph.tools.analysis`` in it (what
``make warm-up`` does), then starts ``groovegraph serve`` there (SQLite, no Redis, the
demo library built and indexed in the background) and polls ``/readyz`` every 0.25 s.
It records the wall time to 200, the CPU seconds of the server's process tree (the
server, the fork server and the analysis workers; sampled while it runs, so a worker
that ends between two samples loses at most its last 0.25 s), the load average, and the
seconds between the server's own log events (``server_started``,
``demo_library_ready``, ``analysis_warmed_up``). CPU seconds barely depend on the load;
the wall time does, so compare walls only at similar load.

``--fresh-clone REF`` (repeatable) measures the README's quickstart instead: each run
clones this repository at REF into an empty folder (no ``.venv``), empties a data dir
(so the numba cache in it is cold too; uv's download/wheel cache is whatever the user's
is, warm on a machine that installed the project once) and runs ``make run`` there,
polling ``/readyz``. It records the wall time to 200, the wall time of each make step
(``uv sync``, the warm-up analysis where the ref has one, ``groovegraph serve`` to 200,
from the time each step's command is echoed), the CPU seconds of everything ``make run`` started (its
reaped children, exact), the server's log events and the load average. With several
REFs the runs are interleaved (A B A B …) so each ref sees the same machine.

    python -m benchmarks.first_start --runs 3
    python -m benchmarks.first_start --fresh-clone main~1 --fresh-clone main --runs 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.common import machine_info

RESULTS = Path(__file__).with_name("results") / "first_start.json"
FRESH_CLONE_RESULTS = Path(__file__).with_name("results") / "first_start_fresh_clone.json"
REPO = Path(__file__).resolve().parents[1]
EVENTS = ("server_started", "demo_library_building", "demo_library_ready", "analysis_warmed_up")


def _log_events(lines: list[str]) -> dict[str, float]:
    """Epoch seconds of the first occurrence of each of :data:`EVENTS` in JSON log lines."""
    stamps: dict[str, float] = {}
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        if record.get("event") in EVENTS and record["event"] not in stamps:
            stamps[record["event"]] = datetime.fromisoformat(
                record["timestamp"].replace("Z", "+00:00")
            ).timestamp()
    return stamps


def _poll_ready(port: int, deadline: float, alive: Any) -> Any:
    """GET ``/readyz`` every 0.25 s until 200 (its JSON body), the deadline, or not alive()."""
    while time.time() < deadline and alive():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                if resp.status == 200:
                    return json.loads(resp.read())
        except OSError:
            pass
        time.sleep(0.25)
    return None


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fresh_clone_run(ref: str, workdir: Path, port: int, timeout_s: float) -> dict[str, Any]:
    """Clone REF into ``workdir/clone`` and time ``make run`` there to ``/readyz`` 200."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", ref], check=True, capture_output=True, text=True
    ).stdout.strip()
    clone = workdir / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", sha], check=True)
    drop = ("GROOVEGRAPH_", "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "NUMBA_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["GROOVEGRAPH_DATA_DIR"] = str(workdir / "data")
    env["GROOVEGRAPH_PORT"] = str(port)
    lines: list[tuple[float, str]] = []
    load_before = os.getloadavg()
    cpu_before = _children_cpu()
    start = time.time()
    make = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # one process group: make, uv, the server and its workers
    )

    def read() -> None:
        assert make.stdout is not None
        for line in make.stdout:
            lines.append((time.time(), line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        body = _poll_ready(port, start + timeout_s, lambda: make.poll() is None)
        ready_at = time.time() if body is not None else None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(make.pid, signal.SIGTERM)
        try:
            make.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
        reader.join(10)
    cpu_s = _children_cpu() - cpu_before

    def echoed(fragment: str) -> float | None:
        return next((t for t, line in lines if fragment in line and "uv" in line), None)

    warm_up_at = echoed("python -m groovegraph.tools.analysis")
    serve_at = echoed("groovegraph serve")
    # A ref whose `make run` has no separate warm-up step: set-up ends where serve starts,
    # and the warm-up step takes 0 s (the server warms up itself, inside serve_to_ready).
    setup_end = warm_up_at if warm_up_at is not None else serve_at
    steps: dict[str, float | None] = {
        "setup_s": None if setup_end is None else round(setup_end - start, 1),
        "warm_up_s": None
        if serve_at is None
        else 0.0
        if warm_up_at is None
        else round(serve_at - warm_up_at, 1),
        "serve_to_ready_s": None
        if serve_at is None or ready_at is None
        else round(ready_at - serve_at, 1),
    }
    stamps = _log_events([line for _, line in lines])
    since_start = (
        {k: round(v - stamps["server_started"], 1) for k, v in stamps.items()}
        if "server_started" in stamps
        else {}
    )
    uv_lines = [
        line.strip()
        for _, line in lines
        if line.lstrip().startswith(("Installed", "Bytecode", "Prepared"))
    ]
    run = {
        "ref": ref,
        "commit": sha[:12],
        "ready_wall_s": None if ready_at is None else round(ready_at - start, 1),
        "steps": steps,
        "cpu_s": round(cpu_s, 1),
        "uv": uv_lines,
        "events_s_after_server_started": since_start,
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "readyz": body,
    }
    if ready_at is None:
        run["output_tail"] = [line for _, line in lines[-30:]]
    shutil.rmtree(workdir, ignore_errors=True)
    return run


def fresh_clone_main(args: argparse.Namespace) -> None:
    load_before = os.getloadavg()
    runs: dict[str, list[dict[str, Any]]] = {ref: [] for ref in args.fresh_clone}
    with tempfile.TemporaryDirectory(prefix="gg-fresh-clone-") as tmp:
        for n in range(args.runs):
            for ref in args.fresh_clone:
                run = fresh_clone_run(ref, Path(tmp) / f"run{n}", args.port, args.timeout)
                print(json.dumps(run), flush=True)
                runs[ref].append(run)

    def median(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return statistics.median(known) if known else None

    summary = {
        ref: {
            "commit": rs[0]["commit"],
            "median_ready_wall_s": median([r["ready_wall_s"] for r in rs]),
            "median_cpu_s": median([r["cpu_s"] for r in rs]),
            "median_steps_s": {
                step: median([r["steps"][step] for r in rs]) for step in rs[0]["steps"]
            },
            "load_avg_1min_before_each_run": [r["load_avg_before"][0] for r in rs],
        }
        for ref, rs in runs.items()
    }
    result = {
        "command": "python -m benchmarks.first_start "
        + " ".join(f"--fresh-clone {ref}" for ref in args.fresh_clone)
        + f" --runs {args.runs}",
        "label": args.label,
        "summary": summary,
        "runs": runs,
        "machine": machine_info(load_before),
        "environment": {
            "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
            "uv_cache": "the user's (warm: wheels of every locked package already there)",
            "numba_cache": "cold (in the fresh data dir; NUMBA_CACHE_DIR unset)",
        },
    }
    out = args.out or FRESH_CLONE_RESULTS
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


def _tree_cpu(pid: int, seen: dict[int, float]) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return
    for proc in procs:
        try:
            t = proc.cpu_times()
        except psutil.Error:
            continue
        seen[proc.pid] = t.user + t.system + t.children_user + t.children_system


def one_run(data_dir: Path, port: int, timeout_s: float) -> dict[str, Any]:
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROOVEGRAPH_")}
    env["GROOVEGRAPH_DATA_DIR"] = str(data_dir)
    bindir = Path(sys.executable).parent
    start = time.time()
    subprocess.run(
        [sys.executable, "-m", "groovegraph.tools.analysis"],
        env=env,
        check=True,
        capture_output=True,
    )
    warm_up_s = time.time() - start
    load_before = os.getloadavg()
    log_path = data_dir.with_suffix(".log")
    cpu: dict[int, float] = {}
    ready_s: float | None = None
    body: Any = None
    with open(log_path, "w") as log:
        start = time.time()
        server = subprocess.Popen(
            [str(bindir / "groovegraph"), "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            while time.time() - start < timeout_s and server.poll() is None:
                _tree_cpu(server.pid, cpu)
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/readyz", timeout=2
                    ) as resp:
                        if resp.status == 200:
                            ready_s = time.time() - start
                            body = json.loads(resp.read())
                            break
                except OSError:
                    pass
                time.sleep(0.25)
        finally:
            server.terminate()
            server.wait(30)
    stamps = _log_events(log_path.read_text().splitlines())
    since_start = {k: round(v - stamps["server_started"], 1) for k, v in stamps.items()}
    return {
        "warm_up_wall_s": round(warm_up_s, 1),
        "ready_wall_s": None if ready_s is None else round(ready_s, 1),
        "tree_cpu_s": round(sum(cpu.values()), 1),
        "events_s_after_server_started": since_start,
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "readyz": body,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8187)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--label", default="")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--fresh-clone",
        action="append",
        metavar="REF",
        help="time `make run` in a fresh clone at this git ref (repeat to interleave refs)",
    )
    args = parser.parse_args()
    if args.fresh_clone:
        fresh_clone_main(args)
        return
    load_before = os.getloadavg()
    runs = []
    with tempfile.TemporaryDirectory(prefix="gg-first-start-") as tmp:
        for n in range(args.runs):
            run = one_run(Path(tmp) / f"data{n}", args.port, args.timeout)
            print(json.dumps(run), flush=True)
            runs.append(run)
    walls = [r["ready_wall_s"] for r in runs if r["ready_wall_s"] is not None]
    result = {
        "label": args.label,
        "runs": runs,
        "median_ready_wall_s": statistics.median(walls) if walls else None,
        "median_tree_cpu_s": statistics.median(r["tree_cpu_s"] for r in runs),
        "machine": machine_info(load_before),
    }
    out = args.out or RESULTS
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=1))


if __name__ == "__main__":
    main()
