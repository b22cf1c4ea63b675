"""``/healthz`` (the process answers) and ``/readyz`` (it accepts requests).

``/readyz`` is 200 with ``status`` ``ok``, or ``degraded`` when Redis (optional) is
unreachable or the demo library could not be built; 503 (``unavailable``) when the
database does not answer or start-up (the analysis warm-up) has not finished or failed.

The demo library is built and indexed after readiness, in the background: while it is,
both answers carry its progress (``/healthz``: ``"library": {"state": "indexing", "done":
40, "total": 169}``; ``/readyz``: ``checks.library`` ``"indexing 40/169"``, then ``"ok"``)
and the server answers library requests from what is indexed so far, saying so."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    #: The demo library's first build, when this server sees to one: ``state``
    #: (``waiting``, ``building``, ``indexing``, ``ready`` or ``failed``), ``done`` and
    #: ``total`` files while building or indexing, ``error`` when it failed.
    library: dict[str, Any] | None = None


class Readiness(BaseModel):
    ready: bool
    status: str = "ok"
    checks: dict[str, str]


@router.get(
    "/healthz",
    response_model=Health,
    response_model_exclude_none=True,
    summary="Liveness: the process is up (and the demo library's build progress)",
)
async def healthz(request: Request) -> Health:
    state = getattr(request.app.state, "gg", None)
    library = getattr(state, "library", None)
    return Health(status="ok", library=None if library is None else library.as_dict())


@router.get(
    "/readyz",
    response_model=Readiness,
    summary=(
        "Readiness (accepting requests): database reachable and warm-up done; Redis down "
        "is 'degraded' (200); the demo library's progress in checks.library"
    ),
    responses={503: {"model": Readiness, "description": "Not ready; see checks."}},
)
async def readyz(request: Request) -> JSONResponse:
    state = getattr(request.app.state, "gg", None)
    checks: dict[str, str] = {}
    if state is None:
        return JSONResponse(
            {"ready": False, "status": "starting", "checks": {"startup": "starting"}},
            status_code=503,
            headers={"Retry-After": "2"},
        )
    try:
        await asyncio.wait_for(state.threads.ping(), 2.0)
        checks["database"] = "ok"
    except Exception as err:  # any failure = not ready, and say why
        checks["database"] = f"error: {type(err).__name__}"
    if state.settings.redis_url:
        checks["redis"] = "ok" if await state.coordination.ping(timeout_s=1.0) else "unreachable"
    if state.library is not None:
        checks["library"] = state.library.check()
    if state.startup_error:
        checks["startup"] = f"error: {state.startup_error}"
    else:
        checks["startup"] = "ok" if state.ready.is_set() else "warming up"
    # Redis only backs the cache and the shared rate-limit counts, both of which degrade
    # to in-process twins (run locks live in the database): without it the server still
    # serves every request, so it stays in rotation and says it is degraded.
    # The demo library does not hold readiness either: requests are served while it is
    # built (answers about it say they are partial); one that failed is 'degraded'.
    ready = all(v == "ok" for name, v in checks.items() if name not in ("redis", "library"))
    degraded = checks.get("redis", "ok") != "ok" or checks.get("library", "").startswith("error")
    status = "ok" if ready and not degraded else "degraded"
    if not ready:
        return JSONResponse(
            {"ready": False, "status": "unavailable", "checks": checks},
            status_code=503,
            headers={"Retry-After": "2"},
        )
    return JSONResponse({"ready": True, "status": status, "checks": checks}, status_code=200)
