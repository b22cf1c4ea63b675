"""API keys → owner, loopback-only local mode, and per-owner rate limits.

``GROOVEGRAPH_API_KEYS=key:owner,...`` turns authentication on: a request must carry
``Authorization: Bearer KEY`` or ``X-API-Key: KEY``. Without keys there is one owner,
``settings.local_owner``, and only loopback clients are served (``groovegraph serve``
also refuses to bind elsewhere). The same dependency guards ``/v1`` and ``/agent``.
"""

from __future__ import annotations

import ipaddress
import secrets
from typing import Annotated

from fastapi import Depends, Request, Response

from groovegraph.server.errors import ForbiddenError, RateLimitedError, UnauthorizedError
from groovegraph.server.state import AppState, get_app_state


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'; False for anything else or garbage."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    key = request.headers.get("x-api-key", "").strip()
    return key or None


def resolve_owner(request: Request, state: AppState) -> str:
    """The owner of the request, or an :class:`UnauthorizedError`/:class:`ForbiddenError`."""
    keys = state.settings.api_keys
    if not keys:
        client = request.client.host if request.client else None
        # The test client reports "testclient"; everything else must be loopback.
        if not is_loopback(client) and client != "testclient":
            raise ForbiddenError("no API keys are configured: only loopback clients are served")
        return state.settings.local_owner
    presented = _presented_key(request)
    if presented is None:
        raise UnauthorizedError(
            "missing API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
        )
    owner: str | None = None
    # Compare against every key in constant time so timing does not reveal a prefix.
    for key, candidate in keys.items():
        if secrets.compare_digest(key.encode(), presented.encode()):
            owner = candidate
    if owner is None:
        raise UnauthorizedError("invalid API key")
    return owner


async def current_owner(request: Request, response: Response) -> str:
    """FastAPI dependency: authenticate, count the request against the owner's limit."""
    state = get_app_state(request)
    cached = getattr(request.state, "owner", None)
    if isinstance(cached, str):
        return cached
    owner = resolve_owner(request, state)
    decision = await state.coordination.limiter.hit(owner)
    if not decision.allowed:
        raise RateLimitedError(
            f"rate limit of {decision.limit} requests per minute exceeded",
            retry_after_s=decision.retry_after_s,
        )
    if decision.limit:
        response.headers["X-RateLimit-Limit"] = str(decision.limit)
        response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
    request.state.owner = owner
    return owner


Owner = Annotated[str, Depends(current_owner)]
