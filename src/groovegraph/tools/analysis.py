"""The analysis pipeline: decode, measure rhythm and key, and run many files in parallel.

``analyze_file`` is decode (:mod:`~groovegraph.tools.decode`) + rhythm
(:mod:`~groovegraph.tools.rhythm`) + key (:mod:`~groovegraph.tools.tonality`) + level, and
returns the :class:`~groovegraph.state.Analysis` contract. ``analyze_many`` runs files in
worker processes (``pebble.ProcessPool``; each worker a fork of a fork server that has
imported the estimators once, or spawned where there is no fork server): a worker that hangs past
``settings.decode_timeout_s`` is killed and only its file is reported as
:class:`DecodeTimeoutError`; a worker that dies (a decoder crash, the OOM killer) costs
only its file too. Small batches run in-process, where starting workers would cost more
than the work — and where there is no timeout (the caller may Ctrl-C).

Process setup: :func:`configure_runtime` points ``NUMBA_CACHE_DIR`` at the persistent
per-user cache before anything imports librosa/numba (the CLI, the server and every pool
worker call it). A loop or one-shot analysis imports neither: its STFT is librosa's
computed in numpy (:mod:`~groovegraph.tools.audio_stft`), because ``librosa.core``'s
import alone (scipy.signal, numba ufuncs) costs more than the 3 s cold-start budget.
:func:`warm_up` pays the remaining first-call costs (imports, FFT plans, the resampler)
at server start; ``python -m groovegraph.tools.analysis`` (``make warm-up``) also fills the
numba cache for anything that does use librosa and writes missing bytecode
(:func:`write_bytecode`).
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import sys
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError, Future, as_completed
from concurrent.futures import TimeoutError as FutureTimeoutError
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from groovegraph.settings import Settings
from groovegraph.tools.decode import load_audio, sha256_file
from groovegraph.tools.errors import (
    AnalysisFailedError,
    AudioTooShortError,
    CorruptAudioError,
    DecodeTimeoutError,
    GrooveGraphError,
    InvalidSamplesError,
    NoPitchedContentError,
    SilentAudioError,
)

if TYPE_CHECKING:
    from groovegraph.state import Analysis

__all__ = [
    "INPROCESS_MAX_FILES",
    "MAX_TASKS_PER_CHILD",
    "SILENCE_PEAK",
    "AnalysisPool",
    "Analyzer",
    "LocalAnalyzer",
    "ProgressCallback",
    "analyze_file",
    "analyze_many",
    "analyze_signal",
    "configure_runtime",
    "measure_file_guarded",
    "outcome_of",
    "prepare_worker",
    "tune_allocator",
    "warm_up",
    "write_bytecode",
]

log = logging.getLogger(__name__)

#: A peak below this (−80 dBFS) is silence: :class:`SilentAudioError`.
SILENCE_PEAK = 1.0e-4
#: Batches up to this many files run in-process (starting the pool costs ~0.5–1 s of CPU,
#: more than analysing a few loops).
INPROCESS_MAX_FILES = 4
#: Worker processes are replaced after this many files, bounding leaked/fragmented memory.
MAX_TASKS_PER_CHILD = 64
# Threads each pool worker may use in BLAS/OpenMP: the pool is the parallelism.
_WORKER_THREADS = 1
#: What the fork server imports once, so that every worker (and every replacement after
#: MAX_TASKS_PER_CHILD files) starts as a fork that already has it: ~1 s of CPU per
#: spawned worker otherwise (interpreter, numpy, pydantic-settings, the estimators).
#: Everything a file's analysis imports lazily is here too (the STFT and filter kernels,
#: the fsspec check, and ``numpy.ma``, which ``np.percentile`` imports on first use:
#: ~30 ms per worker). Not the synthesizer: the warm-up signal is built with numpy
#: (:func:`_prime_signal`), and ``synth`` would pull in ``numpy.random`` (~60 ms).
WORKER_PRELOAD = (
    "groovegraph.tools.analysis",
    "groovegraph.tools.decode",
    "groovegraph.tools.remote",
    "groovegraph.tools.rhythm",
    "groovegraph.tools.tonality",
    "groovegraph.tools.oneshot",
    "groovegraph.tools.audio_stft",
    "groovegraph.tools.audio_filters",
    "numpy.ma",
    "pebble",  # the worker loop itself
    "soxr",
    "threadpoolctl",
)

ProgressCallback = Callable[[int, int, str], None]
"""``on_progress(done, total, path)``: called after each file, success or error."""

AnalysisOutcome: TypeAlias = "Analysis | GrooveGraphError"
# What a pool worker sends back: the Analysis fields as a dict, so workers never import
# groovegraph.state (it pulls in langgraph: seconds of start-up per worker).
_Fields = dict[str, Any]
_T = TypeVar("_T")


# --- process setup -------------------------------------------------------------------


def configure_runtime(settings: Settings) -> None:
    """Prepare this process for audio analysis; call before anything imports librosa.

    Points numba's on-disk cache at ``settings.numba_cache_dir`` (compiled librosa kernels
    then survive restarts: ~19 s → ~4 s for a fresh process) and creates that folder, and
    keeps freed memory in the heap for the next file (:func:`tune_allocator`).
    Safe to call more than once. If numba is already imported its config is reloaded, which
    covers functions compiled from now on.
    """
    tune_allocator()
    cache_dir = settings.numba_cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(cache_dir)
    numba_config = sys.modules.get("numba.core.config")
    if numba_config is not None:
        numba_config.reload_config()  # type: ignore[attr-defined]


#: glibc ``M_MMAP_THRESHOLD``: blocks up to this size come from the heap, not from mmap.
MALLOC_MMAP_THRESHOLD = 32 << 20
#: glibc ``M_TRIM_THRESHOLD``: free memory at the top of the heap kept for reuse.
MALLOC_TRIM_THRESHOLD = 64 << 20


def tune_allocator() -> bool:
    """Let glibc's malloc keep freed blocks of up to 32 MiB for reuse (glibc only).

    An analysis allocates and frees a few dozen arrays of 0.1–15 MiB per file (spectra,
    flux, frames). By default glibc serves such blocks with ``mmap`` and unmaps them on
    ``free``, so every file touches ~14 MiB of fresh pages: ~3,600 page faults of
    zero-filled memory per 20 s clip, a fifth of the analysis CPU time spent in the kernel
    (``benchmarks/analysis_speed.py``). With the thresholds raised the pages stay mapped
    and the next array reuses them; results are unchanged. The process holds at most
    :data:`MALLOC_TRIM_THRESHOLD` of free heap above what it uses. Returns whether the
    settings took (False on other C libraries, where nothing changes).
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import platform

    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # pragma: no cover - glibc always has mallopt
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    ok_mmap = int(mallopt(m_mmap_threshold, MALLOC_MMAP_THRESHOLD)) == 1
    ok_trim = int(mallopt(m_trim_threshold, MALLOC_TRIM_THRESHOLD)) == 1
    return ok_mmap and ok_trim


