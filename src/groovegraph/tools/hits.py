"""Synthesized one-shots with known truth: kicks, snares, claps, hats and 808 notes.

The demo library's one-shots come from here (:func:`synthesize_hit`), so their
instrument and root are exact. Each sound is a small physical-ish model — a sine with a
falling pitch for kicks and 808s, filtered noise over a drum body for snares, noise
bursts for claps, high-passed noise for hats — varied by a seed.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.signal import lfilter

__all__ = ["HIT_INSTRUMENTS", "HitInstrument", "note_hz", "synthesize_hit"]

HitInstrument = Literal["kick", "snare", "clap", "hat", "bass"]
HIT_INSTRUMENTS: tuple[HitInstrument, ...] = ("kick", "snare", "clap", "hat", "bass")

_PCS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def note_hz(note: str) -> float:
    """Frequency of ``"F#1"``, ``"Bb2"`` (scientific pitch notation, A4 = 440 Hz)."""
    from groovegraph.tools.keys import parse_note

    pc, octave = parse_note(note)
    if octave is None:
        raise ValueError(f"{note!r} has no octave")
    return float(440.0 * 2 ** ((pc + 12 * (octave + 1) - 69) / 12))


def _norm(y: npt.NDArray[np.float64], peak: float) -> npt.NDArray[np.float32]:
    return (peak * y / max(float(np.max(np.abs(y))), 1e-12)).astype(np.float32)


def synthesize_hit(
    instrument: HitInstrument,
    *,
    note: str | None = None,
    seed: int = 0,
    sample_rate: int = 44100,
) -> npt.NDArray[np.float32]:
    """One one-shot as mono float32 samples (peak 0.5–0.9).

    Parameters
    ----------
    instrument : {"kick", "snare", "clap", "hat", "bass"}
        ``bass`` is an 808: a sine that drops onto ``note`` in ~60 ms and rings ~1.5 s.
    note : str, optional
        Root of a ``bass`` hit (``"F1"``); required for it, ignored otherwise.
    seed : int
        Varies pitch, decay and noise.
    sample_rate : int
        Hz.
    """
    rng = np.random.default_rng(seed)
    sr = sample_rate

    def t(seconds: float) -> npt.NDArray[np.float64]:
        return np.arange(round(seconds * sr)) / sr

    if instrument == "kick":
        tt = t(rng.uniform(0.25, 0.45))
        base = rng.uniform(45.0, 60.0)
        f = base + rng.uniform(100.0, 180.0) * np.exp(-tt / 0.02)
        body = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-tt / rng.uniform(0.05, 0.09))
        click = rng.standard_normal(tt.size) * np.exp(-tt / 0.002) * 0.25
        return _norm(body + click, 0.9)
    if instrument == "snare":
        tt = t(rng.uniform(0.25, 0.4))
        wires = lfilter([0.7], [1.0, -0.3], rng.standard_normal(tt.size))
        wires *= np.exp(-tt / rng.uniform(0.05, 0.09)) / np.max(np.abs(wires))
        body = np.sin(2 * np.pi * rng.uniform(170.0, 220.0) * tt) * np.exp(-tt / 0.04)
        return _norm(wires + 0.5 * body, 0.8)
    if instrument == "clap":
        from scipy.signal import butter

        tt = t(0.35)
        b, a = butter(2, [800.0 / (sr / 2), 3000.0 / (sr / 2)], btype="band")
        noise = lfilter(b, a, rng.standard_normal(tt.size))
        env = np.zeros(tt.size)
        # Three or four hands a few ms apart, then the room.
        for start in (0.0, rng.uniform(0.009, 0.012), rng.uniform(0.02, 0.024)):
            d = np.clip(tt - start, 0.0, None)
            env = np.maximum(env, np.where(tt >= start, np.exp(-d / 0.003), 0.0))
        tail = np.where(tt >= 0.03, np.exp(-np.clip(tt - 0.03, 0.0, None) / 0.05), 0.0)
        return _norm(noise * np.maximum(env, 0.5 * tail), 0.8)
    if instrument == "hat":
        tt = t(rng.uniform(0.05, 0.2))
        noise = np.diff(np.diff(rng.standard_normal(tt.size + 2)))
        return _norm(noise * np.exp(-tt / rng.uniform(0.01, 0.03)), 0.5)
    if instrument == "bass":
        if note is None:
            raise ValueError("an 808 needs a note")
        seconds = rng.uniform(1.2, 2.0)
        tt = t(seconds)
        f = note_hz(note) * (1.0 + rng.uniform(1.0, 2.0) * np.exp(-tt / 0.06))
        env = np.exp(-tt / (seconds / 3.0)) * np.minimum(1.0, tt / 0.003)
        drive = rng.uniform(1.0, 2.0)
        return _norm(np.tanh(drive * np.sin(2 * np.pi * np.cumsum(f) / sr)) * env, 0.85)
    raise ValueError(f"unknown instrument {instrument!r}; use one of {HIT_INSTRUMENTS}")
