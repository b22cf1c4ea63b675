"""Adapters to the other layers (graph, checkpointer, catalog, analysis).

Everything the server needs from ``graph/``, ``persistence/`` and ``tools/`` is called
from here, so a change in one of those interfaces is a change in one file.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from groovegraph.settings import Settings
from groovegraph.state import SampleRecord


@contextlib.asynccontextmanager
async def open_checkpointer(settings: Settings) -> AsyncIterator[Any]:
    from groovegraph.persistence.checkpointer import open_checkpointer as _open

    async with _open(settings) as saver:
        yield saver


def open_catalog(settings: Settings) -> Any:
    from groovegraph.persistence.catalog_store import CatalogStore

    return CatalogStore.open(settings)


def close_catalog(catalog: Any) -> None:
    close = getattr(catalog, "close", None)
    if callable(close):
        close()


def catalog_is_empty(catalog: Any) -> bool:
    return bool(catalog.frame(None).empty)


def demo_wanted(settings: Settings, catalog: Any) -> bool:
    """Whether start-up should see to the demo library: the catalog is empty (a first
    start), or a demo build began in this data dir before (it may have been stopped
    half-way: the server is ready, and so may be stopped, long before the demo is
    indexed; :func:`ensure_demo` then finishes it, or returns at once when it is whole)."""
    return settings.demo_dir.exists() or catalog_is_empty(catalog)


def ensure_demo(settings: Settings, catalog: Any, progress: Any = None) -> None:
    """Build and index the demo library unless it is whole, reporting to ``progress``
    (a :class:`~groovegraph.tools.library_progress.LibraryProgress`)."""
    from groovegraph.tools.demo import ensure_demo_library

    def built(done: int, total: int) -> None:
        if progress is not None:
            progress.update("building", done, total)

    def indexed(event: Any) -> None:
        if progress is None:
            return
        if event.phase == "analyze":
            progress.update("indexing", event.done, event.total)
        elif event.phase == "hash":
            progress.update("indexing", 0, event.total)

    ensure_demo_library(settings, catalog, on_progress=indexed, on_build_progress=built)


def warm_up(settings: Settings) -> None:
    """One tiny analysis so numba's kernels are compiled (it sets up the runtime itself)."""
    from groovegraph.tools.analysis import warm_up as _warm_up

    _warm_up(settings)


def warm_up_plots() -> None:
    """One tiny plot of each kind and back end, so the first upload's plots import
    nothing (matplotlib, its SVG and Agg back ends, the font cache)."""
    from groovegraph.tools import plots

    plots.warm_up()


def write_bytecode() -> int:
    """Bytecode for every module this process imported that has none (files written)."""
    from groovegraph.tools.analysis import write_bytecode as _write

    return _write()


def open_analyzer(settings: Settings) -> Any:
    """Where uploads and the agent's analyses run: this process, or the Dask cluster of
    ``GROOVEGRAPH_ANALYSIS_CLUSTER`` with this process as the fallback
    (:class:`~groovegraph.tools.cluster.OffloadAnalyzer`; connects on first use)."""
    from groovegraph.tools.analysis import LocalAnalyzer

    local = LocalAnalyzer(settings=settings)
    if not settings.analysis_cluster:
        return local
    from groovegraph.tools.cluster import OffloadAnalyzer

    return OffloadAnalyzer(
        settings.analysis_cluster,
        settings=settings,
        fallback=local,
        wait_timeout_s=settings.analysis_cluster_timeout_s,
    )


def close_analyzer(analyzer: Any) -> None:
    close = getattr(analyzer, "close", None)
    if callable(close):
        close()


def compile_graph(
    *, settings: Settings, catalog: Any, checkpointer: Any, cache: Any, analyzer: Any = None
) -> Any:
    from groovegraph.graph import build_graph

    builder = build_graph(catalog=catalog, settings=settings, cache=cache, analyzer=analyzer)
    return builder.compile(checkpointer=checkpointer)


def probe_upload(path: Path, *, settings: Settings) -> Any:
    """Header check of an uploaded file: 415 not audio, 413 too long, 422 corrupt."""
    from groovegraph.tools.decode import probe

    return probe(
        path, max_file_bytes=settings.max_upload_bytes, max_duration_s=settings.max_duration_s
    )


def configure_runtime(settings: Settings) -> None:
    """Point numba's cache at the data dir before anything imports librosa."""
    from groovegraph.tools.analysis import configure_runtime as _configure

    _configure(settings)


def _analyze_and_record(
    path: Path,
    *,
    analyzer: Any,
    settings: Settings,
    owner: str,
    sha256: str,
    size_bytes: int,
    filename: str | None,
) -> SampleRecord:
    import time

    from groovegraph.persistence.catalog_store import sample_id_for
    from groovegraph.state import SampleTags
    from groovegraph.tools.errors import GrooveGraphError

    ((_, analysis),) = analyzer.analyze([str(path)])
    if isinstance(analysis, GrooveGraphError):
        raise analysis
    now = time.time()
    return SampleRecord(
        id=sample_id_for(sha256, owner),
        owner=owner,
        path=str(path),
        sha256=sha256,
        size_bytes=size_bytes,
        mtime=path.stat().st_mtime,
        tags=SampleTags(source=f"upload:{filename}" if filename else "upload"),
        analysis=analysis,
        created_at=now,
        updated_at=now,
    )


async def register_upload(
    state: Any, *, path: Path, owner: str, sha256: str, size_bytes: int, filename: str | None = None
) -> tuple[SampleRecord, bool]:
    """Analyse an upload off the event loop and upsert it for ``owner``.

    One sample, one id: bytes that are already in the shared library (the demo, an
    indexed folder) resolve to that shared sample — its id, no second row. Nothing
    leaks: the shared library is visible to every owner. Otherwise the upload is the
    owner's own sample (an owner-scoped id, so nobody learns whether another owner
    uploaded the same file).

    Returns the record and whether it is new (False: the same bytes are in the shared
    library or this owner uploaded them before; the stored analysis is returned without
    analysing again).
    """
    import asyncio

    from groovegraph.persistence.catalog_store import sample_id_for
    from groovegraph.tools.errors import NotFoundError

    def known() -> Any:
        for candidate, scope in (
            (sample_id_for(sha256), None),
            (sample_id_for(sha256, owner), owner),
        ):
            try:
                found = state.catalog.get(candidate, scope)
            except NotFoundError:
                continue
            if found.sha256 == sha256 and found.analysis is not None and found.status == "ok":
                return found
        return None

    existing = await asyncio.to_thread(known)
    if existing is not None:
        return existing, False
    record = await state.in_executor(
        _analyze_and_record,
        path,
        analyzer=state.analyzer,
        settings=state.settings,
        owner=owner,
        sha256=sha256,
        size_bytes=size_bytes,
        filename=filename,
    )

    def store() -> SampleRecord:
        # Answer with what the database now holds (its timestamps); both round trips
        # in one hop to a worker thread.
        state.catalog.upsert([record])
        return state.catalog.get(record.id, owner)  # type: ignore[no-any-return]

    return await asyncio.to_thread(store), True
