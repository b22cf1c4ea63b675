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

    python -m benchmarks.first_start --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.common import machine_info

RESULTS = Path(__file__).with_name("results") / "first_start.json"
EVENTS = ("server_started", "demo_library_building", "demo_library_ready", "analysis_warmed_up")


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
    stamps: dict[str, float] = {}
    for line in log_path.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("event") in EVENTS and record["event"] not in stamps:
            stamps[record["event"]] = datetime.fromisoformat(
                record["timestamp"].replace("Z", "+00:00")
            ).timestamp()
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
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
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
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=1))


if __name__ == "__main__":
    main()
