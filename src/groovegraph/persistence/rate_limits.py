"""Per-owner rate limits: a sliding window counted in Redis (shared by every replica) and,
always, in this process too.

The local counts are kept even while Redis answers, and the larger of the two estimates
decides: when Redis fails (the counts become per-replica) or restarts empty (its counts
are gone), this replica still remembers what it let through in the window, so a failure
never hands an owner a fresh budget.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import redis.asyncio as aredis

from groovegraph.persistence.redis import REDIS_ERRORS, Breaker, async_client

__all__ = ["RateDecision", "RateLimiter"]


@dataclass(frozen=True)
class RateDecision:
    """Outcome of one request against a rate limit.

    Attributes
    ----------
    allowed : bool
        Whether the request may proceed.
    limit : int
        Requests allowed per window.
    remaining : int
        Requests left in the current window (0 when refused).
    retry_after_s : int
        Whole seconds to wait before retrying (0 when allowed).
    """

    allowed: bool
    limit: int
    remaining: int
    retry_after_s: int


def _sliding_estimate(*, previous: int, current: int, elapsed_fraction: float) -> float:
    # Sliding-window counter: the previous fixed window counts in proportion to how
    # much of it still overlaps the sliding window ending now.
    return previous * (1.0 - elapsed_fraction) + current


def _retry_after(
    *, previous: int, current: int, limit: int, window_s: float, elapsed: float
) -> int:
    """Whole seconds until one more request fits under ``limit``, if no other arrives.

    ``current`` excludes the refused request. The estimate is stepped forward second by
    second across the window boundary (at most two windows: then both counts are gone).
    """
    horizon = math.ceil(2 * window_s)
    for t in range(1, horizon + 1):
        at = elapsed + t
        if at < window_s:
            estimate = _sliding_estimate(
                previous=previous, current=current, elapsed_fraction=at / window_s
            )
        elif at < 2 * window_s:
            estimate = _sliding_estimate(
                previous=current, current=0, elapsed_fraction=(at - window_s) / window_s
            )
        else:
            estimate = 0.0
        if estimate + 1 <= limit:
            return t
    return horizon


class RateLimiter:
    """Per-owner sliding-window rate limit (approximated from two fixed windows).

    Parameters
    ----------
    url : str or None
        Redis URL; ``None`` counts in process only (per replica).
    limit : int
        Requests per window; 0 disables limiting.
    window_s : float
        Window length in seconds.
    prefix : str
        Key prefix in Redis.
    client : redis.asyncio.Redis or None
        Client to use instead of opening one for ``url``; the caller closes it.
    """

    def __init__(
        self,
        *,
        url: str | None,
        limit: int,
        window_s: float = 60.0,
        prefix: str = "gg:rl:",
        client: aredis.Redis | None = None,
    ) -> None:
        if limit < 0:
            raise ValueError("limit must be >= 0")
        if window_s <= 0:
            raise ValueError("window_s must be > 0")
        self.limit = limit
        self.window_s = window_s
        self.prefix = prefix
        self._breaker = Breaker()
        self._owns_redis = client is None
        self._redis = async_client(url) if client is None else client
        self._local: dict[tuple[str, int], int] = {}

    async def hit(self, owner: str) -> RateDecision:
        """Count one request of ``owner`` and say whether it is allowed."""
        if self.limit == 0:
            return RateDecision(True, 0, 0, 0)
        now = time.time()
        window = int(now // self.window_s)
        elapsed = now - window * self.window_s
        # This replica's own counts, kept in every mode (see the module docstring).
        local_current = self._local.get((owner, window), 0) + 1
        self._local[(owner, window)] = local_current
        local_previous = self._local.get((owner, window - 1), 0)
        # Forget windows older than the previous one so the dict stays small.
        for key in [k for k in self._local if k[1] < window - 1]:
            del self._local[key]
        previous, current = local_previous, local_current
        used_redis = False
        if self._redis is not None and not self._breaker.open:
            try:
                cur_key = f"{self.prefix}{owner}:{window}"
                prev_key = f"{self.prefix}{owner}:{window - 1}"
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.incr(cur_key)
                    pipe.expire(cur_key, int(self.window_s * 2) + 1)
                    pipe.get(prev_key)
                    cur_raw, _, prev_raw = await pipe.execute()
                used_redis = True
                shared_current, shared_previous = int(cur_raw), int(prev_raw or 0)
                fraction = elapsed / self.window_s
                if _sliding_estimate(
                    previous=shared_previous, current=shared_current, elapsed_fraction=fraction
                ) >= _sliding_estimate(
                    previous=local_previous, current=local_current, elapsed_fraction=fraction
                ):
                    previous, current = shared_previous, shared_current
            except REDIS_ERRORS as err:
                self._breaker.trip(err, "rate limits")
        estimate = _sliding_estimate(
            previous=previous, current=current, elapsed_fraction=elapsed / self.window_s
        )
        if estimate <= self.limit:
            return RateDecision(True, self.limit, max(0, int(self.limit - estimate)), 0)
        # A refused request does not count: a client that retries after Retry-After
        # must get through, not find its own refusals still filling the window.
        await self._uncount(owner, window, used_redis)
        retry = _retry_after(
            previous=previous,
            current=current - 1,
            limit=self.limit,
            window_s=self.window_s,
            elapsed=elapsed,
        )
        return RateDecision(False, self.limit, 0, retry)

    async def _uncount(self, owner: str, window: int, used_redis: bool) -> None:
        key = (owner, window)
        if self._local.get(key, 0) > 0:
            self._local[key] -= 1
        if used_redis and self._redis is not None:
            try:
                await self._redis.decr(f"{self.prefix}{owner}:{window}")
            except REDIS_ERRORS as err:
                self._breaker.trip(err, "rate limits")

    async def aclose(self) -> None:
        if self._redis is not None and self._owns_redis:
            await self._redis.aclose()
