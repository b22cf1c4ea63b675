"""``/healthz`` (the process answers) and ``/readyz`` (it can do its job).

``/readyz`` is 200 with ``status`` ``ok``, or ``degraded`` when Redis (optional) is
unreachable; 503 (``unavailable``) when the database does not answer or start-up has not
finished or failed."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool
    status: str = "ok"
    checks: dict[str, str]


@router.get("/healthz", response_model=Health, summary="Liveness: the process is up")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: database reachable and warm-up done; Redis down is 'degraded' (200)",
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
    if state.startup_error:
        checks["startup"] = f"error: {state.startup_error}"
    else:
        checks["startup"] = "ok" if state.ready.is_set() else "warming up"
    # Redis only backs the cache and the shared rate-limit counts, both of which degrade
    # to in-process twins (run locks live in the database): without it the server still
    # serves every request, so it stays in rotation and says it is degraded.
    ready = all(v == "ok" for name, v in checks.items() if name != "redis")
    status = "ok" if ready and checks.get("redis", "ok") == "ok" else "degraded"
    if not ready:
        return JSONResponse(
            {"ready": False, "status": "unavailable", "checks": checks},
            status_code=503,
            headers={"Retry-After": "2"},
        )
    return JSONResponse({"ready": True, "status": status, "checks": checks}, status_code=200)
