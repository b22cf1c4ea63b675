"""Durable thread ownership: a small ``gg_threads`` table next to the checkpoints.

LangGraph's checkpointer stores a thread's state but not who it belongs to, and a
thread that has never run has no checkpoint at all; this table records every thread the
server hands out (or a LangServe client claims) with its owner, so ``GET /v1/threads``
can list them and every route can refuse another owner's thread with a 404.

The table lives in the same database as the checkpoints: SQLite (aiosqlite) by default,
Postgres (psycopg pool) when ``DATABASE_URL`` is set.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiosqlite
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel, Field, field_validator

from groovegraph.server.errors import InvalidThreadIdError, ThreadNotFoundError
from groovegraph.settings import SQLITE_BUSY_TIMEOUT_S, Settings

THREAD_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}\Z")

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS gg_threads (
    thread_id  TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    title      TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS gg_threads_owner ON gg_threads (owner, updated_at DESC);
CREATE TABLE IF NOT EXISTS gg_runs (
    run_id       TEXT PRIMARY KEY,
    thread_id    TEXT NOT NULL,
    owner        TEXT NOT NULL,
    assistant_id TEXT NOT NULL,
    status       TEXT NOT NULL,
    metadata     TEXT NOT NULL DEFAULT '{}',
    multitask_strategy TEXT NOT NULL DEFAULT 'reject',
    error        TEXT,
    created_at   REAL NOT NULL,
    updated_at   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS gg_runs_thread ON gg_runs (thread_id, owner, created_at DESC);
"""

_PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS gg_threads (
    thread_id  TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    title      TEXT,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS gg_threads_owner ON gg_threads (owner, updated_at DESC);
ALTER TABLE gg_threads ADD COLUMN IF NOT EXISTS metadata TEXT;
CREATE TABLE IF NOT EXISTS gg_runs (
    run_id       TEXT PRIMARY KEY,
    thread_id    TEXT NOT NULL,
    owner        TEXT NOT NULL,
    assistant_id TEXT NOT NULL,
    status       TEXT NOT NULL,
    metadata     TEXT NOT NULL DEFAULT '{}',
    multitask_strategy TEXT NOT NULL DEFAULT 'reject',
    error        TEXT,
    created_at   DOUBLE PRECISION NOT NULL,
    updated_at   DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS gg_runs_thread ON gg_runs (thread_id, owner, created_at DESC);
"""


class ThreadInfo(BaseModel):
    """A thread as listed by ``GET /v1/threads``."""

    thread_id: str
    owner: str
    title: str | None = Field(default=None, description="First user message, shortened.")
    created_at: float = Field(description="Unix time in seconds.")
    updated_at: float = Field(description="Unix time in seconds of the last run.")
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        # Agent Protocol clients set and read it; /v1 listings stay as they were.
        exclude=True,
        description="Free-form metadata (Agent Protocol clients set it).",
    )

    @field_validator("metadata", mode="before")
    @classmethod
    def _decode_metadata(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, str):
            try:
                decoded = json.loads(value)
            except ValueError:
                return {}
            return decoded if isinstance(decoded, dict) else {}
        return value


def check_thread_id(thread_id: object) -> str:
    """Return ``thread_id`` if it is a well-formed id, else raise a 422 error."""
    if not isinstance(thread_id, str) or not THREAD_ID_RE.match(thread_id):
        raise InvalidThreadIdError(
            "thread_id must be 1-128 characters of letters, digits, '.', '_', ':' or '-'"
        )
    return thread_id


def new_thread_id() -> str:
    return str(uuid.uuid4())


class _Backend(Protocol):
    async def execute(self, sql: str, params: tuple[Any, ...]) -> int: ...
    async def fetch(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]: ...
    async def ping(self) -> None: ...
    async def close(self) -> None: ...


class _SqliteBackend:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: tuple[Any, ...]) -> int:
        async with self.conn.execute(sql.replace("%s", "?"), params) as cur:
            return cur.rowcount

    async def fetch(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        # One call into aiosqlite's thread: a SELECT left open across an ``await`` would
        # pin an old read snapshot, and another coroutine's write on this connection
        # would then fail at once with "database is locked" (no busy wait in WAL).
        rows = await self.conn.execute_fetchall(sql.replace("%s", "?"), params)
        return [dict(row) for row in rows]

    async def ping(self) -> None:
        await self.fetch("SELECT 1 AS ok", ())

    async def close(self) -> None:
        await self.conn.close()


class _PostgresBackend:
    def __init__(self, pool: AsyncConnectionPool, *, owns_pool: bool = True) -> None:
        self.pool = pool
        self.owns_pool = owns_pool

    async def execute(self, sql: str, params: tuple[Any, ...]) -> int:
        async with self.pool.connection() as conn:
            cur = await conn.execute(sql, params)
            return cur.rowcount

    async def fetch(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        async with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(sql, params)
            return list(await cur.fetchall())

    async def ping(self) -> None:
        await self.fetch("SELECT 1 AS ok", ())

    async def close(self) -> None:
        if self.owns_pool:  # a shared pool is closed by whoever opened it
            await self.pool.close()


# How long a confirmed (thread, owner) pair is trusted without asking the database.
# Ownership never changes; only a delete on another replica can make it stale, and then
# for at most this long.
OWNED_TTL_S = 30.0

_INSERT = (
    "INSERT INTO gg_threads (thread_id, owner, title, created_at, updated_at, metadata) "
    "VALUES (%s, %s, NULL, %s, %s, %s)"
)
_SELECT = "SELECT thread_id, owner, title, created_at, updated_at, metadata FROM gg_threads "
#: Columns a thread listing may be sorted by.
SORT_COLUMNS = ("thread_id", "created_at", "updated_at")


@dataclass
class ThreadStore:
    """Owner-checked access to the ``gg_threads`` table."""

    backend: _Backend
    _owned: dict[tuple[str, str], float] = field(default_factory=dict)

    async def check_owned(self, *, owner: str, thread_id: str) -> None:
        """Raise the 404 unless ``owner`` has ``thread_id``; cached for ``OWNED_TTL_S``.

        This is the chat hot path: a database round trip before the first SSE event is
        latency every turn pays, for an answer that cannot change.
        """
        key = (thread_id, owner)
        now = time.monotonic()
        if self._owned.get(key, 0.0) > now:
            return
        await self.get(owner=owner, thread_id=thread_id)
        if len(self._owned) > 50_000:  # bounded: drop expired entries, then everything
            self._owned = {k: t for k, t in self._owned.items() if t > now}
            if len(self._owned) > 50_000:
                self._owned.clear()
        self._owned[key] = now + OWNED_TTL_S

    @classmethod
    async def open(
        cls, settings: Settings, *, pool: AsyncConnectionPool | None = None
    ) -> ThreadStore:
        """Connect to the configured database and create the table if needed.

        Parameters
        ----------
        settings : Settings
            ``database_url`` chooses Postgres; otherwise ``sqlite_path``.
        pool : AsyncConnectionPool or None
            An open, autocommit Postgres pool to share (the server passes the
            checkpointer's, so one pool sized by ``db_pool_max`` serves both); the store
            then leaves closing it to its owner. ``None`` opens a pool of its own.
            Ignored on SQLite.
        """
        if settings.is_postgres and pool is not None:
            await cls._create_pg_schema(pool)
            return cls(_PostgresBackend(pool, owns_pool=False))
        if settings.is_postgres:
            assert settings.database_url is not None
            pool = AsyncConnectionPool(
                settings.database_url,
                min_size=1,
                # Two short queries per chat turn; sized like the checkpointer's pool.
                max_size=max(2, settings.db_pool_max),
                kwargs={"autocommit": True},
                # Checked when handed out (a dropped connection is replaced, not used),
                # idle ones retired after 60 s, every one after 30 min; a request waits
                # at most db_pool_timeout_s for one (then 503).
                check=AsyncConnectionPool.check_connection,
                max_idle=60,
                max_lifetime=1800,
                timeout=settings.db_pool_timeout_s,
                open=False,
            )
            await pool.open(wait=True, timeout=10)
            try:
                await cls._create_pg_schema(pool)
            except BaseException:
                await pool.close()
                raise
            return cls(_PostgresBackend(pool))
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: every statement is its own short transaction. With implicit
        # transactions, coroutines sharing the connection interleave inside one open
        # transaction and SQLite answers "database is locked" instead of waiting.
        lite = await aiosqlite.connect(
            settings.sqlite_path, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None
        )
        lite.row_factory = aiosqlite.Row
        await lite.execute("PRAGMA journal_mode=WAL")
        await lite.executescript(_SQLITE_SCHEMA)
        # Added after the first release: SQLite has no ADD COLUMN IF NOT EXISTS.
        columns = {row[1] for row in await lite.execute_fetchall("PRAGMA table_info(gg_threads)")}
        if "metadata" not in columns:
            await lite.execute("ALTER TABLE gg_threads ADD COLUMN metadata TEXT")
        return cls(_SqliteBackend(lite))

    @staticmethod
    async def _create_pg_schema(pool: AsyncConnectionPool) -> None:
        async with pool.connection() as conn:
            # Two replicas starting together must not race on CREATE TABLE.
            await conn.execute("SELECT pg_advisory_lock(hashtext('gg_threads_schema'))")
            try:
                # prepare=False: a shared pool may prepare everything (the checkpointer's
                # prepare_threshold=0), and a prepared statement holds one command only.
                await conn.execute(_PG_SCHEMA, prepare=False)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(hashtext('gg_threads_schema'))")

    async def close(self) -> None:
        await self.backend.close()

    async def ping(self) -> None:
        """Raise if the database does not answer."""
        await self.backend.ping()

    async def create(
        self,
        *,
        owner: str,
        thread_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> ThreadInfo:
        """Create a thread for ``owner`` (a fresh UUID unless ``thread_id`` is given)."""
        tid = check_thread_id(thread_id) if thread_id is not None else new_thread_id()
        now = time.time()
        await self.backend.execute(_INSERT, (tid, owner, now, now, _meta_text(metadata)))
        return ThreadInfo(
            thread_id=tid, owner=owner, created_at=now, updated_at=now, metadata=metadata or {}
        )

    async def update_metadata(
        self, *, owner: str, thread_id: str, metadata: dict[str, Any]
    ) -> ThreadInfo:
        """Merge ``metadata`` into the thread's (keys given replace those stored)."""
        info = await self.get(owner=owner, thread_id=thread_id)
        merged = {**info.metadata, **metadata}
        await self.backend.execute(
            "UPDATE gg_threads SET metadata = %s, updated_at = %s "
            "WHERE thread_id = %s AND owner = %s",
            (_meta_text(merged), time.time(), thread_id, owner),
        )
        return await self.get(owner=owner, thread_id=thread_id)

    async def search(
        self,
        *,
        owner: str,
        ids: list[str] | None = None,
        sort_by: str = "updated_at",
        descending: bool = True,
    ) -> list[ThreadInfo]:
        """Every thread of ``owner`` (only ``ids`` when given), sorted; the caller filters
        on metadata and pages (metadata is free-form JSON in both databases)."""
        if sort_by not in SORT_COLUMNS:
            raise ValueError(f"cannot sort threads by {sort_by!r}")
        order = "DESC" if descending else "ASC"
        where, params = "WHERE owner = %s", [owner]
        if ids is not None:
            # An id no thread can have matches nothing; it never reaches the database
            # (Postgres text refuses NUL, and the answer is empty either way).
            ids = [i for i in ids if isinstance(i, str) and THREAD_ID_RE.match(i)]
            if not ids:
                return []
            where += " AND thread_id IN (" + ", ".join(["%s"] * len(ids)) + ")"
            params.extend(ids)
        rows = await self.backend.fetch(
            _SELECT + f"{where} ORDER BY {sort_by} {order}, thread_id {order}", tuple(params)
        )
        return [ThreadInfo(**row) for row in rows]

    async def claim(self, *, owner: str, thread_id: str) -> ThreadInfo:
        """Return ``thread_id`` if ``owner`` has it, create it if nobody has; 404 otherwise.

        This is how a LangServe client that picks its own thread id (the LangGraph
        convention) gets a thread without a separate create call.
        """
        check_thread_id(thread_id)
        now = time.time()
        await self.backend.execute(
            _INSERT + " ON CONFLICT (thread_id) DO NOTHING", (thread_id, owner, now, now, None)
        )
        return await self.get(owner=owner, thread_id=thread_id)

    async def get(self, *, owner: str, thread_id: str) -> ThreadInfo:
        """The thread if it exists and belongs to ``owner``; 404 in every other case."""
        if not isinstance(thread_id, str) or not THREAD_ID_RE.match(thread_id):
            raise ThreadNotFoundError(f"thread {thread_id!r} not found")
        rows = await self.backend.fetch(
            _SELECT + "WHERE thread_id = %s AND owner = %s", (thread_id, owner)
        )
        if not rows:
            # The same answer whether it does not exist or is someone else's.
            raise ThreadNotFoundError(f"thread {thread_id!r} not found")
        return ThreadInfo(**rows[0])

    async def list_owned(
        self, *, owner: str, limit: int = 100, offset: int = 0
    ) -> list[ThreadInfo]:
        rows = await self.backend.fetch(
            _SELECT + "WHERE owner = %s ORDER BY updated_at DESC, thread_id LIMIT %s OFFSET %s",
            (owner, limit, offset),
        )
        return [ThreadInfo(**row) for row in rows]

    async def touch(self, *, owner: str, thread_id: str, title: str | None = None) -> None:
        """Record a run: bump ``updated_at`` and set the title once."""
        await self.backend.execute(
            "UPDATE gg_threads SET updated_at = %s, title = COALESCE(title, %s) "
            "WHERE thread_id = %s AND owner = %s",
            (time.time(), title[:120] if title else None, thread_id, owner),
        )

    async def delete(self, *, owner: str, thread_id: str) -> None:
        await self.get(owner=owner, thread_id=thread_id)
        self._owned.pop((thread_id, owner), None)
        await self.backend.execute(
            "DELETE FROM gg_runs WHERE thread_id = %s AND owner = %s", (thread_id, owner)
        )
        await self.backend.execute(
            "DELETE FROM gg_threads WHERE thread_id = %s AND owner = %s", (thread_id, owner)
        )


def _meta_text(metadata: dict[str, Any] | None) -> str | None:
    return json.dumps(metadata, separators=(",", ":")) if metadata else None
