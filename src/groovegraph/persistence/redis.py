"""Redis-backed coordination: an LLM response cache, per-owner rate limits and per-thread
run locks, each with an in-process fallback.

Redis is optional. With ``GROOVEGRAPH_REDIS_URL`` unset everything lives in this process;
with it set, Redis is used until it fails, and a failing Redis makes the helpers degrade
to their in-process twin for a short back-off (``_Breaker``) instead of failing requests:
a cache miss, a per-replica rate limit or a per-replica lock is better than a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aredis
from langchain_core.caches import RETURN_VAL_TYPE, BaseCache
from langchain_core.load import dumps, loads
from redis.asyncio.lock import Lock as AsyncRedisLock
from redis.exceptions import LockError, RedisError

from groovegraph.settings import Settings

log = logging.getLogger(__name__)

# Short timeouts: a stalled Redis must cost a request milliseconds, not seconds.
_SOCKET_TIMEOUT_S = 0.5
_RETRY_AFTER_FAILURE_S = 5.0


def _sync_client(url: str | None) -> redis.Redis | None:
    """A client with the short timeouts, or None without a Redis URL (in-process mode)."""
    if not url:
        return None
    return redis.Redis.from_url(
        url, socket_timeout=_SOCKET_TIMEOUT_S, socket_connect_timeout=_SOCKET_TIMEOUT_S
    )


def _async_client(url: str | None) -> aredis.Redis | None:
    """The asyncio twin of :func:`_sync_client`."""
    if not url:
        return None
    return aredis.Redis.from_url(
        url, socket_timeout=_SOCKET_TIMEOUT_S, socket_connect_timeout=_SOCKET_TIMEOUT_S
    )


class _Breaker:
    """Remembers that Redis just failed, so callers skip it for a few seconds.

    Parameters
    ----------
    cooldown_s : float
        Seconds to use the in-process fallback after a failure before trying Redis again.
    """

    def __init__(self, *, cooldown_s: float = _RETRY_AFTER_FAILURE_S) -> None:
        self.cooldown_s = cooldown_s
        self._down_until = 0.0

    @property
    def open(self) -> bool:
        """True while Redis should be skipped."""
        return time.monotonic() < self._down_until

    def trip(self, err: BaseException, what: str) -> None:
        if not self.open:
            log.warning("redis unavailable for %s, using in-process fallback: %s", what, err)
        self._down_until = time.monotonic() + self.cooldown_s


# --------------------------------------------------------------------------------------
# LLM cache
# --------------------------------------------------------------------------------------


class RedisLLMCache(BaseCache):
    """LangChain :class:`BaseCache` for model responses: Redis with a TTL, else an LRU dict.

    Parameters
    ----------
    url : str or None
        Redis URL; ``None`` keeps everything in process.
    ttl_s : float
        Lifetime of a cached response in Redis, in seconds.
    max_local : int
        Entries kept by the in-process LRU fallback.
    prefix : str
        Key prefix in Redis.
    client : redis.asyncio.Redis or None
        Async client to use instead of opening one for ``url`` (shared with the limiter
        and the locks by :func:`open_coordination`); the caller closes it.
    """

    def __init__(
        self,
        *,
        url: str | None,
        ttl_s: float = 24 * 3600,
        max_local: int = 1024,
        prefix: str = "gg:llm:",
        client: aredis.Redis | None = None,
    ) -> None:
        self.ttl_s = ttl_s
        self.prefix = prefix
        self.max_local = max_local
        self._local: OrderedDict[str, str] = OrderedDict()
        self._local_lock = threading.Lock()
        self._breaker = _Breaker()
        self._sync = _sync_client(url)
        self._owns_async = client is None
        self._async = _async_client(url) if client is None else client

    def _key(self, prompt: str, llm_string: str) -> str:
        import hashlib

        digest = hashlib.sha256(f"{llm_string}\x00{prompt}".encode()).hexdigest()
        return self.prefix + digest

    # -- in-process LRU ------------------------------------------------------------------
    def _local_get(self, key: str) -> str | None:
        with self._local_lock:
            value = self._local.get(key)
            if value is not None:
                self._local.move_to_end(key)
            return value

    def _local_put(self, key: str, value: str) -> None:
        with self._local_lock:
            self._local[key] = value
            self._local.move_to_end(key)
            while len(self._local) > self.max_local:
                self._local.popitem(last=False)

    @staticmethod
    def _decode(raw: str | bytes | None) -> RETURN_VAL_TYPE | None:
        if raw is None:
            return None
        text = raw.decode() if isinstance(raw, bytes) else raw
        try:
            value = loads(text)
        except Exception:  # a corrupt entry is a miss, not an error
            return None
        return value if isinstance(value, list) else None

    # -- BaseCache -----------------------------------------------------------------------
    def lookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        key = self._key(prompt, llm_string)
        if self._sync is not None and not self._breaker.open:
            try:
                return self._decode(self._sync.get(key))
            except RedisError as err:
                self._breaker.trip(err, "llm cache")
        return self._decode(self._local_get(key))

    def update(self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE) -> None:
        key = self._key(prompt, llm_string)
        payload = dumps(list(return_val))
        if self._sync is not None and not self._breaker.open:
            try:
                self._sync.set(key, payload, ex=max(1, int(self.ttl_s)))
                return
            except RedisError as err:
                self._breaker.trip(err, "llm cache")
        self._local_put(key, payload)

    async def alookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        key = self._key(prompt, llm_string)
        if self._async is not None and not self._breaker.open:
            try:
                return self._decode(await self._async.get(key))
            except (RedisError, OSError) as err:
                self._breaker.trip(err, "llm cache")
        return self._decode(self._local_get(key))

    async def aupdate(self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE) -> None:
        key = self._key(prompt, llm_string)
        payload = dumps(list(return_val))
        if self._async is not None and not self._breaker.open:
            try:
                await self._async.set(key, payload, ex=max(1, int(self.ttl_s)))
                return
            except (RedisError, OSError) as err:
                self._breaker.trip(err, "llm cache")
        self._local_put(key, payload)

    def clear(self, **kwargs: Any) -> None:
        with self._local_lock:
            self._local.clear()
        if self._sync is not None and not self._breaker.open:
            try:
                for key in self._sync.scan_iter(match=self.prefix + "*", count=500):
                    self._sync.delete(key)
            except RedisError as err:
                self._breaker.trip(err, "llm cache")

    async def aclose(self) -> None:
        if self._async is not None and self._owns_async:
            await self._async.aclose()
        if self._sync is not None:
            self._sync.close()


# --------------------------------------------------------------------------------------
# Rate limiter
# --------------------------------------------------------------------------------------


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
        Redis URL; ``None`` counts in process (per replica).
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
        self._breaker = _Breaker()
        self._owns_redis = client is None
        self._redis = _async_client(url) if client is None else client
        self._local: dict[tuple[str, int], int] = {}

    async def hit(self, owner: str) -> RateDecision:
        """Count one request of ``owner`` and say whether it is allowed."""
        if self.limit == 0:
            return RateDecision(True, 0, 0, 0)
        now = time.time()
        window = int(now // self.window_s)
        elapsed = now - window * self.window_s
        previous: int | None = None
        current: int | None = None
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
                current, previous = int(cur_raw), int(prev_raw or 0)
                used_redis = True
            except (RedisError, OSError) as err:
                self._breaker.trip(err, "rate limits")
        if current is None or previous is None:
            current = self._local.get((owner, window), 0) + 1
            self._local[(owner, window)] = current
            previous = self._local.get((owner, window - 1), 0)
            # Forget windows older than the previous one so the dict stays small.
            for key in [k for k in self._local if k[1] < window - 1]:
                del self._local[key]
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
        if used_redis and self._redis is not None:
            try:
                await self._redis.decr(f"{self.prefix}{owner}:{window}")
                return
            except (RedisError, OSError) as err:
                self._breaker.trip(err, "rate limits")
                return
        key = (owner, window)
        if self._local.get(key, 0) > 0:
            self._local[key] -= 1

    async def aclose(self) -> None:
        if self._redis is not None and self._owns_redis:
            await self._redis.aclose()


# --------------------------------------------------------------------------------------
# Run locks
# --------------------------------------------------------------------------------------


class RunLockHeld(Exception):
    """Raised by :meth:`RunLocks.hold` when another run owns the thread."""


class RunLocks:
    """One run per thread at a time, across replicas when Redis is configured.

    A Redis lock carries a TTL (so a crashed replica cannot block a thread forever) and is
    renewed in the background while the run lasts. Without Redis (or while it is down)
    an in-process set of held thread ids gives the same guarantee within this replica.

    Parameters
    ----------
    url : str or None
        Redis URL; ``None`` keeps the locks in process.
    ttl_s : float
        Lock lifetime in Redis, in seconds; renewed every ``ttl_s / 3``.
    prefix : str
        Key prefix in Redis.
    client : redis.asyncio.Redis or None
        Client to use instead of opening one for ``url``; the caller closes it.
    """

    def __init__(
        self,
        *,
        url: str | None,
        ttl_s: float = 30.0,
        prefix: str = "gg:run:",
        client: aredis.Redis | None = None,
    ) -> None:
        if ttl_s <= 0:
            raise ValueError("ttl_s must be > 0")
        self.ttl_s = ttl_s
        self.prefix = prefix
        self._breaker = _Breaker()
        self._owns_redis = client is None
        self._redis = _async_client(url) if client is None else client
        self._local: set[str] = set()
        self._releasing: set[asyncio.Future[None]] = set()

    def locked_here(self, thread_id: str) -> bool:
        """Whether this replica holds an in-process lock on ``thread_id``."""
        return thread_id in self._local

    async def is_held(self, thread_id: str) -> bool:
        """Whether a run holds ``thread_id`` now (here, or with Redis on any replica).

        A peek, not a reservation: callers that must answer before a response starts
        (LangServe's streams) use it to refuse a busy thread with a real 409; the lock
        itself is still taken by :meth:`hold`.
        """
        if thread_id in self._local:
            return True
        if self._redis is None or self._breaker.open:
            return False
        try:
            return bool(await self._redis.exists(self.prefix + thread_id))
        except (RedisError, OSError) as err:
            self._breaker.trip(err, "run locks")
            return False

    async def _acquire_redis(self, thread_id: str) -> AsyncRedisLock | None:
        """Return the held lock, ``None`` if it is taken; raise on Redis failure."""
        assert self._redis is not None
        lock = AsyncRedisLock(
            self._redis,
            self.prefix + thread_id,
            timeout=self.ttl_s,
            blocking=False,
            thread_local=False,
        )
        acquired = await lock.acquire(blocking=False, token=uuid.uuid4().hex)
        return lock if acquired else None

    async def _renew(self, lock: AsyncRedisLock) -> None:
        while True:
            await asyncio.sleep(self.ttl_s / 3)
            try:
                await lock.reacquire()
            except (RedisError, OSError, LockError) as err:
                # Losing Redis mid-run: keep running; the TTL frees the key eventually.
                log.warning("could not renew run lock %s: %s", lock.name, err)

    @contextlib.asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        """Hold the run lock of ``thread_id`` for the ``async with`` block.

        Raises
        ------
        RunLockHeld
            When another run holds the lock (here or, with Redis, on any replica).
        """
        lock: AsyncRedisLock | None = None
        use_redis = self._redis is not None and not self._breaker.open
        if use_redis:
            try:
                lock = await self._acquire_redis(thread_id)
                if lock is None:
                    raise RunLockHeld(thread_id)
            except (RedisError, OSError) as err:
                self._breaker.trip(err, "run locks")
                use_redis = False
        # The in-process set is taken in every mode: it also guards this replica while
        # Redis is unreachable, and costs nothing.
        if thread_id in self._local:
            if lock is not None:
                with contextlib.suppress(RedisError, OSError, LockError):
                    await lock.release()
            raise RunLockHeld(thread_id)
        self._local.add(thread_id)
        renewer = asyncio.create_task(self._renew(lock)) if lock is not None else None
        try:
            yield
        finally:
            self._local.discard(thread_id)
            if renewer is not None:
                renewer.cancel()
            if lock is not None:
                # The holder is often being cancelled (client gone): a plain await here
                # would be cancelled too and leave the key until its TTL. The release
                # runs as its own task, shielded, and finishes even if we do not wait.
                release = asyncio.ensure_future(self._release(lock))
                self._releasing.add(release)
                release.add_done_callback(self._releasing.discard)
                await asyncio.shield(release)

    @staticmethod
    async def _release(lock: AsyncRedisLock) -> None:
        with contextlib.suppress(RedisError, OSError, LockError):
            await lock.release()

    async def aclose(self) -> None:
        if self._redis is not None and self._owns_redis:
            await self._redis.aclose()


# --------------------------------------------------------------------------------------
# Bundle
# --------------------------------------------------------------------------------------


@dataclass
class Coordination:
    """The cache, rate limiter and run locks of one process, and a Redis health probe."""

    cache: RedisLLMCache
    limiter: RateLimiter
    locks: RunLocks
    redis_url: str | None
    #: The asyncio client the three share (None without Redis); pings reuse its pool
    #: instead of opening a connection per readiness probe.
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
        except (RedisError, OSError, TimeoutError):
            return False
        finally:
            if client is not self.client:
                await client.aclose()

    async def aclose(self) -> None:
        for part in (self.cache, self.limiter, self.locks):
            with contextlib.suppress(Exception):
                await part.aclose()


@contextlib.asynccontextmanager
async def open_coordination(
    settings: Settings, *, lock_ttl_s: float = 30.0, rate_window_s: float = 60.0
) -> AsyncIterator[Coordination]:
    """Build the cache, limiter and locks for ``settings`` and close them on exit.

    Parameters
    ----------
    settings : Settings
        Uses ``redis_url`` and ``rate_limit_per_minute``.
    lock_ttl_s : float
        TTL of a Redis run lock in seconds.
    rate_window_s : float
        Rate-limit window in seconds (``rate_limit_per_minute`` requests per window).
    """
    url = settings.redis_url
    # One asyncio client (one connection pool) for the three helpers; the cache keeps its
    # own sync client for LangChain's sync API.
    client = _async_client(url)
    coord = Coordination(
        cache=RedisLLMCache(url=url, client=client),
        limiter=RateLimiter(
            url=url, limit=settings.rate_limit_per_minute, window_s=rate_window_s, client=client
        ),
        locks=RunLocks(url=url, ttl_s=lock_ttl_s, client=client),
        redis_url=url,
        client=client,
    )
    try:
        yield coord
    finally:
        await coord.aclose()
        if client is not None:
            with contextlib.suppress(RedisError, OSError):
                await client.aclose()


__all__: Sequence[str] = (
    "Coordination",
    "RateDecision",
    "RateLimiter",
    "RedisLLMCache",
    "RunLockHeld",
    "RunLocks",
    "open_coordination",
)
