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

Both savers add two things upstream's lack:

* **A head check at commit.** A checkpoint is written only if its parent is still the
  thread's latest checkpoint (per namespace); otherwise :class:`ConcurrentRunError` (409)
  is raised and nothing is written. Run locks normally make two writers on one thread
  impossible; this is the last line when a lock was lost (its connection dropped
  mid-run), so a second writer is refused instead of silently forking the thread. On
  Postgres the check and the insert run in one transaction under a per-thread
  transaction-level advisory lock; on SQLite under ``BEGIN IMMEDIATE``.
  A run started from a past checkpoint on purpose (:data:`ALLOW_FORK_KEY`) may fork.
* **Retention.** With ``keep_turns`` = N > 0, the same commit deletes the thread's
  checkpoints older than its newest N turns (per namespace) except branch tips (a
  forked thread keeps the branch it left), their pending writes and, on Postgres, the
  channel blobs no kept checkpoint refers to. Each checkpoint holds the whole conversation, so keeping every
  one grows a thread quadratically. Whole turns are kept, never a turn's last steps
  only: a kept turn's checkpoints still link to one another, which is what "edit and
  regenerate" in Agent Chat UI and Studio's time travel walk (the parent of the
  regenerated answer and both branches from it). A turn is one run: the checkpoints
  that share the ``run_id`` in their metadata (set by the Agent Protocol routes, which
  checkpoint every step); a checkpoint without one is a turn of its own (the ``/v1`` and
  LangServe routes checkpoint once per turn, at its end). Only a turn's first commit can
  change what is kept (it adds the turn, and gives the previous head its child), so a
  saver prunes once per run and namespace, at the run's first commit, not at every step.
* **Undo of a failed turn.** LangGraph saves a run that raised (with
  ``durability="exit"``, once, at its end): the thread would keep the user's message with
  the failed node still pending, a half turn the next run trips over.
  :func:`undone_on_failure` notes the thread's head before a run and, if the run fails,
  deletes every checkpoint (all namespaces), pending write and blob written after it, so
  the thread is exactly what it was before the turn.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol, runtime_checkable

import anyio
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    get_checkpoint_metadata,
    get_serializable_checkpoint_metadata,
)
from langgraph.checkpoint.postgres import _ainternal
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.serde.types import _DeltaSnapshot
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from groovegraph.settings import SQLITE_BUSY_TIMEOUT_S, Settings
from groovegraph.state import CHECKPOINT_TYPES
from groovegraph.tools.errors import GrooveGraphError

__all__ = [
    "ALLOW_FORK_KEY",
    "COMMIT_LOCK_NAMESPACE",
    "POOL_MAX_IDLE_S",
    "POOL_MAX_LIFETIME_S",
    "SETUP_LOCK_KEY",
    "ConcurrentRunError",
    "GuardedAsyncSqliteSaver",
    "PooledAsyncPostgresSaver",
    "checkpoint_serde",
    "open_checkpointer",
    "undone_on_failure",
]

log = logging.getLogger(__name__)

# Advisory-lock key for schema setup: a stable 32-bit number derived from a name.
SETUP_LOCK_KEY = zlib.crc32(b"groovegraph:checkpointer:setup")
#: First key of the two-key transaction lock that serialises commits of one thread.
COMMIT_LOCK_NAMESPACE = zlib.crc32(b"groovegraph:commit") & 0x7FFFFFFF
# Connections idle longer than this are closed by the pool: servers and poolers drop
# idle ones on their own schedule, and a dropped one must not be the next handed out.
POOL_MAX_IDLE_S = 60.0
POOL_MAX_LIFETIME_S = 1800.0
_POOL_OPEN_TIMEOUT_S = 15.0
_SETUP_LOCK_TIMEOUT_S = 120.0


class ConcurrentRunError(GrooveGraphError):
    """A checkpoint whose parent is no longer the thread's latest: another run wrote the
    thread meanwhile. The turn is refused rather than forking the thread."""

    code = "run_conflict"
    http_status = 409
    retry_after_s = 1


#: ``config["configurable"]`` key of a run (or state update) that starts from a past
#: checkpoint on purpose: time travel, "edit and regenerate" (Agent Protocol
#: ``checkpoint``). Its first commit has an older parent than the head, which the head
#: check would otherwise refuse as a lost-lock writer. A ``__`` key: LangGraph keeps it
#: out of checkpoint metadata.
ALLOW_FORK_KEY = "__gg_allow_fork"


