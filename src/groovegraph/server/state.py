"""What the lifespan builds once and every request shares."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request

from groovegraph.persistence.coordination import Coordination
from groovegraph.server.thread_store import ThreadStore
from groovegraph.settings import Settings
from groovegraph.tools.library_progress import LibraryProgress

T = TypeVar("T")


@dataclass
class AppState:
    """Process-wide resources of one server process.

    Attributes
    ----------
    settings : Settings
    coordination : Coordination
        LLM cache, rate limiter and run locks (Redis or in-process).
    threads : ThreadStore
        Thread ownership table.
    graph : Any
        The compiled LangGraph graph (with the checkpointer).
    catalog : Any
        The catalog store (``SampleSource``: ``frame(owner)``, ``get(id, owner)``, ``upsert``).
    checkpointer : Any
        The checkpointer the graph was compiled with.
    """

    settings: Settings
    coordination: Coordination
    threads: ThreadStore
    graph: Any = None
    catalog: Any = None
    checkpointer: Any = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    startup_error: str | None = None
    background: set[asyncio.Task[Any]] = field(default_factory=set)
    executor: Executor | None = None
    #: Where uploads and the agent's analyses run (:func:`groovegraph.server.wiring.open_analyzer`).
    analyzer: Any = None
    #: Agent Protocol runs of this process (:class:`~groovegraph.server.protocol_runs.
    #: RunManager`), made on first use.
    protocol_runs: Any = None
    #: The demo library's first build (:class:`~groovegraph.tools.library_progress.
    #: LibraryProgress`) when this app sees to it, else ``None``.
    library: LibraryProgress | None = None

    async def in_executor(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` in the analysis executor: audio work (decoding,
        analysis, numba warm-up) never runs on the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: fn(*args, **kwargs))


def get_app_state(request: Request) -> AppState:
    state = getattr(request.app.state, "gg", None)
    if state is None:  # only before the lifespan ran (or after it failed)
        from groovegraph.server.errors import NotReadyError

        raise NotReadyError("the server is starting")
    return state  # type: ignore[no-any-return]
