"""The one place where an exception becomes an HTTP error.

Every error leaves the server as ``{"error": {"code", "message"}}``: typed
:class:`~groovegraph.tools.errors.GrooveGraphError` subclasses carry their own status and
code, request validation becomes 422, Starlette's HTTP errors keep their status, and only
a genuine bug is a 500 (logged with its traceback, never shown to the client).
"""

from __future__ import annotations

import sys
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from groovegraph.tools.errors import GrooveGraphError, NotFoundError

log = structlog.get_logger(__name__)


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """Shape of every error response."""

    error: ErrorDetail


# --- errors raised by the server itself ---------------------------------------------------


class UnauthorizedError(GrooveGraphError):
    code = "unauthorized"
    http_status = 401


class ForbiddenError(GrooveGraphError):
    code = "forbidden"
    http_status = 403


class ThreadNotFoundError(GrooveGraphError):
    code = "thread_not_found"
    http_status = 404


class InvalidThreadIdError(GrooveGraphError):
    code = "invalid_thread_id"
    http_status = 422


class ThreadIdRequiredError(GrooveGraphError):
    code = "thread_id_required"
    http_status = 422


class RunInProgressError(GrooveGraphError):
    """A second run on a thread that is already running (we refuse, we do not queue)."""

    code = "run_in_progress"
    http_status = 409
    #: Seconds a client should wait before trying again (the ``Retry-After`` header).
    retry_after_s = 1


class NothingToResumeError(GrooveGraphError):
    code = "nothing_to_resume"
    http_status = 409


