"""Analysis on a Dask cluster: :class:`ClusterAnalyzer` sends files to the workers of a
``dask.distributed`` scheduler and streams the results back, for
:func:`groovegraph.persistence.indexer.index_directory` (``groovegraph index DIR
--cluster tcp://HOST:8786``, or ``GROOVEGRAPH_CLUSTER``).

What travels: the file's path and the five analysis limits (never the settings' secrets);
what comes back: the Analysis fields as a dict, or the typed error. Workers therefore read
the audio themselves, from the same path the client walked: the library must be mounted
at the same place on every worker (NFS, SMB, a bind mount in compose.yaml), or be an
fsspec URL (``s3://bucket/prefix``, :mod:`groovegraph.tools.remote`) that every worker can
read with its own credentials. Each worker
needs groovegraph installed (the same version as the client) and is best started with
``--preload groovegraph.tools.cluster``, which prepares the process before the first file
(see :func:`dask_setup`).

Scheduling is Dask's: the client keeps a window of files submitted (a few per worker
thread, so a 500,000-file library never sits in the scheduler at once) and tops it up as
results arrive. A worker that dies loses only the files it was analysing; the scheduler
runs them again elsewhere. Started with ``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1``
(as compose.yaml does) that is once: a file on which two workers died is reported as
:class:`~groovegraph.tools.errors.CorruptAudioError`, like a decoder crash in the local
pool. A task that raises (it should not: errors come back as values) is retried once
(``retries=1``).

Per-file timeout: in each Dask worker the files run in a small process pool of its own
(:class:`~groovegraph.tools.analysis.AnalysisPool`, one process per worker thread), as in
the local pool: a file still running ``decode_timeout_s`` after it started has its process
killed and is reported as :class:`~groovegraph.tools.errors.DecodeTimeoutError` (stored,
like any verdict on a file), the worker thread goes on with the next file, and a decoder
crash costs that process, not the worker. A worker that runs as a daemonic process
(Dask's default under a nanny) may not start processes: start workers with
``DASK_DISTRIBUTED__WORKER__DAEMON=False`` (as compose.yaml does) or ``--no-nanny``;
:class:`ClusterAnalyzer` refuses a cluster with a daemonic worker up front.

For a server, :class:`OffloadAnalyzer` sends uploads and the agent's analyses to the
cluster as bytes (the workers need no access to the server's disk), ahead of any
indexing work (a higher Dask priority), and analyses locally whenever the cluster cannot
answer in time.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from groovegraph.settings import Settings
from groovegraph.tools.analysis import (
    AnalysisOutcome,
    AnalysisPool,
    Analyzer,
    ProgressCallback,
    outcome_of,
)
from groovegraph.tools.errors import (
    AnalysisFailedError,
    AudioFileNotFoundError,
    ClusterUnavailableError,
    CorruptAudioError,
    GrooveGraphError,
)

__all__ = [
    "CLUSTER_SCHEMES",
    "ClusterAnalyzer",
    "OffloadAnalyzer",
    "dask_setup",
    "files_analysed",
]

log = logging.getLogger(__name__)

#: Scheduler address schemes accepted (Dask's TCP and TLS comms).
CLUSTER_SCHEMES = ("tcp://", "tls://")
#: The settings a worker needs to analyse a file the way this machine would.
_ANALYSIS_FIELDS = (
    "analysis_sample_rate",
    "analysis_max_s",
    "max_file_bytes",
    "max_duration_s",
    "decode_timeout_s",
)
#: Files kept submitted per worker thread; at least :data:`_MIN_WINDOW` in all. Enough
#: that no worker waits for the client, few enough that cancelling (Ctrl-C) is immediate.
_WINDOW_PER_THREAD = 4
_MIN_WINDOW = 32
#: Task-name prefix (the Dask dashboard groups tasks by it).
_TASK_PREFIX = "groovegraph-analyze"


#: Dask priority of a server's files (uploads, the agent's analyses): ahead of indexing
#: files (priority 0) waiting on the same worker; the scheduler holds the rest of an
#: indexing run back anyway (Dask's queuing of tasks without dependencies).
INTERACTIVE_PRIORITY = 10
_DAEMONIC = (
    "this Dask worker runs as a daemonic process and may not start the analysis processes "
    "that give every file a timeout: start workers with DASK_DISTRIBUTED__WORKER__DAEMON=False "
    "(or --no-nanny)"
)

# --- in the Dask worker ------------------------------------------------------------------

_POOL: AnalysisPool | None = None
_POOL_LOCK = threading.Lock()
_FILES = 0  # files this worker process has analysed (files_analysed)


def _worker_pool() -> AnalysisPool | None:
    """This worker's analysis processes (one per worker thread), started on first use;
    None in a daemonic worker (it may not start processes)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            if multiprocessing.current_process().daemon:
                return None
            from distributed import get_worker

            try:
                threads = int(get_worker().state.nthreads)
            except ValueError:  # not inside a worker (a direct call)
                threads = 1
            _POOL = AnalysisPool(settings=Settings.model_construct(), workers=threads)
        return _POOL


