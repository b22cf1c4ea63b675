"""One-shots of every drum and tonal kind, from GM drum keys and GM programs.

Drum kinds (kick, snare, clap, hat, cymbal, tom, perc) are GM percussion keys on one of
the GM kits; tonal kinds (bass — including long low synth-bass "808" notes —, keys, pad,
lead, vocal from the choir patches, fx) are single notes of a GM program. The truth is
``kind = "one_shot"``, the instrument class, and for tonal kinds the MIDI note as a name
(``"F#1"``, C4 = MIDI 60). FX patches are pitched oddly (rain, sweeps), so their root is
not scored (``root_note`` None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from groovegraph.evals.corpus import music
from groovegraph.evals.corpus.render import DRUM_CHANNEL, Note, Performance

#: How many of each kind per split.
COUNTS: dict[str, int] = {
    "kick": 8, "snare": 8, "clap": 5, "hat": 8, "cymbal": 6, "tom": 6, "perc": 8,
    "bass": 10, "keys": 8, "pad": 6, "lead": 8, "vocal": 6, "fx": 5,
}  # fmt: skip
DRUM_KINDS = frozenset({"kick", "snare", "clap", "hat", "cymbal", "tom", "perc"})
#: MIDI note ranges of tonal kinds (inclusive).
RANGES: dict[str, tuple[int, int]] = {
    "bass": (28, 50),
    "keys": (48, 76),
    "pad": (48, 72),
    "lead": (60, 86),
    "vocal": (55, 76),
    "fx": (48, 72),
}
#: Typical lengths (s): the sound is cut there, or earlier where it has died away.
LENGTHS: dict[str, tuple[float, float]] = {
    "kick": (0.25, 0.9), "snare": (0.25, 0.7), "clap": (0.2, 0.6), "hat": (0.1, 0.8),
    "cymbal": (1.0, 2.5), "tom": (0.3, 0.9), "perc": (0.15, 0.7),
    "bass": (0.4, 1.6), "keys": (0.6, 2.0), "pad": (1.5, 3.0), "lead": (0.4, 1.5),
    "vocal": (0.8, 2.0), "fx": (1.0, 2.5),
}  # fmt: skip


@dataclass(frozen=True)
class OneShotSpec:
    id: str
    instrument: str
    seed: int
    soundfont: str
    program: int  # GM program, or the drum kit (bank 128) for drum kinds
    pitch: int
    velocity: int
    note_s: float  # how long the key is held
    duration_s: float  # length of the file


def draw_spec(
    rng: np.random.Generator, *, id: str, instrument: str, index: int, soundfont: str
) -> OneShotSpec:
    lo, hi = LENGTHS[instrument]
    dur = round(float(rng.uniform(lo, hi)), 3)
    if instrument in DRUM_KINDS:
        keys = music.DRUM_NOTES[instrument]
        pitch = int(keys[index % len(keys)])
        kits = sorted(music.KITS.values())
        program = int(kits[int(rng.integers(len(kits)))])
        note_s = 0.1
    else:
        progs = music.PROGRAMS[instrument]
        program = int(progs[index % len(progs)])
        lo_n, hi_n = RANGES[instrument]
        if instrument == "bass" and index % 3 == 0:
            program = int(rng.choice((38, 39)))  # synth bass, held low: an 808-style note
            lo_n, hi_n = 24, 40
            dur = round(float(rng.uniform(0.8, 1.8)), 3)
        pitch = int(rng.integers(lo_n, hi_n + 1))
        note_s = max(0.15, dur * float(rng.uniform(0.5, 0.85)))
    return OneShotSpec(
        id=id,
        instrument=instrument,
        seed=int(rng.integers(2**31 - 1)),
        soundfont=soundfont,
        program=program,
        pitch=pitch,
        velocity=int(rng.integers(80, 124)),
        note_s=round(note_s, 3),
        duration_s=dur,
    )


def build_performance(spec: OneShotSpec) -> tuple[Performance, dict[str, Any]]:
    drum = spec.instrument in DRUM_KINDS
    start = 0.004  # a sample's attack right at the file start, as one-shots are cut
    note = Note(
        start_s=start,
        end_s=start + spec.note_s,
        pitch=spec.pitch,
        velocity=spec.velocity,
        channel=DRUM_CHANNEL if drum else 0,
        program=spec.program,
    )
    truth = {
        "kind": "one_shot",
        "instrument": spec.instrument,
        "root_note": None if (drum or spec.instrument == "fx") else music.note_name(spec.pitch),
        "tempo_bpm": None,
        "tempo_octave_ambiguous": False,
        "meter": None,
        "beats_s": None,
        "downbeats_s": None,
        "swing_percent": None,
        "swing_subdivision": None,
        "backbeat_lag_ms": None,
        "key": None,
        "key_family": None,
        "modal": False,
        "key_ambiguous": False,
        "gm": {"program": spec.program, "pitch": spec.pitch, "drum": drum},
    }
    return Performance(notes=[note], duration_s=spec.duration_s), truth


def trim_tail(y: np.ndarray, sr: int, *, floor_db: float = -60.0) -> np.ndarray:
    """Cut the file after the sound has decayed below ``floor_db`` of its peak (10 ms fade)."""
    mag = np.abs(y)
    peak = float(mag.max()) if mag.size else 0.0
    if peak <= 0:
        return y
    above = np.nonzero(mag >= peak * 10 ** (floor_db / 20))[0]
    end = min(len(y), int(above[-1]) + int(0.01 * sr)) if above.size else len(y)
    out = y[: max(end, int(0.05 * sr))].copy()
    fade = min(len(out), int(0.01 * sr))
    out[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=out.dtype)
    return out
