"""CPU seconds of one offline chat turn, in process: the graph as the server builds it.

The graph is compiled by ``server.wiring.compile_graph`` with the configured Postgres
checkpointer (a fresh database), the catalog store and the coordination helpers, and
each turn runs through ``server.streaming.run_events`` — the ``/v1`` chat path without
HTTP. The five ``sse_load`` messages go in turn on one thread: a warm-up round, then
``--rounds`` measured rounds. Reported: CPU seconds of this process per turn (load-
independent, unlike the wall time, also reported), median over ``--repeats``.

``--no-embedding-cache`` sets the encoder's cache to zero texts, so every message pays
its MiniLM inference, as a message never seen before does (the benchmark's messages
repeat: with the cache, each is embedded once).

    uv run --frozen python -m benchmarks.turn_cpu [--rounds 20] [--repeats 3] [--no-embedding-cache]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.common import drop_database, fresh_database, machine_info
from benchmarks.sse_load import MESSAGES


async def _measure(rounds: int) -> dict[str, float]:
    from langchain_core.messages import HumanMessage

    from groovegraph.persistence.coordination import open_coordination
    from groovegraph.server import wiring
    from groovegraph.server.streaming import run_events
    from groovegraph.settings import Settings

    settings = Settings()
    settings.ensure_dirs()
    async with (
        open_coordination(settings) as coordination,
        wiring.open_checkpointer(settings) as checkpointer,
    ):
        catalog = wiring.open_catalog(settings)
        try:
            graph = wiring.compile_graph(
                settings=settings,
                catalog=catalog,
                checkpointer=checkpointer,
                cache=coordination.cache,
            )
            thread_id = str(uuid.uuid4())

            async def turn(message: str) -> None:
                config: Any = {
                    "configurable": {"thread_id": thread_id, "owner": settings.local_owner},
                    "run_id": uuid.uuid4(),
                }
                graph_input = {"messages": [HumanMessage(content=message)]}
                async for event in run_events(graph, graph_input, config, thread_id=thread_id):
                    if event["event"] == "error":
                        raise RuntimeError(event["data"])

            for message in MESSAGES:  # warm-up: models loaded, caches filled
                await turn(message)
            turns = rounds * len(MESSAGES)
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for i in range(turns):
                await turn(MESSAGES[i % len(MESSAGES)])
            return {
                "cpu_ms_per_turn": 1000 * (time.process_time() - cpu0) / turns,
                "wall_ms_per_turn": 1000 * (time.perf_counter() - wall0) / turns,
                "turns": turns,
            }
        finally:
            wiring.close_catalog(catalog)


def one_repeat(rounds: int) -> dict[str, float]:
    db_name, db_url = fresh_database()
    with tempfile.TemporaryDirectory(prefix="gg-turn-cpu-") as tmp:
        os.environ["GROOVEGRAPH_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["GROOVEGRAPH_DATABASE_URL"] = db_url
        os.environ["GROOVEGRAPH_LOG_LEVEL"] = "WARNING"
        try:
            return asyncio.run(_measure(rounds))
        finally:
            drop_database(db_name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="measured rounds of 5 messages")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-embedding-cache", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON here too")
    args = parser.parse_args()
    if args.no_embedding_cache:
        from groovegraph.graph.understanding import encoder

        encoder.CACHE_SIZE = 0
    load = os.getloadavg()
    runs = [one_repeat(args.rounds) for _ in range(args.repeats)]
    result = {
        "benchmark": "turn_cpu",
        "command": f"python -m benchmarks.turn_cpu --rounds {args.rounds} --repeats {args.repeats}"
        + (" --no-embedding-cache" if args.no_embedding_cache else ""),
        "cpu_ms_per_turn": statistics.median(r["cpu_ms_per_turn"] for r in runs),
        "wall_ms_per_turn": statistics.median(r["wall_ms_per_turn"] for r in runs),
        "runs": runs,
        "machine": machine_info(load),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
