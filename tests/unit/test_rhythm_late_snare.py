"""A laid-back snare must not change the tempo, and its pocket must read late (issue 9).

A 100 BPM loop (kick on 1 and 3, closed hats on every 16th, snare on 2 and 4) read
100 BPM with the snare on the grid, but 200 BPM with the snare 20 or 40 ms late, and its
pocket a few ms either side of zero ("on grid"): at 200 the same hits are a half-time
groove (kick on 1, snare on 3, 8th hats), and the snare's offset tipped the level score
over; and the snare's own body below 150 Hz, 20 ms after the grid, read as kicks on its
beats, so no beat class was taken for the backbeat and the lag was measured on the hats.

The audio is built here (neither our generator nor a benchmark's): a swept-sine kick, a
snare of a damped 200 Hz tone and band-passed noise, 16th hats of differentiated noise
with the beat accented."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.rhythm import analyze_rhythm

SR = 44100


def _kick() -> np.ndarray:
    t = np.arange(int(0.3 * SR)) / SR
    f = 52.0 + 100.0 * np.exp(-t * 30.0)
    out: np.ndarray = np.sin(2 * np.pi * np.cumsum(f) / SR) * np.exp(-t * 7.0)
    return out


def _snare(rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(0.25 * SR)) / SR
    noise = np.diff(rng.standard_normal(len(t) + 1))
    body = np.sin(2 * np.pi * 200.0 * t) * np.exp(-t * 22.0)
    out: np.ndarray = 0.8 * body + 0.45 * noise * np.exp(-t * 14.0)
    return out


def _hat(rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(0.05 * SR)) / SR
    noise = np.diff(np.diff(rng.standard_normal(len(t) + 2)))
    out: np.ndarray = 0.18 * noise * np.exp(-t * 45.0)
    return out


def _put(y: np.ndarray, start_s: float, seg: np.ndarray) -> None:
    a = round(start_s * SR)
    m = max(0, min(len(seg), len(y) - a))
    y[a : a + m] += seg[:m]


def backbeat_loop(bpm: float, lag_ms: float, bars: int = 6, seed: int = 11) -> np.ndarray:
    """Kick on 1 and 3, snare on 2 and 4 ``lag_ms`` late, closed hats on every 16th."""
    rng = np.random.default_rng(seed)
    beat = 60.0 / bpm
    y = np.zeros(int((bars * 4 * beat + 0.3) * SR))
    for k in range(bars * 4):
        t = 0.05 + k * beat
        if k % 2 == 0:
            _put(y, t, _kick())
        else:
            _put(y, t + lag_ms / 1000.0, _snare(rng))
        for s in range(4):
            _put(y, t + s * beat / 4.0, (1.0, 0.55, 0.75, 0.55)[s] * _hat(rng))
    return (0.8 * y / np.abs(y).max()).astype(np.float32)


@pytest.mark.parametrize("lag_ms", [0.0, 20.0, 40.0])
@pytest.mark.parametrize("seed", [11, 12])
def test_a_late_snare_keeps_the_tempo_and_reads_its_pocket(lag_ms: float, seed: int) -> None:
    r = analyze_rhythm(y=backbeat_loop(100.0, lag_ms, seed=seed), sr=SR)
    assert abs(r.tempo_bpm / 100.0 - 1.0) <= 0.02, (lag_ms, r.tempo_bpm)
    assert r.backbeat_lag_ms is not None
    assert abs(r.backbeat_lag_ms - lag_ms) <= 6.0, (lag_ms, r.backbeat_lag_ms)


@pytest.mark.parametrize("bpm", [92.0, 108.0])
def test_a_late_snare_at_other_tempi(bpm: float) -> None:
    r = analyze_rhythm(y=backbeat_loop(bpm, 30.0), sr=SR)
    assert abs(r.tempo_bpm / bpm - 1.0) <= 0.02, (bpm, r.tempo_bpm)
    assert r.backbeat_lag_ms is not None
    assert abs(r.backbeat_lag_ms - 30.0) <= 6.0, r.backbeat_lag_ms