class RateLimitedError(GrooveGraphError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NotReadyError(GrooveGraphError):
    code = "not_ready"
    http_status = 503
    retry_after_s = 2


class DatabaseUnavailableError(GrooveGraphError):
    """The database did not answer (down, restarting, or no pooled connection in time)."""

    code = "database_unavailable"
    http_status = 503
    retry_after_s = 2


def database_unavailable(err: BaseException) -> DatabaseUnavailableError | None:
    """The 503 for a connection-level database failure, or None for any other error.

    psycopg's ``OperationalError`` (connection refused or dropped, admin shutdown) and the
    pool's ``PoolTimeout`` mean the database cannot be reached now; SQLite's "database is
    locked" means another writer held it past the busy timeout. Data errors are not here.
    """
    import sqlite3

    import psycopg
    from psycopg_pool import PoolTimeout, TooManyRequests

    if isinstance(err, PoolTimeout | TooManyRequests):
        return DatabaseUnavailableError("no database connection became free in time; retry")
    if isinstance(err, psycopg.OperationalError | psycopg.InterfaceError):
        return DatabaseUnavailableError("the database is unavailable; retry shortly")
    if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
        return DatabaseUnavailableError("the database is busy; retry shortly")
    return None


class ModelUnavailableError(GrooveGraphError):
    """The language model's provider did not answer (unreachable, timed out, its own 5xx
    or rate limit) after the client's retries: an upstream outage, not a bug here."""

    code = "model_unavailable"
    http_status = 502
    retry_after_s = 5


def model_unavailable(err: BaseException) -> ModelUnavailableError | None:
    """The 502 for a model provider that failed the call, or None for any other error
    (a 4xx from the provider, such as a bad API key, stays a logged bug: it is ours)."""
    # Not imported here: a process that never loaded the provider's client (the offline
    # model) cannot have raised its errors, and importing it costs a first start seconds.
    openai = sys.modules.get("openai")
    if openai is None:
        return None
    if isinstance(err, openai.APIConnectionError):  # includes timeouts
        return ModelUnavailableError("the language model provider is unreachable; retry shortly")
    if isinstance(err, openai.RateLimitError):
        return ModelUnavailableError("the language model provider is rate limiting; retry shortly")
    if isinstance(err, openai.InternalServerError):
        return ModelUnavailableError("the language model provider failed; retry shortly")
    return None


def unavailable(err: BaseException) -> GrooveGraphError | None:
    """The typed 5xx of an outage of something we depend on (database, model provider),
    or None: the one question every error path asks of an untyped exception."""
    return database_unavailable(err) or model_unavailable(err)


# Documented on routes so the OpenAPI schema shows the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
    for status in (401, 404, 422, 429)
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


class NulInUrlGuard:
    """ASGI middleware: a URL with a NUL character is answered at the edge.

    No thread, run, checkpoint or sample can be named with a NUL (Postgres text cannot
    hold one), but every route used to pass such ids on to its SQL, where psycopg raised
    ``DataError``: a 500 that also dropped the keep-alive connection. A NUL in the path
    is a 404 (nothing has that name), in the query string a 422."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            response = None
            if "\x00" in scope.get("path", ""):
                response = error_response(
                    404, "not_found", "nothing is named with a NUL (\\u0000) character"
                )
            elif b"%00" in scope.get("query_string", b"") or b"\x00" in scope.get(
                "query_string", b""
            ):
                response = error_response(
                    422, "invalid_query", "query parameters must not contain NUL (\\u0000)"
                )
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _code_for_status(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "http_error"


def _validation_message(err: RequestValidationError | ValidationError) -> str:
    parts = []
    for item in err.errors()[:5]:
        if isinstance(item, dict):
            loc = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
            msg = item.get("msg", "invalid")
            parts.append(f"{loc}: {msg}" if loc else str(msg))
        else:  # LangServe passes plain strings ("Invalid JSON body")
            parts.append(str(item))
    return "; ".join(parts) or "invalid request"


# Messages quote what the client sent ("no sample '…'"); a 100 kB id must not come back
# whole in the error body.
_MAX_MESSAGE_CHARS = 500


def _bounded(message: str) -> str:
    if len(message) <= _MAX_MESSAGE_CHARS:
        return message
    return message[: _MAX_MESSAGE_CHARS - 1] + "…"


def _raised_from(err: BaseException, module: str, *, through: tuple[str, ...] = ()) -> bool:
    """Whether the innermost frame of ``err``'s traceback, skipping frames of the
    ``through`` packages, belongs to ``module`` (a module name prefix)."""
    frames: list[str] = []
    tb = err.__traceback__
    while tb is not None:
        frames.append(str(tb.tb_frame.f_globals.get("__name__", "")))
        tb = tb.tb_next
    for name in reversed(frames):
        if not any(name == pkg or name.startswith(pkg + ".") for pkg in through):
            return name == module or name.startswith(module + ".")
    return False


def _innermost_function(err: BaseException) -> str:
    """Name of the function ``err`` was raised in."""
    tb = err.__traceback__
    name = ""
    while tb is not None:
        name = tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    return name


def install_error_handlers(app: FastAPI, *, model_provider: bool = True) -> None:
    """Register the handlers that turn every exception into the JSON error shape.

    ``model_provider``: a language model provider may be called (a model other than the
    offline one is configured), so its outages get their own handlers (a 502 that keeps
    the connection). Without one its client is not even imported (~400 modules: seconds
    of a first start); an outage that still reached the catch-all is mapped there alike.
    """

    @app.exception_handler(GrooveGraphError)
    async def _domain(request: Request, err: GrooveGraphError) -> JSONResponse:
        message = err.message
        retry_after = getattr(err, "retry_after_s", None)
        if isinstance(err, NotFoundError) and request.url.path.startswith("/v1/samples"):
            # A library sample asked for before the demo library is indexed: say so, and
            # when to ask again (the Retry-After below), rather than a bare 404.
            library = getattr(getattr(request.app.state, "gg", None), "library", None)
            pending = None if library is None else library.status_text()
            if pending is not None:
                message = f"{message}; {pending}: it may be there in a moment"
                retry_after = 2
        headers = None
        if isinstance(retry_after, int | float) and retry_after > 0:
            headers = {"Retry-After": str(int(retry_after))}
        elif isinstance(err, UnauthorizedError):
            headers = {"WWW-Authenticate": "Bearer"}
        if err.http_status >= 500:
            log.warning("request_failed", code=err.code, message=err.message)
        return error_response(err.http_status, err.code, _bounded(message), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, err: RequestValidationError) -> JSONResponse:
        return error_response(422, "validation_error", _validation_message(err))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> JSONResponse:
        message = err.detail if isinstance(err.detail, str) else HTTPStatus(err.status_code).phrase
        return error_response(
            err.status_code, _code_for_status(err.status_code), message, dict(err.headers or {})
        )

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, err: RecursionError) -> JSONResponse:
        # json.loads recurses once per nesting level, so '[[[[…' a few thousand deep
        # blows the stack in LangServe's (and Starlette's) body parsing: bad input, not
        # a bug. Any other recursion error is still a logged 500.
        if _raised_from(err, "json"):
            return error_response(422, "validation_error", "invalid JSON body: nested too deeply")
        return await _bug(request, err)

    @app.exception_handler(UnicodeDecodeError)
    async def _not_utf8(request: Request, err: UnicodeDecodeError) -> JSONResponse:
        # A body that is not UTF-8 fails inside json.loads when LangServe (or Starlette)
        # parses it: the client's bytes, not a bug.
        if _raised_from(err, "json"):
            return error_response(422, "validation_error", "invalid JSON body: not UTF-8")
        return await _bug(request, err)

    @app.exception_handler(TypeError)
    async def _langserve_config(request: Request, err: TypeError) -> JSONResponse:
        # LangServe unpacks the body's "config" with a bare TypeError for anything but
        # an object or a string ("config": null, 3, [...]).
        if _raised_from(err, "langserve.api_handler") and _innermost_function(err) == (
            "_unpack_request_config"
        ):
            return error_response(
                422, "validation_error", "config: must be an object (or left out)"
            )
        # /batch with a list of configs takes len() of "inputs" before validating it:
        # "inputs": null is a TypeError there (found by schemathesis).
        if _raised_from(err, "langserve.api_handler") and _innermost_function(err) == "batch":
            return error_response(422, "validation_error", "inputs: must be a list of inputs")
        # LangServe validates the input against the runnable's schema, and building a
        # LangChain message there can raise a bare TypeError (an AIMessageChunk whose
        # invalid_tool_calls carry 'extras'; found by benchmarks.fuzz_api): the client's
        # input, not a bug.
        if _raised_from(
            err, "langserve.api_handler", through=("pydantic", "pydantic_core", "langchain_core")
        ):
            first = str(err).strip().splitlines()[0] if str(err).strip() else "invalid"
            return error_response(422, "validation_error", _bounded(f"input: {first}"))
        return await _bug(request, err)

    @app.exception_handler(ValidationError)
    async def _langserve_input(request: Request, err: ValidationError) -> JSONResponse:
        # LangServe's /batch validates each input against the runnable's input schema
        # without catching the error (/invoke and /stream do): that is the client's
        # input, not a bug. A validation error raised anywhere else stays a 500.
        if _raised_from(err, "langserve.api_handler", through=("pydantic", "pydantic_core")):
            return error_response(422, "validation_error", _validation_message(err))
        return await _bug(request, err)

    async def _database(request: Request, err: Exception) -> JSONResponse:
        # Registered per class (not only in the catch-all below) so the handler runs
        # inside the app: the 503 goes out and the keep-alive connection stays open.
        unavailable = database_unavailable(err)
        if unavailable is None:
            return await _bug(request, err)
        log.warning("database_unavailable", error_type=type(err).__name__, error=str(err))
        return await _domain(request, unavailable)

    import sqlite3

    import psycopg
    from psycopg_pool import TooManyRequests

    for cls in (psycopg.OperationalError, psycopg.InterfaceError, TooManyRequests):
        app.add_exception_handler(cls, _database)
    app.add_exception_handler(sqlite3.OperationalError, _database)

    async def _model(request: Request, err: Exception) -> JSONResponse:
        down = model_unavailable(err)
        if down is None:
            return await _bug(request, err)
        log.warning("model_unavailable", error_type=type(err).__name__, error=str(err))
        return await _domain(request, down)

    if model_provider:
        import openai

        for model_cls in (
            openai.APIConnectionError,
            openai.RateLimitError,
            openai.InternalServerError,
        ):
            app.add_exception_handler(model_cls, _model)

    @app.exception_handler(Exception)
    async def _bug(request: Request, err: Exception) -> JSONResponse:
        down = unavailable(err)
        if down is not None:  # wrapped where the handlers above did not see it
            return await _domain(request, down)
        # Logged here too: the handlers above call this one directly for the errors they
        # do not recognise, and those 500s left no traceback.
        log.error("internal_error", exc_info=err, path=request.url.path)
        return error_response(500, "internal_error", "internal server error")
