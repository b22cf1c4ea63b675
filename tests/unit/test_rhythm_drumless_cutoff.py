"""Chords with no drums whose notes stop dead (no release fade) are still drumless
(issue 9: a syncopated electric-piano comp made with numpy read 100 BPM at 0.71 with a
'loose' timing deviation and a pocket). Each note's hard stop clicks across the whole
spectrum; on a syncopated comp the stops fall between the chords, and those clicks were
taken for hats.

The audio is built here from plain numpy notes (not our generator, not a benchmark set)."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.rhythm import drumless_confidence_max

SR = 44100

# A minor: Am9, Dm7, Fmaj7, E7 (MIDI notes)
CHORDS = ((45, 55, 60, 64, 71), (50, 57, 60, 65), (41, 57, 60, 64, 69), (40, 56, 59, 62, 64))


def _chord(pitches: tuple[int, ...], length_s: float, fade_s: float) -> np.ndarray:
    t = np.arange(int(length_s * SR)) / SR
    out = np.zeros_like(t)
    for p in pitches:
        f = 440.0 * 2.0 ** ((p - 69) / 12.0)
        out += sum(np.sin(2 * np.pi * k * f * t) * 0.6 ** (k - 1) for k in range(1, 4))
    env = np.minimum(1.0, t / 0.003) * np.exp(-t / 0.5)
    if fade_s > 0:
        env *= np.clip((length_s - t) / fade_s, 0.0, 1.0)
    return out * env  # fade_s == 0: the note stops dead, a click


def comp(bpm: float, seconds: float, hits: tuple[float, ...], fade_s: float) -> np.ndarray:
    """Electric-piano-like chords struck at ``hits`` (beats of each 4/4 bar), each held
    for 0.8 of a beat, cycling through the chords a bar each."""
    beat = 60.0 / bpm
    y = np.zeros(int(seconds * SR))
    for bar in range(int(seconds / (4 * beat)) + 1):
        seg = _chord(CHORDS[bar % 4], 0.8 * beat, fade_s)
        for h in hits:
            a = int((4 * bar + h) * beat * SR)
            m = max(0, min(len(seg), len(y) - a))
            y[a : a + m] += seg[:m]
    return (0.8 * y / np.abs(y).max()).astype(np.float32)


SYNCOPATED = (0.0, 1.5, 3.5)  # beat 1, the and of 2, the and of 4


@pytest.mark.parametrize(("bpm", "seconds"), [(96.0, 40.0), (96.0, 20.0), (78.0, 30.0)])
def test_syncopated_chords_cut_off_dead_are_drumless(bpm: float, seconds: float) -> None:
    a = analyze_signal(y=comp(bpm, seconds, SYNCOPATED, fade_s=0.0), sr=SR)
    assert a.tempo_bpm is not None
    assert a.tempo_confidence <= drumless_confidence_max(a.tempo_bpm) + 1e-9, a.tempo_confidence
    assert a.timing_deviation_ms is None  # no hits to time
    assert a.backbeat_lag_ms is None  # no backbeat, no pocket


def test_the_same_chords_with_a_release_fade_read_the_same_way() -> None:
    """The click is the only difference: with a 20 ms fade the loop was always drumless."""
    for fade in (0.0, 0.02):
        a = analyze_signal(y=comp(96.0, 20.0, SYNCOPATED, fade_s=fade), sr=SR)
        assert a.tempo_bpm is not None
        assert a.tempo_confidence <= drumless_confidence_max(a.tempo_bpm) + 1e-9
        assert a.backbeat_lag_ms is None