def _pool_context() -> multiprocessing.context.BaseContext:
    """The start method of analysis workers: ``forkserver`` where the OS has it.

    A fork server is a small process started once (from the parent's ``sys.path`` and
    environment, never a fork of the parent itself: no inherited threads, locks or open
    connections of a server process) that imports :data:`WORKER_PRELOAD`; each worker is a
    fork of it, with the estimators already imported. Like ``spawn``, the parent's main
    module is re-imported as ``__mp_main__`` in each worker. Elsewhere (Windows),
    ``spawn``.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Takes effect when the (process-wide) fork server first starts.
    context.set_forkserver_preload(list(WORKER_PRELOAD))
    return context


def _init_worker(settings: Settings) -> None:
    """Pool initializer: runtime setup, one thread per worker, settings for the tasks."""
    global _WORKER_SETTINGS
    prepare_worker(settings)
    _WORKER_SETTINGS = settings


_PREPARED = False


def prepare_worker(settings: Settings, *, prime: bool = True) -> None:
    """Make this process an analysis worker (once per process; later calls return at once).

    Runtime setup (:func:`configure_runtime`), BLAS/OpenMP held to one thread (the workers
    are the parallelism), and, with ``prime``, one analysis of a synthetic groove so the
    first file does not pay the first-call costs. Pool workers and Dask workers
    (:mod:`groovegraph.tools.cluster`) both start here.
    """
    global _PREPARED
    if _PREPARED:
        return
    _PREPARED = True
    configure_runtime(settings)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(_WORKER_THREADS)
    try:
        from threadpoolctl import threadpool_limits

        # numpy is already loaded by now (it was imported to unpickle this function),
        # so the variables above come too late for it; threadpoolctl fixes it live.
        threadpool_limits(_WORKER_THREADS)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        pass
    if not prime:
        return
    # Pay the first-call costs (estimator imports, scipy, FFT set-up: ~1 s on a busy
    # machine) here, where they do not count against the first file's timeout.
    try:
        _prime()
    except Exception:  # a failed warm-up only costs speed; the tasks report real errors
        log.warning("analysis worker warm-up failed", exc_info=True)


def _prime() -> None:
    """Run the estimators once on a short synthetic loop (no files involved)."""
    y = _prime_signal(22050)
    _measure_signal(y=y, sr=22050, file="<warm-up>", sha256="", duration_s=None, sample_rate=None)


def _prime_signal(sr: int, seconds: float = 3.0) -> npt.NDArray[np.float32]:
    """A 3 s loop for :func:`_prime`: an A minor chord (A2 bass, A3 C4 E4, three partials
    each) under a decaying two-tone hit on every 8th note at 100 BPM, so that every
    estimator of a loop runs (kind, tempo, grid, key, instrument). Plain numpy: a few ms,
    where the groove synthesizer costs ~40 ms per worker and imports ``numpy.random``."""
    t = np.arange(int(seconds * sr)) / sr
    y = np.zeros_like(t)
    for f0 in (110.0, 220.0, 261.63, 329.63):
        for k in (1, 2, 3):
            y += 0.04 / k * np.sin(2 * np.pi * k * f0 * t)
    tb = t[: int(0.04 * sr)]
    hit = np.exp(-tb / 0.006) * (np.sin(2 * np.pi * 1800.0 * tb) + np.sin(2 * np.pi * 6100.0 * tb))
    for i, start in enumerate(range(0, len(t) - len(tb), int(0.3 * sr))):
        y[start : start + len(tb)] += (0.6 if i % 2 == 0 else 0.3) * hit
    return y.astype(np.float32)


def _warm_up_note(sr: int) -> npt.NDArray[np.float32]:
    t = np.arange(int(0.6 * sr)) / sr
    return (0.5 * np.sin(2 * np.pi * 55.0 * t) * np.exp(-t / 0.3)).astype(np.float32)


_WORKER_SETTINGS: Settings | None = None


def _worker_analyze(path: str) -> _Fields | GrooveGraphError:
    """Task run in a pool worker; errors are returned, not raised (no remote traceback)."""
    if _WORKER_SETTINGS is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("pool worker used without _init_worker")
    return measure_file_guarded(path, _WORKER_SETTINGS)


def _worker_measure(path: str, limits: dict[str, Any]) -> _Fields | GrooveGraphError:
    """Task run in a pool worker with per-call analysis limits (:meth:`AnalysisPool.measure`)."""
    return measure_file_guarded(path, Settings.model_construct(**limits))


def measure_file_guarded(path: str, settings: Settings) -> _Fields | GrooveGraphError:
    """One file's Analysis fields, or the typed error it ended in (never raised).

    What a worker process sends back (a plain dict: workers never import
    :mod:`groovegraph.state`); :func:`outcome_of` turns it into an Analysis.
    """
    return _guarded(_measure_file, path, settings)


def outcome_of(result: _Fields | GrooveGraphError) -> AnalysisOutcome:
    """A worker's result (see :func:`measure_file_guarded`) as ``Analysis | GrooveGraphError``."""
    from groovegraph.state import Analysis

    if isinstance(result, GrooveGraphError):
        return result
    return Analysis(**result)


