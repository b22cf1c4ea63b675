"""Incremental indexing of a library folder into a catalog store
(:class:`~groovegraph.persistence.catalog_store.CatalogStore`, or anything with the
:class:`IndexTarget` methods; this module does not import the store).

What happens to each audio file under the root:

* same path, same size and mtime as stored → **unchanged**, not even hashed (this is what
  makes a rerun over thousands of files take seconds);
* otherwise it is hashed; content already stored under another path whose file is gone
  → **relinked** (path updated, analysis kept); content stored at this very path (only
  the mtime moved) → unchanged, metadata refreshed; new content → analysed, **added**
  (or **updated** when it replaces other content at the same path);
* stored paths under the root that no longer exist → **gone** (kept, hidden from search).

Analysis runs in parallel through an :class:`~groovegraph.tools.analysis.Analyzer` (this
machine's process pool by default, or a Dask cluster:
:class:`~groovegraph.tools.cluster.ClusterAnalyzer`; the rules above do not depend on
which) and results are committed in batches as they arrive, so an interrupted run loses at most one batch
and a rerun picks up where it stopped (finished files are then unchanged). A file that
fails to decode is stored with status ``error`` and its message; the run goes on, and the
file is retried only when it changes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from groovegraph.persistence.catalog_rows import StoredFile, sample_id_for
from groovegraph.settings import Settings
from groovegraph.state import Analysis, SampleRecord, SampleTags
from groovegraph.tools.errors import (
    AnalysisFailedError,
    AudioError,
    AudioFileNotFoundError,
    GrooveGraphError,
    PathNotAllowedError,
)
from groovegraph.tools.library import (
    LibraryFile,
    extract_tags,
    merge_tags,
    read_tags_csv,
    walk_audio,
)
from groovegraph.tools.remote import is_url, url_exists, url_sha256

if TYPE_CHECKING:
    from groovegraph.tools.analysis import Analyzer

__all__ = ["IndexProgress", "IndexSummary", "IndexTarget", "index_directory"]


class IndexTarget(Protocol):
    """What the indexer needs of a catalog store."""

    def files_under(self, root: str | Path) -> dict[str, StoredFile]: ...

    def by_ids(self, sample_ids: Sequence[str]) -> dict[str, StoredFile]: ...

    def upsert(self, records: Iterable[SampleRecord]) -> int: ...

    def relink(
        self,
        sample_id: str,
        *,
        path: str,
        size_bytes: int,
        mtime: float,
        tags: SampleTags | None = None,
    ) -> None: ...

    def touch(
        self, sample_id: str, *, size_bytes: int, mtime: float, tags: SampleTags | None = None
    ) -> None: ...

    def mark_gone(self, sample_ids: Sequence[str]) -> int: ...


#: Default number of analysed files committed per transaction.
DEFAULT_BATCH = 32


@dataclass
class IndexSummary:
    """What one indexing run did. Counts are files."""

    root: str
    scanned: int = 0
    added: int = 0
    updated: int = 0
    relinked: int = 0
    unchanged: int = 0
    gone: int = 0
    failed: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message), first 50

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def fail(self, path: str, message: str) -> None:
        """Count one failed file; the first 50 keep their message."""
        self.failed += 1
        if len(self.errors) < 50:
            self.errors.append((path, message))

    def line(self) -> str:
        """One human summary line."""
        return (
            f"{self.scanned} files in {self.seconds:.1f} s: {self.added} added, {self.updated} updated, "
            f"{self.relinked} relinked, {self.unchanged} unchanged, {self.gone} gone, {self.failed} failed"
            + (f", {self.duplicates} duplicates" if self.duplicates else "")
        )


@dataclass(frozen=True)
class IndexProgress:
    """Progress event: ``phase`` is ``scan``, ``hash`` or ``analyze``; ``done`` of ``total``."""

    phase: str
    done: int
    total: int
    path: str | None = None


ProgressFn = Callable[[IndexProgress], None]


def _exists(path: str) -> bool:
    """Whether a stored path (a local path or an fsspec URL) still exists."""
    return url_exists(path) if is_url(path) else os.path.exists(path)


def _shared_record(
    file: LibraryFile, sha: str, tags: SampleTags, outcome: Analysis | GrooveGraphError
) -> SampleRecord:
    """The shared-library row for ``file``: its analysis, or the error it ended in."""
    path = str(file.path)
    analysis: Analysis | None = None
    error: str | None = None
    if isinstance(outcome, Analysis):
        analysis = outcome.model_copy(update={"file": path, "sha256": sha})
    else:
        error = f"{outcome.code}: {outcome.message}"
    return SampleRecord(
        id=sample_id_for(sha),
        owner=None,
        path=path,
        sha256=sha,
        size_bytes=file.size_bytes,
        mtime=file.mtime,
        status="ok" if analysis is not None else "error",
        error=error,
        tags=tags,
        analysis=analysis,
    )


def index_directory(
    store: IndexTarget,
    root: str | os.PathLike[str],
    *,
    settings: Settings,
    workers: int | None = None,
    analyzer: Analyzer | None = None,
    tags_csv: str | os.PathLike[str] | None = None,
    on_progress: ProgressFn | None = None,
    batch_size: int = DEFAULT_BATCH,
    read_metadata: bool = True,
) -> IndexSummary:
    """Bring the shared catalog in line with the audio under ``root``.

    Parameters
    ----------
    store : IndexTarget
        Where rows go (shared library rows, ``owner`` NULL).
    root : path-like or str
        Library folder; must exist and be a folder. Or an fsspec URL (``s3://bucket/prefix``,
        :mod:`groovegraph.tools.remote`): listed, hashed and tag-read through its filesystem,
        analysed by the analyzer from the URL (the workers need the same filesystem
        access), under the same rules.
    settings : Settings
        Analysis settings (sample rate, caps, timeouts, default worker count).
    workers : int, optional
        Local analysis processes (default ``settings.workers``) when no ``analyzer`` is given.
    analyzer : Analyzer, optional
        Where files are analysed; default this machine's pool
        (:class:`~groovegraph.tools.analysis.LocalAnalyzer`).
    tags_csv : path-like, optional
        Sidecar tag CSV (local file) whose rows override tags from names and metadata.
    on_progress : callable, optional
        Receives :class:`IndexProgress` events.
    batch_size : int
        Analysed files per commit (≥ 1).
    read_metadata : bool
        Read embedded tags with mutagen (slightly slower on big libraries).

    Returns
    -------
    IndexSummary
        Counts and elapsed seconds.
    """
    from groovegraph.tools.analysis import LocalAnalyzer
    from groovegraph.tools.decode import sha256_file

    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if analyzer is not None and workers is not None:
        raise ValueError("give workers (the local pool) or an analyzer, not both")
    runner = analyzer if analyzer is not None else LocalAnalyzer(settings=settings, workers=workers)
    start = time.perf_counter()
    base: Path | str
    if is_url(root):
        base = os.fspath(root).rstrip("/")  # listed by walk_audio; a missing prefix fails there
    else:
        base = Path(root).expanduser().resolve()
        if not base.is_dir():
            raise PathNotAllowedError("not a folder", path=os.fspath(root))
    summary = IndexSummary(root=str(base))
    csv_tags = read_tags_csv(tags_csv, root=base) if tags_csv is not None else None

    def progress(phase: str, done: int, total: int, path: str | None = None) -> None:
        if on_progress is not None:
            on_progress(IndexProgress(phase, done, total, path))

    files = list(walk_audio(base))
    summary.scanned = len(files)
    progress("scan", len(files), len(files))
    stored = store.files_under(base)
    present = {str(f.path) for f in files}

    # --- 1. cheap pass: unchanged size+mtime → skip; the rest needs a hash
    to_hash: list[tuple[LibraryFile, SampleTags]] = []
    retag: list[tuple[StoredFile, SampleTags]] = []
    for f in files:
        row = stored.get(str(f.path))
        if (
            row is not None
            and row.status != "gone"
            and row.size_bytes == f.size_bytes
            and row.mtime == f.mtime
        ):
            # Same path and bytes untouched: name and embedded tags cannot have changed, so
            # the file is not even opened. Only a sidecar CSV can bring new tags.
            summary.unchanged += 1
            if csv_tags is not None and f.path in csv_tags:
                tags = merge_tags(row.tags, csv_tags[f.path])
                if tags != row.tags:
                    retag.append((row, tags))
            continue
        to_hash.append((f, extract_tags(f, csv_tags=csv_tags, read_metadata=read_metadata)))
    for row, tags in retag:
        store.touch(row.id, size_bytes=row.size_bytes, mtime=row.mtime, tags=tags)

    # --- 2. hash what changed and sort it into relink / refresh / analyse
    hashed: list[tuple[LibraryFile, SampleTags, str]] = []
    for i, (f, tags) in enumerate(to_hash, start=1):
        try:
            sha = url_sha256(f.path) if isinstance(f.path, str) else sha256_file(f.path)
        except (OSError, GrooveGraphError) as err:
            summary.fail(str(f.path), str(err))
            continue
        hashed.append((f, tags, sha))
        progress("hash", i, len(to_hash), str(f.path))
    known = store.by_ids([sample_id_for(sha) for _, _, sha in hashed])
    claimed: set[str] = set()  # sample ids given a path in this run
    to_analyze: dict[str, tuple[LibraryFile, SampleTags, str]] = {}
    queued: set[str] = set()  # sample ids waiting for analysis
    for f, tags, sha in hashed:
        sid = sample_id_for(sha)
        row = known.get(sid)
        if sid in claimed or sid in queued:
            summary.duplicates += 1  # a second copy of content already handled in this run
            continue
        if row is not None and row.path == str(f.path):
            # Same content, same place: only the mtime moved (a touch, a copy-over).
            store.touch(sid, size_bytes=f.size_bytes, mtime=f.mtime, tags=tags)
            claimed.add(sid)
            summary.unchanged += 1
        elif row is not None and (
            row.status == "gone" or (row.path not in present and not _exists(row.path))
        ):
            # The old path may lie outside this root (a file moved between libraries):
            # only a path that really vanished counts as a move.
            store.relink(sid, path=str(f.path), size_bytes=f.size_bytes, mtime=f.mtime, tags=tags)
            claimed.add(sid)
            summary.relinked += 1
        elif row is not None:
            summary.duplicates += 1  # identical audio at two live paths: one sample
        else:
            to_analyze[str(f.path)] = (f, tags, sha)
            queued.add(sid)

    # --- 3. paths that vanished, or whose content was replaced, lose their old sample
    gone_ids = [
        row.id
        for path, row in stored.items()
        if row.status != "gone"
        and row.id not in claimed
        and (path not in present or path in to_analyze)
    ]
    vanished = {
        row.id for path, row in stored.items() if path not in present and row.status != "gone"
    }
    if gone_ids:
        store.mark_gone(gone_ids)
    summary.gone = len([i for i in gone_ids if i in vanished])

    # --- 4. analyse in parallel, commit in batches as results stream in
    pending: list[SampleRecord] = []

    def flush() -> None:
        if pending:
            store.upsert(pending)
            pending.clear()

    replaced = {path for path, row in stored.items() if path in to_analyze and row.status != "gone"}
    paths = list(to_analyze)
    try:
        for name, outcome in runner.analyze(
            paths, on_progress=lambda done, total, path: progress("analyze", done, total, path)
        ):
            f, tags, sha = to_analyze[name]
            if isinstance(outcome, Analysis):
                pending.append(_shared_record(f, sha, tags, outcome))
                if name in replaced:
                    summary.updated += 1
                else:
                    summary.added += 1
            else:
                # A verdict on the file (corrupt, unsupported, too long, timed out) is stored
                # and not retried until the file changes. Our own failures (a broken worker
                # pool, a vanished file, a bug) are not the file's fault: not stored, so the
                # next run tries again.
                if isinstance(outcome, AudioError) and not isinstance(
                    outcome, AnalysisFailedError | AudioFileNotFoundError
                ):
                    pending.append(_shared_record(f, sha, tags, outcome))
                summary.fail(name, str(outcome))
            if len(pending) >= batch_size:
                flush()
    finally:
        # Ctrl-C or a crash in the consumer: what was analysed so far is still saved.
        flush()
    summary.seconds = round(time.perf_counter() - start, 3)
    return summary
