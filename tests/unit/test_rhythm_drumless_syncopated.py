"""The tempo of a syncopated part without drums (issue 9): chord comping at 85 BPM on 1, 2,
the and of 3 and the and of 4 read 136 (and 130-152 with a bass under it); a 3+3+2 figure
over a bass on 1 read 110-123; a pushed comp read 68-131. The candidate beats came from the
lag the onsets repeat at best and its halves, thirds and doubles, and a syncopated figure
can repeat best at a lag that is no multiple of its beat (two and a half beats): no
candidate was the beat. Without drums the bar the part repeats after (searched from 1.2 to
4.8 s, ``rhythm._bar_cycle``) now adds its halves, quarters, eighths, thirds and sixths.

The audio is built here: three-note chords of a bright voice on a fixed figure per bar, a
four-chord loop, sometimes a bass note held on 1."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.rhythm import analyze_rhythm, drumless_confidence_max

SR = 44100
CHORDS = ((62, 65, 69), (58, 62, 65), (60, 64, 67), (57, 60, 64))  # Dm Bb C Am


def _hz(midi: int) -> float:
    return 440.0 * 2.0 ** ((midi - 69) / 12.0)


def _chord_note(freq: float, hold_s: float, bright: float) -> np.ndarray:
    n = int((hold_s + 0.06) * SR)
    t = np.arange(n) / SR
    partials = [k for k in range(1, 14) if k * freq < SR / 2.2]
    y = sum(np.sin(2 * np.pi * k * freq * t + 0.7 * k) * bright ** (k - 1) for k in partials)
    env = np.minimum(1.0, t / 0.004) * np.exp(-t / 1.2)
    env *= np.clip((hold_s + 0.06 - t) / 0.06, 0.0, 1.0)
    out: np.ndarray = np.asarray(y) * env
    return out


def comp(bpm: float, figure: tuple[float, ...], bass: bool, bars: int = 8) -> np.ndarray:
    """Chords on the beats of ``figure`` (in beats from the bar line), every bar, each
    held 0.4 beat; a bass note held for most of the bar under each chord change."""
    beat = 60.0 / bpm
    y = np.zeros(int((bars * 4 * beat + 0.5) * SR))

    def put(start_s: float, seg: np.ndarray, gain: float) -> None:
        a = round(start_s * SR)
        m = max(0, min(len(seg), len(y) - a))
        y[a : a + m] += gain * seg[:m]

    for b in range(bars):
        chord = CHORDS[b % len(CHORDS)]
        for at in figure:
            for p in chord:
                put((4 * b + at) * beat, _chord_note(_hz(p), 0.4 * beat, 0.6), 0.4)
        if bass:
            put(4 * b * beat, _chord_note(_hz(chord[0] - 24), 3.6 * beat, 0.3), 1.0)
    return (0.8 * y / np.abs(y).max()).astype(np.float32)


@pytest.mark.parametrize(
    ("figure", "bass", "bpm"),
    [
        ((0.0, 1.0, 2.5, 3.5), False, 85.0),  # anticipations
        ((0.0, 1.0, 2.5, 3.5), True, 92.0),
        ((0.0, 1.5, 3.0), True, 85.0),  # 3+3+2
        ((0.0, 0.5, 1.5, 2.5, 3.0), True, 85.0),  # pushed
    ],
)
def test_a_syncopated_comp_without_drums_reads_its_beat(
    figure: tuple[float, ...], bass: bool, bpm: float
) -> None:
    r = analyze_rhythm(y=comp(bpm, figure, bass), sr=SR)
    assert abs(r.tempo_bpm / bpm - 1.0) < 0.04, r.tempo_bpm
    # a drumless loop's cap: not sure, or below 0.8 where neither half nor double is a
    # plausible loop tempo (rhythm.DRUMLESS_SURE_BAND)
    assert r.tempo_confidence <= drumless_confidence_max(r.tempo_bpm) + 1e-9
    assert r.swing_percent <= 52.0
