"""A loop without drums is in four unless its beats clearly group in three (issue 9).

An outside tester's straight-8th bass riff in 4/4 (no drums, no accents) came back with a
bar of three. Without a kick or a snare the beat classes differ only as much as the notes
do, and a figure that happens to repeat every three beats (an arpeggio in threes, a note
a little louder now and then) makes a weak three-beat cycle. With drums a contrast of
``METER_3_MIN_CONTRAST`` is enough for a bar of three; without them it takes
``METER_3_MIN_CONTRAST_DRUMLESS``: a waltz's bass on one still clears it."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools import rhythm
from groovegraph.tools.rhythm import analyze_rhythm
from groovegraph.tools.synth import GrooveSpec, synthesize_groove


def _strengths(accent: float, seed: int = 3, beats: int = 24) -> tuple[np.ndarray, ...]:
    """Per-beat low / snare / full-band strengths: every third beat ``accent`` louder,
    over an uneven line (Gaussian spread 0.4), the snare band flat."""
    rng = np.random.default_rng(seed)
    low = 1.0 + accent * (np.arange(beats) % 3 == 0) + rng.normal(0.0, 0.4, beats)
    snare = 1.0 + rng.normal(0.0, 0.05, beats)
    return low, snare, low.copy(), np.ones((beats, 4))


def test_a_weak_three_beat_cycle_is_three_with_drums_but_four_without() -> None:
    args = _strengths(0.8)
    assert rhythm._meter(*args)[0] == 3
    assert rhythm._meter(*args, drumless=True)[0] == 4


def test_a_clear_three_beat_cycle_is_three_without_drums() -> None:
    assert rhythm._meter(*_strengths(3.0), drumless=True)[0] == 3


@pytest.mark.parametrize("tempo", [120.0, 140.0])
def test_a_drumless_waltz_keeps_its_bar_of_three(tempo: float) -> None:
    spec = GrooveSpec(tempo_bpm=tempo, pattern="waltz", mix="no_drums", duration_s=12.0, seed=4)
    y, _ = synthesize_groove(spec)
    r = analyze_rhythm(y=y, sr=spec.sample_rate)
    assert r.evidence is not None
    assert r.evidence["drum_share"] < rhythm.DRUM_HIGH_SHARE_MIN
    assert r.meter == 3
