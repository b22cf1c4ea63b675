"""How far the demo library's first build has come, for answers given meanwhile.

The server opens for requests before its demo library is synthesized and indexed (that
takes tens of seconds on a first start; ``/readyz`` means "accepting requests"). While
it runs, :func:`track` holds a :class:`LibraryProgress` for the data dir's demo folder,
updated as files are written and analysed; ``/healthz`` and ``/readyz`` show it, library
searches and statistics say that they cover only what is indexed so far
(:meth:`LibraryProgress.note`), and a library sample that is not there yet is a 404 that
says why. No build in this process (or a finished one): :func:`library_progress` is
``None`` or ``ready``, and nothing is added anywhere.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from groovegraph.settings import Settings

__all__ = ["LibraryProgress", "library_progress", "track", "untrack"]

Phase = Literal["waiting", "building", "indexing", "ready", "failed"]


@dataclass
class LibraryProgress:
    """The demo library's state in this process: ``waiting`` (not started, or another
    process holds the build lock), ``building`` (synthesizing: ``done`` of ``total`` files
    written, loops and one-shots),
    ``indexing`` (analysing: ``done`` of ``total`` files that need it), ``ready`` or
    ``failed`` (``error`` says why; the server still serves)."""

    phase: Phase = "waiting"
    done: int = 0
    total: int = 0
    error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def update(self, phase: Phase, done: int = 0, total: int = 0) -> None:
        with self._lock:
            self.phase, self.done, self.total = phase, done, total

    def finish(self) -> None:
        self.update("ready")

    def fail(self, error: str) -> None:
        with self._lock:
            self.phase, self.error = "failed", error

    @property
    def pending(self) -> bool:
        """Still being built or indexed (answers about the library are partial)."""
        return self.phase in ("waiting", "building", "indexing")

    def as_dict(self) -> dict[str, Any]:
        """``{"state", "done", "total"}`` (``error`` when failed) for ``/healthz``."""
        with self._lock:
            out: dict[str, Any] = {"state": self.phase}
            if self.phase in ("building", "indexing"):
                out.update(done=self.done, total=self.total)
            if self.error:
                out["error"] = self.error
            return out

    def check(self) -> str:
        """One word or phrase for ``/readyz``'s checks: ``ok``, ``indexing 40/169`` …"""
        with self._lock:
            if self.phase == "ready":
                return "ok"
            if self.phase == "failed":
                return f"error: {self.error}"
            if self.phase == "waiting":
                return "waiting"
            return f"{self.phase} {self.done}/{self.total}"

    def status_text(self) -> str | None:
        """``the demo library is still being indexed (40 of 169 files analysed)`` while it
        is being made, else None."""
        with self._lock:
            if self.phase == "building":
                where = f" ({self.done} of {self.total} files written)" if self.total else ""
                return f"the demo library is still being built{where}, none of it indexed yet"
            if self.phase == "indexing":
                where = f" ({self.done} of {self.total} files analysed)" if self.total else ""
                return f"the demo library is still being indexed{where}"
            if self.phase == "waiting":
                return "the demo library is still being prepared"
            return None

    def note(self) -> str | None:
        """What an answer drawn from the library says while it is still being made, else None."""
        status = self.status_text()
        if status is None:
            return None
        return (
            f"{status}: this covers only what is indexed so far; ask again in a moment for "
            "the full library"
        )


_TRACKED: dict[str, LibraryProgress] = {}
_TRACKED_LOCK = threading.Lock()


def _key(settings: Settings) -> str:
    # The data dir is made absolute, with its symlinks resolved, once, when the settings
    # are validated: the demo folder below it needs no stat per lookup (every library
    # search asks).
    return str(settings.demo_dir)


def track(settings: Settings) -> LibraryProgress:
    """A fresh progress record for ``settings``' demo folder, visible to :func:`library_progress`."""
    progress = LibraryProgress()
    with _TRACKED_LOCK:
        _TRACKED[_key(settings)] = progress
    return progress


def untrack(settings: Settings, progress: LibraryProgress) -> None:
    """Forget ``progress`` (the app that tracked it stopped), unless another replaced it."""
    with _TRACKED_LOCK:
        key = _key(settings)
        if _TRACKED.get(key) is progress:
            del _TRACKED[key]


def library_progress(settings: Settings) -> LibraryProgress | None:
    """The demo library's progress in this process, ``None`` when no build was tracked."""
    with _TRACKED_LOCK:
        return _TRACKED.get(_key(settings))