# --- one file --------------------------------------------------------------------------


def analyze_signal(
    *,
    y: npt.NDArray[np.floating[Any]],
    sr: int,
    file: str = "<signal>",
    sha256: str = "",
    duration_s: float | None = None,
    sample_rate: int | None = None,
) -> Analysis:
    """Analyse mono samples already in memory.

    Parameters
    ----------
    y : np.ndarray
        Mono samples, shape ``(n,)``, float in [-1, 1].
    sr : int
        Sample rate of ``y`` in Hz.
    file, sha256 : str
        Copied into the result (the path as given and the hex digest of its bytes).
    duration_s : float, optional
        Full duration of the source in seconds; default ``len(y) / sr``.
    sample_rate : int, optional
        Native rate of the source in Hz; default ``sr``.

    Returns
    -------
    Analysis

    Raises
    ------
    SilentAudioError
        Peak below :data:`SILENCE_PEAK` (−80 dBFS).
    AudioTooShortError, InvalidSamplesError
        From the rhythm and key estimators (too short, no onsets, NaN). A clip with no
        pitched content (drums only) is not an error: it returns ``key=None``,
        ``camelot=None``, ``key_confidence=0.0``.
    AnalysisFailedError
        An estimator returned a non-finite number (reported, never serialised as NaN).
    """
    from groovegraph.state import Analysis

    fields = _measure_signal(
        y=y, sr=sr, file=file, sha256=sha256, duration_s=duration_s, sample_rate=sample_rate
    )
    return Analysis(**fields)


