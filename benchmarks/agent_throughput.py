"""Offline agent turns through LangServe (``/agent/invoke``) next to ``langgraph dev``
serving the same graph, in the same run.

Both servers run on loopback with the offline model and an empty catalog in their own
temporary data dir. Each of ``--concurrency`` workers owns a thread and sends turns back
to back (the same message mix) for ``--turns`` turns in total:

* ours: ``groovegraph serve`` (1 uvicorn worker), ``POST /agent/invoke`` with
  ``config.configurable.thread_id``; checkpointer SQLite (the default) or Postgres.
* peer: ``langgraph dev --no-reload`` (in-memory runtime and checkpointer),
  ``POST /threads`` then ``POST /threads/{id}/runs/wait``.

Each configuration is measured ``--runs`` times, alternating which server goes first,
and the medians are compared.

    uv run --frozen python -m benchmarks.agent_throughput [--turns 300] [--concurrency 1 8] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from tests.integration.server_proc import ServerProcess, free_port

from benchmarks.common import drop_database, fresh_database

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "agent_throughput.json"
MESSAGES = (
    "find me 70s funk loops near 96 BPM",
    "what defined Philly soul drumming?",
    "hello",
    "find swung hip hop loops between 85 and 95 BPM in A minor",
    "will 8A and 9A mix?",
)

Turn = Callable[[httpx.AsyncClient, str, str], Awaitable[None]]


class LangGraphDev:
    """``langgraph dev --no-reload`` on a free port, with its own data dir."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir.parent / "langgraph-dev.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("GROOVEGRAPH_")}
        env.update(
            {
                "GROOVEGRAPH_DATA_DIR": str(data_dir),
                "LANGSMITH_TRACING": "false",
                "LANGGRAPH_CLI_NO_ANALYTICS": "1",
            }
        )
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> LangGraphDev:
        exe = shutil.which("langgraph", path=str(Path(sys.executable).parent)) or "langgraph"
        self.proc = subprocess.Popen(
            [
                exe,
                "dev",
                "--no-reload",
                "--no-browser",
                "--port",
                str(self.port),
                "--server-log-level",
                "WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"langgraph dev exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/ok", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"langgraph dev not ready:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


async def ours_thread(client: httpx.AsyncClient) -> str:
    return f"bench-{uuid.uuid4()}"  # LangServe clients pick their thread ids


async def ours_turn(client: httpx.AsyncClient, thread_id: str, message: str) -> None:
    r = await client.post(
        "/agent/invoke",
        json={
            "input": {"messages": [{"type": "human", "content": message}]},
            "config": {"configurable": {"thread_id": thread_id}},
        },
    )
    r.raise_for_status()
    if r.json()["output"]["messages"][-1]["type"] != "ai":
        raise RuntimeError("no answer")


async def peer_thread(client: httpx.AsyncClient) -> str:
    r = await client.post("/threads", json={})
    r.raise_for_status()
    return str(r.json()["thread_id"])


async def peer_turn(client: httpx.AsyncClient, thread_id: str, message: str) -> None:
    r = await client.post(
        f"/threads/{thread_id}/runs/wait",
        json={
            "assistant_id": "groovegraph",
            "input": {"messages": [{"role": "human", "content": message}]},
        },
    )
    r.raise_for_status()
    body = r.json()
    if body.get("messages", [{}])[-1].get("type") != "ai":
        raise RuntimeError(f"no answer: {str(body)[:200]}")


async def measure(
    url: str,
    new_thread: Callable[[httpx.AsyncClient], Awaitable[str]],
    turn: Turn,
    *,
    turns: int,
    concurrency: int,
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=concurrency + 4)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        threads = [await new_thread(client) for _ in range(concurrency)]
        # Warm-up: one turn per thread (imports, first checkpoint tables, caches).
        await asyncio.gather(*(turn(client, t, "hello") for t in threads))
        remaining = turns

        async def worker(i: int, thread_id: str) -> None:
            nonlocal remaining
            n = i
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                try:
                    await turn(client, thread_id, MESSAGES[n % len(MESSAGES)])
                    latencies.append(time.perf_counter() - started)
                except Exception as err:  # counted, reported
                    errors.append(f"{type(err).__name__}: {err}"[:200])
                n += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i, t) for i, t in enumerate(threads)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "turns": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:3],
        "turns_per_s": len(latencies) / elapsed,
        "latency_ms": {
            "p50": 1000 * ordered[len(ordered) // 2] if ordered else None,
            "p95": 1000 * ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
        },
    }


