"""The one checkpointer factory: threads live in SQLite by default, Postgres in production.

:func:`open_checkpointer` is an async context manager yielding a ready-to-use saver:

* **SQLite** (no ``DATABASE_URL``, or ``sqlite:///…``): ``AsyncSqliteSaver`` on one
  ``aiosqlite`` connection to ``settings.sqlite_path`` in WAL mode (the catalog store
  shares the file, so readers never block the writer).
* **Postgres** (``postgresql://…``): ``AsyncPostgresSaver`` on a psycopg
  ``AsyncConnectionPool`` configured the way the saver needs it (``autocommit``,
  ``dict_row``, ``prepare_threshold=0`` for PgBouncer) and the way long-lived servers
  need it (``check`` before handing out a connection, ``max_idle``/``max_lifetime`` so
  connections closed by the server or a pooler are replaced, not reused).

``setup()`` creates/migrates the tables once per process under a Postgres advisory lock,
so two servers starting together do not race on ``CREATE TABLE``/migrations.
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from psycopg_pool import AsyncConnectionPool

from groovegraph.settings import Settings
from groovegraph.state import CHECKPOINT_TYPES

__all__ = [
    "POOL_MAX_IDLE_S",
    "POOL_MAX_LIFETIME_S",
    "SETUP_LOCK_KEY",
    "checkpoint_serde",
    "open_checkpointer",
]

log = logging.getLogger(__name__)

# Advisory-lock key for schema setup: a stable 32-bit number derived from a name.
SETUP_LOCK_KEY = zlib.crc32(b"groovegraph:checkpointer:setup")
POOL_MAX_IDLE_S = 300.0
POOL_MAX_LIFETIME_S = 1800.0
_POOL_OPEN_TIMEOUT_S = 15.0
_SETUP_LOCK_TIMEOUT_S = 120.0


def checkpoint_serde() -> JsonPlusSerializer:
    """The serializer of every groovegraph checkpointer: msgpack with an explicit allowlist
    of the state's pydantic types (LangChain messages and LangGraph types are always
    allowed). Unknown types in a checkpoint are refused instead of imported, and the
    graph's own types load without "unregistered type" warnings. Pass it to an
    ``InMemorySaver(serde=checkpoint_serde())`` too when you want the same behaviour."""
    return JsonPlusSerializer(
        allowed_msgpack_modules=[(t.__module__, t.__name__) for t in CHECKPOINT_TYPES]
    )


@asynccontextmanager
async def open_checkpointer(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """Open the checkpointer the settings ask for, set up its tables, close it on exit.

    Parameters
    ----------
    settings : Settings
        ``database_url`` chooses Postgres; otherwise ``sqlite_path`` (under ``data_dir``).
        ``db_pool_min``/``db_pool_max`` size the Postgres pool.

    Yields
    ------
    BaseCheckpointSaver
        An ``AsyncPostgresSaver`` or ``AsyncSqliteSaver``; use it from async code
        (``graph.ainvoke``/``astream``).
    """
    if settings.is_postgres:
        async with _postgres(settings) as saver:
            yield saver
    else:
        async with _sqlite(settings) as saver:
            yield saver


@asynccontextmanager
async def _sqlite(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[str]]:
    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(str(path))
    try:
        # WAL: the catalog store reads the same file while threads are written.
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA busy_timeout=10000")
        # In WAL mode NORMAL still never corrupts the file; it only skips the fsync per
        # commit (a graph turn commits one checkpoint per step), so a power cut may lose
        # the last turn — the usual trade for an embedded default.
        await conn.execute("PRAGMA synchronous=NORMAL")
        saver = AsyncSqliteSaver(conn, serde=checkpoint_serde())
        await saver.setup()
        yield saver
    finally:
        await conn.close()


class _NoLock:
    """Async context manager that does nothing (stands in for ``asyncio.Lock``)."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


class PooledAsyncPostgresSaver(AsyncPostgresSaver):
    """``AsyncPostgresSaver`` that lets operations on a pool run concurrently.

    Upstream wraps every operation in one ``asyncio.Lock`` even when ``conn`` is a pool
    (langgraph issue #7259), so a busy server writes one checkpoint at a time. With a
    pool each operation already takes its own connection, which makes the lock
    unnecessary; with a single connection or a pipeline the lock stays.
    ``benchmarks/checkpointer_concurrency.py`` measures the difference.
    """

    def __init__(self, conn: Any, pipe: Any = None, serde: Any = None) -> None:
        super().__init__(conn, pipe, serde)
        if isinstance(conn, AsyncConnectionPool) and pipe is None:
            self.lock = _NoLock()  # type: ignore[assignment]


async def _acquire_setup_lock(conn: Any, *, timeout_s: float = _SETUP_LOCK_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        cur = await conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (SETUP_LOCK_KEY,))
        row = await cur.fetchone()
        if row and row["ok"]:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"checkpointer setup lock not acquired within {timeout_s:.0f} s")
        await asyncio.sleep(0.1)


@asynccontextmanager
async def _postgres(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[str]]:
    from psycopg.rows import dict_row

    assert settings.database_url is not None  # is_postgres checked it
    pool: AsyncConnectionPool = AsyncConnectionPool(
        conninfo=settings.database_url,
        min_size=settings.db_pool_min,
        max_size=max(settings.db_pool_min, settings.db_pool_max),
        kwargs={"autocommit": True, "row_factory": dict_row, "prepare_threshold": 0},
        check=AsyncConnectionPool.check_connection,
        max_idle=POOL_MAX_IDLE_S,
        max_lifetime=POOL_MAX_LIFETIME_S,
        open=False,
        name="groovegraph-checkpoints",
    )
    await pool.open(wait=True, timeout=_POOL_OPEN_TIMEOUT_S)
    try:
        saver = PooledAsyncPostgresSaver(pool, serde=checkpoint_serde())
        async with pool.connection() as lock_conn:
            # Session-level advisory lock on a dedicated connection: a second process
            # waits until the first finished creating/migrating the tables. It polls
            # with pg_try_advisory_lock instead of blocking in pg_advisory_lock because
            # the migrations run CREATE INDEX CONCURRENTLY, which waits for every open
            # transaction — including a session stuck in a blocking lock call.
            await _acquire_setup_lock(lock_conn)
            try:
                await saver.setup()
            finally:
                await lock_conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK_KEY,))
        yield saver
    finally:
        await pool.close()
