"""HTTP layer: FastAPI app with LangServe routes, SSE chat, threads, samples, auth."""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    """See :func:`groovegraph.server.app.create_app`."""
    from groovegraph.server.app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["create_app"]
