"""A modal loop is heard in its own tonic even when the record does not open on its first
chord (issue 9: an Aeolian Dm – Bb – F – C loop with piano, pad, root bass and drums was
read as F major, the relative major that shares its notes).

The opening chord is one of the few cues that tell a loop from its relative key; it is
the first chord of the music, not whatever the first second of the file holds (a bar of
drums alone, a count-in, silence)."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.keys import Key
from groovegraph.tools.tonality import estimate_key

SR = 22050
_MIN, _MAJ = (0, 3, 7), (0, 4, 7)


def _hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def _loop(
    tonic: int,
    chords: list[tuple[int, tuple[int, ...]]],
    *,
    bpm: float,
    intro: str,
    seed: int,
) -> np.ndarray:
    """Piano on the beats and a pad under it, a bass on the chord roots, kick/snare/hats,
    one chord per bar; ``intro`` is ``"drum_bar"`` (a bar of the drums alone first),
    ``"silence"`` (0.9 s of nothing first) or ``"none"``."""
    rng = np.random.default_rng(seed)
    beat = 60.0 / bpm
    lead_bars = 1 if intro == "drum_bar" else 0
    offset = 0.9 if intro == "silence" else 0.0
    n_bars = lead_bars + len(chords)
    y = np.zeros(round((offset + 4 * n_bars * beat + 1.0) * SR))

    def add(start: float, sig: np.ndarray) -> None:
        a = round((offset + start) * SR)
        y[a : a + len(sig)] += sig[: len(y) - a]

    def note(midi: float, dur: float, *, decay: float, attack: float, partials: int) -> np.ndarray:
        t = np.arange(round(dur * SR)) / SR
        f = _hz(midi)
        wave = sum(np.sin(2 * np.pi * k * f * t) / k**1.3 for k in range(1, partials + 1))
        env = np.minimum(1.0, t / attack) * np.exp(-t / decay) * np.clip((dur - t) / 0.05, 0, 1)
        out: np.ndarray = wave * env
        return out

    for bar in range(n_bars):
        t0 = 4 * bar * beat
        # Drums on every bar: kick on 1 and the and of 2, snare on 2 and 4, 8th hats.
        for k in (0.0, 1.5):
            t = np.arange(round(0.25 * SR)) / SR
            sweep = np.cumsum(50.0 + 90.0 * np.exp(-t / 0.03)) / SR
            add(t0 + k * beat, 0.5 * np.sin(2 * np.pi * sweep) * np.exp(-t / 0.12))
        for k in (1.0, 3.0):
            t = np.arange(round(0.2 * SR)) / SR
            add(t0 + k * beat, 0.3 * rng.standard_normal(len(t)) * np.exp(-t / 0.06))
        for k in np.arange(0.0, 4.0, 0.5):
            t = np.arange(round(0.05 * SR)) / SR
            add(t0 + k * beat, 0.1 * np.diff(rng.standard_normal(len(t) + 1)) * np.exp(-t / 0.015))
        if bar < lead_bars:
            continue
        root, ivs = chords[bar - lead_bars]
        pcs = [(tonic + root + iv) % 12 for iv in ivs]
        voicing = [57 + (pc - 57) % 12 for pc in pcs]  # close, A3..G#4
        for m in voicing:
            add(t0, 0.06 * note(m, 4 * beat, decay=6.0, attack=0.2, partials=6))  # pad
            for k in range(4):  # piano on the beats
                add(t0 + k * beat, 0.08 * note(m, beat, decay=0.5, attack=0.003, partials=8))
        bass = 33 + (tonic + root - 9) % 12  # A1..G#2, on the root
        add(t0, 0.35 * note(bass, 4 * beat * 0.95, decay=2.0, attack=0.005, partials=4))
    return (0.8 * y / np.max(np.abs(y))).astype(np.float32)


# Dm - Bb - F - C (Aeolian i-VI-III-VII), twice: the loop ends on VII, no leading tone.
AEOLIAN = [(0, _MIN), (8, _MAJ), (3, _MAJ), (10, _MAJ)] * 2
# Its relative major's own cadence: F - C - Dm - Bb, twice, then home on F.
MAJOR = [(0, _MAJ), (7, _MAJ), (9, _MIN), (5, _MAJ)] * 2 + [(0, _MAJ)]


@pytest.mark.parametrize("intro", ["drum_bar", "silence", "none"])
@pytest.mark.parametrize(("tonic", "bpm"), [(2, 92.0), (7, 84.0)])
def test_aeolian_loop_is_its_minor_key_not_the_relative_major(
    intro: str, tonic: int, bpm: float
) -> None:
    y = _loop(tonic, AEOLIAN, bpm=bpm, intro=intro, seed=tonic)
    est = estimate_key(y=y, sr=SR)
    assert est.key == Key(tonic, "minor").name


@pytest.mark.parametrize("intro", ["drum_bar", "silence", "none"])
@pytest.mark.parametrize(("tonic", "bpm"), [(2, 92.0), (7, 84.0)])
def test_the_relative_major_with_its_own_cadence_stays_major(
    intro: str, tonic: int, bpm: float
) -> None:
    # The same notes from the major's tonic (F for D minor), ending on it.
    major = (tonic + 3) % 12
    y = _loop(major, MAJOR, bpm=bpm, intro=intro, seed=tonic + 1)
    est = estimate_key(y=y, sr=SR)
    assert est.key == Key(major, "major").name
