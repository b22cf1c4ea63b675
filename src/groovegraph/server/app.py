"""The FastAPI application: ``create_app(settings)``.

The lifespan builds everything once per process, in this order: Redis helpers (cache,
rate limits, run locks), the thread table, the checkpointer, the catalog store, the
compiled graph. Then, in the background so the port opens at once, it warms up audio
analysis; ``/readyz`` answers 503 until that is done (a second or two), then 200: the
server accepts requests. After that, still in the background, it builds and indexes the
demo library when the catalog is empty (or an earlier build was cut short): ``/healthz``
and ``/readyz`` show its progress (``library``), and library searches answered meanwhile
say they cover only what is indexed so far (:mod:`groovegraph.tools.library_progress`).
Then the plots are warmed up and the bytecode of every module the process loaded that
has none yet is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from psycopg_pool import AsyncConnectionPool

from groovegraph import __version__
from groovegraph.persistence.coordination import open_coordination
from groovegraph.server import wiring
from groovegraph.server.errors import NulInUrlGuard, install_error_handlers
from groovegraph.server.limits import BodyLimitMiddleware
from groovegraph.server.logging import RequestIdMiddleware
from groovegraph.server.state import AppState
from groovegraph.server.stream_guard import StreamEndGuard
from groovegraph.server.thread_store import ThreadStore
from groovegraph.settings import Settings, get_settings
from groovegraph.tools.library_progress import track, untrack

log = structlog.get_logger(__name__)

GraphFactory = Callable[..., Any]

# Largest request body outside uploads, in bytes. A chat turn is at most 20,000 characters
# plus 50 sample ids; LangServe's routes had no bound at all (a 50 MB message was read,
# run and checkpointed). Uploads are exempt: they have their own, streamed cap.
JSON_BODY_LIMIT_BYTES = 1024 * 1024


def _freeze_heap() -> None:
    """Move everything allocated so far (modules, the compiled graph, librosa/numba after
    warm-up: ~200k objects) out of the cyclic GC's reach. Without this, every full
    collection rescans them and stalls the event loop for 100-300 ms, which is what
    streaming clients see as latency spikes; with it, a collection scans only request
    garbage."""
    gc.collect()
    gc.freeze()


async def _background_startup(state: AppState, *, build_demo: bool, warm: bool) -> None:
    try:
        if warm:
            # Pay the first analysis' one-time costs (imports, FFT plans, the resampler;
            # numba's kernels for anything that uses librosa) now, off the event loop,
            # rather than in a user's first request. The numba cache is written here,
            # once, before anything else in the process may compile.
            await state.in_executor(wiring.warm_up, state.settings)
            log.info("analysis_warmed_up")
    except Exception as err:  # startup problems are reported by /readyz, not a crash
        state.startup_error = f"{type(err).__name__}: {err}"
        log.exception("background_startup_failed")
    finally:
        _freeze_heap()
        state.ready.set()
    # Ready: requests are served from here on. The demo library is built and indexed
    # after that (tens of seconds on a first start); meanwhile /healthz and /readyz show
    # its progress and answers about the library say they cover what is indexed so far.
    if build_demo:
        await _see_to_demo(state)
    if warm and state.startup_error is None:
        # After readiness: the plots' imports make the first plot faster, they are not
        # needed to serve (a plot asked for meanwhile imports what it needs itself).
        try:
            await state.in_executor(wiring.warm_up_plots)
            log.info("plots_warmed_up")
        except Exception:  # a plot that fails later says why; serving goes on
            log.warning("plots_warm_up_failed", exc_info=True)
        # Bytecode for what this process loaded that `make warm-up` did not (the plots,
        # anything imported lazily), so the next start does not compile it from source
        # where Python may not write it (PYTHONDONTWRITEBYTECODE).
        written = await state.in_executor(wiring.write_bytecode)
        log.info("bytecode_written", modules=written)
        _freeze_heap()


async def _see_to_demo(state: AppState) -> None:
    """Build and index the demo library when it is wanted and not whole, in the background
    of a ready server; a failure is logged and shown by /healthz and /readyz."""
    progress = state.library
    if progress is None:
        return
    try:
        if await asyncio.to_thread(wiring.demo_wanted, state.settings, state.catalog):
            log.info("demo_library_building", dir=str(state.settings.demo_dir))
            await asyncio.to_thread(wiring.ensure_demo, state.settings, state.catalog, progress)
            log.info("demo_library_ready")
        progress.finish()
    except Exception as err:
        progress.fail(f"{type(err).__name__}: {err}")
        log.exception("demo_library_failed")


def create_app(
    settings: Settings | None = None,
    *,
    graph_factory: GraphFactory | None = None,
    catalog: Any = None,
    build_demo: bool | None = None,
    warm_up: bool = True,
) -> FastAPI:
    """Build the app.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to :func:`get_settings` (the environment).
    graph_factory : callable, optional
        ``(settings=, catalog=, checkpointer=, cache=) -> compiled graph``; default
        compiles :func:`groovegraph.graph.build_graph` with the configured checkpointer.
        Tests and benchmarks pass their own.
    catalog : SampleSource, optional
        Use this catalog instead of opening the configured store.
    build_demo : bool, optional
        Build the demo library when the catalog is empty (default ``settings.demo_library``).
    warm_up : bool
        Warm up audio analysis in the background.
    """
    settings = settings or get_settings()
    demo = settings.demo_library if build_demo is None else build_demo

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.ensure_dirs()
        if warm_up:
            wiring.configure_runtime(settings)
        (settings.uploads_dir / ".incoming").mkdir(parents=True, exist_ok=True)
        async with contextlib.AsyncExitStack() as stack:
            coordination = await stack.enter_async_context(open_coordination(settings))
            checkpointer = await stack.enter_async_context(wiring.open_checkpointer(settings))
            # On Postgres the thread table rides on the checkpointer's pool: one pool
            # sized by db_pool_max per process, not two.
            shared_pool = getattr(checkpointer, "conn", None)
            threads = await ThreadStore.open(
                settings,
                pool=shared_pool if isinstance(shared_pool, AsyncConnectionPool) else None,
            )
            stack.push_async_callback(threads.close)
            executor = ThreadPoolExecutor(
                max_workers=settings.workers, thread_name_prefix="gg-audio"
            )
            stack.callback(executor.shutdown, wait=False, cancel_futures=True)
            analyzer = wiring.open_analyzer(settings)
            stack.callback(wiring.close_analyzer, analyzer)
            state = AppState(
                settings=settings,
                coordination=coordination,
                threads=threads,
                executor=executor,
                analyzer=analyzer,
            )
            state.checkpointer = checkpointer
            if catalog is not None:
                state.catalog = catalog
            else:
                state.catalog = await asyncio.to_thread(wiring.open_catalog, settings)
                stack.callback(wiring.close_catalog, state.catalog)
            factory = graph_factory or wiring.compile_graph
            state.graph = factory(
                settings=settings,
                catalog=state.catalog,
                checkpointer=checkpointer,
                cache=coordination.cache,
                analyzer=analyzer,
            )
            if demo:
                state.library = track(settings)
                stack.callback(untrack, settings, state.library)
            app.state.gg = state
            _freeze_heap()
            task = asyncio.create_task(_background_startup(state, build_demo=demo, warm=warm_up))
            state.background.add(task)
            log.info(
                "server_started",
                version=__version__,
                database="postgres" if settings.is_postgres else "sqlite",
                redis=bool(settings.redis_url),
            )
            try:
                yield
            finally:
                for pending in state.background:
                    pending.cancel()
                app.state.gg = None

    app = FastAPI(
        title="groovegraph",
        version=__version__,
        description=(
            "Music-discovery and groove-analysis agent. LangServe routes under /agent, SSE chat "
            "under /v1/threads/{id}/chat, samples under /v1/samples. Authenticate with "
            "'Authorization: Bearer KEY' or 'X-API-Key: KEY' when API keys are configured."
        ),
        lifespan=lifespan,
    )
    app.state.gg = None
    # LangServe's streams end with error + end on any failure (innermost: it sees the
    # route's own messages).
    app.add_middleware(StreamEndGuard)
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=JSON_BODY_LIMIT_BYTES, exempt_prefixes=("/v1/samples",)
    )
    app.add_middleware(NulInUrlGuard)
    app.add_middleware(RequestIdMiddleware)
    if settings.cors_origins:
        # Outermost, so errors (401, 409, 429) reach browser clients with CORS headers
        # too. Keys travel in headers, never cookies: no credentials mode.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
            allow_headers=[
                "content-type",
                "x-api-key",
                "authorization",
                "last-event-id",
                "x-request-id",
            ],
            expose_headers=["content-location", "location", "x-pagination-next", "retry-after"],
            max_age=600,
        )
    install_error_handlers(
        app,
        model_provider=any(
            m not in (None, "offline") for m in (settings.model, settings.router_model)
        ),
    )

    from groovegraph.server import agent_protocol, chat, health, media, samples, threads
    from groovegraph.server.agent import mount_agent

    app.include_router(health.router)
    app.include_router(threads.router)
    app.include_router(chat.router)
    app.include_router(samples.router)
    app.include_router(media.router)
    # Agent Protocol / LangGraph Server subset (langgraph_sdk, Agent Chat UI, Studio).
    app.include_router(agent_protocol.router)
    mount_agent(app)
    mount_static(app)
    return app


#: The page at ``/`` and the scripts it and the playground load: plain files in the
#: package (no CDN, no build step).
STATIC_DIR = Path(__file__).with_name("static")


def mount_static(app: FastAPI) -> None:
    """``/static/*`` (public: code and styles, nothing of anyone's)."""
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        """The web page (public; every call it makes carries the key typed into it)."""
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")


#: What ``groovegraph serve`` imports before it is ready, beyond this module and the app
#: :func:`create_app` builds: the lifespan's graph, checkpointer, catalog and demo builder,
#: and uvicorn's server, loop and protocol.
SERVE_IMPORTS = (
    "groovegraph.graph",
    "groovegraph.persistence.catalog_store",
    "groovegraph.persistence.checkpointer",
    "groovegraph.persistence.indexer",
    "groovegraph.server.run",
    "groovegraph.tools.demo",
    "groovegraph.tools.synth",
    "aiosqlite",
    "uvicorn.main",
    "uvicorn.server",
    "uvicorn.lifespan.on",
    "uvicorn.loops.auto",
    "uvicorn.protocols.http.auto",
)


def import_serve_modules(settings: Settings) -> None:
    """Import what the server loads before it is ready, opening nothing.

    ``make warm-up`` calls it before it writes bytecode, so the server's first start
    loads its ~1,500 modules from cached bytecode although ``make setup`` compiles none
    (compiling all ~16,000 files of the environment was half the first start). Modules
    missing here are written by the server itself once it is ready (:func:`_background_startup`).
    """
    import importlib

    create_app(settings, build_demo=False, warm_up=False)
    for name in SERVE_IMPORTS:
        with contextlib.suppress(ImportError):  # optional speed-ups (uvloop, httptools)
            importlib.import_module(name)


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (each worker process builds its own app)."""
    from groovegraph.server.logging import configure_logging

    settings = get_settings()
    configure_logging(settings)
    # `serve --no-demo` reaches each worker as GROOVEGRAPH_DEMO_LIBRARY=false (settings).
    return create_app(settings, build_demo=settings.demo_library)
