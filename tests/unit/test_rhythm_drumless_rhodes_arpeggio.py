"""A drumless electric-piano loop whose lowest note falls on each beat (an outside tester's
Rhodes arpeggio in D minor at 104 BPM): the tempo was read right, but the beat grid sat half
a beat late, on the upper notes between the beats, and the confidence stayed at the
drumless 0.55 with a "may be 51.9 BPM, half time" note on every answer. (Below 100 BPM these
figures are still read at twice their tempo, as before: the drumless octave choice, not
tested here.)

Why: a tine piano's bright attack put a fifth of each note's rise above 7 kHz, so the loop
counted as having drums and its grid was phased on the top band and turned by the
"snare" band, both of which only hold the upper notes' partials; and every drumless
reading was capped at 0.55 whatever its tempo, though a reading between 94 and 115 BPM has
no plausible half or double.

The audio is made here: a two-operator FM tone (a bark on the attack that fades, as a
tine does), the chord's root low on the beat and its upper tones on the off-beat 8th
(a broken-chord left hand under a right hand), or climbing in 8ths from the root, over a
four-chord minor progression, a chord a bar, with a few ms of timing jitter."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.feel import NOT_SURE, tempo_doubt

SR = 22050
# D minor: Dm, Bb, F, C (the root an octave under the upper tones)
PROGRESSION = ((50, (62, 65, 69)), (46, (58, 62, 65)), (53, (60, 65, 69)), (48, (60, 64, 67)))


def _tine(midi: int, hold_s: float, rng: np.random.Generator) -> np.ndarray:
    f = 440.0 * 2.0 ** ((midi - 69) / 12.0)
    t = np.arange(int((hold_s + 0.3) * SR)) / SR
    bark = float(rng.uniform(0.8, 1.4)) * np.exp(-t / 0.07)
    tone = np.sin(2 * np.pi * f * t + bark * np.sin(2 * np.pi * f * t))
    if 14 * f < SR / 2.2:  # the tine's metallic ping, gone in a few tens of ms
        tone = tone + 0.15 * np.sin(2 * np.pi * 14 * f * t) * np.exp(-t / 0.02)
    env = np.minimum(1.0, t / 0.002) * np.exp(-t / 1.1) * np.clip((hold_s + 0.3 - t) / 0.25, 0, 1)
    out: np.ndarray = tone * env
    return out


def rhodes_loop(bpm: float, figure: str, bars: int = 8, seed: int = 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    beat = 60.0 / bpm
    y = np.zeros(int((bars * 4 * beat + 0.5) * SR))

    def play(at_beats: float, midi: int, length_beats: float, gain: float) -> None:
        a = max(0, int((at_beats * beat + rng.normal(0.0, 0.003)) * SR))
        seg = gain * _tine(midi, length_beats * beat, rng)
        m = max(0, min(len(seg), len(y) - a))
        y[a : a + m] += seg[:m]

    for b in range(bars):
        root, upper = PROGRESSION[b % 4]
        for k in range(4):
            at = 4 * b + k
            if figure == "broken":  # root on the beat, the upper tones together on the "and"
                play(at, root, 0.5, 0.9)
                for p in upper:
                    play(at + 0.5, p, 0.45, 0.45)
            else:  # "climb": root, fifth, octave and a chord tone above, in 8ths
                climb = (root, root + 7, root + 12, upper[1])
                play(at, climb[2 * (k % 2)], 0.5, 0.8)
                play(at + 0.5, climb[2 * (k % 2) + 1], 0.5, 0.6)
    return (0.8 * y / np.abs(y).max()).astype(np.float32)


def _off_beat(beats: list[float], bpm: float) -> np.ndarray:
    period = 60.0 / bpm
    b = np.asarray(beats)
    out: np.ndarray = (b / period + 0.5) % 1.0 - 0.5  # beats played at k * period
    return out


@pytest.mark.parametrize("figure", ["broken", "climb"])
@pytest.mark.parametrize("bpm", [104.0, 112.0, 124.0])
def test_the_grid_lands_on_the_low_notes(figure: str, bpm: float) -> None:
    a = analyze_signal(y=rhodes_loop(bpm, figure), sr=SR, file="rhodes_arp.wav")
    assert a.tempo_bpm == pytest.approx(bpm, rel=0.03)
    assert a.key == "D minor"
    off = _off_beat(a.beats_s or [], bpm)
    assert len(off) >= 24
    # within a tenth of a beat of the played beats (it sat half a beat late)
    assert float(np.median(np.abs(off))) < 0.1, np.round(off[:8], 2)
    assert a.downbeats_s is not None


@pytest.mark.parametrize("figure", ["broken", "climb"])
def test_a_right_reading_near_104_is_not_marked_unsure(figure: str) -> None:
    a = analyze_signal(y=rhodes_loop(104.0, figure), sr=SR)
    assert a.tempo_bpm == pytest.approx(104.0, rel=0.03)
    # no longer the drumless 0.55 with a half-time note; still short of 0.8
    assert NOT_SURE <= a.tempo_confidence < 0.8, a.tempo_confidence
    assert tempo_doubt("the loop", a.tempo_bpm, a.tempo_confidence) is None


def test_an_unsure_reading_near_104_offers_no_implausible_half() -> None:
    note = tempo_doubt("the loop", 103.8, 0.5)
    assert note is not None
    assert "51.9" not in note
    assert "207.6" not in note
