"""In-process behaviour of the Redis helpers (no Redis configured, or Redis unreachable)."""

from __future__ import annotations

import asyncio
import socket

import pytest
from langchain_core.outputs import Generation

from groovegraph.persistence.llm_cache import RedisLLMCache
from groovegraph.persistence.rate_limits import RateLimiter, _retry_after
from groovegraph.persistence.run_locks import RunLockHeld, RunLocks


def _dead_redis_url() -> str:
    # A port nothing listens on: bind, read the number, close.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


async def test_limiter_refuses_after_limit_and_says_when_to_retry() -> None:
    limiter = RateLimiter(url=None, limit=3, window_s=60)
    decisions = [await limiter.hit("alice") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[2].remaining == 0
    assert 1 <= decisions[3].retry_after_s <= 120
    # Another owner has their own budget.
    assert (await limiter.hit("bob")).allowed


async def test_limiter_zero_means_unlimited() -> None:
    limiter = RateLimiter(url=None, limit=0)
    assert all([(await limiter.hit("a")).allowed for _ in range(50)])


async def test_refused_requests_do_not_consume_budget() -> None:
    limiter = RateLimiter(url=None, limit=2, window_s=60)
    for _ in range(2):
        assert (await limiter.hit("a")).allowed
    first = await limiter.hit("a")
    for _ in range(20):
        await limiter.hit("a")
    again = await limiter.hit("a")
    assert not first.allowed
    assert not again.allowed
    # Hammering does not push the retry time further out.
    assert again.retry_after_s <= first.retry_after_s


@pytest.mark.parametrize(
    ("times", "limit", "now", "expected"),
    [
        # 10 let through at 0 s, limit 10: one more fits when the first leaves at 60 s.
        ([0.0] * 10, 10, 0.0, 60),
        # 10 spread over 0..45 s, checked at 50 s: the oldest leaves at 60 s.
        ([0.0, 5, 10, 15, 20, 25, 30, 35, 40, 45], 10, 50.0, 10),
        # 12 in the log (two replicas' logs, Redis lost), limit 10: three must leave.
        ([float(t) for t in range(12)], 10, 30.0, 32),
        ([1.0] * 5, 10, 2.0, 0),  # room left
    ],
)
def test_retry_after_is_when_enough_of_the_log_has_left_the_window(
    times: list[float], limit: int, now: float, expected: int
) -> None:
    assert _retry_after(times, limit=limit, window_s=60.0, now=now) == expected


async def test_no_minute_lets_more_than_the_limit_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """3 requests a second for 3 minutes at 30/min: every 60 s span holds at most 30
    let through, wherever it starts (a two-window counter let up to 54 through)."""
    clock = {"now": 1_000_037.0}  # not on a minute boundary
    monkeypatch.setattr("groovegraph.persistence.rate_limits.time.time", lambda: clock["now"])
    limiter = RateLimiter(url=None, limit=30, window_s=60)
    allowed: list[float] = []
    for i in range(540):
        clock["now"] = 1_000_037.0 + i / 3
        if (await limiter.hit("a")).allowed:
            allowed.append(clock["now"])
    assert len(allowed) >= 90  # the budget is used, not starved
    worst = max(sum(1 for t in allowed if start <= t < start + 60) for start in allowed)
    assert worst == 30


async def test_limiter_degrades_when_redis_is_down() -> None:
    limiter = RateLimiter(url=_dead_redis_url(), limit=2, window_s=60)
    got = [(await limiter.hit("a")).allowed for _ in range(3)]
    assert got == [True, True, False]
    await limiter.aclose()


async def test_run_lock_is_exclusive_and_released() -> None:
    locks = RunLocks(url=None)
    async with locks.hold("t1"):
        with pytest.raises(RunLockHeld):
            async with locks.hold("t1"):
                pass
        async with locks.hold("t2"):  # other threads are independent
            pass
    async with locks.hold("t1"):  # released on exit
        pass


async def test_run_lock_is_held_peeks_without_taking() -> None:
    for url in (None, _dead_redis_url()):
        locks = RunLocks(url=url)
        assert not await locks.is_held("t")
        async with locks.hold("t"):
            assert await locks.is_held("t")
            assert not await locks.is_held("other")
        assert not await locks.is_held("t")
        async with locks.hold("t"):  # peeking never took the lock
            pass
        await locks.aclose()


async def test_run_lock_released_when_the_holder_is_cancelled() -> None:
    locks = RunLocks(url=None)
    entered = asyncio.Event()

    async def run() -> None:
        async with locks.hold("t"):
            entered.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(run())
    await entered.wait()
    assert locks.locked_here("t")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not locks.locked_here("t")


async def test_run_lock_degrades_when_redis_is_down() -> None:
    locks = RunLocks(url=_dead_redis_url())
    async with locks.hold("t"):
        with pytest.raises(RunLockHeld):
            async with locks.hold("t"):
                pass
    await locks.aclose()


async def test_llm_cache_round_trip_in_process_and_with_dead_redis() -> None:
    for url in (None, _dead_redis_url()):
        cache = RedisLLMCache(url=url, max_local=2)
        gens = [Generation(text="96 BPM, 8A")]
        assert await cache.alookup("p", "llm") is None
        await cache.aupdate("p", "llm", gens)
        assert await cache.alookup("p", "llm") == gens
        cache.update("q", "llm", gens)
        assert cache.lookup("q", "llm") == gens
        assert cache.lookup("q", "other-llm") is None
        cache.update("r", "llm", gens)  # LRU of 2 drops the oldest ("p")
        assert cache.lookup("p", "llm") is None
        await cache.aclose()
