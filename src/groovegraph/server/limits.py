"""A bound on request bodies outside uploads, answered in the JSON error shape.

FastAPI/Starlette's own ``max_body_size`` answers a declared-too-large body with a plain
text "Content Too Large", whatever the app's error handlers say; this middleware refuses
the same requests with ``{"error": {"code": "request_too_large", ...}}``. Uploads are left
alone: :mod:`groovegraph.server.uploads` enforces their (much larger) cap while streaming.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from groovegraph.server.errors import error_response
from groovegraph.tools.errors import GrooveGraphError


class RequestTooLargeError(GrooveGraphError, HTTPException):
    """413. Also a Starlette ``HTTPException``: FastAPI re-raises those from body parsing
    as they are, where any other error becomes "400 There was an error parsing the body"."""

    code = "request_too_large"
    http_status = 413

    def __init__(self, message: str) -> None:
        HTTPException.__init__(self, status_code=413, detail=message)
        self.message = message
        self.path = None


class BodyLimitMiddleware:
    """Refuse bodies over ``max_bytes`` (bytes) on every path but ``exempt_prefixes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, exempt_prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        message = f"request body over the {self.max_bytes} byte limit"
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await error_response(413, RequestTooLargeError.code, message)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            # Chunked bodies: stop reading past the limit; the error handlers answer 413.
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    raise RequestTooLargeError(message)
            return msg

        await self.app(scope, counted, send)
