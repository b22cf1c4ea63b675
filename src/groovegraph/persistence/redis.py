"""Redis plumbing shared by the coordination helpers: clients with short timeouts and a
circuit breaker.

Redis is optional. With ``GROOVEGRAPH_REDIS_URL`` unset everything lives in this process;
with it set, Redis is used until it fails, and a failing Redis makes a helper degrade
(``_Breaker``) instead of failing requests. The helpers themselves live by noun:
:mod:`~groovegraph.persistence.llm_cache`, :mod:`~groovegraph.persistence.rate_limits`,
:mod:`~groovegraph.persistence.run_locks`; :mod:`~groovegraph.persistence.coordination`
bundles them for one process.
"""

from __future__ import annotations

import logging
import time

import redis
import redis.asyncio as aredis
from redis.exceptions import RedisError

__all__ = ["REDIS_ERRORS", "Breaker", "async_client", "sync_client"]

log = logging.getLogger(__name__)

# Short timeouts: a stalled Redis must cost a request milliseconds, not seconds.
SOCKET_TIMEOUT_S = 0.5
RETRY_AFTER_FAILURE_S = 5.0
#: What a failing Redis raises (connection refused or reset surfaces as OSError too).
REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)


def sync_client(url: str | None) -> redis.Redis | None:
    """A client with the short timeouts, or None without a Redis URL (in-process mode)."""
    if not url:
        return None
    return redis.Redis.from_url(
        url, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=SOCKET_TIMEOUT_S
    )


def async_client(url: str | None) -> aredis.Redis | None:
    """The asyncio twin of :func:`sync_client`."""
    if not url:
        return None
    return aredis.Redis.from_url(
        url, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=SOCKET_TIMEOUT_S
    )


class Breaker:
    """Remembers that Redis just failed, so callers skip it for a few seconds.

    Parameters
    ----------
    cooldown_s : float
        Seconds to use the in-process fallback after a failure before trying Redis again.
    """

    def __init__(self, *, cooldown_s: float = RETRY_AFTER_FAILURE_S) -> None:
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
