"""Offline turn latency of the supervisor graph (no audio analysis), and routing accuracy.

Runs every request of ``evals/datasets/routing.jsonl`` that needs no audio (no sample
reference) as a fresh one-turn thread against a synthetic catalog, in several rounds, and
reports the median over rounds of the per-round p50/p90. Every turn includes the offline
understanding: one MiniLM embedding (int8 ONNX, onnxruntime, one thread) per message, more
for multi-clause messages; the encoder is loaded before timing starts.

* ``graph_sync_inmemory`` — ``graph.invoke`` with ``InMemorySaver`` (evals, CLI);
* ``graph_async_sqlite`` — ``graph.ainvoke`` with the embedded-default ``AsyncSqliteSaver``,
  a checkpoint per step; ``graph_async_sqlite_durability_exit`` — the same, checkpointing
  once per turn (``durability="exit"``, what the server uses);
* ``graph_async_postgres_durability_exit`` / ``_async`` — the same on the production
  checkpointer (``PooledAsyncPostgresSaver`` on a fresh database, retention on): one
  checkpoint per turn as ``/v1`` chat and LangServe write it, or one per step as Agent
  Protocol runs do (``durability="async"``, the LangGraph Server default);
* ``direct_pipeline`` — the peer: the same parse → route → tool functions → answer called
  directly, without LangGraph, to show what the graph machinery costs per turn.

Usage: ``uv run --frozen python -m benchmarks.graph_latency [--rounds 5] [--rows 5000]``;
writes ``benchmarks/results/graph_latency.json``. The bar is p50 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from benchmarks.common import drop_database, fresh_database, machine_info
from groovegraph.graph import build_graph
from groovegraph.graph.knowledge import lookup_facts
from groovegraph.graph.offline import compose_answer, plan_tool_calls
from groovegraph.graph.parser import parse_request
from groovegraph.graph.understanding import Conversation, get_offline
from groovegraph.persistence.checkpointer import open_checkpointer
from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools import catalog as cat
from groovegraph.tools import harmony
from groovegraph.tools.keys import camelot

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "evals" / "datasets" / "routing.jsonl"
RESULT = ROOT / "benchmarks" / "results" / "graph_latency.json"
BAR_P50_MS = 50.0

GENRES = (
    "funk",
    "soul",
    "hip hop",
    "boom bap",
    "house",
    "disco",
    "jazz",
    "reggae",
    "drum and bass",
    "techno",
)
ERAS = ("60s", "70s", "80s", "90s", "00s", "10s")
KEYS = ("A minor", "C major", "F# minor", "D minor", "G major", "Eb minor", "Bb major", "E minor")


def synthetic_catalog(rows: int, seed: int = 0) -> pd.DataFrame:
    """A catalog frame shaped like an indexed library (tags + scalar analysis fields)."""
    rng = np.random.default_rng(seed)
    keys = rng.choice(KEYS, rows)
    return pd.DataFrame(
        {
            "id": [f"{i:012x}" for i in range(rows)],
            "path": [f"/library/{i // 100:03d}/{i:05d}.wav" for i in range(rows)],
            "sha256": [f"{i:064x}" for i in range(rows)],
            "genre": rng.choice(GENRES, rows),
            "era": rng.choice(ERAS, rows),
            "tempo_bpm": rng.uniform(70, 180, rows).round(2),
            "tempo_confidence": rng.uniform(0.5, 1, rows),
            "swing_percent": rng.uniform(50, 68, rows).round(2),
            "swing_ratio": 1.2,
            "timing_deviation_ms": rng.uniform(2, 20, rows),
            "backbeat_lag_ms": rng.uniform(-10, 25, rows),
            "key": keys,
            "camelot": [camelot(k) for k in keys],
            "key_confidence": rng.uniform(0.4, 1, rows),
            "duration_s": rng.uniform(2, 30, rows),
            "sample_rate": 44100,
            "rms_db": -14.0,
            "onset_rate_hz": 6.0,
        }
    )


def requests() -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DATASET.read_text().splitlines() if line.strip()]
    return rows


def routing_accuracy(rows: list[dict[str, Any]]) -> dict[str, Any]:
    # The offline understanding trained on this set among others: a regression check.
    wrong = []
    for r in rows:
        got = sorted(
            get_offline()
            .understand(r["input"], attached=r.get("samples", []), conversation=Conversation())
            .specialists
        )
        if got != r["specialists"]:
            wrong.append({"id": r["id"], "want": r["specialists"], "got": got})
    return {
        "n": len(rows),
        "correct": len(rows) - len(wrong),
        "accuracy": round(1 - len(wrong) / len(rows), 4),
        "wrong": wrong,
    }


def _summary(samples_ms: list[float]) -> dict[str, float]:
    arr = np.asarray(samples_ms)
    return {
        "p50_ms": float(np.percentile(arr, 50)),
        "p90_ms": float(np.percentile(arr, 90)),
        "mean_ms": float(arr.mean()),
    }


def _median_of_rounds(rounds: list[dict[str, float]]) -> dict[str, Any]:
    keys = rounds[0].keys()
    return {
        **{k: round(statistics.median(r[k] for r in rounds), 3) for k in keys},
        "rounds": rounds,
    }


def direct_turn(text: str, frame: pd.DataFrame, settings: Settings) -> str:
    """The peer: understand (embedding + classifier + rules) and call the same tool
    functions without the graph."""
    req = get_offline().understand(text, attached=[], conversation=Conversation())
    sections: dict[str, str] = {}
    for spec in req.specialists:
        for call in plan_tool_calls(spec, req, samples=[], result_count=settings.result_count):
            args = call["args"]
            if call["name"] == "search_catalog":
                q = {k: v for k, v in args.items() if k not in {"like_sample", "exclude"}}
                sections[spec] = str(cat.search(frame, CatalogQuery(**q)))
            elif call["name"] == "catalog_stats":
                sections[spec] = cat.stats_by(
                    frame, args["by"], era=args.get("era"), genre=args.get("genre")
                ).to_string()
            elif call["name"] == "era_facts":
                sections[spec] = str(
                    lookup_facts(eras=args["eras"], genres=args["genres"], text=args["text"])
                )
            elif call["name"] == "check_compatibility":
                a, b = args["a"], args.get("b") or {}
                try:
                    sections[spec] = str(
                        harmony.compatibility(
                            key_a=a.get("key"),
                            key_b=b.get("key"),
                            bpm_a=a.get("bpm"),
                            bpm_b=b.get("bpm"),
                        )
                    )
                except Exception as err:
                    sections[spec] = str(err)
    return compose_answer(req, sections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=5000, help="catalog size")
    parser.add_argument("--out", type=Path, default=RESULT)
    args = parser.parse_args()

    rows = requests()
    texts = [
        r["input"] for r in rows if not r.get("samples") and not parse_request(r["input"]).samples
    ]
    frame = synthetic_catalog(args.rows)
    source = cat.FrameSource(frame)
    tmp = Path(tempfile.mkdtemp(prefix="gg-bench-"))
    settings = Settings(data_dir=tmp)
    builder = build_graph(catalog=source, settings=settings)

    # Warm-up: imports, pandas categoricals, first compile paths.
    warm = builder.compile(checkpointer=InMemorySaver())
    for t in texts[:5]:
        warm.invoke({"messages": [HumanMessage(t)]}, {"configurable": {"thread_id": f"warm-{t}"}})
        direct_turn(t, source.frame(None), settings)

    sync_rounds, async_rounds, exit_rounds, direct_rounds = [], [], [], []
    pg_exit_rounds: list[dict[str, float]] = []
    pg_async_rounds: list[dict[str, float]] = []
    load_before = os.getloadavg()
    db_name, db_url = fresh_database()
    pg_settings = Settings(data_dir=tmp, database_url=db_url)
    try:
        _rounds(
            args.rounds,
            texts,
            builder,
            settings,
            pg_settings,
            source,
            (
                sync_rounds,
                async_rounds,
                exit_rounds,
                pg_exit_rounds,
                pg_async_rounds,
                direct_rounds,
            ),
        )
    finally:
        drop_database(db_name)
    _report(
        args,
        rows,
        texts,
        load_before,
        sync_rounds,
        async_rounds,
        exit_rounds,
        pg_exit_rounds,
        pg_async_rounds,
        direct_rounds,
    )


def _rounds(
    n_rounds: int,
    texts: list[str],
    builder: Any,
    settings: Settings,
    pg_settings: Settings,
    source: cat.FrameSource,
    buckets: tuple[list[dict[str, float]], ...],
) -> None:
    sync_rounds, async_rounds, exit_rounds, pg_exit_rounds, pg_async_rounds, direct_rounds = buckets
    for rnd in range(n_rounds):
        graph = builder.compile(checkpointer=InMemorySaver())
        times = []
        for i, t in enumerate(texts):
            start = time.perf_counter()
            graph.invoke(
                {"messages": [HumanMessage(t)]}, {"configurable": {"thread_id": f"s{rnd}-{i}"}}
            )
            times.append((time.perf_counter() - start) * 1000)
        sync_rounds.append(_summary(times))

        async def run_async(
            rnd: int = rnd,
            durability: Literal["sync", "async", "exit"] = "async",
            on: Settings = settings,
        ) -> list[float]:
            out = []
            async with open_checkpointer(on) as saver:
                agraph = builder.compile(checkpointer=saver)
                for i, t in enumerate(texts):
                    start = time.perf_counter()
                    await agraph.ainvoke(
                        {"messages": [HumanMessage(t)]},
                        {"configurable": {"thread_id": f"a{rnd}-{durability}-{i}"}},
                        durability=durability,
                    )
                    out.append((time.perf_counter() - start) * 1000)
            return out

        async_rounds.append(_summary(asyncio.run(run_async())))
        exit_rounds.append(_summary(asyncio.run(run_async(durability="exit"))))
        pg_exit_rounds.append(_summary(asyncio.run(run_async(rnd, "exit", on=pg_settings))))
        pg_async_rounds.append(_summary(asyncio.run(run_async(rnd, "async", on=pg_settings))))

        times = []
        for t in texts:
            start = time.perf_counter()
            direct_turn(t, source.frame(None), settings)
            times.append((time.perf_counter() - start) * 1000)
        direct_rounds.append(_summary(times))


def _report(
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    texts: list[str],
    load_before: tuple[float, float, float],
    sync_rounds: list[dict[str, float]],
    async_rounds: list[dict[str, float]],
    exit_rounds: list[dict[str, float]],
    pg_exit_rounds: list[dict[str, float]],
    pg_async_rounds: list[dict[str, float]],
    direct_rounds: list[dict[str, float]],
) -> None:
    result = {
        "benchmark": "graph_latency",
        "command": f"uv run --frozen python -m benchmarks.graph_latency --rounds {args.rounds} --rows {args.rows}",
        "machine": machine_info(load_before),
        "catalog_rows": args.rows,
        "turns_per_round": len(texts),
        "rounds": args.rounds,
        "graph_sync_inmemory": _median_of_rounds(sync_rounds),
        "graph_async_sqlite": _median_of_rounds(async_rounds),
        "graph_async_sqlite_durability_exit": _median_of_rounds(exit_rounds),
        "graph_async_postgres_durability_exit": _median_of_rounds(pg_exit_rounds),
        "graph_async_postgres_durability_async": _median_of_rounds(pg_async_rounds),
        "direct_pipeline": _median_of_rounds(direct_rounds),
        "routing": routing_accuracy(rows),
        "bar": {"p50_ms_max": BAR_P50_MS},
    }
    worst = max(result["graph_sync_inmemory"]["p50_ms"], result["graph_async_sqlite"]["p50_ms"])
    result["bar"]["pass"] = worst <= BAR_P50_MS
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for name in (
        "graph_sync_inmemory",
        "graph_async_sqlite",
        "graph_async_sqlite_durability_exit",
        "graph_async_postgres_durability_exit",
        "graph_async_postgres_durability_async",
        "direct_pipeline",
    ):
        r = result[name]
        print(
            f"{name:36s} p50 {r['p50_ms']:7.2f} ms  p90 {r['p90_ms']:7.2f} ms  mean {r['mean_ms']:7.2f} ms"
        )
    print(
        f"routing accuracy {result['routing']['accuracy']:.3f} ({result['routing']['correct']}/{result['routing']['n']})"
    )
    print(
        f"bar p50 <= {BAR_P50_MS} ms: {'pass' if result['bar']['pass'] else 'FAIL'}  -> {args.out}"
    )


if __name__ == "__main__":
    main()
