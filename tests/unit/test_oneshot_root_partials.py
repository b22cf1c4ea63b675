"""A tonal one-shot is named by the pitch its partials share, not by a strong upper
harmonic the pitch tracker locked on, nor by a chord's common period where no note plays.

Outside users' notes: a hollow lead (odd partials, its 9th loud) was named two octaves and
a tone up, a keys note whose 4th partial outweighs a weak fundamental two octaves up, and
a major-seventh stab (its notes meet three octaves under the root) in the sub-bass
(``_common_fundamental`` and ``_notes_over_period`` in ``tools/oneshot.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.analysis import analyze_signal


def _note(midi: float, sr: int, amps: list[float], length_s: float, decay_s: float) -> np.ndarray:
    """Harmonic partials of ``amps`` (1st, 2nd, …), a 5 ms attack, an exponential decay."""
    t = np.arange(int(length_s * sr)) / sr
    f0 = 440.0 * 2 ** ((midi - 69) / 12)
    y = np.zeros(len(t))
    for k, a in enumerate(amps, start=1):
        if k * f0 < 0.45 * sr:
            y += a * np.sin(2 * np.pi * k * f0 * t + 1.3 * k)
    y *= np.minimum(1.0, t / 0.005) * np.exp(-t / decay_s) * np.minimum(1.0, (t[-1] - t) / 0.05)
    return (0.9 * y / np.max(np.abs(y))).astype(np.float32)


HOLLOW_LEAD = [0.46, 0.012, 0.084, 0.003, 0.079, 0.006, 0.036, 0.014, 0.22, 0.003, 0.028]
DULL_BASE = [0.03, 0.16, 0.2, 0.56, 0.06]


@pytest.mark.parametrize(
    ("midi", "sr", "amps", "name"),
    [
        (60.065, 48000, HOLLOW_LEAD, "C4"),
        (50.0, 22050, DULL_BASE, "D3"),
    ],
)
def test_a_note_is_named_by_the_period_its_partials_share(
    midi: float, sr: int, amps: list[float], name: str
) -> None:
    a = analyze_signal(y=_note(midi, sr, amps, 1.5, 0.8), sr=sr)
    assert a.kind == "one_shot"
    assert a.root_note == name


def _stab(seed: int) -> tuple[np.ndarray, int, int]:
    """A random keys stab as an outside user's generator drew it: root (MIDI 36-72), rate,
    length, chord (triad, dyad, note, seventh), and for each note's partials (up to the
    8th, slightly stretched) a roll-off and a decay. Returns samples, rate and root."""
    rng = np.random.default_rng(seed)
    root = int(rng.integers(36, 73))
    sr = int(rng.choice([22050, 44100, 48000]))
    t = np.arange(int(rng.uniform(0.3, 1.5) * sr)) / sr
    chords = [[0, 4, 7], [0, 3, 7], [0, 7], [0], [0, 4, 7, 11], [0, 3, 7, 10]]
    y = np.zeros(len(t))
    for step in chords[int(rng.integers(0, 6))]:
        f = 440.0 * 2 ** ((root + step - 69) / 12)
        for k in range(1, 9):
            if k * f > 0.45 * sr:
                break
            stretched = np.sin(2 * np.pi * k * f * t * (1 + 0.0005 * k * k))
            y += stretched / k ** rng.uniform(1.0, 2.0) * np.exp(-t * k * rng.uniform(1.0, 4.0))
    y *= np.minimum(1.0, t / 0.003)
    return (0.9 * y / np.max(np.abs(y))).astype(np.float32), sr, root


def test_a_major_seventh_stab_is_named_by_its_lowest_note() -> None:
    # E4 G#4 B4 D#5 (8:10:12:15): a common period three octaves under E4, where no note is
    y, sr, root = _stab(20085)
    assert root == 64
    a = analyze_signal(y=y, sr=sr)
    assert a.kind == "one_shot"
    assert a.root_note == "E4"


def _minor_triad_over_a_thump(root_midi: int, sr: int = 22050) -> np.ndarray:
    """A minor triad (root, minor third, fifth) of piano-like notes whose third is the
    loudest, over a low, slowly dying thump (a hammer's or a body's knock) at a sixth of
    the third's frequency: the three notes (10:12:15) and the thump all fit that period."""
    t = np.arange(int(1.6 * sr)) / sr
    y = np.zeros(len(t))
    for step, db in ((0, -8.0), (3, -0.0), (7, -14.0)):
        f = 440.0 * 2 ** ((root_midi + step - 69) / 12)
        for k, a in enumerate((1.0, 0.35, 0.2, 0.1), start=1):
            y += 10 ** (db / 20) * a * np.sin(2 * np.pi * k * f * t + k)
    y *= np.minimum(1.0, t / 0.004) * np.exp(-t / 0.9)
    third = 440.0 * 2 ** ((root_midi + 3 - 69) / 12)
    y += 10 ** (-22 / 20) * np.sin(2 * np.pi * third / 6 * t) * np.exp(-t / 0.6)
    return (0.8 * y / np.max(np.abs(y))).astype(np.float32)


@pytest.mark.parametrize(("root", "name"), [(66, "F#4"), (57, "A3"), (64, "E4")])
def test_a_thump_under_a_chord_is_not_the_chords_note(root: int, name: str) -> None:
    # The thump has no 2nd or 3rd harmonic of its own: it is no note, and the period it
    # shares with the chord's notes is not the root (it read two octaves and a third down).
    a = analyze_signal(y=_minor_triad_over_a_thump(root), sr=22050)
    assert a.kind == "one_shot"
    assert a.root_note == name
