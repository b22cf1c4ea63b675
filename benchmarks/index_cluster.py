"""Indexing on a Dask cluster against the local process pool, in the same run.

``python -m benchmarks.index_cluster [--clips 200] [--clip-s 10] [--runs 1] [--out PATH]``

Each configuration indexes the same ``--clips`` WAV files into an empty SQLite catalog
through the same :func:`~groovegraph.persistence.indexer.index_directory` (walk, tags,
SHA-256, analysis, batched commits), timed by the indexer's own clock:

* **local pool** — :class:`~groovegraph.tools.analysis.LocalAnalyzer` with as many
  processes as the cluster has workers (2), pool start-up included (every run pays it);
* **cluster, 1 worker** and **cluster, 2 workers** — a real ``dask scheduler`` and
  ``dask worker --nthreads 1 --preload groovegraph.tools.cluster`` processes on loopback
  (:class:`tests.integration.dask_proc.DaskProcesses`), started before the clock (a cluster
  is long-lived); the client connection is made inside the clock.

**Per-file scheduling overhead**, two ways: in wall time from Dask's task stream, every
worker thread's time during the analysis phase not spent computing a file, divided by the
files, ``(threads x analysis wall - sum of compute) / files`` (round trips, result transfer,
the tail where one worker has finished and the other not; on a loaded machine also waiting
for a core); and in CPU, what the scheduler process and the client spend per file beyond
the local pool's client (the scheduler's idle ticking, measured for a few seconds before
each run, is subtracted).

The **projection** for 500,000 files on 64 cores is conservative: the client hashes every
new file before analysis starts (one machine, serial), then the files go at the slower of
64 workers (worker CPU per file plus the wall overhead) and the scheduler (its CPU per
file). The CPU overhead also gives the share of the local pool's rate the cluster keeps
on the same cores when nothing else runs on them (``cpu_bound_pass``); the measured
clips/s (``measured_pass``) depend on the machine's other load.
``--resummarise`` recomputes the summary from a stored result's raw runs.

Distinct files are made as ``benchmarks.index_throughput`` makes them (a few grooves, each
copy at its own gain). Bar: the 2-worker cluster keeps >= 85 % of the local pool's clips/s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.integration.dask_proc import DaskProcesses

from benchmarks.common import machine_info
from benchmarks.index_throughput import write_library

RESULTS = Path(__file__).resolve().parent / "results" / "index_cluster.json"
BAR_FRACTION_OF_LOCAL = 0.85
PROJECT_FILES = 500_000
PROJECT_CORES = 64


def _cpu_s(pids: list[int]) -> float:
    """CPU seconds of these processes and all their descendants: a Dask worker analyses
    in child processes of its own (a per-file timeout kills a child, not the worker), and
    the children it has reaped are counted in its (or its fork server's) children times."""
    import psutil

    total = 0.0
    for pid in pids:
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            try:
                t = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system + t.children_user + t.children_system
    return total


def _self_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def _index_local(lib: Path, data_dir: Path, workers: int) -> dict[str, Any]:
    from groovegraph.persistence.catalog_store import CatalogStore
    from groovegraph.settings import Settings
    from groovegraph.tools.analysis import LocalAnalyzer

    settings = Settings(data_dir=data_dir)
    settings.ensure_dirs()
    client_before = _self_cpu_s()
    with CatalogStore.open(settings) as store:
        summary = store.index_directory(
            lib, settings=settings, analyzer=LocalAnalyzer(settings=settings, workers=workers)
        )
    n = summary.added + summary.failed
    return {
        "index_s": summary.seconds,
        "added": summary.added,
        "failed": summary.failed,
        "client_cpu_ms_per_file": round((_self_cpu_s() - client_before) / n * 1000.0, 2),
    }


def _index_cluster(lib: Path, data_dir: Path, dask: DaskProcesses) -> dict[str, Any]:
    from distributed import Client, get_task_stream

    from groovegraph.persistence.catalog_store import CatalogStore
    from groovegraph.settings import Settings
    from groovegraph.tools.cluster import ClusterAnalyzer

    settings = Settings(data_dir=data_dir)
    settings.ensure_dirs()
    address = dask.address
    assert dask.scheduler is not None
    workers = [w.pid for w in dask.workers if w.poll() is None]
    idle_s = 5.0
    idle_before = _cpu_s([dask.scheduler.pid])
    time.sleep(idle_s)
    scheduler_idle_rate = (_cpu_s([dask.scheduler.pid]) - idle_before) / idle_s
    t0 = time.perf_counter()
    cpu_before = (_cpu_s([dask.scheduler.pid]), _cpu_s(workers), _self_cpu_s())
    with (
        Client(address, timeout=30) as observer,
        get_task_stream(observer) as stream,
        ClusterAnalyzer(address, settings=settings) as analyzer,
        CatalogStore.open(settings) as store,
    ):
        threads = analyzer.threads()
        summary = store.index_directory(lib, settings=settings, analyzer=analyzer)
    cpu_after = (_cpu_s([dask.scheduler.pid]), _cpu_s(workers), _self_cpu_s())
    elapsed = time.perf_counter() - t0
    scheduler_cpu, worker_cpu, client_cpu = (
        after - before for before, after in zip(cpu_before, cpu_after, strict=True)
    )
    scheduler_busy = max(0.0, scheduler_cpu - scheduler_idle_rate * elapsed)
    spans = [
        (ss["start"], ss["stop"])
        for rec in stream.data
        if str(rec.get("key", "")).startswith("groovegraph-analyze")
        for ss in rec["startstops"]
        if ss["action"] == "compute"
    ]
    n = summary.added + summary.failed
    compute_total = sum(stop - start for start, stop in spans)
    per_file_compute = compute_total / len(spans) if spans else float("nan")
    # the analysis phase as the workers saw it: first file started to last file finished
    analysis_wall = max(s for _, s in spans) - min(s for s, _ in spans) if spans else 0.0
    overhead_ms = (threads * analysis_wall - compute_total) / n * 1000.0 if n else float("nan")
    return {
        "index_s": summary.seconds,
        "added": summary.added,
        "failed": summary.failed,
        "threads": threads,
        "tasks_recorded": len(spans),
        "compute_s_per_file": round(per_file_compute, 4),
        "analysis_wall_s": round(analysis_wall, 3),
        "overhead_ms_per_file": round(overhead_ms, 2),
        # CPU spent per file by each party (the client includes walking, hashing, commits)
        "scheduler_cpu_ms_per_file": round(scheduler_busy / n * 1000.0, 2) if n else None,
        "scheduler_idle_cpu_percent": round(scheduler_idle_rate * 100.0, 2),
        "worker_cpu_s_per_file": round(worker_cpu / n, 4) if n else None,
        "client_cpu_ms_per_file": round(client_cpu / n * 1000.0, 2) if n else None,
    }


def summarise(
    runs: dict[str, list[dict[str, Any]]], *, clips: int, clip_s: float
) -> dict[str, Any]:
    """Medians per configuration, the CPU overhead, the projection and the bar, from the
    raw ``runs`` (``python -m benchmarks.index_cluster --resummarise`` redoes this on a
    stored result)."""

    def median(name: str, field: str) -> float:
        return float(statistics.median(r[field] for r in runs[name]))

    table: dict[str, dict[str, Any]] = {}
    for name in runs:
        index_s = median(name, "index_s")
        table[name] = {
            "index_s_median": round(index_s, 3),
            "clips_per_s": round(clips / index_s, 2),
        }
    local_rate = table["local_pool_2"]["clips_per_s"]
    table["local_pool_2"]["client_cpu_ms_per_file_median"] = median(
        "local_pool_2", "client_cpu_ms_per_file"
    )
    for name in ("cluster_1", "cluster_2"):
        table[name]["fraction_of_local_pool"] = round(table[name]["clips_per_s"] / local_rate, 3)
        for field in (
            "overhead_ms_per_file",
            "compute_s_per_file",
            "worker_cpu_s_per_file",
            "scheduler_cpu_ms_per_file",
            "client_cpu_ms_per_file",
        ):
            table[name][f"{field}_median"] = median(name, field)
    two = table["cluster_2"]
    worker_cpu_s = two["worker_cpu_s_per_file_median"]
    overhead_s = two["overhead_ms_per_file_median"] / 1000.0
    # What the cluster costs in CPU beyond the local pool, per file: the scheduler, and the
    # client's extra (its Dask connection) over the local pool's client. On a machine whose
    # cores do nothing else, the cluster on the same cores keeps this share of the pool's rate.
    extra_cpu_s = (
        two["scheduler_cpu_ms_per_file_median"]
        + two["client_cpu_ms_per_file_median"]
        - table["local_pool_2"]["client_cpu_ms_per_file_median"]
    ) / 1000.0
    cpu_bound_fraction = worker_cpu_s / (worker_cpu_s + extra_cpu_s)
    rates = {
        "workers_files_per_s": PROJECT_CORES / (worker_cpu_s + overhead_s),
        "scheduler_files_per_s": 1000.0 / max(two["scheduler_cpu_ms_per_file_median"], 1e-3),
        "client_files_per_s": 1000.0 / two["client_cpu_ms_per_file_median"],
    }
    # Conservative: the indexer hashes every new file on the client before analysis starts
    # (serial), then the analysis runs at the slower of the workers and the scheduler.
    analysis_bound = min(("workers_files_per_s", "scheduler_files_per_s"), key=lambda k: rates[k])
    projected_s = (
        PROJECT_FILES / rates["client_files_per_s"] + PROJECT_FILES / rates[analysis_bound]
    )
    return {
        "results": table,
        "cpu_overhead": {
            "extra_cpu_ms_per_file": round(extra_cpu_s * 1000.0, 2),
            "analysis_cpu_ms_per_file": round(worker_cpu_s * 1000.0, 2),
            "cluster_fraction_of_local_pool_cpu_bound": round(cpu_bound_fraction, 3),
        },
        "projection": {
            "files": PROJECT_FILES,
            "cores": PROJECT_CORES,
            "worker_cpu_s_per_file": worker_cpu_s,
            "overhead_s_per_file": overhead_s,
            "rates": {k: round(v, 1) for k, v in rates.items()},
            "analysis_bound_by": analysis_bound,
            "hours": round(projected_s / 3600.0, 2),
            "model": "files x client CPU per file (hashing first, serial) + files / min(workers, scheduler) rate",
            "hours_if_workers_were_the_limit": round(
                PROJECT_FILES / rates["workers_files_per_s"] / 3600.0, 2
            ),
            "assumes": (
                "64 one-thread workers on cores as fast as this machine's, the library on a "
                "shared mount that keeps up, one scheduler and one indexing client as fast "
                f"as here; per-file costs measured on {clip_s:g} s clips"
            ),
        },
        "bars": {
            "cluster_2_fraction_of_local_pool_min": BAR_FRACTION_OF_LOCAL,
            "measured_pass": two["fraction_of_local_pool"] >= BAR_FRACTION_OF_LOCAL,
            "cpu_bound_pass": cpu_bound_fraction >= BAR_FRACTION_OF_LOCAL,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=200)
    parser.add_argument("--clip-s", type=float, default=10.0)
    parser.add_argument(
        "--runs", type=int, default=1, help="repetitions of the three configurations"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--resummarise",
        action="store_true",
        help="recompute the summary of the result in --out from its raw runs, measure nothing",
    )
    args = parser.parse_args(argv)
    if args.resummarise:
        stored = json.loads(args.out.read_text(encoding="utf-8"))
        stored.update(summarise(stored["runs"], clips=stored["clips"], clip_s=stored["clip_s"]))
        args.out.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
        print(
            json.dumps(
                {k: stored[k] for k in ("results", "cpu_overhead", "projection", "bars")}, indent=1
            )
        )
        return 0

    from groovegraph.settings import Settings
    from groovegraph.tools.analysis import configure_runtime

    load_before = os.getloadavg()
    runs: dict[str, list[dict[str, Any]]] = {"local_pool_2": [], "cluster_1": [], "cluster_2": []}
    with tempfile.TemporaryDirectory(prefix="gg-bench-cluster-") as tmp_s:
        tmp = Path(tmp_s)
        configure_runtime(Settings(data_dir=tmp / "client"))
        lib = tmp / "clips"
        write_library(lib, n=args.clips, clip_s=args.clip_s, sr=44100)
        with DaskProcesses(tmp / "dask") as dask:
            dask.start(workers=1)
            for r in range(args.runs):
                # interleaved, so that a change in machine load hits every configuration
                runs["local_pool_2"].append(_index_local(lib, tmp / f"local-{r}", 2))
                dask.ensure_workers(1)
                runs["cluster_1"].append(_index_cluster(lib, tmp / f"c1-{r}", dask))
                dask.ensure_workers(2)
                runs["cluster_2"].append(_index_cluster(lib, tmp / f"c2-{r}", dask))
                dask.workers[1].kill()  # back to one worker for the next round
                dask.workers[1].wait(10)
    for name, rs in runs.items():
        for res in rs:
            assert (res["added"], res["failed"]) == (args.clips, 0), (name, res)

    result = {
        "benchmark": "index_cluster",
        "command": "python -m benchmarks.index_cluster "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_info(load_before),
        "clips": args.clips,
        "clip_s": args.clip_s,
        **summarise(runs, clips=args.clips, clip_s=args.clip_s),
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {k: result[k] for k in ("results", "cpu_overhead", "projection", "bars")}, indent=1
        )
    )
    return 0 if result["bars"]["measured_pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
