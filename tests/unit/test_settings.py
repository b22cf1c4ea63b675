"""Settings helpers that do not need a server or a data dir."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest


def test_scratch_numba_cache_is_per_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two checkouts (two venvs) on one machine must not share numba index files: a race
    between environments corrupted the shared test cache (librosa segfaulted)."""
    from groovegraph.settings import scratch_numba_cache_dir

    monkeypatch.setattr(sys, "prefix", "/work/a/.venv")
    first = scratch_numba_cache_dir()
    monkeypatch.setattr(sys, "prefix", "/work/b/.venv")
    second = scratch_numba_cache_dir()
    assert first != second
    assert first.parent == second.parent == Path(tempfile.gettempdir())
    monkeypatch.setattr(sys, "prefix", "/work/a/.venv")
    assert scratch_numba_cache_dir() == first