class _PruneOncePerRun:
    """Which (thread, namespace) a saver last pruned for which run (see the module
    docstring: a run's later commits cannot change what retention keeps)."""

    #: Threads remembered per process; the oldest are forgotten (and pruned again).
    MAX_THREADS = 4096

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], str] = {}

    def due(self, thread_id: str, checkpoint_ns: str, metadata: Any) -> bool:
        run_id = metadata.get("run_id") if isinstance(metadata, dict) else None
        return run_id is None or self._last.get((thread_id, checkpoint_ns)) != str(run_id)

    def done(self, thread_id: str, checkpoint_ns: str, metadata: Any) -> None:
        run_id = metadata.get("run_id") if isinstance(metadata, dict) else None
        if run_id is None:
            return
        key = (thread_id, checkpoint_ns)
        self._last.pop(key, None)
        self._last[key] = str(run_id)
        if len(self._last) > self.MAX_THREADS:
            del self._last[next(iter(self._last))]


def _refuse_fork(
    thread_id: str, parent: str | None, head: str | None, new_id: str, *, fork: bool = False
) -> None:
    if head is None or head in (parent, new_id):
        return
    if fork and parent is not None:
        return
    raise ConcurrentRunError(
        f"thread {thread_id!r} changed while this run was going (another run committed "
        "first); the turn was not saved: send it again"
    )


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


class GuardedAsyncSqliteSaver(AsyncSqliteSaver):
    """``AsyncSqliteSaver`` with the head check and retention (see the module docstring).

    Parameters
    ----------
    keep_turns : int
        Turns whose checkpoints are kept per thread and namespace; 0 keeps all.
    """

    def __init__(self, conn: Any, *, serde: Any = None, keep_turns: int = 0) -> None:
        super().__init__(conn, serde=serde)
        self.keep_turns = keep_turns
        self._pruned = _PruneOncePerRun()

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        await self.setup()
        configurable = config["configurable"]
        thread_id = str(configurable["thread_id"])
        checkpoint_ns = configurable["checkpoint_ns"]
        parent = configurable.get("checkpoint_id")
        type_, serialized_checkpoint = self.serde.dumps_typed(checkpoint)
        full_metadata = get_checkpoint_metadata(config, metadata)
        serialized_metadata = json.dumps(full_metadata, ensure_ascii=False).encode(
            "utf-8", "ignore"
        )
        prune = self.keep_turns > 0 and self._pruned.due(thread_id, checkpoint_ns, full_metadata)
        async with self.lock:
            # BEGIN IMMEDIATE takes SQLite's write lock first: the head read below and
            # the insert are one step for every process on the file.
            await self.conn.commit()
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                async with self.conn.execute(
                    "SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? "
                    "AND checkpoint_ns = ? ORDER BY checkpoint_id DESC LIMIT 1",
                    (thread_id, checkpoint_ns),
                ) as cur:
                    row = await cur.fetchone()
                _refuse_fork(
                    thread_id,
                    parent,
                    row[0] if row else None,
                    checkpoint["id"],
                    fork=bool(configurable.get(ALLOW_FORK_KEY)),
                )
                await self.conn.execute(
                    "INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, "
                    "checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        thread_id,
                        checkpoint_ns,
                        checkpoint["id"],
                        parent,
                        type_,
                        serialized_checkpoint,
                        serialized_metadata,
                    ),
                )
                if prune:
                    await self._prune(thread_id, checkpoint_ns)
            except BaseException:
                await self.conn.rollback()
                raise
            await self.conn.commit()
        if prune:
            self._pruned.done(thread_id, checkpoint_ns, full_metadata)
        return {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": checkpoint_ns,
                "checkpoint_id": checkpoint["id"],
            }
        }

    async def ahead_id(self, thread_id: str) -> str | None:
        """The id of the thread's latest root checkpoint (None: no checkpoint yet)."""
        await self.setup()
        async with (
            self.lock,
            self.conn.execute(
                "SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? "
                "AND checkpoint_ns = '' ORDER BY checkpoint_id DESC LIMIT 1",
                (thread_id,),
            ) as cur,
        ):
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def adiscard_after(self, thread_id: str, checkpoint_id: str | None) -> int:
        """Delete the thread's checkpoints (every namespace) newer than ``checkpoint_id``
        (all of them for None) and their pending writes; returns how many checkpoints."""
        await self.setup()
        newer = "" if checkpoint_id is None else " AND checkpoint_id > ?"
        args: tuple[str, ...] = (
            (thread_id,) if checkpoint_id is None else (thread_id, checkpoint_id)
        )
        async with self.lock:
            await self.conn.commit()
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                cur = await self.conn.execute(
                    f"DELETE FROM checkpoints WHERE thread_id = ?{newer}", args
                )
                deleted = cur.rowcount
                await self.conn.execute(f"DELETE FROM writes WHERE thread_id = ?{newer}", args)
            except BaseException:
                await self.conn.rollback()
                raise
            await self.conn.commit()
        return max(deleted, 0)

    async def _prune(self, thread_id: str, checkpoint_ns: str) -> None:
        await self.conn.execute(
            "DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? "
            "AND checkpoint_id < (SELECT min(first) FROM (SELECT min(checkpoint_id) AS first, "
            "max(checkpoint_id) AS last FROM checkpoints WHERE thread_id = ? "
            "AND checkpoint_ns = ? GROUP BY coalesce(json_extract(CAST(metadata AS TEXT), "
            "'$.run_id'), checkpoint_id) ORDER BY last DESC LIMIT ?)) "
            # a branch tip (no child) is kept: a fork never prunes the branch it left
            "AND EXISTS (SELECT 1 FROM checkpoints c WHERE c.thread_id = "
            "checkpoints.thread_id AND c.checkpoint_ns = checkpoints.checkpoint_ns "
            "AND c.parent_checkpoint_id = checkpoints.checkpoint_id)",
            (thread_id, checkpoint_ns, thread_id, checkpoint_ns, self.keep_turns),
        )
        await self.conn.execute(
            "DELETE FROM writes WHERE thread_id = ? AND checkpoint_ns = ? "
            "AND checkpoint_id NOT IN (SELECT checkpoint_id FROM checkpoints "
            "WHERE thread_id = ? AND checkpoint_ns = ?)",
            (thread_id, checkpoint_ns, thread_id, checkpoint_ns),
        )


