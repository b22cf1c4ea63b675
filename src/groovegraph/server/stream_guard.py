"""LangServe's SSE streams (``/agent/stream``, ``/agent/stream_events``) end with ``error``
then ``end`` whatever fails.

LangServe reports a failed run as ``event: error`` with ``{"status_code": 500, "message":
"Internal Server Error"}`` and then re-raises, so the response dies without ``end`` (a
chunked body cut off mid-stream) and every failure looks alike. :class:`StreamEndGuard`
wraps those routes at the ASGI level:

* the ``error`` event carries what happened, when the run recorded a typed error
  (:func:`record_stream_failure`): its status, ``code`` and message (a 409 commit
  conflict, a 503 database outage), still in LangServe's shape (``status_code`` and
  ``message``: ``RemoteRunnable`` raises from them);
* after the app fails mid-stream, the guard sends the missing ``error`` and ``end`` and
  closes the body properly, so clients see a complete stream.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger(__name__)

_FAILURES: ContextVar[list[BaseException] | None] = ContextVar("gg_stream_failures", default=None)


def record_stream_failure(err: BaseException) -> None:
    """Remember why the current streamed run failed (no-op outside a guarded stream)."""
    failures = _FAILURES.get()
    if failures is not None:
        failures.append(err)


def _error_payload(failures: list[BaseException]) -> dict[str, Any]:
    from groovegraph.server.errors import unavailable
    from groovegraph.tools.errors import GrooveGraphError

    for err in failures:
        known = err if isinstance(err, GrooveGraphError) else unavailable(err)
        if known is not None:
            return {"status_code": known.http_status, "code": known.code, "message": known.message}
    return {
        "status_code": 500,
        "code": "run_failed",
        "message": "the run failed; see the server log",
    }


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\r\ndata: {json.dumps(data, separators=(',', ':'))}\r\n\r\n".encode()


class StreamEndGuard:
    """ASGI middleware for the SSE routes under ``prefixes`` (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        # The chat runnable's streams too (/agent/chat/stream, /stream_log and their
        # /c/{hash}/ forms): a failing run cut them off (found by benchmarks.fuzz_api).
        prefixes: tuple[str, ...] = ("/agent/stream", "/agent/chat/"),
    ) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        failures: list[BaseException] = []
        token = _FAILURES.set(failures)
        seen = {"sse": False, "error": False, "end": False, "closed": False}

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                seen["sse"] = headers.get(b"content-type", b"").startswith(b"text/event-stream")
            elif message["type"] == "http.response.body" and seen["sse"]:
                body = message.get("body", b"")
                if body.startswith(b"event: error"):
                    seen["error"] = True
                    message = {**message, "body": _event("error", _error_payload(failures))}
                elif body.startswith(b"event: end"):
                    seen["end"] = True
                if not message.get("more_body", False):
                    seen["closed"] = True
            await send(message)

        try:
            await self.app(scope, receive, guarded)
        except Exception as err:
            if not seen["sse"] or seen["closed"]:
                raise
            log.warning("agent_stream_failed", error_type=type(err).__name__, path=scope["path"])
            if not seen["error"]:
                await send(
                    {
                        "type": "http.response.body",
                        "body": _event("error", _error_payload([*failures, err])),
                        "more_body": True,
                    }
                )
            if not seen["end"]:
                await send(
                    {"type": "http.response.body", "body": b"event: end\r\n\r\n", "more_body": True}
                )
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            _FAILURES.reset(token)
