"""LangChain LLM response cache: Redis with a TTL, an in-process LRU when Redis is absent
or failing."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

import redis.asyncio as aredis
from langchain_core.caches import RETURN_VAL_TYPE, BaseCache
from langchain_core.load import dumps, loads
from redis.exceptions import RedisError

from groovegraph.persistence.redis import Breaker, async_client, sync_client

__all__ = ["RedisLLMCache"]


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
        self._breaker = Breaker()
        self._sync = sync_client(url)
        self._owns_async = client is None
        self._async = async_client(url) if client is None else client

    def _key(self, prompt: str, llm_string: str) -> str:
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