def run_ours(*, db: str, turns: int, concurrency: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="gg-tp-ours-"))
    env = {"GROOVEGRAPH_RATE_LIMIT_PER_MINUTE": "0"}
    db_name = None
    if db == "postgres":
        db_name, url = fresh_database()
        env["GROOVEGRAPH_DATABASE_URL"] = url
    server = ServerProcess(data_dir=tmp / "data", env=env)
    try:
        server.start()
        result = asyncio.run(
            measure(server.url, ours_thread, ours_turn, turns=turns, concurrency=concurrency)
        )
        if result["errors"]:
            print(server.log()[-4000:], file=sys.stderr)
        return result
    finally:
        server.stop()
        if db_name:
            drop_database(db_name)
        shutil.rmtree(tmp, ignore_errors=True)


def run_peer(*, turns: int, concurrency: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="gg-tp-peer-"))
    peer = LangGraphDev(tmp / "data")
    try:
        peer.start()
        return asyncio.run(
            measure(peer.url, peer_thread, peer_turn, turns=turns, concurrency=concurrency)
        )
    finally:
        peer.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], nargs="+", default=["sqlite", "postgres"]
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    table: list[dict[str, Any]] = []
    for conc in args.concurrency:
        # langgraph dev's in-memory queue picks up a run about once a second when idle,
        # so sequential turns there take ~1 s each: fewer turns keep c=1 short.
        turns = args.turns if conc > 1 else max(20, args.turns // 5)
        samples: dict[str, list[dict[str, Any]]] = {f"ours_{db}": [] for db in args.db}
        samples["langgraph_dev"] = []
        for i in range(args.runs):
            order = ["peer", *args.db] if i % 2 else [*args.db, "peer"]
            for who in order:
                if who == "peer":
                    res = run_peer(turns=turns, concurrency=conc)
                    samples["langgraph_dev"].append(res)
                else:
                    res = run_ours(db=who, turns=turns, concurrency=conc)
                    samples[f"ours_{who}"].append(res)
                print(f"c={conc} run {i + 1} {who}: {json.dumps(res)}", flush=True)
        row: dict[str, Any] = {"concurrency": conc, "turns": turns}
        for name, results in samples.items():
            row[name] = {
                "turns_per_s": statistics.median(r["turns_per_s"] for r in results),
                "latency_p50_ms": statistics.median(r["latency_ms"]["p50"] for r in results),
                "errors": sum(r["errors"] for r in results),
                "runs": results,
            }
        peer_tps = row["langgraph_dev"]["turns_per_s"]
        row["ratio_vs_langgraph_dev"] = {
            name: row[name]["turns_per_s"] / peer_tps for name in samples if name != "langgraph_dev"
        }
        table.append(row)
        print(
            json.dumps({k: v for k, v in row.items() if k != "runs"}, default=str)[:800], flush=True
        )

    summary = {
        "benchmark": "agent_throughput",
        "command": "python -m benchmarks.agent_throughput "
        f"--turns {args.turns} --concurrency {' '.join(map(str, args.concurrency))} --runs {args.runs} "
        f"--db {' '.join(args.db)}",
        "setup": {
            "ours": "groovegraph serve, 1 uvicorn worker, POST /agent/invoke (LangServe), offline model",
            "peer": "langgraph dev --no-reload (in-memory runtime), POST /threads/{id}/runs/wait, same graph",
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "results": table,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    for row in table:
        print(
            f"concurrency {row['concurrency']}: ratio vs langgraph dev {row['ratio_vs_langgraph_dev']}"
        )


if __name__ == "__main__":
    main()