def _analyze_on_worker(
    path: str, limits: dict[str, Any], data: bytes | None = None
) -> dict[str, Any] | GrooveGraphError:
    """The task: runs in a Dask worker; returns the Analysis fields or the typed error.

    ``data``: the file's bytes, sent by a server (:class:`OffloadAnalyzer`); they are
    written to a temporary file on the worker and reported under ``path``. Otherwise the
    worker reads ``path`` itself.
    """
    global _FILES
    pool = _worker_pool()
    if pool is None:
        return AnalysisFailedError(_DAEMONIC, path=path)
    if data is None:
        result = pool.measure(path, limits)
    else:
        with tempfile.TemporaryDirectory(prefix="groovegraph-") as tmp:
            local = os.path.join(tmp, "audio" + Path(path).suffix.lower()[:8])
            with open(local, "wb") as fh:
                fh.write(data)
            result = pool.measure(local, limits)
        if isinstance(result, GrooveGraphError):
            result.path = path
        else:
            result["file"] = path
    with _POOL_LOCK:
        _FILES += 1
    if isinstance(result, AudioFileNotFoundError) and data is None and "://" not in path:
        result.message += (
            " on the worker (is the library mounted at the same path on every worker?)"
        )
    return result


def files_analysed() -> int:
    """Files this Dask worker process has analysed since it started (for
    ``client.run(files_analysed)``: which workers did the work)."""
    return _FILES


def _is_daemonic() -> bool:
    return bool(multiprocessing.current_process().daemon)


def dask_setup(worker: object) -> None:
    """``dask worker --preload groovegraph.tools.cluster`` calls this when the worker starts:
    its analysis processes start (and warm up) now rather than on the first file."""
    if _is_daemonic():
        log.error("%s", _DAEMONIC)
        return
    pool = _worker_pool()
    if pool is not None:
        pool.start()


# --- on the client -----------------------------------------------------------------------


def _outcome(result: Any, name: str) -> AnalysisOutcome:
    """A finished task's result, as ``as_completed(with_results=True, raise_errors=False)``
    hands it over, as ``Analysis | GrooveGraphError``.

    Read from the result, never from ``future.status``: the status is the future's *now*,
    and a result gathered before its worker died is marked ``lost`` on the client the
    moment the scheduler hears of the death (it is computed again for a holder that still
    wants it). Reading the status then reported an analysed file as dropped.
    """
    from asyncio import CancelledError  # the class distributed.utils re-exports

    from distributed import KilledWorker

    if isinstance(result, CancelledError):
        # the scheduler lost the task (restarted, or the connection dropped)
        return AnalysisFailedError("the cluster dropped this file (cancelled)", path=name)
    if (
        isinstance(result, tuple) and len(result) == 3 and isinstance(result[1], BaseException)
    ):  # (type, exception, traceback) of a task that raised
        exc = result[1]
        if isinstance(exc, KilledWorker):
            return CorruptAudioError(
                f"the Dask worker analysing it died ({exc.allowed_failures + 1} workers tried)",
                path=name,
            )
        return AnalysisFailedError(f"on the cluster: {type(exc).__name__}: {exc}", path=name)
    return outcome_of(result)