def _measure_signal(
    *,
    y: npt.NDArray[np.floating[Any]],
    sr: int,
    file: str,
    sha256: str,
    duration_s: float | None,
    sample_rate: int | None,
) -> _Fields:
    """The measurements behind :func:`analyze_signal`, as the Analysis fields."""
    # Imported here so that importing this module (e.g. to unpickle a pool task) stays
    # light; both are numpy-only.
    from groovegraph.tools.oneshot import (
        ONE_SHOT_FALLBACK_MAX_EVENTS,
        ONE_SHOT_MAX_S,
        count_events,
        detect_kind,
        loop_instrument,
    )
    from groovegraph.tools.rhythm import analyze_rhythm
    from groovegraph.tools.tonality import KeyEstimate, estimate_key

    samples = np.asarray(y, dtype=np.float32)
    if samples.ndim != 1:
        raise InvalidSamplesError(f"expected mono samples of shape (n,), got {samples.shape}")
    if samples.size == 0 or float(np.max(np.abs(samples))) < SILENCE_PEAK:
        raise SilentAudioError("the audio is silent (peak below -80 dBFS): nothing to measure")

    head = {
        "file": file,
        "sha256": sha256,
        "duration_s": float(len(samples) / sr if duration_s is None else duration_s),
        "sample_rate": int(sr if sample_rate is None else sample_rate),
    }
    if not np.all(np.isfinite(samples)):
        raise InvalidSamplesError("samples contain NaN or infinity")
    # Kind first: a single hit or note has no tempo to measure (see tools/oneshot.py).
    # Long clips are loops without counting.
    events = count_events(samples, sr) if samples.size <= ONE_SHOT_MAX_S * sr else None
    if events is not None and detect_kind(samples, sr, events=events) == "one_shot":
        return {**head, **_one_shot_fields(samples, sr, events)}
    try:
        rhythm = analyze_rhythm(y=samples, sr=sr)
    except AudioTooShortError:
        # No pulse in a sparse clip (a hit and its echo, two pad chords, a drone): report
        # it as a one-shot rather than fail; a busy clip that is merely too short for the
        # tempo estimator stays an error.
        events = count_events(samples, sr) if events is None else events
        if events > ONE_SHOT_FALLBACK_MAX_EVENTS:
            raise
        return {**head, **_one_shot_fields(samples, sr, events)}
    try:
        key: KeyEstimate | None = estimate_key(y=samples, sr=sr)
    except NoPitchedContentError:
        # A drum break has a tempo and a groove but no key: keep the analysis, key None.
        # Silence and too-short clips stay errors (rhythm has already raised for those).
        key = None
    rms_db = _rms_db(samples)

    metrics = {
        "tempo_bpm": rhythm.tempo_bpm,
        "tempo_confidence": rhythm.tempo_confidence,
        "tempo_stability": rhythm.tempo_stability,
        "swing_percent": rhythm.swing_percent,
        "swing_ratio": rhythm.swing_ratio,
        "key_confidence": key.confidence if key is not None else 0.0,
        "rms_db": rms_db,
        "onset_rate_hz": rhythm.onset_rate_hz,
    }
    lag, dev = rhythm.backbeat_lag_ms, rhythm.timing_deviation_ms
    bad = sorted(name for name, value in metrics.items() if not math.isfinite(value))
    bad += [
        name
        for name, value in (("backbeat_lag_ms", lag), ("timing_deviation_ms", dev))
        if value is not None and not math.isfinite(value)
    ]
    if bad:
        raise AnalysisFailedError(f"the estimators returned non-finite {', '.join(bad)}")
    return {
        **head,
        "kind": "loop",
        "instrument": loop_instrument(
            y=samples, sr=sr, pitched=key is not None, drums=rhythm.drums
        ),
        "beats_s": [round(float(t), 4) for t in rhythm.beats_s],  # 0.1 ms is plenty
        "downbeats_s": [round(float(t), 4) for t in rhythm.downbeats_s],
        "meter": int(rhythm.meter),
        "swing_subdivision": int(rhythm.swing_subdivision),
        # None for a loop without drums: no backbeat whose pocket could be measured, and
        # no sharp hits to measure the timing on.
        "backbeat_lag_ms": lag if lag is None else float(lag),
        "timing_deviation_ms": dev if dev is None else float(dev),
        "key": key.key if key is not None else None,
        "key_runner_up": key.runner_up if key is not None else None,
        "camelot": key.camelot if key is not None else None,
        **{name: float(value) for name, value in metrics.items()},
    }


