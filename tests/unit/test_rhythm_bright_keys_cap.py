"""Bright keys without drums are not drums (issue 9). The drum share of a loop
(``rhythm._drum_share``) is how much of its attacks' rise lies above 7 kHz; a saw-like lead
or a bright electric piano puts a fifth or more of it there, so two drumless comps read an
octave off at tempo confidence 0.71 and 0.92, above the "not sure" line. Hats, snares and
cymbals are noise up there, a note's partials are not: the 7–10.5 kHz spectral flatness of
the brightest attacks (``rhythm._drum_noise``) keeps the drumless cap on such a loop.

The keys are built here: chords of sawtooth-like tones (partials up to 10 kHz at 1/k),
struck on every 8th or on quarters; the drum loop is our generator's."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools import rhythm
from groovegraph.tools.rhythm import TEMPO_NOT_SURE, analyze_rhythm
from groovegraph.tools.synth import GrooveSpec, synthesize_groove

SR = 22050


def _saw(freq: float, hold_s: float) -> np.ndarray:
    t = np.arange(int((hold_s + 0.03) * SR)) / SR
    y = sum(np.sin(2 * np.pi * k * freq * t) / k for k in range(1, 40) if k * freq < 10000.0)
    env = np.minimum(1.0, t / 0.002) * np.exp(-t / 0.6)
    env *= np.clip((hold_s + 0.03 - t) / 0.03, 0.0, 1.0)
    out: np.ndarray = np.asarray(y) * env
    return out


def bright_keys(bpm: float, step_beats: float, bars: int = 8) -> np.ndarray:
    """Triads (C, A minor, F, G), a chord a bar, struck every ``step_beats`` beats."""
    beat = 60.0 / bpm
    chords = ((60, 64, 67), (57, 60, 64), (53, 57, 60), (55, 59, 62))
    y = np.zeros(int((bars * 4 * beat + 0.3) * SR))
    hits = round(4 / step_beats)
    for b in range(bars):
        for k in range(hits):
            a = int((4 * b + k * step_beats) * beat * SR)
            for p in chords[b % 4]:
                seg = _saw(440.0 * 2.0 ** ((p - 69) / 12.0), 0.9 * step_beats * beat)
                m = min(len(seg), len(y) - a)
                y[a : a + m] += seg[:m]
    return (0.7 * y / np.abs(y).max()).astype(np.float32)


@pytest.mark.parametrize(("bpm", "step"), [(76.0, 0.5), (96.0, 0.5), (120.0, 1.0)])
def test_bright_keys_stay_below_not_sure(bpm: float, step: float) -> None:
    r = analyze_rhythm(y=bright_keys(bpm, step), sr=SR)
    assert r.evidence is not None
    assert r.evidence["drum_noise"] < rhythm.DRUM_NOISE_MIN
    cap = rhythm.drumless_confidence_max(r.tempo_bpm)  # below 0.8 even in the sure band
    assert rhythm.drumless_cap(r.evidence) == pytest.approx(cap)
    assert r.tempo_confidence <= cap + 1e-9
    lo, hi = rhythm.DRUMLESS_SURE_BAND
    if not lo < r.tempo_bpm < hi:
        assert r.tempo_confidence < TEMPO_NOT_SURE


@pytest.mark.parametrize("pattern", ["rock", "funk", "house"])
def test_a_drum_groove_keeps_its_cap_lifted(pattern: str) -> None:
    spec = GrooveSpec(tempo_bpm=100.0, pattern=pattern, duration_s=10.0, seed=5)
    y, _ = synthesize_groove(spec)
    r = analyze_rhythm(y=y, sr=spec.sample_rate)
    assert r.evidence is not None
    assert r.evidence["drum_noise"] >= rhythm.DRUM_NOISE_FULL
    assert rhythm.drumless_cap(r.evidence) == 1.0
