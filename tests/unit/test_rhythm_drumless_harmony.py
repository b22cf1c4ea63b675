"""A keys comp without drums on a 3+3+2 figure (chords on 1, the and of 2 and 4, one
seventh chord a bar) at 84 BPM read 112 (four thirds of its tempo) at confidence 0.55,
and the wrong tempo then set a mix's stretch (issue 9). Read on the onsets alone, a beat
of three 8ths lines up with two of the figure's three hits; nothing in the onsets rules it
out. The harmony does: the chords change every bar, and 112 BPM would put 5⅓ beats in
that bar. Without drums, a candidate beat that does not divide the period the harmony
changes at (``rhythm._harmony_cycle``) into a whole number of beats loses
``HARMONY_MISFIT_WEIGHT`` from its level score.

The audio is built here: four-note voicings of a soft electric-piano-like tone, Am7 D9
Am7 Bm7 (and a second voicing loop), held up to the next hit."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools import rhythm
from groovegraph.tools.rhythm import analyze_rhythm

SR = 22050
VOICINGS = (
    ((57, 60, 64, 67), (62, 66, 69, 64), (57, 60, 64, 67), (59, 62, 66, 69)),
    ((53, 57, 60, 64), (55, 59, 62, 65), (52, 55, 59, 62), (57, 61, 64, 67)),
)


def _tone(freq: float, hold_s: float) -> np.ndarray:
    n = int((hold_s + 0.25) * SR)
    t = np.arange(n) / SR
    y = np.sin(2 * np.pi * freq * t) + 0.35 * np.sin(4 * np.pi * freq * t) * np.exp(-t / 0.3)
    y = y + 0.1 * np.sin(6 * np.pi * freq * t) * np.exp(-t / 0.1)
    env = np.minimum(1.0, t / 0.003) * np.exp(-t / 1.5)
    env *= np.clip((hold_s + 0.25 - t) / 0.25, 0.0, 1.0)
    out: np.ndarray = y * env
    return out


def comp_332(bpm: float, voicings: tuple[tuple[int, ...], ...], bars: int = 8) -> np.ndarray:
    """A chord a bar, struck on 1, the and of 2 and 4 (3+3+2 8ths), each held to just
    before the next hit."""
    beat = 60.0 / bpm
    y = np.zeros(int((bars * 4 * beat + 0.5) * SR))
    hits = ((0.0, 1.4), (1.5, 1.4), (3.0, 0.9))
    for b in range(bars):
        for at, hold in hits:
            a = round((0.05 + (4 * b + at) * beat) * SR)
            for p in voicings[b % len(voicings)]:
                seg = _tone(440.0 * 2.0 ** ((p - 69) / 12.0), hold * beat)
                m = min(len(seg), len(y) - a)
                y[a : a + m] += 0.25 * seg[:m]
    return (0.8 * y / np.abs(y).max()).astype(np.float32)


@pytest.mark.parametrize("bpm", [84.0, 92.0])
@pytest.mark.parametrize("which", [0, 1])
def test_a_332_comp_reads_its_own_tempo(bpm: float, which: int) -> None:
    r = analyze_rhythm(y=comp_332(bpm, VOICINGS[which]), sr=SR)
    assert r.tempo_bpm == pytest.approx(bpm, rel=0.03)


def test_the_harmony_cycle_is_the_bar() -> None:
    y = comp_332(84.0, VOICINGS[0])
    env = rhythm._envelopes(y, SR)
    cycle = rhythm._harmony_cycle(env.harmony, env.frame_rate)
    assert cycle is not None
    bar_s = 4 * 60.0 / 84.0
    # a bar, or the two bars after which the voicings' pattern (Am7 ... Am7) comes round
    assert min(abs(cycle / env.frame_rate / (m * bar_s) - 1.0) for m in (1, 2, 4)) < 0.04


def test_a_cycle_rules_out_four_thirds_not_the_octave() -> None:
    cycle = 4.0 * 100.0  # a bar of four 100-frame beats
    assert rhythm._harmony_misfit(cycle, 100.0) == 0.0
    assert rhythm._harmony_misfit(cycle, 50.0) == 0.0
    assert rhythm._harmony_misfit(cycle, 200.0) == 0.0
    assert rhythm._harmony_misfit(cycle, 75.0) == 1.0  # 5⅓ beats to the bar
