"""A waltz played as a kick on 1 and hats (or short chords) on 2 and 3 keeps its tempo,
its bar of three and straight 8ths; straight 8ths over a kick in four are not read as
triplets of dotted quarters.

Outside users' numpy loops: a kick on the one and hats on two and three, nothing between
the beats, was read at half tempo (the half-note level sees the true beats as "8ths"); a
kick on the one and soft chords on two and three at two thirds of the tempo, in four, at
"67 % swing" (two dotted quarters to the bar, the third beat two thirds through the
second). A keys loop with hats on every 8th and a kick on 1 and 3 was read at the dotted
quarter with the same 67 % (see ``_waltz_beat`` and ``_straight_beat`` in
``tools/rhythm.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.rhythm import TEMPO_NOT_SURE, analyze_rhythm


def _kick(sr: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(0.3 * sr)) / sr
    freq = 50.0 + 80.0 * np.exp(-t / 0.03)
    body = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / 0.18)
    return body + 0.2 * rng.standard_normal(len(t)) * np.exp(-t / 0.002)


def _hat(sr: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(0.06 * sr)) / sr
    x = rng.standard_normal(len(t))
    for _ in range(3):  # a steep high-pass: hiss
        x = np.diff(x, prepend=0.0)
    return 0.05 * x * np.exp(-t / 0.02)


def _chord(sr: int, root_hz: float, length_s: float, partials: int) -> np.ndarray:
    t = np.arange(int(length_s * sr)) / sr
    out = np.zeros(len(t))
    for ratio in (1.0, 1.26, 1.5):  # a major triad
        for k in range(1, partials + 1):
            out += np.sin(2 * np.pi * root_hz * ratio * k * t) / k
    fade = np.minimum(1.0, (len(t) - np.arange(len(t))) / (0.01 * sr))
    return out / 3.0 * np.exp(-t / 0.1) * np.minimum(1.0, t / 0.004) * fade


def _place(y: np.ndarray, sound: np.ndarray, at_s: float, sr: int, gain: float) -> None:
    i = round(at_s * sr)
    n = min(len(sound), len(y) - i)
    if n > 0:
        y[i : i + n] += gain * sound[:n]


def _waltz(bpm: float, sr: int, upper: str, bars: int, seed: int) -> np.ndarray:
    """Kick on every first beat; hats or short chords (``upper``) on the second and third."""
    rng = np.random.default_rng(seed)
    beat = 60.0 / bpm
    y = np.zeros(int((3 * bars * beat + 0.3) * sr))
    kick, hat = _kick(sr, rng), _hat(sr, rng)
    chord = _chord(sr, 293.7, 0.3 * beat, 4)
    for b in range(3 * bars):
        if b % 3 == 0:
            _place(y, kick, b * beat, sr, 1.0)
        elif upper == "hats":
            _place(y, hat, b * beat, sr, 1.0)
        else:
            _place(y, chord, b * beat, sr, 0.25)
    return (0.8 * y / np.max(np.abs(y))).astype(np.float32)


@pytest.mark.parametrize(
    ("bpm", "sr", "upper", "bars"),
    [
        (131.0, 32000, "hats", 8),
        (152.0, 44100, "hats", 8),
        (186.0, 32000, "hats", 8),
        (131.0, 32000, "chords", 8),
        (152.0, 44100, "chords", 8),
    ],
)
def test_a_kick_and_hats_waltz_reads_its_own_tempo_in_three(
    bpm: float, sr: int, upper: str, bars: int
) -> None:
    r = analyze_rhythm(y=_waltz(bpm, sr, upper, bars, seed=int(bpm)), sr=sr)
    assert abs(r.tempo_bpm / bpm - 1.0) < 0.02, r.tempo_bpm
    assert r.meter == 3
    assert abs(r.swing_percent - 50.0) <= 2.0


def test_a_chords_waltz_read_right_says_when_it_is_not_sure() -> None:
    # Without hats the notes alone rarely settle the level: the reading is right but the
    # confidence stays below "sure".
    r = analyze_rhythm(y=_waltz(152.0, 44100, "chords", 8, seed=152), sr=44100)
    assert abs(r.tempo_bpm / 152.0 - 1.0) < 0.02
    assert r.tempo_confidence < TEMPO_NOT_SURE + 0.1


def _keys_over_hats(bpm: float, sr: int, bars: int, seed: int) -> np.ndarray:
    """Bright keys on every 8th, hats exactly on every 8th, a kick on 1 and 3."""
    rng = np.random.default_rng(seed)
    beat = 60.0 / bpm
    y = np.zeros(int((4 * bars * beat + 0.3) * sr))
    kick, hat = _kick(sr, rng), _hat(sr, rng)
    roots = (261.6, 220.0, 349.2, 392.0)
    for bar in range(bars):
        t0 = 4 * bar * beat
        chord = _chord(sr, roots[bar % 4], 0.45 * beat, 20)
        for i in range(8):
            _place(y, chord, t0 + i * beat / 2, sr, 0.2)
            _place(y, hat, t0 + i * beat / 2, sr, 0.8 if i % 2 == 0 else 0.6)
        _place(y, kick, t0, sr, 1.0)
        _place(y, kick, t0 + 2 * beat, sr, 0.9)
    return (0.8 * y / np.max(np.abs(y))).astype(np.float32)


@pytest.mark.parametrize(("bpm", "sr"), [(127.0, 32000), (134.0, 32000)])
def test_straight_8ths_over_a_kick_in_four_are_not_dotted_triplets(bpm: float, sr: int) -> None:
    r = analyze_rhythm(y=_keys_over_hats(bpm, sr, 6, seed=int(bpm)), sr=sr)
    assert abs(r.tempo_bpm / bpm - 1.0) < 0.02, r.tempo_bpm
    assert r.meter == 4
    assert abs(r.swing_percent - 50.0) <= 2.0