def _connect(address: str, *, timeout_s: float) -> Any:
    """A Dask client of ``address``, or :class:`ClusterUnavailableError`."""
    from distributed import Client

    if not address.startswith(CLUSTER_SCHEMES):
        raise ClusterUnavailableError(
            f"not a Dask scheduler address: {address!r} (expected tcp://host:port or tls://host:port)"
        )
    try:
        # distributed ships no type hints: its objects are Any here.
        return Client(address, timeout=timeout_s, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as err:
        raise ClusterUnavailableError(
            f"cannot reach the Dask scheduler at {address}: {err}"
        ) from None


class ClusterAnalyzer:
    """An :class:`~groovegraph.tools.analysis.Analyzer` backed by a Dask scheduler.

    Parameters
    ----------
    address : str
        The scheduler, ``tcp://host:8786`` or ``tls://…``.
    settings : Settings
        The analysis limits sent with every file.
    connect_timeout_s : float
        How long to wait for the scheduler before :class:`ClusterUnavailableError`.
    worker_timeout_s : float
        How long to wait for a first worker when the scheduler has none (then
        :class:`ClusterUnavailableError`: files would otherwise queue forever).

    Use as a context manager (or call :meth:`close`): it holds a connection.
    """

    def __init__(
        self,
        address: str,
        *,
        settings: Settings,
        connect_timeout_s: float = 10.0,
        worker_timeout_s: float = 60.0,
    ) -> None:
        self.address = address
        self._limits = {name: getattr(settings, name) for name in _ANALYSIS_FIELDS}
        self._client = _connect(address, timeout_s=connect_timeout_s)
        try:
            self._client.wait_for_workers(1, timeout=worker_timeout_s)
        except TimeoutError:
            self._client.close()
            raise ClusterUnavailableError(
                f"the Dask scheduler at {address} has no workers (waited {worker_timeout_s:g} s)"
            ) from None
        daemonic = sorted(a for a, d in self._client.run(_is_daemonic).items() if d)
        if daemonic:
            self._client.close()
            raise ClusterUnavailableError(f"{', '.join(daemonic)}: {_DAEMONIC}")

    def threads(self) -> int:
        """Worker threads the cluster has right now (each analyses one file at a time)."""
        return int(sum(self._client.nthreads().values()))

    def analyze(
        self, paths: Sequence[str], *, on_progress: ProgressCallback | None = None
    ) -> Iterator[tuple[str, AnalysisOutcome]]:
        """Analyse ``paths`` on the cluster; see :class:`~groovegraph.tools.analysis.Analyzer`.

        ``done`` in ``on_progress`` counts files finished anywhere on the cluster.
        """
        from distributed import as_completed

        names = [os.fspath(p) for p in paths]
        total = len(names)
        if total == 0:
            return
        run = uuid.uuid4().hex[:12]
        waiting = iter(enumerate(names))
        name_of: dict[str, str] = {}

        def submit_next() -> Any:
            item = next(waiting, None)
            if item is None:
                return None
            i, name = item
            future = self._client.submit(
                _analyze_on_worker,
                name,
                self._limits,
                key=f"{_TASK_PREFIX}-{run}-{i}",
                retries=1,
                pure=False,
            )
            name_of[future.key] = name
            return future

        window = max(_MIN_WINDOW, _WINDOW_PER_THREAD * self.threads())
        first = [submit_next() for _ in range(min(window, total))]
        finished: Any = as_completed(  # type: ignore[no-untyped-call]
            first, loop=self._client.loop, with_results=True, raise_errors=False
        )
        try:
            for done, (future, result) in enumerate(finished, start=1):
                name = name_of.pop(future.key)
                outcome = _outcome(result, name)
                future.release()
                following = submit_next()
                if following is not None:
                    finished.add(following)
                if on_progress is not None:
                    on_progress(done, total, name)
                yield name, outcome
        finally:
            # Consumer stopped early or Ctrl-C: drop what is still queued on the cluster.
            left = list(finished.futures)
            if left:
                self._client.cancel(left)

    def close(self) -> None:
        """Close the connection to the scheduler (the cluster keeps running)."""
        self._client.close()

    def __enter__(self) -> ClusterAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OffloadAnalyzer:
    """An :class:`~groovegraph.tools.analysis.Analyzer` for a server
    (``GROOVEGRAPH_ANALYSIS_CLUSTER``): uploads and the agent's analyses run on a Dask
    cluster's workers, so API replicas stay light.

    Each file's bytes travel with its task (at most ``max_file_bytes``; the workers need no
    access to the server's disk), at :data:`INTERACTIVE_PRIORITY` (ahead of indexing
    runs). When the cluster cannot answer — the scheduler is unreachable (connecting waits
    at most ``connect_timeout_s``), it has no workers, or the files are not back within
    ``wait_timeout_s`` — the files still waiting are cancelled there and analysed by
    ``fallback`` (this machine), the reason is logged, and for ``retry_after_s`` the
    cluster is not asked again (no request waits for a cluster known to be down). A
    request is therefore never failed because of the cluster, nor held more than
    ``connect_timeout_s`` + ``wait_timeout_s`` before its local analysis starts. A client
    whose connection broke is dropped, and a new one made after the pause. Thread-safe;
    connects on first use.
    """

    def __init__(
        self,
        address: str,
        *,
        settings: Settings,
        fallback: Analyzer,
        connect_timeout_s: float = 5.0,
        wait_timeout_s: float = 60.0,
        retry_after_s: float = 30.0,
    ) -> None:
        self.address = address
        self.fallback = fallback
        self.connect_timeout_s = connect_timeout_s
        self.wait_timeout_s = wait_timeout_s
        self.retry_after_s = retry_after_s
        self._limits = {name: getattr(settings, name) for name in _ANALYSIS_FIELDS}
        self._client: Any = None
        self._down_until = 0.0
        self._lock = threading.Lock()
        #: Why the cluster was last passed over (None while it answers).
        self.last_error: str | None = None

    def _client_or_none(self) -> Any:
        with self._lock:
            if time.monotonic() < self._down_until:
                return None
            if self._client is None:
                try:
                    self._client = _connect(self.address, timeout_s=self.connect_timeout_s)
                except ClusterUnavailableError as err:
                    self._down(str(err))
                    return None
            return self._client

    def _down(self, reason: str) -> None:
        reason = (reason.strip().splitlines() or ["unknown"])[0]
        self._down_until = time.monotonic() + self.retry_after_s
        if reason != self.last_error:
            log.warning(
                "analysis cluster %s unavailable (%s): analysing on this machine for %g s",
                self.address,
                reason,
                self.retry_after_s,
            )
        self.last_error = reason

    def analyze(
        self, paths: Sequence[str], *, on_progress: ProgressCallback | None = None
    ) -> Iterator[tuple[str, AnalysisOutcome]]:
        """Analyse ``paths``; see :class:`~groovegraph.tools.analysis.Analyzer`."""
        names = [os.fspath(p) for p in paths]
        done_here = self._on_cluster(names)
        total = len(names)
        count = 0
        for name in names:
            if name in done_here:
                count += 1
                if on_progress is not None:
                    on_progress(count, total, name)
                yield name, done_here[name]
        rest = [n for n in names if n not in done_here]
        if rest:
            offset = count

            def progress(done: int, _total: int, path: str) -> None:
                if on_progress is not None:
                    on_progress(offset + done, total, path)

            yield from self.fallback.analyze(rest, on_progress=progress)

    def _on_cluster(self, names: list[str]) -> dict[str, AnalysisOutcome]:
        """What the cluster analysed of ``names`` (the rest is left to the fallback)."""
        if not names:
            return {}
        client = self._client_or_none()
        if client is None:
            return {}
        try:
            if not client.nthreads():
                self._down("the scheduler has no workers")
                return {}
            futures: dict[str, Any] = {}
            out: dict[str, AnalysisOutcome] = {}
            run = uuid.uuid4().hex[:12]
            for i, name in enumerate(names):
                data = self._read(name)
                if isinstance(data, GrooveGraphError):
                    out[name] = data  # a verdict on the file: no cluster needed
                    continue
                # Scattered, not embedded in the task: the bytes go to a worker directly
                # rather than through the scheduler.
                sent = client.scatter(data, hash=False, timeout=self.connect_timeout_s)
                futures[name] = client.submit(
                    _analyze_on_worker,
                    name,
                    self._limits,
                    sent,
                    key=f"{_TASK_PREFIX}-upload-{run}-{i}",
                    priority=INTERACTIVE_PRIORITY,
                    retries=1,
                    pure=False,
                )
            deadline = time.monotonic() + self.wait_timeout_s
            for future in futures.values():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    future.result(timeout=remaining)
                except TimeoutError:
                    break  # what finished is used below; the rest goes to the fallback
                except Exception:
                    pass
        except Exception as err:  # the connection dropped mid-request, and the like
            self._down(f"{type(err).__name__}: {err}")
            self._forget(client)
            return {}
        late = [f for f in futures.values() if f.status == "pending"]
        if late:
            client.cancel(late)
            self._down(f"{len(late)} file(s) not back within {self.wait_timeout_s:g} s")
        for name, future in futures.items():
            if future.status == "finished":
                out[name] = _outcome(future.result(), name)
            elif future.status == "error":
                out[name] = _outcome((None, future.exception(), None), name)
        if not late:
            self.last_error = None
        return out

    def _forget(self, client: Any) -> None:
        """Drop a client whose connection failed: after the pause, a new one is made (a
        restarted scheduler is found again)."""
        with self._lock:
            if self._client is client:
                self._client = None
        with contextlib.suppress(Exception):  # it is dropped because it is broken
            client.close(timeout=2)

    def _read(self, name: str) -> bytes | GrooveGraphError:
        from groovegraph.tools.errors import FileTooLargeError

        limit = int(self._limits["max_file_bytes"])
        try:
            with open(name, "rb") as fh:
                data = fh.read(limit + 1)
        except FileNotFoundError:
            return AudioFileNotFoundError("no such file", path=name)
        except IsADirectoryError:
            return AudioFileNotFoundError("is a directory, not an audio file", path=name)
        except OSError as err:
            return AudioFileNotFoundError(f"cannot read: {err.strerror}", path=name)
        if len(data) > limit:
            return FileTooLargeError(f"over the limit of {limit} bytes", path=name)
        return data

    def close(self) -> None:
        """Close the connection to the scheduler (if one was made)."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