def _rms_db(samples: npt.NDArray[np.float32]) -> float:
    # float64 accumulation: a float32 sum of 13 M squares loses digits.
    x = samples.astype(np.float64)
    return 20.0 * math.log10(max(math.sqrt(float(np.dot(x, x)) / samples.size), 1e-12))


def _one_shot_fields(samples: npt.NDArray[np.float32], sr: int, events: int) -> _Fields:
    """The Analysis fields of a one-shot: instrument and root, no tempo, beats, swing,
    pocket or key (all left at their null defaults)."""
    from groovegraph.tools.oneshot import analyze_one_shot

    shot = analyze_one_shot(y=samples, sr=sr)
    rms_db = _rms_db(samples)
    if not math.isfinite(rms_db):
        raise AnalysisFailedError("the level measurement returned a non-finite number")
    return {
        "kind": "one_shot",
        "instrument": shot.instrument,
        "root_note": shot.root_note,
        "rms_db": rms_db,
        "onset_rate_hz": events / (samples.size / sr),
    }


def analyze_file(path: str | os.PathLike[str], *, settings: Settings) -> Analysis:
    """Decode (at most ``settings.analysis_max_s`` seconds) and analyse one file.

    Parameters
    ----------
    path : str or PathLike
        The audio file. No library-root check here: callers that take paths from users
        or a model resolve them with :mod:`groovegraph.tools.paths` first.
    settings : Settings
        Caps (``max_file_bytes``, ``max_duration_s``, ``analysis_max_s``) and the analysis
        sample rate.

    Returns
    -------
    Analysis
        ``file`` is ``path`` as given; ``duration_s`` and ``sample_rate`` describe the
        file's native stream, the measurements its first ``analysis_max_s`` seconds.

    Raises
    ------
    AudioError
        Any decode error (see :mod:`groovegraph.tools.decode`), :class:`SilentAudioError`,
        :class:`AudioTooShortError`; every error carries ``path``.
    """
    from groovegraph.state import Analysis

    return Analysis(**_measure_file(os.fspath(path), settings))


def _measure_file(name: str, settings: Settings) -> _Fields:
    """Decode and measure one file; the Analysis fields as a dict (see :data:`_Fields`).

    An fsspec URL (``s3://…``, :mod:`~groovegraph.tools.remote`) is measured from a
    temporary local copy and reported under its URL."""
    from groovegraph.tools.remote import fetched, is_url

    if is_url(name):
        try:
            with fetched(name, max_bytes=settings.max_file_bytes) as local:
                fields = _measure_file(local, settings)
        except GrooveGraphError as err:
            err.path = name
            raise
        fields["file"] = name
        return fields
    try:
        decoded = load_audio(
            name,
            sr=settings.analysis_sample_rate,
            max_s=settings.analysis_max_s,
            max_file_bytes=settings.max_file_bytes,
            max_duration_s=settings.max_duration_s,
        )
        digest = sha256_file(name)
        return _measure_signal(
            y=decoded.y,
            sr=decoded.sr,
            file=name,
            sha256=digest,
            duration_s=decoded.duration_s,
            sample_rate=decoded.native_sr,
        )
    except GrooveGraphError as err:
        if err.path is None:
            err.path = name
        raise


def _analyze_one(path: str, settings: Settings) -> Analysis:
    return analyze_file(path, settings=settings)