@asynccontextmanager
async def _sqlite(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[str]]:
    import aiosqlite

    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
    try:
        # WAL: the catalog store reads the same file while threads are written.
        await conn.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL still never corrupts the file; it only skips the fsync per
        # commit (a graph turn commits one checkpoint per step), so a power cut may lose
        # the last turn — the usual trade for an embedded default.
        await conn.execute("PRAGMA synchronous=NORMAL")
        saver = GuardedAsyncSqliteSaver(
            conn, serde=checkpoint_serde(), keep_turns=settings.checkpoint_keep_turns
        )
        await saver.setup()
        yield saver
    finally:
        await conn.close()


#: Channel blobs of one thread and namespace that no checkpoint refers to any more.
_ORPHAN_BLOBS_SQL = (
    "DELETE FROM checkpoint_blobs b WHERE b.thread_id = %s AND b.checkpoint_ns = %s "
    "AND NOT EXISTS (SELECT 1 FROM checkpoints c, "
    "jsonb_each_text(c.checkpoint -> 'channel_versions') v "
    "WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = b.checkpoint_ns "
    "AND v.key = b.channel AND v.value = b.version)"
)


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

    It also checks the head and applies retention at commit (see the module docstring).

    Parameters
    ----------
    keep_turns : int
        Turns whose checkpoints are kept per thread and namespace; 0 keeps all.
    """

    def __init__(
        self, conn: Any, pipe: Any = None, serde: Any = None, *, keep_turns: int = 0
    ) -> None:
        super().__init__(conn, pipe, serde)
        self.keep_turns = keep_turns
        self._pruned = _PruneOncePerRun()
        if isinstance(conn, AsyncConnectionPool) and pipe is None:
            self.lock = _NoLock()  # type: ignore[assignment]

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        if not isinstance(self.conn, AsyncConnectionPool) or self.pipe is not None:
            return await super().aput(config, checkpoint, metadata, new_versions)
        configurable = config["configurable"]
        thread_id = str(configurable["thread_id"])
        checkpoint_ns = configurable["checkpoint_ns"]
        parent = configurable.get("checkpoint_id")
        copy = checkpoint.copy()
        copy["channel_values"] = copy["channel_values"].copy()
        # As upstream: primitives stay inline in the checkpoint row, the rest are blobs.
        blob_values = {}
        for k, v in checkpoint["channel_values"].items():
            if isinstance(v, _DeltaSnapshot):
                blob_values[k] = copy["channel_values"].pop(k)
                copy["channel_values"][k] = True
            elif v is None or isinstance(v, (str, int, float, bool)):
                pass
            else:
                blob_values[k] = copy["channel_values"].pop(k)
        blob_versions = {k: v for k, v in new_versions.items() if k in blob_values}
        blobs = (
            await asyncio.to_thread(
                self._dump_blobs, thread_id, checkpoint_ns, blob_values, blob_versions
            )
            if blob_versions
            else []
        )
        full_metadata = get_serializable_checkpoint_metadata(config, metadata)
        prune = self.keep_turns > 0 and self._pruned.due(thread_id, checkpoint_ns, full_metadata)
        row = (
            thread_id,
            checkpoint_ns,
            checkpoint["id"],
            parent,
            Jsonb(copy),
            Jsonb(full_metadata),
        )
        # Pipelined: BEGIN, the lock and the head read go out in one round trip, the
        # writes and COMMIT in a second one (instead of a round trip per statement).
        async with (
            self.conn.connection() as conn,
            conn.pipeline(),
            conn.transaction(),
            conn.cursor(binary=True, row_factory=dict_row) as cur,
        ):
            # One commit per thread at a time, on every replica (released at COMMIT).
            # Each statement reads with a snapshot of its own (read committed), so the
            # head read below, queued behind the lock, sees what the last holder wrote.
            await conn.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                (COMMIT_LOCK_NAMESPACE, thread_id),
            )
            await cur.execute(
                "SELECT checkpoint_id FROM checkpoints WHERE thread_id = %s "
                "AND checkpoint_ns = %s ORDER BY checkpoint_id DESC LIMIT 1",
                (thread_id, checkpoint_ns),
            )
            head = await cur.fetchone()
            _refuse_fork(
                thread_id,
                parent,
                head["checkpoint_id"] if head else None,
                checkpoint["id"],
                fork=bool(configurable.get(ALLOW_FORK_KEY)),
            )
            if blobs:
                await cur.executemany(self.UPSERT_CHECKPOINT_BLOBS_SQL, blobs)
            await cur.execute(self.UPSERT_CHECKPOINTS_SQL, row)
            if prune:
                await self._prune(cur, thread_id, checkpoint_ns)
        if prune:
            self._pruned.done(thread_id, checkpoint_ns, full_metadata)
        return {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": checkpoint_ns,
                "checkpoint_id": checkpoint["id"],
            }
        }

    async def ahead_id(self, thread_id: str) -> str | None:
        """The id of the thread's latest root checkpoint (None: no checkpoint yet)."""
        async with _ainternal.get_connection(self.conn) as conn, conn.cursor() as cur:
            await cur.execute(
                "SELECT checkpoint_id FROM checkpoints WHERE thread_id = %s "
                "AND checkpoint_ns = '' ORDER BY checkpoint_id DESC LIMIT 1",
                (thread_id,),
            )
            row = await cur.fetchone()
        if row is None:
            return None
        return str(row["checkpoint_id"] if isinstance(row, dict) else row[0])

    async def adiscard_after(self, thread_id: str, checkpoint_id: str | None) -> int:
        """Delete the thread's checkpoints (every namespace) newer than ``checkpoint_id``
        (all of them for None), their pending writes and the blobs no remaining
        checkpoint refers to; returns how many checkpoints."""
        newer = "" if checkpoint_id is None else " AND checkpoint_id > %s"
        args: tuple[str, ...] = (
            (thread_id,) if checkpoint_id is None else (thread_id, checkpoint_id)
        )
        async with (
            _ainternal.get_connection(self.conn) as conn,
            conn.transaction(),
            conn.cursor(row_factory=dict_row) as cur,
        ):
            # under the thread's commit lock: no commit of this thread interleaves
            await cur.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                (COMMIT_LOCK_NAMESPACE, thread_id),
            )
            await cur.execute(
                f"DELETE FROM checkpoints WHERE thread_id = %s{newer} RETURNING checkpoint_ns",
                args,
            )
            namespaces = {row["checkpoint_ns"] for row in await cur.fetchall()}
            deleted = cur.rowcount
            await cur.execute(f"DELETE FROM checkpoint_writes WHERE thread_id = %s{newer}", args)
            for checkpoint_ns in sorted(namespaces):
                await cur.execute(_ORPHAN_BLOBS_SQL, (thread_id, checkpoint_ns))
        return max(deleted, 0)

    async def _prune(self, cur: Any, thread_id: str, checkpoint_ns: str) -> None:
        """Delete what the newest ``keep_turns`` turns no longer need."""
        await cur.execute(
            "DELETE FROM checkpoints d WHERE d.thread_id = %s AND d.checkpoint_ns = %s "
            "AND d.checkpoint_id < (SELECT min(first) FROM (SELECT min(checkpoint_id) AS first, "
            "max(checkpoint_id) AS last FROM checkpoints WHERE thread_id = %s "
            "AND checkpoint_ns = %s GROUP BY coalesce(metadata ->> 'run_id', checkpoint_id) "
            "ORDER BY last DESC LIMIT %s) AS turns) "
            # a branch tip (no child) is kept: a fork never prunes the branch it left
            "AND EXISTS (SELECT 1 FROM checkpoints c WHERE c.thread_id = d.thread_id "
            "AND c.checkpoint_ns = d.checkpoint_ns AND c.parent_checkpoint_id = d.checkpoint_id)",
            (thread_id, checkpoint_ns, thread_id, checkpoint_ns, self.keep_turns),
        )
        # Queued in the commit's pipeline (no round trip to learn whether the first
        # statement deleted anything); once per run, so the two no-ops are cheap.
        await cur.execute(
            "DELETE FROM checkpoint_writes w WHERE w.thread_id = %s AND w.checkpoint_ns = %s "
            "AND NOT EXISTS (SELECT 1 FROM checkpoints c WHERE c.thread_id = w.thread_id "
            "AND c.checkpoint_ns = w.checkpoint_ns AND c.checkpoint_id = w.checkpoint_id)",
            (thread_id, checkpoint_ns),
        )
        await cur.execute(_ORPHAN_BLOBS_SQL, (thread_id, checkpoint_ns))


