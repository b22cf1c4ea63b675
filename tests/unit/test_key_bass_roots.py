"""A bass riff alone on the roots of I–IV–V–I (issue 9): an outside tester's drumless riff
on F, Bb and C in straight 8ths at 102 BPM came back "F minor". The riff plays no third
above its tonic, so nothing in it says the mode; the key model then leaned on what goes
with minor keys in harmonised music (a bass falling a fifth onto IV, major triads fitted
to bare fifths) and was sure of it (0.81). Without a third (``THIRD_MIN_RATIO``) the mode
follows whichever third sounds more (major on a tie) and the confidence stays at
``MODE_UNHEARD_CONFIDENCE``; a riff that does play its third keeps its mode.

The audio is built here: a bass tone with a few decaying partials, a note every 8th."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.tonality import MODE_UNHEARD_CONFIDENCE, estimate_key

SR = 22050


def _note(midi: int, hold_s: float, decay_s: float, bright: float) -> np.ndarray:
    freq = 440.0 * 2.0 ** ((midi - 69) / 12.0)
    t = np.arange(int((hold_s + 0.04) * SR)) / SR
    y = sum(bright ** (k - 1) * np.sin(2 * np.pi * k * freq * t) for k in range(1, 7))
    env = np.minimum(1.0, t / 0.004) * np.exp(-t / decay_s)
    env *= np.clip((hold_s + 0.04 - t) / 0.04, 0.0, 1.0)
    out: np.ndarray = np.asarray(y) * env
    return out


def bass_riff(
    roots: tuple[int, ...], figure: tuple[int, ...], bpm: float = 102.0, bars: int = 8
) -> np.ndarray:
    """A bar per root, eight 8th notes a bar at ``root + figure[k]`` semitones."""
    beat = 60.0 / bpm
    y = np.zeros(int((bars * 4 * beat + 0.3) * SR))
    for b in range(bars):
        root = roots[b % len(roots)]
        for k, step in enumerate(figure):
            a = int((4 * b + 0.5 * k) * beat * SR)
            seg = _note(root + step, 0.45 * beat, 0.35, 0.5)
            m = min(len(seg), len(y) - a)
            y[a : a + m] += seg[:m]
    return (0.7 * y / np.abs(y).max()).astype(np.float32)


ONE_FOUR_FIVE_ONE = (41, 46, 48, 41)  # F2 Bb2 C3 F2


@pytest.mark.parametrize(
    "figure",
    [
        (0, 0, 0, 0, 0, 0, 0, 0),  # the root on every 8th
        (0, 12, 0, 12, 0, 12, 0, 12),  # octaves
        (0, 0, 12, 0, 7, 0, 12, 7),  # root, octave and fifth
    ],
)
def test_a_root_only_bass_riff_is_not_sure_minor(figure: tuple[int, ...]) -> None:
    key = estimate_key(y=bass_riff(ONE_FOUR_FIVE_ONE, figure), sr=SR)
    assert key.key == "F major"
    assert key.runner_up == "F minor"
    assert key.confidence <= MODE_UNHEARD_CONFIDENCE


def test_the_full_analysis_of_the_riff_reads_four_beats_and_f_major() -> None:
    a = analyze_signal(y=bass_riff(ONE_FOUR_FIVE_ONE, (0,) * 8), sr=SR)
    assert a.key == "F major"
    assert a.meter == 4
    assert a.tempo_bpm == pytest.approx(102.0, rel=0.03)


def test_a_riff_that_plays_its_minor_third_keeps_minor() -> None:
    # i–iv–v–i on F with the minor third (Ab) and fifth in the figure of every bar
    key = estimate_key(y=bass_riff((41, 46, 48, 41), (0, 12, 3, 7, 0, 12, 3, 7)), sr=SR)
    assert key.key.endswith("minor")


def test_a_riff_that_plays_its_major_third_reads_major_with_confidence() -> None:
    key = estimate_key(y=bass_riff((41, 46, 48, 41), (0, 12, 4, 7, 0, 12, 4, 7)), sr=SR)
    assert key.key == "F major"
