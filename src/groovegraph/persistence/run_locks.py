"""One run per thread at a time, across every process that shares the database.

A run lock has layers, all taken by :meth:`RunLocks.hold`:

* an in-process set of held thread ids (always; two requests of this process);
* a **shared lock that dies with its holder**, chosen by the database:

  - Postgres: a session-level advisory lock (``pg_try_advisory_lock``) held on one
    dedicated connection per process (:class:`PgAdvisoryLocks`). Every replica on the
    database sees it; if the process dies, Postgres ends its session and frees the lock
    at once. A heartbeat notices a lost connection and takes the locks again on a new
    one.
  - SQLite (the embedded mode: one host): a POSIX byte-range lock in a file next to the
    database (:class:`FileLocks`), so ``serve --workers N`` processes share it; the
    kernel frees it when the process dies.

* a **Redis lease** (:class:`RedisLeases`) when the locks are built with a Redis URL and
  no database lock: a key with a short TTL (5 s by default) renewed every third of it
  while the run lives, so a crashed holder frees the thread within the TTL. While Redis is
  unreachable a lease degrades to nothing (the in-process set and, in the server, the
  database lock still hold).

The server always gets a database lock (:func:`~groovegraph.persistence.coordination.
open_coordination`), so a Redis failure never leaves locks per process. A writer that
still slips past a lock (a lock connection dropped mid-run) is refused when it commits
by the checkpointer's head check (:mod:`~groovegraph.persistence.checkpointer`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import uuid
import zlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import redis.asyncio as aredis
from redis.asyncio.lock import Lock as AsyncRedisLock
from redis.exceptions import LockError

from groovegraph.persistence.redis import REDIS_ERRORS, Breaker, async_client

__all__ = [
    "RUN_LOCK_NAMESPACE",
    "FileLocks",
    "PgAdvisoryLocks",
    "RedisLeases",
    "RunLockHeld",
    "RunLocks",
    "SharedLock",
]

log = logging.getLogger(__name__)

#: Renewing a lease fails on Redis errors and on a lease Redis no longer holds.
_RENEW_ERRORS: tuple[type[BaseException], ...] = (*REDIS_ERRORS, LockError)

#: First key of the two-key advisory locks (``pg_try_advisory_lock(ns, hashtext(id))``).
#: Two-int keys live apart from the bigint keys used for schema setup and migrations.
RUN_LOCK_NAMESPACE = zlib.crc32(b"groovegraph:run") & 0x7FFFFFFF
_PG_CONNECT_TIMEOUT_S = 2
_PG_HEARTBEAT_S = 1.0


class RunLockHeld(Exception):
    """Raised by :meth:`RunLocks.hold` when another run owns the thread."""


class SharedLock(Protocol):
    """A lock shared with other processes, one per thread id."""

    async def try_acquire(self, thread_id: str) -> bool:
        """Take the lock; False if someone else has it. May raise when its backend is
        down (a database error: the caller cannot serve)."""
        ...

    async def release(self, thread_id: str) -> None: ...

    async def is_held(self, thread_id: str) -> bool:
        """Whether another process holds the lock now (a peek)."""
        ...

    async def aclose(self) -> None: ...


# --------------------------------------------------------------------------------------
# Postgres advisory locks
# --------------------------------------------------------------------------------------


class PgAdvisoryLocks:
    """Session-level advisory locks on one dedicated connection of this process.

    The locks belong to the connection's session: a process that dies (SIGKILL, OOM)
    takes its session and every lock with it, so no TTL is needed and a restarted server
    can run the thread at once. Commands on the connection are serialised by an
    ``asyncio.Lock`` (each is one short round trip).

    Parameters
    ----------
    url : str
        Postgres URL.
    heartbeat_s : float
        While locks are held, the connection is checked this often; a lost one is
        replaced and the held locks are taken again.
    """

    def __init__(self, url: str, *, heartbeat_s: float = _PG_HEARTBEAT_S) -> None:
        self.url = url
        self.heartbeat_s = heartbeat_s
        self._conn: Any = None
        self._io = asyncio.Lock()
        self._held: set[str] = set()
        self._heartbeat: asyncio.Task[None] | None = None
        self._closed = False

    async def _connect(self) -> Any:
        import psycopg

        if self._conn is not None and not self._conn.closed:
            return self._conn
        self._conn = await psycopg.AsyncConnection.connect(
            self.url, autocommit=True, connect_timeout=_PG_CONNECT_TIMEOUT_S
        )
        return self._conn

    async def _scalar(self, sql: str, thread_id: str) -> Any:
        """Run one statement on the lock connection; reconnect once if it was lost."""
        import psycopg

        for attempt in (1, 2):
            conn = await self._connect()
            try:
                cur = await conn.execute(sql, (RUN_LOCK_NAMESPACE, thread_id))
                row = await cur.fetchone()
                return row[0] if row else None
            except (psycopg.OperationalError, psycopg.InterfaceError):
                # A dropped session already freed its locks: the ones we think we hold
                # are gone. Take them again on the new connection (heartbeat does the
                # same); a statement on a dead connection is retried once.
                with contextlib.suppress(Exception):
                    await conn.close()
                self._conn = None
                if attempt == 2:
                    raise
                await self._retake_locked()
        return None

    async def _retake_locked(self) -> None:
        """On a fresh connection, take again the locks held on the lost one (called with
        ``self._io`` held)."""
        if not self._held:
            return
        conn = await self._connect()
        for thread_id in sorted(self._held):
            cur = await conn.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (RUN_LOCK_NAMESPACE, thread_id)
            )
            row = await cur.fetchone()
            if not (row and row[0]):
                # Someone took the thread while our session was gone. The run goes on;
                # the checkpointer's head check refuses whichever commits second.
                log.warning("run lock of thread %s was lost with its connection", thread_id)

    async def _beat(self) -> None:
        import psycopg

        while not self._closed:
            await asyncio.sleep(self.heartbeat_s)
            if not self._held:
                continue
            async with self._io:
                try:
                    conn = await self._connect()
                    await conn.execute("SELECT 1")
                except (psycopg.OperationalError, psycopg.InterfaceError, OSError) as err:
                    log.warning("run lock connection lost (%s); reconnecting", err)
                    self._conn = None
                    with contextlib.suppress(Exception):
                        await self._retake_locked()

    def _ensure_heartbeat(self) -> None:
        if self._heartbeat is None or self._heartbeat.done():
            self._heartbeat = asyncio.create_task(self._beat())

    async def try_acquire(self, thread_id: str) -> bool:
        async with self._io:
            ok = bool(
                await self._scalar("SELECT pg_try_advisory_lock(%s, hashtext(%s))", thread_id)
            )
            if ok:
                self._held.add(thread_id)
        self._ensure_heartbeat()
        return ok

    async def release(self, thread_id: str) -> None:
        import psycopg

        async with self._io:
            self._held.discard(thread_id)
            conn = self._conn
            if conn is None or conn.closed:
                return  # the session, and its locks, are gone already
            try:
                await conn.execute(
                    "SELECT pg_advisory_unlock(%s, hashtext(%s))", (RUN_LOCK_NAMESPACE, thread_id)
                )
            except (psycopg.OperationalError, psycopg.InterfaceError):
                self._conn = None

    async def is_held(self, thread_id: str) -> bool:
        async with self._io:
            if thread_id in self._held:
                return True
            got = bool(
                await self._scalar("SELECT pg_try_advisory_lock(%s, hashtext(%s))", thread_id)
            )
            if got:
                await self._scalar("SELECT pg_advisory_unlock(%s, hashtext(%s))", thread_id)
            return not got

    async def aclose(self) -> None:
        self._closed = True
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(BaseException):
                await self._heartbeat
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None


# --------------------------------------------------------------------------------------
# File locks (SQLite, one host)
# --------------------------------------------------------------------------------------


class FileLocks:
    """POSIX byte-range locks in one file: shared by the processes of one host.

    Each thread id maps to one byte (at a 62-bit offset from its SHA-256) of ``path``;
    ``fcntl.lockf`` with ``LOCK_NB`` takes it without waiting. The kernel drops a
    process's locks when it exits, however it exits. POSIX locks do not conflict within
    one process, which is what :class:`RunLocks`'s in-process set is for.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    @staticmethod
    def _offset(thread_id: str) -> int:
        return int.from_bytes(hashlib.sha256(thread_id.encode()).digest()[:8], "big") >> 2

    async def try_acquire(self, thread_id: str) -> bool:
        try:
            fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, self._offset(thread_id))
        except (BlockingIOError, PermissionError):
            return False
        return True

    async def release(self, thread_id: str) -> None:
        with contextlib.suppress(OSError):
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, self._offset(thread_id))

    async def is_held(self, thread_id: str) -> bool:
        if not await self.try_acquire(thread_id):
            return True
        await self.release(thread_id)
        return False

    async def aclose(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


# --------------------------------------------------------------------------------------
# Redis leases
# --------------------------------------------------------------------------------------


class RedisLeases:
    """Redis keys with a short TTL, renewed every ``ttl_s / 3`` while held.

    A Redis failure makes :meth:`try_acquire` answer True (degrade: the other layers
    still hold) and trips a breaker so later calls skip Redis for a few seconds.
    """

    def __init__(
        self, client: aredis.Redis, *, ttl_s: float = 5.0, prefix: str = "gg:run:"
    ) -> None:
        if ttl_s <= 0:
            raise ValueError("ttl_s must be > 0")
        self.ttl_s = ttl_s
        self.prefix = prefix
        self._redis = client
        self._breaker = Breaker()
        self._leases: dict[str, tuple[AsyncRedisLock, asyncio.Task[None]]] = {}
        self._releasing: set[asyncio.Future[None]] = set()

    async def try_acquire(self, thread_id: str) -> bool:
        if self._breaker.open:
            return True
        lock = AsyncRedisLock(
            self._redis, self.prefix + thread_id, timeout=self.ttl_s, blocking=False,
            thread_local=False,
        )  # fmt: skip
        try:
            acquired = await lock.acquire(blocking=False, token=uuid.uuid4().hex)
        except REDIS_ERRORS as err:
            self._breaker.trip(err, "run locks")
            return True
        if not acquired:
            return False
        self._leases[thread_id] = (lock, asyncio.create_task(self._renew(lock)))
        return True

    async def _renew(self, lock: AsyncRedisLock) -> None:
        while True:
            await asyncio.sleep(self.ttl_s / 3)
            try:
                await lock.reacquire()
            except _RENEW_ERRORS as err:
                # Losing Redis mid-run: keep running; the TTL frees the key eventually.
                log.warning("could not renew run lock %s: %s", lock.name, err)

    async def release(self, thread_id: str) -> None:
        lease = self._leases.pop(thread_id, None)
        if lease is None:
            return
        lock, renewer = lease
        renewer.cancel()
        # The holder is often being cancelled (client gone): a plain await here would be
        # cancelled too and leave the key until its TTL. The release runs as its own
        # task, shielded, and finishes even if we do not wait.
        release = asyncio.ensure_future(self._release(lock))
        self._releasing.add(release)
        release.add_done_callback(self._releasing.discard)
        await asyncio.shield(release)

    @staticmethod
    async def _release(lock: AsyncRedisLock) -> None:
        with contextlib.suppress(*REDIS_ERRORS, LockError):
            await lock.release()

    async def is_held(self, thread_id: str) -> bool:
        if self._breaker.open:
            return False
        try:
            return bool(await self._redis.exists(self.prefix + thread_id))
        except REDIS_ERRORS as err:
            self._breaker.trip(err, "run locks")
            return False

    async def aclose(self) -> None:
        for thread_id in list(self._leases):
            await self.release(thread_id)


# --------------------------------------------------------------------------------------
# The run locks of one process
# --------------------------------------------------------------------------------------


class RunLocks:
    """One run per thread: the in-process set plus every shared lock given.

    Parameters
    ----------
    url : str or None
        Redis URL for :class:`RedisLeases` (when ``shared`` is not given).
    ttl_s : float
        TTL of a Redis lease in seconds (renewed every ``ttl_s / 3``).
    prefix : str
        Key prefix in Redis.
    client : redis.asyncio.Redis or None
        Client to use instead of opening one for ``url``; the caller closes it.
    shared : sequence of SharedLock, optional
        The cross-process locks to take, in order (the server passes the database's:
        :class:`PgAdvisoryLocks` or :class:`FileLocks`). Default: a Redis lease when
        ``url`` or ``client`` is given, else none (in process only).
    retry_after_s : int
        What a refused caller is told to wait, in seconds (the ``Retry-After`` of a 409).
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        ttl_s: float = 5.0,
        prefix: str = "gg:run:",
        client: aredis.Redis | None = None,
        shared: Sequence[SharedLock] | None = None,
        retry_after_s: int = 1,
    ) -> None:
        if ttl_s <= 0:
            raise ValueError("ttl_s must be > 0")
        self.ttl_s = ttl_s
        self.retry_after_s = retry_after_s
        self._owns_redis = client is None and shared is None
        self._redis = (async_client(url) if client is None else client) if shared is None else None
        if shared is None:
            shared = (
                [RedisLeases(self._redis, ttl_s=ttl_s, prefix=prefix)]
                if self._redis is not None
                else []
            )
        self._shared: list[SharedLock] = list(shared)
        self._local: set[str] = set()

    def locked_here(self, thread_id: str) -> bool:
        """Whether this process holds the run lock of ``thread_id``."""
        return thread_id in self._local

    async def is_held(self, thread_id: str) -> bool:
        """Whether a run holds ``thread_id`` now, here or in another process. A peek, not
        a reservation: the lock itself is taken by :meth:`hold`."""
        if thread_id in self._local:
            return True
        for lock in self._shared:
            if await lock.is_held(thread_id):
                return True
        return False

    @contextlib.asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        """Hold the run lock of ``thread_id`` for the ``async with`` block.

        Raises
        ------
        RunLockHeld
            When another run holds the lock (here or in another process).
        """
        if thread_id in self._local:
            raise RunLockHeld(thread_id)
        self._local.add(thread_id)
        taken: list[SharedLock] = []
        try:
            for lock in self._shared:
                if not await lock.try_acquire(thread_id):
                    raise RunLockHeld(thread_id)
                taken.append(lock)
            yield
        finally:
            self._local.discard(thread_id)
            for lock in reversed(taken):
                # Often runs while the holder is being cancelled (client gone): the
                # release must not be cancelled with it.
                release = asyncio.ensure_future(lock.release(thread_id))
                with contextlib.suppress(Exception):
                    await asyncio.shield(release)

    async def aclose(self) -> None:
        for lock in self._shared:
            with contextlib.suppress(Exception):
                await lock.aclose()
        if self._redis is not None and self._owns_redis:
            with contextlib.suppress(*REDIS_ERRORS):
                await self._redis.aclose()
