"""``/healthz`` (the process answers) and ``/readyz`` (it can do its job)."""

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
    checks: dict[str, str]


@router.get("/healthz", response_model=Health, summary="Liveness: the process is up")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: database (and Redis, if configured) reachable, warm-up done",
    responses={503: {"model": Readiness, "description": "Not ready; see checks."}},
)
async def readyz(request: Request) -> JSONResponse:
    state = getattr(request.app.state, "gg", None)
    checks: dict[str, str] = {}
    if state is None:
        return JSONResponse({"ready": False, "checks": {"startup": "starting"}}, status_code=503)
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
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
