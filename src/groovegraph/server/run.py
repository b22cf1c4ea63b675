"""``groovegraph serve``: uvicorn with our app factory, loopback unless keys are set."""

from __future__ import annotations

import importlib.util
import os
import sys

from groovegraph.server.auth import is_loopback
from groovegraph.settings import Settings
from groovegraph.tools.errors import GrooveGraphError


class UnsafeBindError(GrooveGraphError):
    code = "unsafe_bind"
    exit_code = 2


def serve(
    *,
    settings: Settings,
    host: str | None,
    port: int | None,
    workers: int | None,
    no_demo: bool = False,
) -> int:
    """Run the server until interrupted. Returns the exit status."""
    import uvicorn

    host = host or settings.host
    port = settings.port if port is None else port
    workers = workers or 1
    if workers < 1:
        raise UnsafeBindError("--workers must be at least 1")
    if not settings.api_keys and not is_loopback(host):
        raise UnsafeBindError(
            f"refusing to listen on {host}: no API keys are configured, so anyone who can reach "
            "this address would act as the local owner. Set GROOVEGRAPH_API_KEYS=key:owner[,…] "
            "or bind 127.0.0.1."
        )
    if workers > 1 and not settings.redis_url:
        # Run locks and rate limits are per process without Redis.
        print(
            "groovegraph: warning: --workers > 1 without GROOVEGRAPH_REDIS_URL: one-run-per-thread "
            "and rate limits hold per worker process only",
            file=sys.stderr,
        )
    if no_demo:
        # Environment, not an argument: with --workers each process builds its own app.
        os.environ["GROOVEGRAPH_DEMO_LIBRARY"] = "false"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    uvicorn.run(
        "groovegraph.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop=loop,
        http="httptools" if importlib.util.find_spec("httptools") else "h11",
        ws="none",
        log_config=None,
        timeout_graceful_shutdown=10,
        proxy_headers=False,
    )
    return 0
