"""A drumless oom-pah-pah waltz keeps its bar of three.

An outside tester's numpy waltz (a bass note on one, a three-note chord on two and three,
no drums) came back in four once drumless loops needed a beat-class contrast of
``METER_3_MIN_CONTRAST_DRUMLESS`` for a bar of three. Its bass (or full-band) cycle of
three is far weaker than that, but no band has any four-beat cycle at all:
``METER_3_DRUMLESS_CLEAR_RATIO`` lets such a loop be in three without drums, while the
weak every-third-beat accents of a 4/4 riff stay in four."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools import rhythm
from groovegraph.tools.rhythm import analyze_rhythm

SR = 22050


def _note(freq: float, length_s: float, gain: float, partials: int) -> np.ndarray:
    """A harmonic tone with a 5 ms attack and an exponential decay (5 per second)."""
    t = np.arange(int(length_s * SR)) / SR
    wave = sum(np.sin(2 * np.pi * freq * k * t) / k for k in range(1, partials + 1))
    return gain * wave * np.exp(-5.0 * t) * np.minimum(1.0, t / 0.005)


def _oom_pah_pah(
    bpm: float, bass: float, chord: float, partials: int, held: float, bars: int = 8
) -> np.ndarray:
    """D2 on every first beat, D4-F#4-A4 on the second and third, ``held`` of a beat long."""
    beat = 60.0 / bpm
    y = np.zeros(int(bars * 3 * beat * SR))
    for b in range(bars * 3):
        if b % 3 == 0:
            seg = _note(73.42, held * beat, bass, partials)
        else:
            seg = sum(_note(f, held * beat, chord, partials) for f in (293.66, 369.99, 440.0))
        i = int(b * beat * SR)
        y[i : i + len(seg)] += seg[: len(y) - i]
    return (0.8 * y / np.max(np.abs(y))).astype(np.float32)


@pytest.mark.parametrize(
    ("bass", "chord", "partials", "held"),
    [(0.6, 0.25, 1, 0.9), (0.5, 0.5, 8, 0.3), (0.6, 0.25, 8, 0.3)],
)
def test_a_drumless_oom_pah_pah_is_in_three(
    bass: float, chord: float, partials: int, held: float
) -> None:
    r = analyze_rhythm(y=_oom_pah_pah(100.0, bass, chord, partials, held), sr=SR)
    assert r.evidence is not None
    assert r.evidence["drum_share"] < rhythm.DRUM_HIGH_SHARE_MIN
    assert abs(r.tempo_bpm - 100.0) < 2.0
    assert r.meter == 3


def _accents(per_band_three: tuple[float, float, float], seed: int) -> tuple[np.ndarray, ...]:
    """Per-beat low / snare / full strengths: each band ``per_band_three`` louder every third
    beat over a little noise (Gaussian spread 0.1), no four-beat cycle."""
    rng = np.random.default_rng(seed)
    third = (np.arange(30) % 3 == 0).astype(float)
    low, snare, full = (1.0 + a * third + rng.normal(0.0, 0.1, 30) for a in per_band_three)
    return low, snare, full, np.ones((30, 4))


def test_a_clean_three_cycle_in_the_bass_is_three_without_drums() -> None:
    # below METER_3_MIN_CONTRAST_DRUMLESS (3.8 < 4.5), but no band has a four-beat cycle
    args = _accents((0.4, 0.0, 0.0), seed=3)
    assert rhythm._meter(*args)[0] == 3
    assert rhythm._meter(*args, drumless=True)[0] == 3