def _guarded(
    fn: Callable[[str, Settings], _T], path: str, settings: Settings
) -> _T | GrooveGraphError:
    """``fn(path, settings)`` returning every failure as a typed error, for batch use."""
    try:
        return fn(path, settings)
    except GrooveGraphError as err:
        return err
    except MemoryError:
        return AnalysisFailedError("ran out of memory analysing this file", path=path)
    except Exception as err:  # a bug on one odd file must not abort a whole batch
        log.exception("analysis failed unexpectedly on %s", path)
        return AnalysisFailedError(f"{type(err).__name__}: {err}", path=path)


# --- many files ------------------------------------------------------------------------


def analyze_many(
    paths: Iterable[str | os.PathLike[str]],
    *,
    settings: Settings,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
    inprocess_max_files: int = INPROCESS_MAX_FILES,
) -> Iterator[tuple[str, AnalysisOutcome]]:
    """Analyse files in parallel, yielding ``(path, Analysis | GrooveGraphError)``.

    Parameters
    ----------
    paths : iterable of str or PathLike
        Files to analyse; each is reported once, under ``os.fspath(path)``.
    settings : Settings
        As for :func:`analyze_file`; ``decode_timeout_s`` bounds each file in the pool.
    workers : int, optional
        Worker processes; default ``settings.workers``, never more than the files.
    on_progress : callable, optional
        ``on_progress(done, total, path)`` after each file.
    inprocess_max_files : int
        Batches this small (or ``workers == 1``) run in this process, in input order and
        without a timeout. 0 forces the pool.

    Yields
    ------
    tuple of (str, Analysis or GrooveGraphError)
        In completion order. Errors are returned, never raised: one bad file does not
        stop the others. A file whose worker exceeds the timeout is
        :class:`DecodeTimeoutError`; one whose worker dies is :class:`CorruptAudioError`.
    """
    names = [os.fspath(p) for p in paths]
    total = len(names)
    if total == 0:
        return
    n_workers = max(1, min(workers or settings.workers, total))
    if n_workers == 1 or total <= inprocess_max_files:
        for done, name in enumerate(names, start=1):
            outcome: AnalysisOutcome = _guarded(_analyze_one, name, settings)
            if on_progress is not None:
                on_progress(done, total, name)
            yield name, outcome
        return
    yield from _analyze_pool(names, settings=settings, workers=n_workers, on_progress=on_progress)


class Analyzer(Protocol):
    """Where a batch of files is analysed: this machine's processes (:class:`LocalAnalyzer`)
    or a Dask cluster (:class:`groovegraph.tools.cluster.ClusterAnalyzer`).

    The indexer takes one of these, so both run the same incremental code path.
    """

    def analyze(
        self, paths: Sequence[str], *, on_progress: ProgressCallback | None = None
    ) -> Iterator[tuple[str, AnalysisOutcome]]:
        """Yield ``(path, Analysis | GrooveGraphError)`` once per path, in completion order;
        ``on_progress(done, total, path)`` after each. Errors are yielded, never raised."""
        ...


@dataclass(frozen=True)
class LocalAnalyzer:
    """:func:`analyze_many` on this machine: ``workers`` processes (default ``settings.workers``)."""

    settings: Settings
    workers: int | None = None

    def analyze(
        self, paths: Sequence[str], *, on_progress: ProgressCallback | None = None
    ) -> Iterator[tuple[str, AnalysisOutcome]]:
        return analyze_many(
            paths, settings=self.settings, workers=self.workers, on_progress=on_progress
        )


