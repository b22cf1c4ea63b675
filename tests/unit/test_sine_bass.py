"""Bass lines of pure sine tones (sub basses) have a key; drum loops, an 808 kick's one
ringing pitch included, do not (issue 9, outside trial: sine basses were reported as
"drums only").

A sine has no overtones, so the harmonic-series test of the key estimator cannot see it;
the estimator then looks for a bass line of held tones that moves between pitch classes.
Everything is synthesized here and goes through the real analysis path.
"""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.errors import NoPitchedContentError
from groovegraph.tools.synth import GrooveSpec, synthesize_groove
from groovegraph.tools.tonality import (
    BASS_LINE_MIN_COVER,
    BASS_LINE_MIN_PITCH_CLASSES,
    _frame_spectra,
    bass_line_pitch_classes,
    bass_tones,
    estimate_key,
)

SR = 22050
BPM = 100.0
BEAT = 60.0 / BPM
# D minor riff in 8ths, D2 F2 G2 A2 C3 and A1 (55 Hz) below the estimator's C2 floor.
D_MINOR = [38, 38, 41, 38, 45, 43, 41, 36, 38, 38, 41, 43, 33, 36, 38, 38]
# E minor sub bass, mostly under C2: E1 (41 Hz) G1 A1 B1, D2 E2.
E_MINOR_SUB = [28, 28, 31, 33, 28, 35, 38, 40, 28, 28, 31, 33, 35, 33, 31, 26]


def _hz(midi: float) -> float:
    return float(440.0 * 2.0 ** ((midi - 69) / 12))


def sine_line(
    notes: list[int | None], step_s: float, seconds: float, *, tau: float = 0.4,
    glide: float = 0.0, length: float = 0.9,
) -> np.ndarray:  # fmt: skip
    """Pure sine notes every ``step_s`` (None = rest), decaying with time constant ``tau``;
    ``glide`` > 0 starts each note that much higher and drops to pitch in ~20 ms (an 808)."""
    y = np.zeros(round(seconds * SR))
    n = round(step_s * length * SR)
    t = np.arange(n) / SR
    env = np.minimum(1.0, t / 0.005) * np.exp(-t / tau)
    env[-round(0.01 * SR) :] *= np.linspace(1.0, 0.0, round(0.01 * SR))
    for k in range(int(seconds / step_s)):
        note = notes[k % len(notes)]
        if note is None:
            continue
        f = _hz(note) * (1.0 + glide * np.exp(-t / 0.02))
        i = round(k * step_s * SR)
        m = min(n, y.size - i)
        y[i : i + m] += (env * np.sin(2 * np.pi * np.cumsum(f) / SR))[:m]
    return y


def drums(seconds: float, *, seed: int = 1, pattern: str = "rock", bpm: float = BPM) -> np.ndarray:
    y, _ = synthesize_groove(
        GrooveSpec(tempo_bpm=bpm, pattern=pattern, duration_s=seconds, sample_rate=SR,
                   seed=seed, mix="drums_only")
    )  # fmt: skip
    return y.astype(np.float64)


def _norm(y: np.ndarray) -> np.ndarray:
    return (0.9 * y / np.max(np.abs(y))).astype(np.float32)


SECONDS = 12.0


@pytest.mark.parametrize(
    ("name", "notes", "key"), [("D minor riff", D_MINOR, "D minor"), ("E minor sub", E_MINOR_SUB, "E minor")]
)  # fmt: skip
def test_a_sine_bass_line_alone_has_its_key_and_is_a_bass_loop(
    name: str, notes: list[int | None], key: str
) -> None:
    a = analyze_signal(y=_norm(sine_line(notes, BEAT / 2, SECONDS)), sr=SR)
    assert (a.kind, a.instrument, a.key) == ("loop", "bass", key), name
    assert a.key_confidence > 0.5


@pytest.mark.parametrize(
    ("name", "notes", "key"), [("D minor riff", D_MINOR, "D minor"), ("E minor sub", E_MINOR_SUB, "E minor")]
)  # fmt: skip
def test_a_sine_bass_under_a_drum_loop_is_a_mix_with_its_key(
    name: str, notes: list[int | None], key: str
) -> None:
    y = sine_line(notes, BEAT / 2, SECONDS) + 0.5 * drums(SECONDS, seed=5)
    a = analyze_signal(y=_norm(y), sr=SR)
    assert (a.kind, a.instrument, a.key) == ("loop", "mix", key), name
    assert a.tempo_bpm is not None


def test_an_808_bass_line_is_pitched_but_an_808_kick_on_one_pitch_is_not() -> None:
    # The same sound, a gliding sine with a long tail: as a line over D, F, C, A it is a
    # bass in D minor; on one pitch (G1, every beat) under a kit it is a kick.
    line = [38, None, None, 41, None, None, 36, None, 33, None, None, None, 38, None, 43, None]
    a = analyze_signal(
        y=_norm(sine_line(line, BEAT / 2, SECONDS, tau=0.6, glide=1.0, length=3.0)), sr=SR
    )
    assert (a.instrument, a.key) == ("bass", "D minor")

    kick = sine_line([31], BEAT, SECONDS, tau=0.6, glide=1.5, length=1.0)
    y = _norm(kick + 0.5 * drums(SECONDS, seed=2))
    with pytest.raises(NoPitchedContentError, match="no bass line of held tones"):
        estimate_key(y=y, sr=SR)
    b = analyze_signal(y=y, sr=SR)
    assert (b.kind, b.instrument, b.key, b.key_confidence) == ("loop", "drums", None, 0.0)


@pytest.mark.parametrize(
    ("pattern", "seed", "bpm"), [("rock", 3, 92.0), ("house", 17, 130.0), ("funk", 8, 130.0)]
)
def test_drum_loops_stay_keyless(pattern: str, seed: int, bpm: float) -> None:
    a = analyze_signal(y=drums(16.0, seed=seed, pattern=pattern, bpm=bpm).astype(np.float32), sr=SR)
    assert (a.kind, a.instrument, a.key) == ("loop", "drums", None)


def test_kicks_of_three_pitches_ring_too_briefly_to_be_a_bass_line() -> None:
    # Our generator tunes each of its three kick samples at random: this loop's kicks
    # reach three pitch classes, but only while each body rings.
    y = drums(16.0, seed=106, pattern="shuffle", bpm=136.7).astype(np.float32)
    cover, pcs = bass_line_pitch_classes(bass_tones(*_frame_spectra(y, SR))[0])
    assert len(pcs) >= BASS_LINE_MIN_PITCH_CLASSES
    assert cover < BASS_LINE_MIN_COVER
    with pytest.raises(NoPitchedContentError):
        estimate_key(y=y, sr=SR)


def test_a_decaying_sine_one_shot_stays_a_bass_one_shot_with_its_root() -> None:
    t = np.arange(round(1.5 * SR)) / SR
    y = np.sin(2 * np.pi * _hz(33) * t) * np.minimum(1.0, t / 0.003) * np.exp(-t / 0.5)
    a = analyze_signal(y=_norm(y), sr=SR)
    assert (a.kind, a.instrument, a.root_note, a.key) == ("one_shot", "bass", "A1", None)
