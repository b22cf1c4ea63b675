"""The coordination helpers of one process, built together: LLM response cache, rate
limiter, run locks, and a Redis health probe.

Redis (``GROOVEGRAPH_REDIS_URL``) backs the cache and the rate limits, shared by every
replica, and degrades to in-process twins while it is down. Run locks never depend on
Redis: they live with the data they protect — Postgres advisory locks when the database
is Postgres, a lock file next to the SQLite database otherwise (see
:mod:`~groovegraph.persistence.run_locks`) — so a Redis failure cannot let two replicas
run one thread.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import redis.asyncio as aredis

from groovegraph.persistence.llm_cache import RedisLLMCache
from groovegraph.persistence.rate_limits import RateLimiter
from groovegraph.persistence.redis import REDIS_ERRORS, async_client
from groovegraph.persistence.run_locks import FileLocks, PgAdvisoryLocks, RunLocks, SharedLock
from groovegraph.settings import Settings

__all__ = ["Coordination", "open_coordination", "shared_run_lock"]

#: A ping that fails or does not answer in time.
_PING_ERRORS: tuple[type[BaseException], ...] = (*REDIS_ERRORS, TimeoutError)


@dataclass
class Coordination:
    """The cache, rate limiter and run locks of one process, and a Redis health probe."""

    cache: RedisLLMCache
    limiter: RateLimiter
    locks: RunLocks
    redis_url: str | None
    #: The asyncio client the cache and limiter share (None without Redis); pings reuse
    #: its pool instead of opening a connection per readiness probe.
    client: aredis.Redis | None = None

    async def ping(self, *, timeout_s: float = 1.0) -> bool:
        """True if Redis answers within ``timeout_s`` seconds (always True when no Redis
        is configured)."""
        if not self.redis_url:
            return True
        client = self.client
        if client is None:
            client = aredis.Redis.from_url(
                self.redis_url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
            )
        try:
            return bool(await asyncio.wait_for(client.ping(), timeout_s))
        except _PING_ERRORS:
            return False
        finally:
            if client is not self.client:
                await client.aclose()

    async def aclose(self) -> None:
        for part in (self.cache, self.limiter, self.locks):
            with contextlib.suppress(Exception):
                await part.aclose()


def shared_run_lock(settings: Settings) -> SharedLock:
    """The cross-process run lock for the configured database."""
    if settings.is_postgres:
        assert settings.database_url is not None
        return PgAdvisoryLocks(settings.database_url)
    return FileLocks(settings.sqlite_path.with_name(settings.sqlite_path.name + ".runlocks"))


@contextlib.asynccontextmanager
async def open_coordination(
    settings: Settings, *, rate_window_s: float = 60.0
) -> AsyncIterator[Coordination]:
    """Build the cache, limiter and locks for ``settings`` and close them on exit.

    Parameters
    ----------
    settings : Settings
        Uses ``redis_url``, ``rate_limit_per_minute`` and the database settings.
    rate_window_s : float
        Rate-limit window in seconds (``rate_limit_per_minute`` requests per window).
    """
    url = settings.redis_url
    # One asyncio client (one connection pool) for the cache and the limiter; the cache
    # keeps its own sync client for LangChain's sync API.
    client = async_client(url)
    coord = Coordination(
        cache=RedisLLMCache(url=url, client=client),
        limiter=RateLimiter(
            url=url, limit=settings.rate_limit_per_minute, window_s=rate_window_s, client=client
        ),
        locks=RunLocks(shared=[shared_run_lock(settings)]),
        redis_url=url,
        client=client,
    )
    try:
        yield coord
    finally:
        await coord.aclose()
        if client is not None:
            with contextlib.suppress(*REDIS_ERRORS):
                await client.aclose()
