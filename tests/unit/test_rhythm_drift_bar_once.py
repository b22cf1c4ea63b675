"""A drifting beat grid is not refitted without its backbeat, so its bar is read once.

The refit loop in :func:`groovegraph.tools.rhythm._analyze_clip` refits a steady grid
without the backbeat onsets and reads the bar again; a drifting grid is kept as it is,
and reading its bar a second time on the same beats only repeated the work (three band
profiles, the meter) for the same answer."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from groovegraph.tools import rhythm
from tests.unit.test_rhythm_late_snare import SR, backbeat_loop


def test_a_drifting_grid_reads_its_bar_once(monkeypatch: pytest.MonkeyPatch) -> None:
    real_grid, real_bar = rhythm._grid, rhythm._bar
    calls: list[np.ndarray] = []

    def drifting_grid(*args: Any, **kw: Any) -> tuple[np.ndarray, float, np.ndarray]:
        beats, period, _ = real_grid(*args, **kw)
        return beats, period, beats  # the beats are the local (drift-following) ones

    def counted_bar(*args: Any, **kw: Any) -> tuple[int, int, np.ndarray]:
        out = real_bar(*args, **kw)
        calls.append(out[2])
        return out

    monkeypatch.setattr(rhythm, "_grid", drifting_grid)
    monkeypatch.setattr(rhythm, "_bar", counted_bar)
    rhythm.analyze_rhythm(y=backbeat_loop(100.0, 20.0), sr=SR)
    assert np.any(calls[0]), "the loop has a backbeat: the refit loop is entered"
    assert len(calls) == 1
