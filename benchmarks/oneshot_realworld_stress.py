"""One-shot stress set made apart from ``tools/synth.py`` and the corpus: roots, instruments, kinds.

    python -m benchmarks.oneshot_realworld_stress [--split tune|held_out] [--out PATH]

Two sources, neither of them the project's generator:

* **General MIDI** notes rendered with fluidsynth through the three soundfonts of the
  evaluation corpus (``evals/corpus/render.py``), mostly *programs the corpus does not
  use* — slap and synth basses, electric grand, honky-tonk, harpsichord, church organ,
  nylon and clean guitars (keys), brass and synth-brass stabs, square/saw/chiff leads,
  warm/choir/bowed/halo pads, voice oohs — and GM drum keys on every kit (toms from the
  low floor tom to the high tom).
  Root-position triads on pianos and an electric piano (named by their lowest note).
* **numpy** sounds: 808s with long pitch glides (50–400 ms, 2–12 semitones), tanh
  saturation and clicks, roots A0–G2; sub-heavy 808s whose 2nd harmonic is louder than the
  fundamental; Karplus-Strong plucked basses; FM Rhodes stabs; vowel chops (a glottal
  pulse train through three formant resonators, with vibrato); detuned-saw stabs
  (5–7 voices, ±8–25 cents, low-passed; single notes and chords whose lowest note is the
  root); and unpitched noise: snares (noise + a short
  body), claps (3–4 bursts), hats, ride/crash cymbals (inharmonic partials + noise),
  plus membrane toms at 70–330 Hz.

Every item has a truth instrument and, for tonal ones, a MIDI root. The two halves are
drawn from the same families with different seeds: ``tune`` (rules may be set on it) and
``held_out`` (only reported); ``tune_b`` is more tuning material from a third seed. Scores: kind accuracy, instrument accuracy (and the coarser
tonal-vs-drum split), root accuracy by pitch class and by full note (octave too), and how
often an unpitched hit (snare, clap, hat, cymbal) gets a root anyway.

``--src DIR`` runs another checkout's analysis (e.g. ``git archive main | tar -x -C DIR``)
for a before/after on the same audio.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

SR = 22050
SEEDS = {"tune": 61_001, "held_out": 61_002, "tune_b": 61_003}
#: The hard families (:func:`hard_items`) draw from their own seeds: even to tune on, odd
#: held out.
HARD_SEEDS = {"tune": 62_000, "held_out": 62_001, "tune_b": 62_002}
UNPITCHED = frozenset({"snare", "clap", "hat", "cymbal"})
TONAL = frozenset({"bass", "keys", "pad", "lead", "vocal"})
_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

#: GM programs (0-based) per tonal class and the MIDI range they are played in.
GM_TONAL: dict[str, tuple[tuple[int, ...], tuple[int, int]]] = {
    "bass": ((33, 34, 36, 37, 38, 39, 87), (28, 52)),
    "keys": ((0, 2, 3, 4, 6, 19, 24, 27), (45, 76)),
    "lead": ((61, 62, 63, 80, 81, 83, 56), (55, 84)),
    "pad": ((89, 91, 92, 93, 95, 50), (48, 72)),
    "vocal": ((52, 53, 54), (55, 76)),
}
GM_DRUMS: dict[str, tuple[int, ...]] = {
    "kick": (35, 36),
    "snare": (38, 40),
    "clap": (39,),
    "hat": (42, 44, 46),
    "cymbal": (49, 51, 52, 57),
    "tom": (41, 43, 45, 47, 48, 50),
}
GM_KITS = (0, 8, 16, 24, 25, 32)
SOUNDFONTS = ("fluidr3", "musescore", "timgm6mb")


@dataclass(frozen=True)
class Item:
    id: str
    family: str
    instrument: str
    root_midi: int | None
    seed: int
    params: dict[str, Any]


def note_name(midi: int) -> str:
    return f"{_NAMES[midi % 12]}{midi // 12 - 1}"


# ------------------------------------------------------------------------------ numpy


def _env(t: np.ndarray, attack: float, decay: float) -> np.ndarray:
    out: np.ndarray = np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-t / decay)
    return out


def _fade(y: np.ndarray) -> np.ndarray:
    n = min(y.size, int(0.01 * SR))
    y[-n:] *= np.linspace(1.0, 0.0, n)
    return y


def _onepole_lp(x: np.ndarray, fc: float) -> np.ndarray:
    a = float(np.exp(-2 * np.pi * fc / SR))
    out = np.empty_like(x)
    acc = 0.0
    for i, v in enumerate(x.tolist()):
        acc = (1 - a) * v + a * acc
        out[i] = acc
    return out


def _resonator(x: np.ndarray, f: float, bw: float) -> np.ndarray:
    """Two-pole resonator (a formant)."""
    r = float(np.exp(-np.pi * bw / SR))
    c1, c2 = 2 * r * np.cos(2 * np.pi * f / SR), -r * r
    out = np.zeros_like(x)
    y1 = y2 = 0.0
    for i, v in enumerate(x.tolist()):
        y0 = v + c1 * y1 + c2 * y2
        out[i] = y0
        y2, y1 = y1, y0
    return out


def synth_808(rng: np.random.Generator, root: int, *, sub_heavy: bool) -> np.ndarray:
    f_end = 440.0 * 2 ** ((root - 69) / 12)
    glide_st = float(rng.uniform(2, 12))
    glide_s = float(rng.uniform(0.05, 0.4))
    hold = float(rng.uniform(0.6, 2.0))
    t = np.arange(int((hold + 0.1) * SR)) / SR
    f = f_end * 2 ** (glide_st * np.exp(-t / (glide_s / 3)) / 12)
    phase = 2 * np.pi * np.cumsum(f) / SR
    y = np.sin(phase)
    if sub_heavy:
        y = 0.45 * y + np.sin(2 * phase + float(rng.uniform(0, 6.28)))
        y += 0.2 * np.sin(3 * phase)
    env = np.minimum(1.0, t / 0.002) * np.exp(-t / float(rng.uniform(0.5, 3.0) * hold))
    y *= env
    if rng.random() < 0.6:
        click = rng.normal(0, 1, t.size) * np.exp(-t / 0.004)
        y += float(rng.uniform(0.1, 0.5)) * np.diff(click, prepend=0.0)
    drive = float(rng.uniform(0.0, 6.0)) if rng.random() < 0.7 else 0.0
    if drive > 0:
        y = np.tanh((1 + drive) * y) / np.tanh(1 + drive)
    return _fade(y)


def synth_pluck_bass(rng: np.random.Generator, root: int) -> np.ndarray:
    f = 440.0 * 2 ** ((root - 69) / 12)
    period = SR / f
    n = int(float(rng.uniform(0.6, 1.5)) * SR)
    p = int(period)
    frac = period - p
    buf = rng.uniform(-1, 1, p)
    buf = _onepole_lp(buf, float(rng.uniform(800, 3000)))
    y = np.zeros(n)
    y[:p] = buf
    damp = float(rng.uniform(0.994, 0.999))
    for i in range(p, n):
        a = y[i - p]
        b = y[i - p - 1] if i - p - 1 >= 0 else 0.0
        # fractional delay: linear interpolation for the pitch, averaging for damping
        y[i] = damp * ((1 - frac) * (0.5 * (a + b)) + frac * b)
    return _fade(y)


def synth_rhodes(rng: np.random.Generator, root: int) -> np.ndarray:
    f = 440.0 * 2 ** ((root - 69) / 12)
    dur = float(rng.uniform(0.6, 1.8))
    t = np.arange(int(dur * SR)) / SR
    index = float(rng.uniform(1.0, 4.0)) * np.exp(-t / float(rng.uniform(0.05, 0.3)))
    y = np.sin(2 * np.pi * f * t + index * np.sin(2 * np.pi * f * t))
    y += 0.3 * np.sin(2 * np.pi * 2 * f * t) * np.exp(-t / 0.4)
    tine = 0.2 * np.sin(2 * np.pi * f * float(rng.uniform(6.8, 7.2)) * t) * np.exp(-t / 0.03)
    y = (y + tine) * _env(t, 0.002, float(rng.uniform(0.4, 1.2)))
    if rng.random() < 0.5:  # a stab: a minor or major triad over the root
        third = 3 if rng.random() < 0.5 else 4
        for st in (third, 7):
            g = f * 2 ** (st / 12)
            y += 0.6 * np.sin(2 * np.pi * g * t) * _env(t, 0.002, 0.6)
    return _fade(y)


_VOWELS = {
    "a": ((730, 80), (1090, 90), (2440, 120)),
    "e": ((530, 60), (1840, 100), (2480, 120)),
    "o": ((570, 70), (840, 80), (2410, 120)),
    "u": ((300, 50), (870, 80), (2240, 120)),
}


def synth_vocal(rng: np.random.Generator, root: int) -> np.ndarray:
    f = 440.0 * 2 ** ((root - 69) / 12)
    dur = float(rng.uniform(0.4, 1.4))
    t = np.arange(int(dur * SR)) / SR
    vib = float(rng.uniform(0, 0.4)) * np.sin(2 * np.pi * float(rng.uniform(4.5, 6.5)) * t)
    inst = f * 2 ** (vib * np.minimum(1, t / 0.3) / 12)
    phase = np.cumsum(inst) / SR
    # glottal pulses: a saw-like derivative of a smooth pulse, rich in harmonics
    src = np.diff(np.floor(phase), prepend=0.0)
    src = _onepole_lp(src, 3000.0) + 0.02 * rng.normal(0, 1, t.size)
    vowel = _VOWELS[str(rng.choice(list(_VOWELS)))]
    y = sum(_resonator(src, fr, bw) * (0.8**k) for k, (fr, bw) in enumerate(vowel))
    y = np.asarray(y) * np.minimum(1.0, t / float(rng.uniform(0.01, 0.06)))
    y *= np.clip((dur - t) / 0.05, 0, 1)
    return _fade(y / (np.abs(y).max() + 1e-12))


def synth_saw_stab(rng: np.random.Generator, root: int, *, chord: bool = False) -> np.ndarray:
    f = 440.0 * 2 ** ((root - 69) / 12)
    dur = float(rng.uniform(0.3, 1.0))
    t = np.arange(int(dur * SR)) / SR
    voices = int(rng.integers(5, 8))
    spread = float(rng.uniform(8, 25))
    y = np.zeros(t.size)
    # a chord stab: root with a minor or major third and a fifth, or root-fifth-octave
    shapes = ((0, 3, 7), (0, 4, 7), (0, 7, 12))
    notes = shapes[int(rng.integers(3))] if chord else (0,)
    for st in notes:
        for v in range(voices):
            cents = spread * (2 * v / (voices - 1) - 1)
            g = f * 2 ** ((st + cents / 100) / 12)
            ph = (g * t + float(rng.uniform(0, 1))) % 1.0
            y += 2 * ph - 1
    y = _onepole_lp(y, float(rng.uniform(1500, 5000)))
    y *= _env(t, 0.003, float(rng.uniform(0.15, 0.6)))
    return _fade(y)


def synth_noise_drum(rng: np.random.Generator, kind: str) -> np.ndarray:
    if kind == "hat":
        dur = float(rng.uniform(0.05, 0.5))
        t = np.arange(int(dur * SR)) / SR
        n = rng.normal(0, 1, t.size)
        y = np.diff(np.diff(n, prepend=0), prepend=0) * _env(t, 0.001, dur / 4)
    elif kind == "snare":
        dur = float(rng.uniform(0.2, 0.5))
        t = np.arange(int(dur * SR)) / SR
        body = np.sin(2 * np.pi * float(rng.uniform(160, 260)) * t) * _env(t, 0.001, 0.04)
        noise = _onepole_lp(rng.normal(0, 1, t.size), float(rng.uniform(3000, 9000)))
        y = float(rng.uniform(0.3, 1.0)) * body + noise * _env(t, 0.001, dur / 3.5)
    elif kind == "clap":
        dur = float(rng.uniform(0.25, 0.5))
        t = np.arange(int(dur * SR)) / SR
        noise = np.diff(rng.normal(0, 1, t.size), prepend=0.0)
        env = np.zeros(t.size)
        gap = float(rng.uniform(0.008, 0.014))
        bursts = int(rng.integers(3, 5))
        for b in range(bursts):
            t0 = b * gap
            tail = 0.005 if b < bursts - 1 else float(rng.uniform(0.05, 0.15))
            env += np.where(t >= t0, np.exp(-np.maximum(t - t0, 0) / tail), 0.0)
        y = _resonator(noise * env, float(rng.uniform(900, 1600)), 800.0)
    else:  # cymbal
        dur = float(rng.uniform(1.2, 2.5))
        t = np.arange(int(dur * SR)) / SR
        y = np.zeros(t.size)
        for _ in range(40):
            y += np.sin(2 * np.pi * float(rng.uniform(300, 9000)) * t + float(rng.uniform(0, 6)))
        y = 0.1 * y + np.diff(rng.normal(0, 1, t.size), prepend=0.0)
        y *= _env(t, 0.002, dur / 3)
    return _fade(y)


def synth_tom(rng: np.random.Generator) -> tuple[np.ndarray, int]:
    f = float(np.exp(rng.uniform(np.log(70), np.log(330))))
    dur = float(rng.uniform(0.3, 0.9))
    t = np.arange(int(dur * SR)) / SR
    sink = float(rng.uniform(0.5, 4.0))
    inst = f * 2 ** (sink * np.exp(-t / 0.08) / 12)
    ph = 2 * np.pi * np.cumsum(inst) / SR
    y = np.sin(ph) + 0.4 * np.sin(1.59 * ph) * np.exp(-t / 0.08) + 0.2 * np.sin(2.14 * ph)
    y *= _env(t, 0.001, float(rng.uniform(0.1, 0.3)))
    y += 0.4 * np.diff(rng.normal(0, 1, t.size) * np.exp(-t / 0.005), prepend=0.0)
    return _fade(y), round(69 + 12 * np.log2(f / 440))


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def synth_808_hard(rng: np.random.Generator, root: int) -> np.ndarray:
    """A driven 808: a sine dropping (or rising) into its note over 20-250 ms from 1-14
    semitones away, clipped hard (tanh drive 3-15, some asymmetry), optionally a sub held
    on a higher octave layer; roots from A0 up."""
    f_end = _hz(root)
    start_st = float(rng.uniform(1, 14)) * (1 if rng.random() < 0.8 else -0.5)
    glide_s = float(rng.uniform(0.02, 0.25))
    hold = float(rng.uniform(0.35, 1.6))
    t = np.arange(int(hold * SR)) / SR
    f = f_end * 2 ** (start_st * np.exp(-t / (glide_s / 3)) / 12)
    phase = 2 * np.pi * np.cumsum(f) / SR
    y = np.sin(phase)
    if rng.random() < 0.4:  # an octave layer an octave up, as loud as the sub or louder
        y = y + float(rng.uniform(0.6, 1.5)) * np.sin(2 * phase + float(rng.uniform(0, 6.28)))
    y *= np.minimum(1.0, t / 0.003) * np.exp(-t / float(rng.uniform(0.3, 2.0)))
    drive = float(rng.uniform(3.0, 15.0))
    bias = float(rng.uniform(0.0, 0.3))
    y = np.tanh(drive * (y + bias)) - np.tanh(drive * bias)
    return _fade(y)


def synth_sub_sine(rng: np.random.Generator, root: int) -> np.ndarray:
    """A sub bass: a near-pure sine (a little 2nd/3rd), A0-E1, held 0.4-1.5 s."""
    f = _hz(root)
    dur = float(rng.uniform(0.4, 1.5))
    t = np.arange(int(dur * SR)) / SR
    ph = 2 * np.pi * f * t
    y = (
        np.sin(ph)
        + float(rng.uniform(0, 0.15)) * np.sin(2 * ph)
        + float(rng.uniform(0, 0.1)) * np.sin(3 * ph)
    )
    y *= _env(t, float(rng.uniform(0.002, 0.03)), float(rng.uniform(0.5, 3.0)))
    return _fade(y)


def synth_octave_bass(rng: np.random.Generator, root: int) -> np.ndarray:
    """A bass whose 2nd harmonic is 3-12 dB louder than its fundamental (a thin speaker
    tone, a square-ish synth bass through a high-pass), with a little 3rd and 4th."""
    f = _hz(root)
    dur = float(rng.uniform(0.3, 1.2))
    t = np.arange(int(dur * SR)) / SR
    ph = 2 * np.pi * f * t
    h2 = 10 ** (float(rng.uniform(3, 12)) / 20)
    y = np.sin(ph) + h2 * np.sin(2 * ph + float(rng.uniform(0, 6.28)))
    y += float(rng.uniform(0.1, 0.6)) * np.sin(3 * ph) + float(rng.uniform(0, 0.5)) * np.sin(4 * ph)
    y *= _env(t, 0.004, float(rng.uniform(0.15, 0.8)))
    return _fade(y)


def synth_inharmonic_pluck(rng: np.random.Generator, root: int) -> np.ndarray:
    """A plucked note (stiff-string partials f*k*sqrt(1+B k^2)) whose first 10-40 ms carry
    a loud metallic transient of inharmonic partials (ratios 2.4-9.7 of the note)."""
    f = _hz(root)
    dur = float(rng.uniform(0.3, 1.2))
    t = np.arange(int(dur * SR)) / SR
    b = float(rng.uniform(1e-4, 2e-3))
    y = np.zeros(t.size)
    decay = float(rng.uniform(0.15, 0.6))
    for k in range(1, 12):
        fk = f * k * np.sqrt(1 + b * k * k)
        if fk > SR / 2 - 500:
            break
        y += (1 / k) * np.sin(2 * np.pi * fk * t) * np.exp(-t * k / (decay * 3) - t / decay)
    tr = float(rng.uniform(0.01, 0.04))
    for _ in range(int(rng.integers(4, 9))):
        fr = f * float(rng.uniform(2.4, 9.7))
        if fr < SR / 2 - 500:
            y += float(rng.uniform(0.3, 1.2)) * np.sin(2 * np.pi * fr * t) * np.exp(-t / tr)
    y += 0.3 * rng.normal(0, 1, t.size) * np.exp(-t / 0.005)
    y *= np.minimum(1.0, t / 0.001)
    return _fade(y)


def synth_supersaw(rng: np.random.Generator, root: int) -> np.ndarray:
    """A detuned supersaw lead: 7-9 saws spread +-15-45 cents, bright (little low-pass),
    sometimes an octave-up layer, attack 2-30 ms."""
    f = _hz(root)
    dur = float(rng.uniform(0.25, 1.2))
    t = np.arange(int(dur * SR)) / SR
    voices = int(rng.integers(7, 10))
    spread = float(rng.uniform(15, 45))
    y = np.zeros(t.size)
    layers = (0, 12) if rng.random() < 0.4 else (0,)
    for st in layers:
        for v in range(voices):
            cents = spread * (2 * v / (voices - 1) - 1) + float(rng.normal(0, 3))
            g = f * 2 ** ((st + cents / 100) / 12)
            ph = (g * t + float(rng.uniform(0, 1))) % 1.0
            y += (0.7 if st else 1.0) * (2 * ph - 1)
    y = _onepole_lp(y, float(rng.uniform(4000, 9000)))
    y *= _env(t, float(rng.uniform(0.002, 0.03)), float(rng.uniform(0.3, 1.5)))
    return _fade(y)


def synth_vibrato_lead(rng: np.random.Generator, root: int) -> np.ndarray:
    """A lead with vibrato 0.3-1 semitone deep at 4-7 Hz from the start or after a delay,
    a sine, triangle or square."""
    f = _hz(root)
    dur = float(rng.uniform(0.5, 1.6))
    t = np.arange(int(dur * SR)) / SR
    depth = float(rng.uniform(0.3, 1.0))
    delay = float(rng.uniform(0.0, 0.25))
    vib = (
        depth * np.sin(2 * np.pi * float(rng.uniform(4, 7)) * t) * np.clip((t - delay) / 0.1, 0, 1)
    )
    inst = f * 2 ** (vib / 12)
    ph = np.cumsum(inst) / SR % 1.0
    shape = int(rng.integers(3))
    if shape == 0:
        y = np.sin(2 * np.pi * ph)
    elif shape == 1:
        y = 1 - 4 * np.abs(ph - 0.5)
    else:
        y = _onepole_lp(np.where(ph < 0.5, 1.0, -1.0), 3000.0)
    y *= _env(t, float(rng.uniform(0.005, 0.05)), float(rng.uniform(0.6, 3.0)))
    return _fade(y)


def synth_short_note(rng: np.random.Generator, root: int) -> np.ndarray:
    """A 60-150 ms note: a saw or square blip, or a plucked sine, cut short."""
    f = _hz(root)
    dur = float(rng.uniform(0.06, 0.15))
    t = np.arange(int(dur * SR)) / SR
    ph = f * t % 1.0
    shape = int(rng.integers(3))
    if shape == 0:
        y = _onepole_lp(2 * ph - 1, float(rng.uniform(2000, 6000)))
    elif shape == 1:
        y = _onepole_lp(np.where(ph < 0.5, 1.0, -1.0), float(rng.uniform(2000, 6000)))
    else:
        y = np.sin(2 * np.pi * ph) + 0.3 * np.sin(4 * np.pi * ph)
    y *= _env(t, 0.002, float(rng.uniform(0.04, 0.3)))
    return _fade(y)


def synth_vocal_scoop(rng: np.random.Generator, root: int) -> np.ndarray:
    """A vocal chop scooped up into its note (1-3 semitones over 40-120 ms), vibrato,
    120-600 ms long."""
    f = _hz(root)
    dur = float(rng.uniform(0.12, 0.6))
    t = np.arange(int(dur * SR)) / SR
    scoop = -float(rng.uniform(1, 3)) * np.exp(-t / float(rng.uniform(0.015, 0.04)))
    vib = float(rng.uniform(0, 0.5)) * np.sin(2 * np.pi * float(rng.uniform(4.5, 6.5)) * t)
    inst = f * 2 ** ((scoop + vib * np.minimum(1, t / 0.2)) / 12)
    phase = np.cumsum(inst) / SR
    src = np.diff(np.floor(phase), prepend=0.0)
    src = _onepole_lp(src, 3500.0) + 0.02 * rng.normal(0, 1, t.size)
    vowel = _VOWELS[str(rng.choice(list(_VOWELS)))]
    y = sum(_resonator(src, fr, bw) * (0.8**k) for k, (fr, bw) in enumerate(vowel))
    y = np.asarray(y) * np.minimum(1.0, t / 0.01)
    y *= np.clip((dur - t) / 0.03, 0, 1)
    return _fade(y / (np.abs(y).max() + 1e-12))


#: GM chord stabs of the hard families: programs per class, and voicings as intervals
#: over the lowest note (triads in root position and inversions, sevenths, sus, open
#: fifths an octave spread), named by that lowest note.
HARD_FAMILIES = frozenset(
    {"808_hard", "sub_sine", "octave_bass", "inharmonic_pluck", "supersaw_lead",
     "vibrato_lead", "short_note", "vocal_scoop", "gm_stab", "gm_short"}
)  # fmt: skip
HARD_GM_STAB: dict[str, tuple[int, ...]] = {
    "keys": (0, 1, 4, 5, 16, 11),
    "pad": (88, 89, 90, 94),
    "lead": (80, 81, 84, 87),
}
VOICINGS: tuple[tuple[int, ...], ...] = (
    (0, 4, 7), (0, 3, 7), (0, 3, 8), (0, 4, 9), (0, 5, 9), (0, 5, 8),
    (0, 4, 7, 11), (0, 3, 7, 10), (0, 4, 7, 10), (0, 5, 7), (0, 7, 16), (0, 7, 12, 15),
)  # fmt: skip
HARD_GM_SHORT: dict[str, tuple[tuple[int, ...], tuple[int, int]]] = {
    "bass": ((33, 38, 39, 34), (28, 50)),
    "keys": ((0, 4, 11, 6), (48, 76)),
    "lead": ((80, 81, 62), (55, 84)),
}


def hard_items(split: str, start: int) -> list[Item]:
    """The hard families, drawn from :data:`HARD_SEEDS`."""
    rng = np.random.default_rng(HARD_SEEDS[split])
    out: list[Item] = []

    def add(family: str, instrument: str, root: int | None, **params: Any) -> None:
        out.append(
            Item(
                id=f"{split}-{start + len(out):03d}",
                family=family,
                instrument=instrument,
                root_midi=root,
                seed=int(rng.integers(2**31 - 1)),
                params=params,
            )
        )

    for _ in range(10):
        add("808_hard", "bass", int(rng.integers(21, 41)))
    for _ in range(6):
        add("sub_sine", "bass", int(rng.integers(21, 29)))
    for _ in range(8):
        add("octave_bass", "bass", int(rng.integers(28, 52)))
    for _ in range(8):
        add("inharmonic_pluck", "keys", int(rng.integers(40, 77)))
    for _ in range(8):
        add("supersaw_lead", "lead", int(rng.integers(48, 77)))
    for _ in range(8):
        add("vibrato_lead", "lead", int(rng.integers(55, 85)))
    for _ in range(8):
        add("short_note", "lead", int(rng.integers(40, 80)))
    for _ in range(8):
        add("vocal_scoop", "vocal", int(rng.integers(50, 74)))
    for i in range(12):
        inst = ("keys", "pad", "lead")[i % 3]
        progs = HARD_GM_STAB[inst]
        add(
            "gm_stab",
            inst,
            int(rng.integers(40, 67)),
            program=progs[int(rng.integers(len(progs)))],
            sf=SOUNDFONTS[i % 3],
            voicing=list(VOICINGS[int(rng.integers(len(VOICINGS)))]),
        )
    for i in range(9):
        inst = ("bass", "keys", "lead")[i % 3]
        progs, (lo, hi) = HARD_GM_SHORT[inst]
        add(
            "gm_short",
            inst,
            int(rng.integers(lo, hi + 1)),
            program=progs[int(rng.integers(len(progs)))],
            sf=SOUNDFONTS[i % 3],
        )
    return out


# --------------------------------------------------------------------------------- set


def items(split: str) -> list[Item]:
    rng = np.random.default_rng(SEEDS[split])
    out: list[Item] = []

    def add(family: str, instrument: str, root: int | None, **params: Any) -> None:
        out.append(
            Item(
                id=f"{split}-{len(out):03d}",
                family=family,
                instrument=instrument,
                root_midi=root,
                seed=int(rng.integers(2**31 - 1)),
                params=params,
            )
        )

    for inst, (progs, (lo, hi)) in GM_TONAL.items():
        for i in range(12):
            sf = SOUNDFONTS[i % 3]
            add("gm", inst, int(rng.integers(lo, hi + 1)), program=progs[i % len(progs)], sf=sf)
    for inst, keys in GM_DRUMS.items():
        for i in range(6 if inst != "tom" else 12):
            kit = GM_KITS[int(rng.integers(len(GM_KITS)))]
            add("gm_drum", inst, None, key=keys[i % len(keys)], kit=kit, sf=SOUNDFONTS[i % 3])
    for _ in range(10):
        add("808_glide", "bass", int(rng.integers(21, 44)))
    for _ in range(6):
        add("808_sub_heavy", "bass", int(rng.integers(24, 44)))
    for _ in range(6):
        add("pluck_bass", "bass", int(rng.integers(28, 52)))
    for _ in range(6):
        add("rhodes", "keys", int(rng.integers(45, 72)))
    for _ in range(6):
        add("vocal_chop", "vocal", int(rng.integers(48, 72)))
    for _ in range(6):
        add("saw_stab", "lead", int(rng.integers(40, 72)))
    for kind in ("snare", "clap", "hat", "cymbal"):
        for _ in range(4):
            add("noise_" + kind, kind, None)
    for _ in range(8):
        add("membrane_tom", "tom", None)
    for _ in range(6):
        add("saw_chord_stab", "lead", int(rng.integers(40, 67)))
    for i in range(6):
        add(
            "gm_chord",
            "keys",
            int(rng.integers(43, 67)),
            program=(0, 4, 2)[i % 3],
            sf=SOUNDFONTS[i % 3],
        )
    return out + hard_items(split, len(out))


def render_all(batch: list[Item]) -> dict[str, np.ndarray]:
    from groovegraph.evals.corpus.oneshots import trim_tail
    from groovegraph.evals.corpus.render import DRUM_CHANNEL, Note, Performance, render_batch
    from groovegraph.evals.corpus.render import soundfonts as fonts

    audio: dict[str, np.ndarray] = {}
    by_sf: dict[str, list[tuple[Item, Any]]] = {}
    for it in batch:
        rng = np.random.default_rng(it.seed)
        if it.family in ("gm_stab", "gm_short"):
            short = it.family == "gm_short"
            dur = float(rng.uniform(0.07, 0.15)) if short else float(rng.uniform(0.2, 0.6))
            base = Note(
                start_s=0.004,
                end_s=0.004 + (dur if short else dur * float(rng.uniform(0.4, 0.8))),
                pitch=int(it.root_midi or 0),
                velocity=int(rng.integers(80, 124)),
                channel=0,
                program=int(it.params["program"]),
                align_onset=False,
            )
            offsets = it.params.get("voicing", [0])
            chord = [dataclasses.replace(base, pitch=base.pitch + st) for st in offsets]
            perf = Performance(chord, dur + (0.0 if short else 0.4))
            by_sf.setdefault(it.params["sf"], []).append((it, perf))
            continue
        if it.family in ("gm", "gm_drum", "gm_chord"):
            drum = it.family == "gm_drum"
            dur = float(rng.uniform(0.6, 2.2))
            if drum and it.instrument != "cymbal":  # a cymbal rings on; the rest are cut short
                dur = float(rng.uniform(0.3, 0.9))
            note = Note(
                start_s=0.004,
                end_s=0.004 + (0.1 if drum else dur * float(rng.uniform(0.5, 0.85))),
                pitch=int(it.params["key"] if drum else it.root_midi),  # type: ignore[arg-type]
                velocity=int(rng.integers(80, 124)),
                channel=DRUM_CHANNEL if drum else 0,
                program=int(it.params["kit"] if drum else it.params["program"]),
                align_onset=False,
            )
            notes = [note]
            if it.family == "gm_chord":  # a triad in root position: the root is its lowest note
                third = 3 if rng.random() < 0.5 else 4
                notes += [dataclasses.replace(note, pitch=note.pitch + st) for st in (third, 7)]
            by_sf.setdefault(it.params["sf"], []).append((it, Performance(notes, dur)))
            continue
        root = it.root_midi
        if it.family.startswith("808"):
            y = synth_808(rng, int(root or 0), sub_heavy=it.family == "808_sub_heavy")
        elif it.family == "pluck_bass":
            y = synth_pluck_bass(rng, int(root or 0))
        elif it.family == "rhodes":
            y = synth_rhodes(rng, int(root or 0))
        elif it.family == "vocal_chop":
            y = synth_vocal(rng, int(root or 0))
        elif it.family in ("saw_stab", "saw_chord_stab"):
            y = synth_saw_stab(rng, int(root or 0), chord=it.family == "saw_chord_stab")
        elif it.family == "808_hard":
            y = synth_808_hard(rng, int(root or 0))
        elif it.family == "sub_sine":
            y = synth_sub_sine(rng, int(root or 0))
        elif it.family == "octave_bass":
            y = synth_octave_bass(rng, int(root or 0))
        elif it.family == "inharmonic_pluck":
            y = synth_inharmonic_pluck(rng, int(root or 0))
        elif it.family == "supersaw_lead":
            y = synth_supersaw(rng, int(root or 0))
        elif it.family == "vibrato_lead":
            y = synth_vibrato_lead(rng, int(root or 0))
        elif it.family == "short_note":
            y = synth_short_note(rng, int(root or 0))
        elif it.family == "vocal_scoop":
            y = synth_vocal_scoop(rng, int(root or 0))
        elif it.family == "membrane_tom":
            y, _ = synth_tom(rng)
        else:
            y = synth_noise_drum(rng, it.family.removeprefix("noise_"))
        audio[it.id] = (0.9 * y / (np.abs(y).max() + 1e-12)).astype(np.float32)
    sfs = fonts()
    for name, pairs in by_sf.items():
        clips = render_batch([p for _, p in pairs], sfs[name])
        for (it, perf), clip in zip(pairs, clips, strict=True):
            clip = trim_tail(clip, SR)
            if it.family == "gm_short":  # cut at the note's end: a 60-150 ms file
                clip = _fade(clip[: int((perf.duration_s + 0.004) * SR)].astype(np.float64))
            audio[it.id] = (0.9 * clip / (np.abs(clip).max() + 1e-12)).astype(np.float32)
    return audio


def _pc(name: str | None) -> str | None:
    return name.rstrip("-0123456789") if name else None


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def mean(xs: list[bool]) -> float | None:
        return round(float(np.mean(xs)), 4) if xs else None

    tonal = [r for r in rows if r["root_true"] is not None]
    unp = [r for r in rows if r["instrument"] in UNPITCHED]
    hard = [r for r in tonal if r["family"] in HARD_FAMILIES]
    fams = sorted({r["family"] for r in rows})
    insts = sorted({r["instrument"] for r in rows})
    return {
        "n": len(rows),
        "errors": sum(r["error"] is not None for r in rows),
        "kind_acc": mean([r["kind"] == "one_shot" for r in rows]),
        "invented_tempo": sum(r["tempo_bpm"] is not None for r in rows),
        "instrument_acc": mean([r["est"] == r["instrument"] for r in rows]),
        "tonal_vs_drum_acc": mean(
            [(r["est"] in TONAL) == (r["instrument"] in TONAL) for r in rows]
        ),
        "root_n": len(tonal),
        "root_pitch_class_acc": mean([_pc(r["root"]) == _pc(r["root_true"]) for r in tonal]),
        "root_note_acc": mean([r["root"] == r["root_true"] for r in tonal]),
        "hard_root_n": len(hard),
        "hard_root_pitch_class_acc": mean([_pc(r["root"]) == _pc(r["root_true"]) for r in hard]),
        "hard_root_note_acc": mean([r["root"] == r["root_true"] for r in hard]),
        "hard_instrument_acc": mean(
            [r["est"] == r["instrument"] for r in rows if r["family"] in HARD_FAMILIES]
        ),
        "root_octave_acc_given_pc": mean(
            [r["root"] == r["root_true"] for r in tonal if _pc(r["root"]) == _pc(r["root_true"])]
        ),
        "unpitched_named_root": mean([r["root"] is not None for r in unp]),
        "root_note_acc_by_family": {
            f: mean([r["root"] == r["root_true"] for r in tonal if r["family"] == f])
            for f in fams
            if any(r["family"] == f for r in tonal)
        },
        "instrument_acc_by_truth": {
            i: mean([r["est"] == i for r in rows if r["instrument"] == i]) for i in insts
        },
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=tuple(SEEDS), default="held_out")
    parser.add_argument("--src", type=Path, default=None, help="analyse with this checkout's src")
    parser.add_argument("--label", default=None)
    parser.add_argument("--show", action="store_true", help="print failing rows (tune only)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="keep the rendered audio here (npz)"
    )
    args = parser.parse_args(argv)
    if args.src is not None:
        sys.path.insert(0, str(args.src.resolve() / "src"))
        for mod in [m for m in sys.modules if m.startswith("groovegraph")]:
            del sys.modules[mod]
    import groovegraph
    from groovegraph.tools.analysis import analyze_signal
    from groovegraph.tools.errors import GrooveGraphError

    batch = items(args.split)
    cache = (
        args.cache_dir / f"oneshot_realworld_stress_{args.split}.npz" if args.cache_dir else None
    )
    if cache is not None and cache.is_file():
        with np.load(cache) as z:
            audio = {k: z[k] for k in z.files}
    else:
        audio = render_all(batch)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, **audio)  # type: ignore[arg-type]
    rows = []
    t_an = 0.0
    for it in batch:
        y = audio[it.id]
        row: dict[str, Any] = {
            **asdict(it),
            "root_true": note_name(it.root_midi) if it.root_midi is not None else None,
        }
        if it.instrument == "tom" or it.instrument == "kick":
            row["root_true"] = None  # a drum's own pitch is not scored
        t0 = time.perf_counter()
        try:
            a = analyze_signal(y=y, sr=SR)
            row.update(
                error=None, kind=a.kind, est=a.instrument, root=a.root_note, tempo_bpm=a.tempo_bpm
            )
        except GrooveGraphError as exc:
            row.update(error=type(exc).__name__, kind=None, est=None, root=None, tempo_bpm=None)
        t_an += time.perf_counter() - t0
        rows.append(row)
    label = args.label or ("src:" + str(args.src) if args.src else "this checkout")
    report = {
        "benchmark": "oneshot_realworld_stress",
        "command": "python -m benchmarks.oneshot_realworld_stress "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "split": args.split,
        "code": label,
        "groovegraph_path": str(Path(groovegraph.__file__).parent),
        "ms_per_clip": round(1000 * t_an / max(1, len(rows)), 2),
        **score(rows),
    }
    if args.show:
        if not args.split.startswith("tune"):
            raise SystemExit("--show prints failures of the tune half only")
        for r in rows:
            bad_root = r["root"] != r["root_true"] and (
                r["root_true"] is not None or r["instrument"] in UNPITCHED
            )
            if bad_root or r["est"] != r["instrument"] or r["kind"] != "one_shot":
                p = {k: v for k, v in r["params"].items()}
                print(
                    f"{r['id']} {r['family']:14s} {r['instrument']:6s}->{r['est']!s:6s} "
                    f"root {r['root_true']!s:5s}->{r['root']!s:5s} kind={r['kind']} {p}",
                    file=sys.stderr,
                )
    out = (
        args.out
        or Path(__file__).parent / "results" / f"oneshot_realworld_stress_{args.split}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**report, "rows": rows}, indent=1, default=str), encoding="utf-8")
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
