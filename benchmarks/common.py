"""Helpers several benchmarks share: a throwaway Postgres database and the machine record."""

from __future__ import annotations

import os
import platform
import uuid
from typing import Any

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
