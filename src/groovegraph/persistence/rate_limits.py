"""Per-owner rate limits: a sliding log of the requests let through in the last window,
kept in Redis (one sorted set per owner, shared by every replica) and, always, in this
process too.

The log is exact: at most ``limit`` requests in any ``window_s`` seconds. (A counter over
two fixed windows, the usual approximation, assumes the previous window's requests were
spread evenly; a burst at its start lets up to ~1.8 times the limit through in one
unlucky minute: 54 at 30/min, benchmarks.faults ``redis``.)

The local log is kept even while Redis answers, and the longer of the two logs decides:
when Redis fails (the logs become per-replica) or restarts empty (its log is gone), this
replica still remembers what it let through in the window, so a failure never hands an
owner a fresh budget. Only requests let through are logged: a client that retries after
``Retry-After`` gets through, its refusals do not fill the window.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import redis.asyncio as aredis

from groovegraph.persistence.redis import REDIS_ERRORS, Breaker, async_client

__all__ = ["RateDecision", "RateLimiter"]

#: Owners kept in the local logs before idle ones are dropped.
_LOCAL_OWNERS_SOFT_CAP = 1024


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


def _retry_after(times: Sequence[float], *, limit: int, window_s: float, now: float) -> int:
    """Whole seconds until one more request fits under ``limit``, if no other arrives.

    ``times`` are the sorted times of the requests let through in the window ending
    ``now`` (at least ``limit`` of them: the request was refused). One more fits once all
    but ``limit - 1`` of them have left the window.
    """
    excess = len(times) - limit
    if excess < 0:
        return 0
    return max(1, math.ceil(times[excess] + window_s - now))


class RateLimiter:
    """Per-owner sliding-log rate limit: at most ``limit`` requests in any ``window_s``.

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
        prefix: str = "gg:rlog:",
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
        #: owner -> times of the requests this process let through in the window
        self._local: dict[str, deque[float]] = {}

    async def hit(self, owner: str) -> RateDecision:
        """Count one request of ``owner`` and say whether it is allowed."""
        if self.limit == 0:
            return RateDecision(True, 0, 0, 0)
        now = time.time()
        since = now - self.window_s
        local = self._local.setdefault(owner, deque())
        while local and local[0] <= since:
            local.popleft()
        if len(self._local) > _LOCAL_OWNERS_SOFT_CAP:
            for idle in [o for o, log in self._local.items() if not log or log[-1] <= since]:
                if idle != owner:
                    del self._local[idle]
        times: list[float] = list(local)
        key, member = f"{self.prefix}{owner}", f"{now!r}:{uuid.uuid4().hex[:12]}"
        used_redis = False
        if self._redis is not None and not self._breaker.open:
            try:
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.zremrangebyscore(key, "-inf", since)
                    pipe.zadd(key, {member: now})
                    pipe.zrange(key, 0, -1, withscores=True)
                    pipe.expire(key, math.ceil(self.window_s) + 1)
                    _, _, entries, _ = await pipe.execute()
                used_redis = True
                shared = sorted(
                    score
                    for name, score in entries
                    if (name.decode() if isinstance(name, bytes) else name) != member
                )
                if len(shared) > len(times):
                    times = shared
            except REDIS_ERRORS as err:
                self._breaker.trip(err, "rate limits")
        if len(times) < self.limit:
            local.append(now)
            return RateDecision(True, self.limit, self.limit - len(times) - 1, 0)
        # Refused: not logged anywhere (this request's entry leaves the shared log).
        if used_redis and self._redis is not None:
            try:
                await self._redis.zrem(key, member)
            except REDIS_ERRORS as err:
                self._breaker.trip(err, "rate limits")
        retry = _retry_after(sorted(times), limit=self.limit, window_s=self.window_s, now=now)
        return RateDecision(False, self.limit, 0, retry)

    async def aclose(self) -> None:
        if self._redis is not None and self._owns_redis:
            await self._redis.aclose()