class AnalysisPool:
    """Long-lived analysis worker processes: ``submit(path)`` returns a Future of an Analysis.

    Workers start on first use (``pebble.ProcessPool``, see :func:`_pool_context`) and are replaced
    after :data:`MAX_TASKS_PER_CHILD` files. Each file gets ``settings.decode_timeout_s``
    seconds from the moment a worker starts it; past that its worker is killed and the
    Future fails with :class:`DecodeTimeoutError`. A worker that dies mid-file fails only
    that Future (:class:`CorruptAudioError`). Every failure is a
    :class:`~groovegraph.tools.errors.GrooveGraphError` raised by ``Future.result()``.

    For a server: build one at start, ``await asyncio.wrap_future(pool.submit(path))``,
    ``close()`` at shutdown. Thread-safe.

    Parameters
    ----------
    settings : Settings
        Caps, analysis rate and ``decode_timeout_s``; sent to every worker.
    workers : int, optional
        Worker processes; default ``settings.workers``.
    task : callable, optional
        Replaces the per-file function run in the workers (module-level, picklable);
        tests use it to stand in for a hung or crashing decoder.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        workers: int | None = None,
        task: Callable[[str], object] | None = None,
    ) -> None:
        context = _pool_context()
        if context.get_start_method() == "forkserver":
            # Start the fork server now: it imports WORKER_PRELOAD (~0.3 s of CPU) on
            # another core while this process goes on importing pebble and, on the first
            # submit, the Analysis model, instead of the first worker waiting for both.
            from multiprocessing import forkserver

            forkserver.ensure_running()
        from pebble import ProcessPool

        self.settings = settings
        self.timeout_s = settings.decode_timeout_s
        self._task = task or _worker_analyze
        self._pool = ProcessPool(
            max_workers=max(1, workers or settings.workers),
            max_tasks=MAX_TASKS_PER_CHILD,
            initializer=_init_worker,
            initargs=(settings,),
            context=context,
        )

    def submit(self, path: str | os.PathLike[str]) -> Future[Analysis]:
        """Queue one file; the Future yields its Analysis or raises its typed error."""
        from groovegraph.state import Analysis

        name = os.fspath(path)
        inner = self._pool.schedule(self._task, args=(name,), timeout=self.timeout_s)
        outer: Future[Analysis] = Future()

        def settle(done: Future[Any]) -> None:
            if outer.done():  # cancelled by the caller meanwhile
                return
            if done.cancelled():
                outer.cancel()
                return
            result = self._result(done, name, self.timeout_s)
            if isinstance(result, GrooveGraphError):
                outer.set_exception(result)
            else:
                outer.set_result(Analysis(**result))

        inner.add_done_callback(settle)
        outer.add_done_callback(lambda f: inner.cancel() if f.cancelled() else None)  # type: ignore[no-untyped-call]
        return outer

    def start(self, *, timeout_s: float = 120.0) -> None:
        """Start the worker processes now (each warms up as it starts) and wait for one
        to answer, instead of on the first file."""
        wait_futures([self._pool.schedule(os.getpid)], timeout=timeout_s)

    def measure(self, path: str, limits: Mapping[str, Any]) -> _Fields | GrooveGraphError:
        """Analyse one file with the given analysis limits (the :class:`Settings` fields
        ``analysis_sample_rate``, ``analysis_max_s``, ``max_file_bytes``,
        ``max_duration_s``, ``decode_timeout_s``) and wait for it: its Analysis fields, or
        the typed error (never raised). A Dask worker runs each file this way
        (:mod:`groovegraph.tools.cluster`), so a stuck file costs one pool process, not
        the worker's thread."""
        timeout_s = float(limits["decode_timeout_s"])
        inner = self._pool.schedule(_worker_measure, args=(path, dict(limits)), timeout=timeout_s)
        # pebble ends the task ``timeout_s`` after a process started it; the margin covers
        # a process being replaced meanwhile.
        wait_futures([inner], timeout=timeout_s + 60.0)
        if not inner.done():  # pragma: no cover - pebble always settles a timed-out task
            inner.cancel()  # type: ignore[no-untyped-call]
            return DecodeTimeoutError(f"gave up after {timeout_s:g} s", path=path)
        return self._result(inner, path, timeout_s)

    @staticmethod
    def _result(inner: Future[Any], name: str, timeout_s: float) -> _Fields | GrooveGraphError:
        """A finished pool task as fields or the typed error it ended in."""
        from pebble import ProcessExpired

        try:
            result = inner.result()
        except CancelledError:
            return AnalysisFailedError("cancelled", path=name)
        except FutureTimeoutError:
            return DecodeTimeoutError(f"gave up after {timeout_s:g} s (worker stopped)", path=name)
        except ProcessExpired as err:
            return CorruptAudioError(
                f"the decoder process died (exit code {err.exitcode})", path=name
            )
        except GrooveGraphError as err:  # pragma: no cover - workers return errors
            return err
        except Exception as err:  # pickling trouble and the like, for this file only
            return AnalysisFailedError(f"{type(err).__name__}: {err}", path=name)
        if isinstance(result, GrooveGraphError):
            return result
        return result  # type: ignore[no-any-return]

    def close(self, *, wait: bool = False) -> None:
        """Stop the workers. ``wait=True`` lets queued files finish first."""
        if wait:
            self._pool.close()  # type: ignore[no-untyped-call]
        else:
            self._pool.stop()  # type: ignore[no-untyped-call]
        self._pool.join(timeout=None if wait else 10)

    def __enter__(self) -> AnalysisPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _analyze_pool(
    names: Sequence[str],
    *,
    settings: Settings,
    workers: int,
    on_progress: ProgressCallback | None,
    task: Callable[[str], object] | None = None,
) -> Iterator[tuple[str, AnalysisOutcome]]:
    """The pool path of :func:`analyze_many`, in completion order."""
    # The with-block also runs when the consumer stops early or on Ctrl-C: queued files
    # are dropped and the workers stopped at once.
    with AnalysisPool(settings=settings, workers=workers, task=task) as pool:
        futures = {pool.submit(name): name for name in names}
        for done, future in enumerate(as_completed(futures), start=1):
            name = futures[future]
            outcome: AnalysisOutcome
            try:
                outcome = future.result()
            except GrooveGraphError as err:
                outcome = err
            if on_progress is not None:
                on_progress(done, len(names), name)
            yield name, outcome


