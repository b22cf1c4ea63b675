"""An 808 line under trap drums carries the loop's key even when it moves between only
two notes, and says how sure it can be; drum loops stay keyless (issue 9, outside trial:
an 808 bass line with glides under kick, snare and fast hats was reported as "no key —
drums only").

Everything is synthesized here (a gliding sine 808, the generator's drum kit) and goes
through the real analysis path.
"""

from __future__ import annotations

import numpy as np

from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.tonality import BASS_LINE_CONFIDENCE
from tests.unit.test_sine_bass import BEAT, D_MINOR, SECONDS, SR, _hz, _norm, drums, sine_line


def gliding_808(notes: list[tuple[float, float, int]], seconds: float) -> np.ndarray:
    """(start beat, length in beats, MIDI note) notes of a sine 808 that slides from each
    note into the next over ~60 ms and decays slowly."""
    y = np.zeros(round(seconds * SR))
    bar = 4.0 * BEAT
    prev = None
    for rep in range(int(seconds / bar) + 1):
        for start, beats, note in notes:
            i = round((rep * bar + start * BEAT) * SR)
            if i >= y.size:
                break
            t = np.arange(min(round(beats * BEAT * SR), y.size - i)) / SR
            midi = note + (0.0 if prev is None else (prev - note) * np.exp(-t / 0.02))
            f = _hz(0) * 2.0 ** (midi / 12.0)
            env = np.minimum(1.0, t / 0.003) * np.exp(-t / 1.2)
            env[-min(len(env), 200) :] *= np.linspace(1.0, 0.0, min(len(env), 200))
            y[i : i + len(t)] = env * np.sin(2 * np.pi * np.cumsum(f) / SR)
            prev = note
    return y


# G1 held for most of the bar, sliding up to Bb1 and back: two pitch classes, G minor.
G_TWO_NOTE = [(0.0, 2.5, 31), (2.5, 1.5, 34)]


def test_a_two_note_808_line_under_drums_has_a_key_at_a_modest_confidence() -> None:
    y = _norm(gliding_808(G_TWO_NOTE, SECONDS) + 0.5 * drums(SECONDS, seed=4, pattern="halftime"))
    a = analyze_signal(y=y, sr=SR)
    assert a.kind == "loop"
    assert a.key is not None, "a pitched 808 line was taken for drums only"
    assert a.key.startswith("G"), a.key
    assert 0.0 < a.key_confidence <= BASS_LINE_CONFIDENCE


def test_a_key_read_from_a_bass_line_alone_is_not_claimed_as_certain() -> None:
    a = analyze_signal(y=_norm(sine_line(D_MINOR, BEAT / 2, SECONDS)), sr=SR)
    assert a.key == "D minor"
    assert 0.5 < a.key_confidence <= BASS_LINE_CONFIDENCE


def test_short_kicks_on_two_pitches_under_a_kit_stay_drums_only() -> None:
    # A tuned kick alternating between two pitches rings a short while each hit: a drum,
    # not a line.
    kicks = sine_line([31, None, 34, None], BEAT, SECONDS, tau=0.12, glide=1.0, length=0.6)
    a = analyze_signal(y=_norm(kicks + 0.6 * drums(SECONDS, seed=2)), sr=SR)
    assert (a.kind, a.key, a.key_confidence) == ("loop", None, 0.0)
