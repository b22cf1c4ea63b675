"""Concurrent graph turns on Postgres: upstream ``AsyncPostgresSaver`` vs ``PooledAsyncPostgresSaver``.

Upstream serialises every checkpoint operation on one ``asyncio.Lock`` even on a pool
(langgraph issue #7259). This harness runs ``--concurrency`` offline turns at once (each
its own thread, a light compatibility question so the graph itself is cheap), on the same
psycopg pool, with the stock saver and with groovegraph's lock-free pooled saver, and
reports throughput and per-turn latency (median over rounds).

Usage: ``uv run --frozen python -m benchmarks.checkpointer_concurrency [--concurrency 32]
[--rounds 3] [--pg postgresql://postgres@127.0.0.1:5432/postgres]``; a scratch database
is created and dropped. Writes ``benchmarks/results/checkpointer_concurrency.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from groovegraph.graph import build_graph
from groovegraph.persistence.checkpointer import PooledAsyncPostgresSaver, checkpoint_serde
from groovegraph.settings import Settings
from groovegraph.tools.catalog import FrameSource, empty_frame

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "benchmarks" / "results" / "checkpointer_concurrency.json"
QUESTION = "Does A minor work with C major?"


async def _round(
    url: str, saver_cls: type[AsyncPostgresSaver], *, concurrency: int, pool_max: int
) -> dict[str, float]:
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="gg-bench-")))
    builder = build_graph(catalog=FrameSource(empty_frame()), settings=settings)
    pool = AsyncConnectionPool(
        conninfo=url,
        min_size=pool_max,
        max_size=pool_max,
        kwargs={"autocommit": True, "row_factory": dict_row, "prepare_threshold": 0},
        open=False,
    )
    await pool.open(wait=True)
    try:
        saver = saver_cls(pool, serde=checkpoint_serde())  # type: ignore[arg-type]
        await saver.setup()
        graph = builder.compile(checkpointer=saver)
        # one warm-up turn so imports and first-query planning are not timed
        await graph.ainvoke(
            {"messages": [HumanMessage(QUESTION)]},
            {"configurable": {"thread_id": f"w-{uuid.uuid4()}"}},
        )
        latencies: list[float] = []

        async def turn() -> None:
            start = time.perf_counter()
            out = await graph.ainvoke(
                {"messages": [HumanMessage(QUESTION)]},
                {"configurable": {"thread_id": str(uuid.uuid4())}},
            )
            assert out["reports"], "every turn must produce its report"
            latencies.append((time.perf_counter() - start) * 1000)

        start = time.perf_counter()
        await asyncio.gather(*(turn() for _ in range(concurrency)))
        wall = time.perf_counter() - start
    finally:
        await pool.close()
    arr = np.asarray(latencies)
    return {
        "turns_per_s": concurrency / wall,
        "wall_s": wall,
        "p50_ms": float(np.percentile(arr, 50)),
        "p95_ms": float(np.percentile(arr, 95)),
    }


async def _raw_round(
    url: str, saver_cls: type[AsyncPostgresSaver], *, concurrency: int, pool_max: int, ops: int
) -> dict[str, float]:
    """Checkpoint writes and reads only (no graph): exactly what the lock serialises."""
    from langgraph.checkpoint.base import empty_checkpoint

    pool = AsyncConnectionPool(
        conninfo=url,
        min_size=pool_max,
        max_size=pool_max,
        kwargs={"autocommit": True, "row_factory": dict_row, "prepare_threshold": 0},
        open=False,
    )
    await pool.open(wait=True)
    try:
        saver = saver_cls(pool, serde=checkpoint_serde())  # type: ignore[arg-type]
        await saver.setup()

        async def worker() -> None:
            config: Any = {"configurable": {"thread_id": str(uuid.uuid4()), "checkpoint_ns": ""}}
            for step in range(ops):
                cp = empty_checkpoint()
                cp["channel_values"] = {"messages": [f"message {step} " * 20]}
                cp["channel_versions"] = {"messages": step + 1}
                config = await saver.aput(
                    config, cp, {"source": "loop", "step": step}, {"messages": step + 1}
                )
                await saver.aget_tuple(config)

        await worker()  # warm-up
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - start
    finally:
        await pool.close()
    return {"ops_per_s": concurrency * ops * 2 / wall, "wall_s": wall}


def _median(rounds: list[dict[str, float]]) -> dict[str, Any]:
    return {
        **{k: round(statistics.median(r[k] for r in rounds), 3) for k in rounds[0]},
        "rounds": rounds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "GROOVEGRAPH_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pool", type=int, default=10, help="pool size (connections)")
    parser.add_argument(
        "--ops", type=int, default=20, help="checkpoint write+read pairs per worker"
    )
    parser.add_argument("--out", type=Path, default=RESULT)
    args = parser.parse_args()

    up, gg = AsyncPostgresSaver, PooledAsyncPostgresSaver
    name = f"gg_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = args.pg.rsplit("/", 1)[0] + f"/{name}"
    kw: dict[str, Any] = {"concurrency": args.concurrency, "pool_max": args.pool}
    runs: dict[str, dict[str, list[dict[str, float]]]] = {
        "saver_ops": {up.__name__: [], gg.__name__: []},
        "graph_turns": {up.__name__: [], gg.__name__: []},
    }
    try:
        # Discarded warm-ups (table setup, first-query planning, imports), then rounds
        # that alternate the savers so drift on a shared machine hits both alike.
        for cls in (up, gg):
            asyncio.run(_round(url, cls, **kw))
        for _ in range(args.rounds):
            for cls in (up, gg):
                runs["saver_ops"][cls.__name__].append(
                    asyncio.run(_raw_round(url, cls, ops=args.ops, **kw))
                )
                runs["graph_turns"][cls.__name__].append(asyncio.run(_round(url, cls, **kw)))
    finally:
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    result: dict[str, Any] = {
        "benchmark": "checkpointer_concurrency",
        "command": (
            "uv run --frozen python -m benchmarks.checkpointer_concurrency "
            f"--concurrency {args.concurrency} --rounds {args.rounds} --pool {args.pool} --ops {args.ops}"
        ),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "concurrency": args.concurrency,
        "pool_size": args.pool,
        "ops_per_worker": args.ops,
        **{part: {k: _median(v) for k, v in by.items()} for part, by in runs.items()},
    }
    result["speedup_saver_ops"] = round(
        result["saver_ops"][gg.__name__]["ops_per_s"]
        / result["saver_ops"][up.__name__]["ops_per_s"],
        2,
    )
    result["speedup_graph_turns"] = round(
        result["graph_turns"][gg.__name__]["turns_per_s"]
        / result["graph_turns"][up.__name__]["turns_per_s"],
        2,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for cls in (up, gg):
        r, g = result["saver_ops"][cls.__name__], result["graph_turns"][cls.__name__]
        print(
            f"{cls.__name__:26s} saver {r['ops_per_s']:7.0f} ops/s | graph {g['turns_per_s']:6.1f} turns/s, "
            f"p50 {g['p50_ms']:6.1f} ms, p95 {g['p95_ms']:6.1f} ms"
        )
    print(
        f"speed-up: saver ops {result['speedup_saver_ops']}x, graph turns "
        f"{result['speedup_graph_turns']}x -> {args.out}"
    )


if __name__ == "__main__":
    main()