# --- warm-up -----------------------------------------------------------------------------


def warm_up(settings: Settings) -> float:
    """Run one tiny analysis (decode included) so the first real request is fast.

    Writes a 3 s synthetic groove to a temporary WAV under ``settings.data_dir`` and
    analyses it. Returns the seconds it took.
    """
    import tempfile

    from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

    start = time.perf_counter()
    configure_runtime(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    y, _ = synthesize_groove(GrooveSpec(tempo_bpm=100.0, duration_s=3.0, sample_rate=44100))
    with tempfile.TemporaryDirectory(prefix="warmup-", dir=settings.data_dir) as tmp:
        path = write_audio(Path(tmp) / "warmup.wav", y, 44100)
        analyze_file(path, settings=settings)
    analyze_signal(y=_warm_up_note(22050), sr=22050)  # the one-shot path
    return time.perf_counter() - start


def write_bytecode(modules: Iterable[types.ModuleType] | None = None) -> int:
    """Byte-compile imported modules whose cached bytecode is missing or stale.

    A fresh process imports ~600 modules for an analysis; from source that is seconds of
    compiling before the first sample (more than the whole cold-start budget). Python
    normally caches the bytecode on first import, but not where ``PYTHONDONTWRITEBYTECODE``
    is set or the installer skipped it (``uv sync`` without ``--compile-bytecode``), so
    ``make warm-up`` writes it for what the analysis and the CLI import. Unwritable
    locations are skipped.

    Parameters
    ----------
    modules : iterable of modules, optional
        Default: every module in ``sys.modules``.

    Returns
    -------
    int
        Files written.
    """
    import importlib
    import py_compile

    written = 0
    for module in list(sys.modules.values()) if modules is None else list(modules):
        spec = getattr(module, "__spec__", None)
        source, cached = getattr(spec, "origin", None), getattr(spec, "cached", None)
        if not (source and cached and source.endswith(".py")):
            continue
        try:
            if os.stat(cached).st_mtime >= os.stat(source).st_mtime:
                continue
        except OSError:
            pass  # no bytecode yet
        try:
            py_compile.compile(
                source,
                cfile=cached,
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP,
            )
        except (OSError, py_compile.PyCompileError):
            continue
        written += 1
    # Everything loaded from now on finds its bytecode (or writes it, where allowed).
    importlib.invalidate_caches()
    return written


if __name__ == "__main__":  # ``python -m groovegraph.tools.analysis``: `make warm-up` (optional)
    import groovegraph.cli  # noqa: F401 - its imports get bytecode too
    from groovegraph.settings import get_settings

    _settings = get_settings()
    configure_runtime(_settings)
    _seconds = warm_up(_settings)
    from groovegraph.server.app import import_serve_modules

    import_serve_modules(_settings)  # the server's imports get bytecode too
    print(
        f"analysis warm-up: {_seconds:.1f} s (numba cache: {_settings.numba_cache_dir}; "
        f"bytecode written for {write_bytecode()} modules)"
    )
