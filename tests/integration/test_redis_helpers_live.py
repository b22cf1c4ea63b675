"""The Redis helpers against the real Redis, and against a private Redis that dies."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from langchain_core.outputs import Generation

from groovegraph.persistence.llm_cache import RedisLLMCache
from groovegraph.persistence.rate_limits import RateLimiter
from groovegraph.persistence.run_locks import RunLockHeld, RunLocks
from tests.integration.server_proc import private_redis_server

pytestmark = pytest.mark.integration


@pytest.fixture
def private_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A throw-away redis-server on a free port (the shared one is never stopped)."""
    with private_redis_server() as server:
        yield server


async def test_limiter_is_shared_through_redis(redis_url: str) -> None:
    a = RateLimiter(url=redis_url, limit=3, window_s=60)
    b = RateLimiter(url=redis_url, limit=3, window_s=60)  # a second replica
    got = [(await lim.hit("owner")).allowed for lim in (a, b, a, b)]
    assert got == [True, True, True, False]
    await a.aclose()
    await b.aclose()


async def test_run_lock_is_shared_and_has_a_ttl(redis_url: str) -> None:
    a = RunLocks(url=redis_url, ttl_s=1.5)
    b = RunLocks(url=redis_url, ttl_s=1.5)
    client = redis.asyncio.Redis.from_url(redis_url)
    async with a.hold("thread-1"):
        with pytest.raises(RunLockHeld):
            async with b.hold("thread-1"):
                pass
        assert await b.is_held("thread-1")  # another replica sees the run
        ttl_ms = await client.pttl("gg:run:thread-1")
        assert 0 < ttl_ms <= 1500
        # Renewal keeps the lock alive past its TTL while the run lasts.
        import asyncio

        await asyncio.sleep(2.0)
        assert await client.exists("gg:run:thread-1")
    assert not await client.exists("gg:run:thread-1")
    assert not await b.is_held("thread-1")
    async with b.hold("thread-1"):
        pass
    await client.aclose()
    await a.aclose()
    await b.aclose()


async def test_llm_cache_persists_in_redis(redis_url: str) -> None:
    gens = [Generation(text="Philly soul: 4-on-the-floor hi-hats")]
    writer = RedisLLMCache(url=redis_url, ttl_s=60)
    reader = RedisLLMCache(url=redis_url, ttl_s=60)
    await writer.aupdate("prompt", "llm", gens)
    assert await reader.alookup("prompt", "llm") == gens
    assert reader.lookup("prompt", "llm") == gens
    writer.clear()
    assert reader.lookup("prompt", "llm") is None
    await writer.aclose()
    await reader.aclose()


async def test_helpers_degrade_when_redis_dies(
    private_redis: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, proc = private_redis
    limiter = RateLimiter(url=url, limit=100, window_s=60)
    locks = RunLocks(url=url, ttl_s=5)
    cache = RedisLLMCache(url=url)
    assert (await limiter.hit("o")).allowed
    proc.kill()
    proc.wait(5)
    started = time.perf_counter()
    assert (await limiter.hit("o")).allowed
    async with locks.hold("t"):
        with pytest.raises(RunLockHeld):
            async with locks.hold("t"):
                pass
    await cache.aupdate("p", "l", [Generation(text="x")])
    assert await cache.alookup("p", "l") == [Generation(text="x")]
    # Degrading must be quick: short socket timeouts plus the breaker.
    assert time.perf_counter() - started < 3.0
    for part in (limiter, locks, cache):
        await part.aclose()


async def test_cancelled_holder_releases_the_redis_lock_at_once(redis_url: str) -> None:
    """As under sse-starlette on a client disconnect: an anyio cancel scope cancels every
    await inside it, the lock's release included unless it is shielded."""
    import asyncio

    import anyio

    locks = RunLocks(url=redis_url, ttl_s=30)
    client = redis.asyncio.Redis.from_url(redis_url)
    entered = anyio.Event()

    async def run() -> None:
        async with locks.hold("cancelled"):
            entered.set()
            await anyio.sleep(3600)

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        await entered.wait()
        assert await client.exists("gg:run:cancelled")
        tg.cancel_scope.cancel()
    for _ in range(50):  # well under the 30 s TTL
        if not await client.exists("gg:run:cancelled"):
            break
        await asyncio.sleep(0.02)
    assert not await client.exists("gg:run:cancelled")
    await client.aclose()
    await locks.aclose()


async def test_limiter_budget_survives_redis_restart_and_failure(
    private_redis: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """Redis restarting empty, then dying, hands the owner no fresh budget: this
    replica's own counts still hold (the larger estimate decides)."""
    url, proc = private_redis
    limiter = RateLimiter(url=url, limit=5, window_s=600)
    assert [(await limiter.hit("o")).allowed for _ in range(5)] == [True] * 5
    assert not (await limiter.hit("o")).allowed
    redis.Redis.from_url(url).flushall()  # what a restart without persistence looks like
    assert not (await limiter.hit("o")).allowed
    proc.kill()
    proc.wait(5)
    assert not (await limiter.hit("o")).allowed
    assert (await limiter.hit("someone-else")).allowed
    await limiter.aclose()
