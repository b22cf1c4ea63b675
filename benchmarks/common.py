"""Helpers several benchmarks share: a throwaway Postgres database and the machine record."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

PG_ADMIN = os.environ.get(
    "GROOVEGRAPH_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def fresh_database() -> tuple[str, str]:
    """Create an empty database on the admin server; returns ``(name, url)``."""
    import psycopg

    name = f"gg_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    """Drop a database made by :func:`fresh_database`, closing its open connections."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine_info(load_before: tuple[float, float, float]) -> dict[str, Any]:
    """Python, platform, CPU count and the 1/5/15-minute load average before and now."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_avg_before": list(load_before),
        "load_avg_after": list(os.getloadavg()),
    }


def stress_parser(description: str) -> argparse.ArgumentParser:
    """The options every rendered stress set shares (drumless, floor, bass808): how many
    clips per family, a cache of the rendered clips, which half, a label, an output file and
    a per-clip listing of the tune half."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--per-family", type=int, default=16)
    parser.add_argument("--cache", type=Path, default=None, help="keep the rendered clips here")
    parser.add_argument("--half", choices=("tune", "held_out", "both"), default="both")
    parser.add_argument("--label", default="", help="a name for this run in the output")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--clips", action="store_true", help="print every clip (tune half only)")
    return parser


def stress_clips(
    parser: argparse.ArgumentParser,
    args: argparse.Namespace,
    build: Callable[[], list[dict[str, Any]]],
) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """The rendered clips (from ``--cache`` when it exists, else built and cached) and the
    halves to score."""
    if args.clips and args.half != "tune":
        parser.error("--clips prints the tune half only: use --half tune")
    if args.cache and args.cache.exists():
        clips = list(np.load(args.cache, allow_pickle=True)["clips"])
    else:
        t0 = time.perf_counter()
        clips = build()
        print(f"rendered {len(clips)} clips in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        if args.cache:
            np.savez(args.cache, clips=np.array(clips, dtype=object))
    halves = ("tune", "held_out") if args.half == "both" else (args.half,)
    return clips, halves


def stress_result(
    name: str, args: argparse.Namespace, argv: list[str] | None, **extra: Any
) -> dict[str, Any]:
    """The head of a stress set's result: which benchmark, the run's label, the command,
    the clips per family, any ``extra`` fields and an empty ``halves`` to fill in."""
    return {
        "benchmark": name,
        "label": args.label,
        "command": f"python -m benchmarks.{name} " + " ".join(argv or sys.argv[1:]),
        "per_family": args.per_family,
        **extra,
        "halves": {},
    }


def print_families(half: dict[str, Any], families: Iterable[str]) -> None:
    """One indented line per family of a half's ``families`` summaries."""
    for f in families:
        print("   ", f, json.dumps(half["families"][f]))


def median_analysis_s(rows: list[dict[str, Any]]) -> float | None:
    """The median of the rows' ``analysis_s`` (rows without it skipped), or None."""
    times = [r["analysis_s"] for r in rows if "analysis_s" in r]
    return round(float(np.median(times)), 3) if times else None


def finish_stress(
    result: dict[str, Any], rows: list[dict[str, Any]], args: argparse.Namespace, out: Path
) -> int:
    """Print every clip when ``--clips`` asks, then write ``result`` to ``--out`` (else
    ``out``) as JSON."""
    if args.clips:
        for r in rows:
            print("   ", json.dumps(r, default=float))
    path = args.out or out
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, default=float) + "\n")
    return 0
