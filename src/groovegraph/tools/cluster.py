"""Analysis on a Dask cluster: :class:`ClusterAnalyzer` sends files to the workers of a
``dask.distributed`` scheduler and streams the results back, for
:func:`groovegraph.persistence.indexer.index_directory` (``groovegraph index DIR
--cluster tcp://HOST:8786``, or ``GROOVEGRAPH_CLUSTER``).

What travels: the file's path and the four analysis limits (never the settings' secrets);
what comes back: the Analysis fields as a dict, or the typed error. Workers therefore read
the audio themselves, from the same path the client walked: the library must be mounted
at the same place on every worker (NFS, SMB, a bind mount in compose.yaml). Each worker
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
(``retries=1``). There is no per-file timeout on the cluster: a hung decoder holds its
worker thread until the worker is restarted.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from groovegraph.settings import Settings
from groovegraph.tools.analysis import (
    AnalysisOutcome,
    ProgressCallback,
    measure_file_guarded,
    outcome_of,
    prepare_worker,
)
from groovegraph.tools.errors import (
    AnalysisFailedError,
    AudioFileNotFoundError,
    ClusterUnavailableError,
    CorruptAudioError,
    GrooveGraphError,
)

__all__ = ["CLUSTER_SCHEMES", "ClusterAnalyzer", "dask_setup"]

#: Scheduler address schemes accepted (Dask's TCP and TLS comms).
CLUSTER_SCHEMES = ("tcp://", "tls://")
#: The settings a worker needs to analyse a file the way this machine would.
_ANALYSIS_FIELDS = ("analysis_sample_rate", "analysis_max_s", "max_file_bytes", "max_duration_s")
#: Files kept submitted per worker thread; at least :data:`_MIN_WINDOW` in all. Enough
#: that no worker waits for the client, few enough that cancelling (Ctrl-C) is immediate.
_WINDOW_PER_THREAD = 4
_MIN_WINDOW = 32
#: Task-name prefix (the Dask dashboard groups tasks by it).
_TASK_PREFIX = "groovegraph-analyze"


def _analyze_on_worker(path: str, limits: dict[str, Any]) -> dict[str, Any] | GrooveGraphError:
    """The task: runs in a Dask worker; returns the Analysis fields or the typed error."""
    settings = Settings.model_construct(**limits)
    prepare_worker(settings, prime=False)  # a no-op when --preload has done it
    result = measure_file_guarded(path, settings)
    if isinstance(result, AudioFileNotFoundError):
        result.message += (
            " on the worker (is the library mounted at the same path on every worker?)"
        )
    return result


def dask_setup(worker: object) -> None:
    """``dask worker --preload groovegraph.tools.cluster`` calls this when the worker starts:
    the same preparation as a local pool worker, warm-up analysis included."""
    prepare_worker(Settings.model_construct())


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
        from distributed import Client

        if not address.startswith(CLUSTER_SCHEMES):
            raise ClusterUnavailableError(
                f"not a Dask scheduler address: {address!r} (expected tcp://host:port or tls://host:port)"
            )
        self.address = address
        self._limits = {name: getattr(settings, name) for name in _ANALYSIS_FIELDS}
        try:
            # distributed ships no type hints: its objects are Any here.
            self._client: Any = Client(  # type: ignore[no-untyped-call]
                address, timeout=connect_timeout_s, set_as_default=False
            )
        except (OSError, TimeoutError) as err:
            raise ClusterUnavailableError(
                f"cannot reach the Dask scheduler at {address}: {err}"
            ) from None
        try:
            self._client.wait_for_workers(1, timeout=worker_timeout_s)
        except TimeoutError:
            self._client.close()  # type: ignore[no-untyped-call]
            raise ClusterUnavailableError(
                f"the Dask scheduler at {address} has no workers (waited {worker_timeout_s:g} s)"
            ) from None

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
                outcome = self._outcome(future.status, result, name)
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

    @staticmethod
    def _outcome(status: str, result: Any, name: str) -> AnalysisOutcome:
        """A finished task's result as ``Analysis | GrooveGraphError``."""
        from distributed import KilledWorker

        if status == "finished":
            return outcome_of(result)
        if status == "error":
            _, exc, _ = result
            if isinstance(exc, KilledWorker):
                return CorruptAudioError(
                    f"the Dask worker analysing it died ({exc.allowed_failures + 1} workers tried)",
                    path=name,
                )
            return AnalysisFailedError(f"on the cluster: {type(exc).__name__}: {exc}", path=name)
        # cancelled: the scheduler lost the task (restarted, or the connection dropped)
        return AnalysisFailedError(f"the cluster dropped this file ({status})", path=name)

    def close(self) -> None:
        """Close the connection to the scheduler (the cluster keeps running)."""
        self._client.close()

    def __enter__(self) -> ClusterAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