@runtime_checkable
class TurnUndo(Protocol):
    """What :func:`undone_on_failure` needs of a saver (both of ours have it)."""

    async def ahead_id(self, thread_id: str) -> str | None: ...

    async def adiscard_after(self, thread_id: str, checkpoint_id: str | None) -> int: ...


@asynccontextmanager
async def undone_on_failure(
    saver: Any, thread_id: str, *, on_cancel: bool = True
) -> AsyncIterator[None]:
    """Run one turn of ``thread_id`` inside; if it raises, the thread is put back as it was.

    The head is read before the turn; when the body raises (and, with ``on_cancel``,
    when it is cancelled: the client went away), everything written on the thread after
    that head is deleted, then the error goes on. The caller must hold the thread's run
    lock, so that nothing else writes the thread meanwhile. A saver without
    :class:`TurnUndo` (``InMemorySaver`` in tests) is used as it is.
    """
    if not isinstance(saver, TurnUndo):
        yield
        return
    head = await saver.ahead_id(thread_id)
    try:
        yield
    except BaseException as err:
        if on_cancel or not isinstance(err, (anyio.get_cancelled_exc_class(), GeneratorExit)):
            # shielded: a cancelled request still cleans up after itself
            with anyio.CancelScope(shield=True):
                try:
                    dropped = await saver.adiscard_after(thread_id, head)
                except Exception:
                    log.warning("failed_turn_not_undone", exc_info=True)
                else:
                    if dropped:
                        log.info(
                            "failed turn undone: thread %s, %d checkpoint(s) dropped",
                            thread_id,
                            dropped,
                        )
        raise


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
        # Every connection is checked when handed out (a round trip of well under a
        # millisecond): one dropped by the server (restart, pg_terminate_backend, an
        # idle timeout in a pooler) is replaced at once instead of failing a request.
        check=AsyncConnectionPool.check_connection,
        max_idle=POOL_MAX_IDLE_S,
        max_lifetime=POOL_MAX_LIFETIME_S,
        # A request waits at most this long for a connection; a database that is down
        # answers 503 fast instead of holding requests for the default 30 s.
        timeout=settings.db_pool_timeout_s,
        open=False,
        name="groovegraph-checkpoints",
    )
    await pool.open(wait=True, timeout=_POOL_OPEN_TIMEOUT_S)
    try:
        saver = PooledAsyncPostgresSaver(
            pool, serde=checkpoint_serde(), keep_turns=settings.checkpoint_keep_turns
        )
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
