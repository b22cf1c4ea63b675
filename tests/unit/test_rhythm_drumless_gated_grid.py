"""The beat grid of chords without drums (outside testers, three times): stabs of a D minor
progression on every beat at 100 BPM, each note cut off at 90 % of its beat, read the right
tempo and key but put every beat ~63 ms early (0.537 + 0.6 k s) and lost the first bar's
downbeat. The grid was anchored on the top band, which for drums holds the hats; without
drums it held only the clicks of the notes being cut off, 60 ms before each beat. Without
drums the notes' attacks (the tonal band) anchor it.

The audio is built here: sine-and-partials chords and a bass note on each beat, the chord
changing every bar, the notes gated (hard stop) as a cheap synth or a chopped sample does."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.analysis import analyze_signal

SR = 22050


def _note(freq: float, length_s: float, gain: float) -> np.ndarray:
    t = np.arange(int(length_s * SR)) / SR
    env = np.minimum(1.0, t / 0.01) * np.exp(-t * 1.5)  # no release: a hard stop
    wave = sum(np.sin(2 * np.pi * k * freq * t) / k for k in (1, 2, 3))
    out: np.ndarray = gain * env * np.asarray(wave)
    return out


def _gated_chords(bpm: float, bars: int = 8, gate: float = 0.9) -> np.ndarray:
    beat = 60.0 / bpm
    hz = [440.0 * 2.0 ** ((n - 69) / 12.0) for n in range(128)]
    progression = ((62, 65, 69), (58, 62, 65), (55, 58, 62), (57, 61, 64))  # Dm Bb Gm A
    y = np.zeros(int((bars * 4 * beat + 1.0) * SR))
    for b in range(bars):
        chord = progression[b % 4]
        for k in range(4):
            start = int((b * 4 + k) * beat * SR)
            for midi, gain in [(n, 0.2) for n in chord] + [(chord[0] - 24, 0.3)]:
                seg = _note(hz[midi], gate * beat, gain)
                y[start : start + len(seg)] += seg
    out: np.ndarray = (0.9 * y / np.abs(y).max()).astype(np.float32)
    return out


@pytest.mark.parametrize("bpm", [100.0, 92.0])
def test_gated_chords_put_the_beats_on_the_attacks(bpm: float) -> None:
    a = analyze_signal(y=_gated_chords(bpm), sr=SR, file="gated_chords.wav")
    assert a.tempo_bpm == pytest.approx(bpm, rel=0.02)
    beat = 60.0 / bpm
    beats = np.asarray(a.beats_s)
    assert len(beats) >= 20
    # every beat within 20 ms of a chord's attack (they sat 63 ms early)
    off = (beats + beat / 2) % beat - beat / 2
    assert np.max(np.abs(off)) < 0.020, np.round(off[:8], 3)
    # the first bar starts at the first chord, and bars follow every four beats
    downbeats = np.asarray(a.downbeats_s)
    assert downbeats[0] == pytest.approx(0.0, abs=0.02)
    assert np.allclose(np.diff(downbeats[:4]), 4 * beat, atol=0.02)
