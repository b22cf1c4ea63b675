"""Swing of a loop without drums (issue 9): straight chord stabs held through the beat, with
nothing at all between the beats, read 66-72 % "heavily swung". The swing came from the
band above 7 kHz folded on the beat grid, which without hats holds only the chords' upper
partials, their releases and the slope of a sustained chord: any bump there between 0.42
and 0.76 of the beat was taken for a late off-beat 8th. Without drums the swing is now
read from the notes' onsets (``rhythm._note_swing``): no off-beat notes, nothing swings.

The audio is built here: bright sawtooth-ish chords with a slow release, a sine-ish bass
on the downbeat, a mellow keys riff in swung or straight 8ths, a 16th-note figure."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.rhythm import analyze_rhythm, drumless_confidence_max

SR = 44100


def _hz(midi: int) -> float:
    return 440.0 * 2.0 ** ((midi - 69) / 12.0)


def _voice(
    freq: float, hold_s: float, bright: float, decay_s: float, release_s: float
) -> np.ndarray:
    """Harmonics falling by ``bright`` per partial, a 5 ms attack, an exponential decay and
    a raised-cosine release after ``hold_s``."""
    n = int((hold_s + release_s) * SR)
    t = np.arange(n) / SR
    partials = [k for k in range(1, 16) if k * freq < SR / 2.2]
    y = sum(np.sin(2 * np.pi * k * freq * t + 0.3 * k) * bright ** (k - 1) for k in partials)
    env = np.minimum(1.0, t / 0.005) * np.exp(-t / decay_s)
    tail = np.clip((t - hold_s) / release_s, 0.0, 1.0)
    env *= 0.5 * (1.0 + np.cos(np.pi * tail))
    out: np.ndarray = np.asarray(y) * env
    return out


def _put(y: np.ndarray, start_s: float, seg: np.ndarray, gain: float) -> None:
    a = round(start_s * SR)
    m = max(0, min(len(seg), len(y) - a))
    y[a : a + m] += gain * seg[:m]


def _done(y: np.ndarray) -> np.ndarray:
    return (0.8 * y / np.abs(y).max()).astype(np.float32)


PROGRESSION = ((57, 60, 64), (53, 57, 60), (55, 59, 62), (52, 55, 59))  # Am F G Em


def chord_stabs(bpm: float, beats_per_chord: int, bass: bool, bars: int = 8) -> np.ndarray:
    """Straight chords on the beat, each held 90 % of ``beats_per_chord`` beats (2: half
    notes on 1 and 3; 4: whole notes), a bright voicing; a bass under every chord."""
    beat = 60.0 / bpm
    y = np.zeros(int((bars * 4 * beat + 0.6) * SR))
    for k in range(bars * 4 // beats_per_chord):
        start = k * beats_per_chord * beat
        chord = PROGRESSION[(k * beats_per_chord // 4) % len(PROGRESSION)]
        for p in chord:
            _put(y, start, _voice(_hz(p), 0.9 * beats_per_chord * beat, 0.8, 3.0, 0.25), 0.35)
        if bass:
            _put(
                y,
                start,
                _voice(_hz(chord[0] - 24), 0.9 * beats_per_chord * beat, 0.3, 2.0, 0.1),
                1.0,
            )
    return _done(y)


def keys_eighths(bpm: float, swing: float, bars: int = 8) -> np.ndarray:
    """A single-note keys riff on every 8th, the off-beat ones at ``swing`` of the beat."""
    beat = 60.0 / bpm
    y = np.zeros(int((bars * 4 * beat + 0.6) * SR))
    riff = (57, 60, 64, 60, 62, 65, 64, 60)
    for b in range(bars * 4):
        for half, at in ((0, 0.0), (1, swing)):
            note = riff[(2 * b + half) % len(riff)]
            seg = _voice(_hz(note), 0.4 * beat, 0.5, 0.4, 0.05)
            _put(y, (b + at) * beat, seg, 1.0 if half == 0 else 0.75)
    return _done(y)


def keys_sixteenths(bpm: float, bars: int = 8) -> np.ndarray:
    """Straight 16ths, accented on the beat: a figure that fills every quarter of the beat."""
    beat = 60.0 / bpm
    y = np.zeros(int((bars * 4 * beat + 0.6) * SR))
    riff = (64, 67, 69, 67)
    for k in range(bars * 16):
        seg = _voice(_hz(riff[k % 4]), 0.2 * beat, 0.5, 0.3, 0.03)
        _put(y, k * 0.25 * beat, seg, (1.0, 0.6, 0.8, 0.6)[k % 4])
    return _done(y)


@pytest.mark.parametrize(
    ("bpm", "beats_per_chord", "bass"),
    [(92.0, 2, False), (120.0, 2, True), (104.0, 4, True), (84.0, 2, False)],
)
def test_straight_stabs_do_not_swing(bpm: float, beats_per_chord: int, bass: bool) -> None:
    a = analyze_signal(y=chord_stabs(bpm, beats_per_chord, bass), sr=SR)
    assert a.kind == "loop"
    assert a.swing_percent is not None
    assert a.swing_percent <= 52.0, a.swing_percent
    assert a.backbeat_lag_ms is None
    assert a.tempo_bpm is not None  # a drumless loop's cap (below 0.8 even in its sure band)
    assert a.tempo_confidence <= drumless_confidence_max(a.tempo_bpm) + 1e-9


@pytest.mark.parametrize(("bpm", "swing"), [(96.0, 0.62), (110.0, 0.58), (132.0, 0.6)])
def test_swung_keys_without_drums_still_swing(bpm: float, swing: float) -> None:
    r = analyze_rhythm(y=keys_eighths(bpm, swing), sr=SR)
    assert abs(r.tempo_bpm / bpm - 1.0) < 0.04, r.tempo_bpm
    assert abs(r.swing_percent - 100.0 * swing) <= 3.0, r.swing_percent
    assert r.swing_subdivision == 8


@pytest.mark.parametrize("bpm", [100.0, 118.0])
def test_straight_eighths_and_sixteenths_without_drums_are_straight(bpm: float) -> None:
    for y in (keys_eighths(bpm, 0.5), keys_sixteenths(bpm)):
        r = analyze_rhythm(y=y, sr=SR)
        assert r.swing_percent <= 52.0, (r.tempo_bpm, r.swing_percent)
