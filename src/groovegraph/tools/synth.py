"""Deterministic ground-truth groove generator.

Every clip is built from a :class:`GrooveSpec` and a seed, so tests, the demo library and
the accuracy benchmark can synthesize audio whose tempo, beat times, swing, backbeat lag
("pocket") and key are known exactly. Nothing here reads or downloads anything.

Conventions (the same as the analysis contract):

* ``tempo_bpm`` is the quarter-note tempo, also for half-time and double-time feels.
* ``swing_percent`` (MPC convention) is where the off-beat 8th note falls inside the beat,
  in percent of the beat: 50 straight, 66.7 triplet. 16th notes split each swung 8th in two.
* ``backbeat_lag_ms`` shifts the backbeat snares (beats 2 and 4; beat 3 in ``halftime``);
  positive = laid back (late).
* ``jitter_ms`` is the standard deviation of a Gaussian timing error added to every hit.
* ``swing_subdivision`` 16 swings the 16th notes instead (each off-beat 16th falls at
  ``swing_percent`` of its 8th-note pair; the 8ths stay straight).
* ``tempo_drift`` ramps the tempo linearly over the clip, from ``tempo_bpm·(1 − d/2)`` to
  ``tempo_bpm·(1 + d/2)`` (a live band pushing); ``tempo_bpm`` is the clip's mean tempo.
* ``intro_s`` leaves the drums out before that time (a drumless intro); the harmony plays.
* Beyond the seven 4/4 :data:`PATTERNS`, :data:`EXTRA_PATTERNS` holds ``waltz`` (3/4,
  snare on 2 and 3) and ``shuffle12`` (12/8: four dotted-quarter beats of three 8th-note
  triplets; ``tempo_bpm`` counts the dotted quarters).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.keys import parse_key

Pattern = Literal["rock", "funk", "boombap", "house", "halftime", "dnb", "shuffle"]
Mix = Literal["full", "no_drums", "drums_only", "sparse"]

PATTERNS: tuple[str, ...] = ("rock", "funk", "boombap", "house", "halftime", "dnb", "shuffle")
#: Patterns in other meters; kept out of :data:`PATTERNS` so the seeded corpora that cycle
#: through it (benchmarks, demo) stay the same.
EXTRA_PATTERNS: tuple[str, ...] = ("waltz", "shuffle12")
#: (beats per bar, grid steps per beat) of the patterns that are not 4/4 in 16ths.
PATTERN_METER: dict[str, tuple[int, int]] = {"waltz": (3, 4), "shuffle12": (4, 3)}
_PATTERN_ALIASES = {
    "doubletime": "dnb",
    "double-time": "dnb",
    "half-time": "halftime",
    "boom-bap": "boombap",
}

#: Tempo range (BPM, quarter note) each pattern is typically played at; ``random_spec`` draws
#: from these so the corpus sounds like the genre, and together they cover 55–190.
PATTERN_TEMPO_RANGES: dict[str, tuple[float, float]] = {
    "rock": (70.0, 150.0),
    "funk": (90.0, 122.0),
    "boombap": (78.0, 98.0),
    "house": (116.0, 130.0),
    "halftime": (130.0, 172.0),
    "dnb": (160.0, 190.0),
    "shuffle": (55.0, 128.0),
    "waltz": (80.0, 180.0),
    "shuffle12": (56.0, 90.0),
}

TEMPO_RANGE = (55.0, 190.0)
SWING_RANGE = (50.0, 72.0)
BACKBEAT_LAG_RANGE = (-15.0, 30.0)

# Drum grids: 16 steps per bar (4 per beat). Values are velocities (0 = no hit).
# Step s sits in beat s // 4 at sub-position s % 4 (0 = on the beat, 2 = off-beat 8th).
_K, _S, _H, _O = "kick", "snare", "hat", "open"


def _grid(**rows: str) -> dict[str, np.ndarray]:
    """Parse ``"x...x..."`` rows: x=1.0, o=0.7, h=0.45 (soft 16th), g=0.22 (ghost), .=rest."""
    table = {"x": 1.0, "o": 0.7, "h": 0.45, "g": 0.22, ".": 0.0}
    return {name: np.array([table[c] for c in row.replace(" ", "")]) for name, row in rows.items()}


# Two bars per pattern so the loops are not perfectly periodic at the bar level.
_PATTERN_GRIDS: dict[str, list[dict[str, np.ndarray]]] = {
    "rock": [
        _grid(kick="x... .... x.o. ....", snare=".... x... .... x...", hat="x.o. x.o. x.o. x.o."),
        _grid(kick="x... .... x... ..o.", snare=".... x... .... x...", hat="x.o. x.o. x.o. x.o."),
    ],
    "funk": [
        _grid(kick="x... ...o ..x. ....", snare=".g.. x..g .g.. x.g.", hat="xhoh xhoh xhoh xhoh"),
        _grid(kick="x..o ...o ..x. .o..", snare=".g.. x..g .g.g x...", hat="xhoh xhoh xhoh xhxh"),
    ],
    "boombap": [
        _grid(kick="x... ...o ..x. ....", snare=".... x... .... x...", hat="x.o. x.o. x.o. x.o."),
        _grid(kick="x... .... ..x. .o..", snare=".... x... .... x..g", hat="x.o. x.o. x.o. x.o."),
    ],
    "house": [
        _grid(
            kick="x... x... x... x...",
            snare=".... x... .... x...",
            hat="..o. ..o. ..o. ..o.",
            open="..x. ..x. ..x. ..x.",
        ),
        _grid(
            kick="x... x... x... x...",
            snare=".... x... .... x...",
            hat="..o. ..o. ..o. ..o.",
            open="..x. ..x. ..x. ..x.",
        ),
    ],
    "halftime": [
        _grid(kick="x... .... .... ..o.", snare=".... .... x... ....", hat="x.o. x.o. x.o. x.o."),
        _grid(kick="x..o .... .... ....", snare=".... .... x... ..g.", hat="x.o. x.o. x.o. x.o."),
    ],
    "dnb": [
        _grid(kick="x... .... ..x. ....", snare=".... x... .... x...", hat="x.o. x.o. x.o. x.o."),
        _grid(kick="x... .... ..x. x...", snare=".... x... .... x..g", hat="x.o. x.o. x.o. x.o."),
    ],
    "shuffle": [
        _grid(kick="x... .... x... ....", snare=".... x... .... x...", hat="x.o. x.o. x.o. x.o."),
        _grid(kick="x... ..o. x... ....", snare=".... x... .... x...", hat="x.o. x.o. x.o. x.o."),
    ],
    # 3/4: kick on 1, snare on 2 and 3, 8th-note hats.
    "waltz": [
        _grid(kick="x... .... ....", snare=".... x... x...", hat="x.o. x.o. x.o."),
        _grid(kick="x... .... ..o.", snare=".... x... x...", hat="x.o. x.o. x.o."),
    ],
    # 12/8: three triplet 8ths per dotted-quarter beat, backbeat on 2 and 4.
    "shuffle12": [
        _grid(kick="x.. ... x.. ...", snare="... x.. ... x..", hat="xhh xhh xhh xhh"),
        _grid(kick="x.. ..o x.. ...", snare="... x.. ... x.g", hat="xhh xhh xhh xhh"),
    ],
}

# Chord progressions as (root offset from the tonic in semitones, quality), one chord per bar.
# Majors keep the tonic first; minors mix natural-minor colour (bVI, bVII, iv) with the
# harmonic-minor dominant (major V with the raised 7th), as pop, soul and funk records do.
_MAJOR_PROGRESSIONS: tuple[tuple[tuple[int, str], ...], ...] = (
    ((0, "maj"), (5, "maj"), (7, "maj"), (0, "maj")),
    ((0, "maj"), (9, "min"), (5, "maj"), (7, "maj")),
    ((0, "maj"), (7, "maj"), (9, "min"), (5, "maj")),
    ((2, "min7"), (7, "dom7"), (0, "maj7"), (0, "maj7")),
    ((0, "maj"), (5, "maj"), (0, "maj"), (7, "dom7")),
    ((0, "maj7"), (4, "min"), (5, "maj"), (7, "maj")),
)
_MINOR_PROGRESSIONS: tuple[tuple[tuple[int, str], ...], ...] = (
    ((0, "min"), (5, "min"), (7, "maj"), (0, "min")),
    ((0, "min"), (0, "min"), (8, "maj"), (10, "maj")),
    ((0, "min"), (10, "maj"), (8, "maj"), (7, "maj")),
    ((0, "min7"), (5, "min7"), (0, "min7"), (7, "dom7")),
    ((0, "min"), (8, "maj"), (5, "min"), (7, "maj")),
    ((0, "min"), (3, "maj"), (10, "maj"), (0, "min")),
)
_CHORD_INTERVALS = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "dom7": (0, 4, 7, 10),
}
_MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
_MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10)


@dataclass(frozen=True)
class GrooveSpec:
    """Everything that defines one synthetic groove.

    Parameters
    ----------
    tempo_bpm : float
        Quarter-note tempo, 55–190 BPM.
    swing_percent : float
        MPC swing of the off-beat 8th notes, 50–72 (% of the beat).
    jitter_ms : float
        Standard deviation of the per-hit Gaussian timing error, milliseconds (0–20).
    backbeat_lag_ms : float
        Offset of the backbeat snares from the grid, −15…+30 ms; positive = laid back.
    key : str
        Any spelling :func:`groovegraph.tools.keys.parse_key` accepts; stored canonical.
    pattern : str
        ``rock``, ``funk``, ``boombap``, ``house``, ``halftime``, ``dnb`` (alias
        ``doubletime``) or ``shuffle``.
    duration_s : float
        Clip length in seconds (1–600).
    sample_rate : int
        Output sample rate in Hz.
    seed : int
        Seed of every random choice (progression, voicings, jitter, noise).
    start_s : float
        Time of the first downbeat in seconds (the clip may start on a pickup).
    mix : str
        ``full`` (drums, bass, chords, lead), ``sparse`` (drums, bass, chords),
        ``no_drums`` or ``drums_only``.
    tuning_cents : float
        Global detuning of the harmonic parts from A440, cents (records are rarely at 440).
    drum_level, harmony_level : float
        Linear gains of the drum bus and the harmonic bus before normalisation.
    swing_subdivision : int
        8 (the off-beat 8ths swing) or 16 (the off-beat 16ths swing, 8ths straight).
    tempo_drift : float
        Relative tempo change over the clip, −0.2…0.2 (0.05: from −2.5 % to +2.5 %).
    intro_s : float
        Seconds before the drums come in (the harmony plays from the start).
    """

    tempo_bpm: float = 100.0
    swing_percent: float = 50.0
    jitter_ms: float = 0.0
    backbeat_lag_ms: float = 0.0
    key: str = "C major"
    pattern: str = "rock"
    duration_s: float = 20.0
    sample_rate: int = 22050
    seed: int = 0
    start_s: float = 0.0
    mix: str = "full"
    tuning_cents: float = 0.0
    drum_level: float = 1.0
    harmony_level: float = 0.8
    swing_subdivision: int = 8
    tempo_drift: float = 0.0
    intro_s: float = 0.0

    def __post_init__(self) -> None:
        pattern = _PATTERN_ALIASES.get(self.pattern, self.pattern)
        if pattern not in PATTERNS + EXTRA_PATTERNS:
            raise InvalidQueryError(
                f"unknown pattern {self.pattern!r}; one of {', '.join(PATTERNS + EXTRA_PATTERNS)}"
            )
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "key", parse_key(self.key).name)
        checks = (
            (TEMPO_RANGE[0] <= self.tempo_bpm <= TEMPO_RANGE[1], "tempo_bpm must be within 55–190"),
            (SWING_RANGE[0] <= self.swing_percent <= 75.0, "swing_percent must be within 50–75"),
            (0.0 <= self.jitter_ms <= 20.0, "jitter_ms must be within 0–20"),
            (-40.0 <= self.backbeat_lag_ms <= 60.0, "backbeat_lag_ms must be within -40–60"),
            (1.0 <= self.duration_s <= 600.0, "duration_s must be within 1–600"),
            (8000 <= self.sample_rate <= 96000, "sample_rate must be within 8000–96000"),
            (0.0 <= self.start_s < self.duration_s, "start_s must be inside the clip"),
            (self.mix in ("full", "no_drums", "drums_only", "sparse"), "unknown mix"),
            (-50.0 <= self.tuning_cents <= 50.0, "tuning_cents must be within -50–50"),
            (self.swing_subdivision in (8, 16), "swing_subdivision must be 8 or 16"),
            (-0.2 <= self.tempo_drift <= 0.2, "tempo_drift must be within -0.2–0.2"),
            (0.0 <= self.intro_s < self.duration_s, "intro_s must be inside the clip"),
        )
        for ok, message in checks:
            if not ok:
                raise InvalidQueryError(message)


@dataclass(frozen=True)
class GrooveTruth:
    """The exact answers for a synthesized clip (spec values plus the true grid)."""

    tempo_bpm: float
    swing_percent: float
    jitter_ms: float
    backbeat_lag_ms: float
    key: str
    camelot: str
    pattern: str
    duration_s: float
    sample_rate: int
    seed: int
    beats_s: np.ndarray = field(repr=False)
    downbeats_s: np.ndarray = field(repr=False)
    meter: int = 4
    swing_subdivision: int = 8
    tempo_drift: float = 0.0

    @property
    def swing_ratio(self) -> float:
        return self.swing_percent / (100.0 - self.swing_percent)


def progression_cycle_s(tempo_bpm: float) -> float:
    """Seconds of one pass through a chord progression at ``tempo_bpm``: four chords of one
    bar each, or of two bars from 135 BPM. A clip shorter than this holds only part of
    its progression (i–III–VII of i–III–VII–i sounds like the relative major)."""
    return 4 * _bars_per_chord(tempo_bpm) * 240.0 / tempo_bpm


def _bars_per_chord(tempo_bpm: float) -> int:
    # Slow tempos: one chord per bar; fast ones: a chord lasts two bars.
    return 2 if tempo_bpm >= 135 else 1


def random_spec(rng: np.random.Generator, **overrides: object) -> GrooveSpec:
    """Draw a realistic spec: pattern, a tempo typical of it, any of the 24 keys, swing,
    jitter, backbeat lag, start offset and tuning. ``overrides`` replace drawn fields."""
    pattern = str(overrides.get("pattern", rng.choice(PATTERNS)))
    pattern = _PATTERN_ALIASES.get(pattern, pattern)
    lo, hi = PATTERN_TEMPO_RANGES.get(pattern, TEMPO_RANGE)
    tempo = float(np.round(rng.uniform(lo, hi), 2))
    if pattern == "shuffle":
        swing = rng.uniform(60.0, 72.0)
    elif pattern in ("house", "dnb", "halftime"):
        swing = 50.0 if rng.random() < 0.5 else rng.uniform(50.0, 62.0)
    else:
        swing = 50.0 if rng.random() < 0.3 else rng.uniform(50.0, 72.0)
    pc = int(rng.integers(12))
    mode = "major" if rng.random() < 0.5 else "minor"
    names = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")
    values: dict[str, object] = {
        "tempo_bpm": tempo,
        "swing_percent": float(np.round(swing, 2)),
        "jitter_ms": float(np.round(rng.uniform(0.0, 8.0), 2)),
        "backbeat_lag_ms": float(np.round(rng.uniform(*BACKBEAT_LAG_RANGE), 2)),
        "key": f"{names[pc]} {mode}",
        "pattern": pattern,
        "duration_s": 20.0,
        "seed": int(rng.integers(2**31 - 1)),
        "start_s": float(np.round(rng.uniform(0.0, 0.6), 3)),
        "tuning_cents": float(np.round(rng.uniform(-25.0, 25.0), 1)),
        "mix": "full" if rng.random() < 0.7 else "sparse",
        "drum_level": float(np.round(rng.uniform(0.8, 1.2), 2)),
        "harmony_level": float(np.round(rng.uniform(0.5, 1.0), 2)),
    }
    values.update(overrides)
    return GrooveSpec(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- instruments


def _kick(sr: int, rng: np.random.Generator) -> np.ndarray:
    n = int(0.35 * sr)
    t = np.arange(n) / sr
    f0, f1 = rng.uniform(100, 150), rng.uniform(42, 58)
    freq = f1 + (f0 - f1) * np.exp(-t / 0.03)
    phase = 2 * np.pi * np.cumsum(freq) / sr
    body = np.sin(phase) * np.exp(-t / rng.uniform(0.12, 0.22))
    click = rng.standard_normal(n) * np.exp(-t / 0.003) * 0.3
    return (body + click).astype(np.float32)


def _snare(sr: int, rng: np.random.Generator) -> np.ndarray:
    n = int(0.25 * sr)
    t = np.arange(n) / sr
    noise = rng.standard_normal(n)
    noise = np.diff(noise, prepend=0.0) * 0.6  # tilt up: snare wires are bright
    noise *= np.exp(-t / rng.uniform(0.05, 0.09))
    tone_f = rng.uniform(170, 230)
    tone = np.sin(2 * np.pi * tone_f * t) * np.exp(-t / 0.05) * 0.7
    return (noise + tone).astype(np.float32) * 0.8


def _hat(sr: int, rng: np.random.Generator, *, open_hat: bool) -> np.ndarray:
    n = int((0.25 if open_hat else 0.06) * sr)
    t = np.arange(n) / sr
    noise = rng.standard_normal(n)
    for _ in range(3):  # three first differences ≈ a steep high-pass: metallic hiss
        noise = np.diff(noise, prepend=0.0)
    noise /= 8.0
    decay = rng.uniform(0.08, 0.14) if open_hat else rng.uniform(0.012, 0.025)
    return (noise * np.exp(-t / decay)).astype(np.float32) * 0.35


def _tone(
    freq: float, dur: float, sr: int, *, harmonics: int, attack: float, decay: float
) -> np.ndarray:
    """Additive tone with 1/k harmonics, an attack ramp and exponential decay."""
    n = max(1, int(dur * sr))
    t = np.arange(n) / sr
    out = np.zeros(n)
    nyq = sr / 2
    for k in range(1, harmonics + 1):
        if k * freq >= nyq * 0.9:
            break
        out += np.sin(2 * np.pi * k * freq * t) / k
    env = np.minimum(1.0, t / attack) * np.exp(-t / decay)
    release = min(n, int(0.02 * sr))
    env[n - release :] *= np.linspace(1.0, 0.0, release)
    tone: np.ndarray = (out * env).astype(np.float32)
    return tone


def _midi_hz(note: float, tuning_cents: float) -> float:
    return float(440.0 * 2.0 ** ((note - 69 + tuning_cents / 100.0) / 12.0))


def _add(out: np.ndarray, sound: np.ndarray, start_s: float, sr: int, gain: float) -> None:
    i = round(start_s * sr)
    if i >= len(out) or i + len(sound) <= 0:
        return
    if i < 0:
        sound, i = sound[-i:], 0
    end = min(len(out), i + len(sound))
    out[i:end] += gain * sound[: end - i]


# --------------------------------------------------------------------------- synthesis


def _step_offset(step_in_beat: int, swing: float, steps_per_beat: int = 4, sub: int = 8) -> float:
    """Position of a grid step inside the beat (fraction): 16ths with MPC swing at the 8th
    (``sub=8``) or 16th (``sub=16``) level, or 8th-note triplets (``steps_per_beat=3``)."""
    if steps_per_beat == 3:
        return step_in_beat / 3.0
    if sub == 16:
        return (0.0, swing / 2.0, 0.5, 0.5 + swing / 2.0)[step_in_beat]
    return (0.0, swing / 2.0, swing, swing + (1.0 - swing) / 2.0)[step_in_beat]


class _Clock:
    """Beat position (in beats from the first downbeat, may be negative) → seconds.

    Steady tempo: ``start + b * beat`` exactly. With drift, the local period follows a
    linear tempo ramp over the clip's beats, integrated on a fine table."""

    def __init__(self, spec: GrooveSpec, b_lo: float, b_hi: float) -> None:
        self.start = spec.start_s
        self.beat = 60.0 / spec.tempo_bpm
        self.drift = spec.tempo_drift
        if self.drift:
            b = np.arange(b_lo - 1.0, b_hi + 1.0, 1.0 / 128.0)
            n_beats = spec.duration_s / self.beat
            u = np.clip(b / max(n_beats, 1.0), 0.0, 1.0)
            period = self.beat / (1.0 + self.drift * (u - 0.5))
            t = np.concatenate([[0.0], np.cumsum(0.5 * (period[1:] + period[:-1]) / 128.0)])
            t -= float(np.interp(0.0, b, t))
            self._b, self._t = b, t

    def __call__(self, b: float | np.ndarray) -> float | np.ndarray:
        if not self.drift:
            return self.start + b * self.beat
        out = self.start + np.interp(b, self._b, self._t)
        return float(out) if np.ndim(out) == 0 else out


def synthesize_groove(spec: GrooveSpec) -> tuple[np.ndarray, GrooveTruth]:
    """Render ``spec`` to audio and return it with its ground truth.

    Returns
    -------
    y : np.ndarray
        Mono float32 samples in [-1, 1] at ``spec.sample_rate`` (peak normalised to 0.9).
    truth : GrooveTruth
        The spec values plus the exact beat and downbeat times in seconds (with drift,
        the drifting ones), and the meter.
    """
    rng = np.random.default_rng(spec.seed)
    # A chord progression repeats every cycle, so most notes are tones already rendered
    # in this loop (~5 of 6 of them in the demo library); _tone is pure, so rendering
    # each distinct one once gives the same samples. Scoped to this call: nothing is
    # kept afterwards.
    tone = functools.cache(_tone)
    sr = spec.sample_rate
    n = round(spec.duration_s * sr)
    beat = 60.0 / spec.tempo_bpm
    meter, steps_per_beat = PATTERN_METER.get(spec.pattern, (4, 4))
    bar = meter * beat
    swing = spec.swing_percent / 100.0
    sub = spec.swing_subdivision
    key = parse_key(spec.key)

    # Grid: bar index can be negative so a pickup before start_s is filled too.
    first_bar = -int(np.ceil(spec.start_s / bar))
    n_bars = int(np.ceil((spec.duration_s - spec.start_s) / bar)) + 1
    bars = range(first_bar, n_bars)
    clock = _Clock(spec, first_bar * meter, n_bars * meter)

    def at(b: int, pos: float) -> float:
        """Seconds of beat position ``pos`` (beats, may be fractional) inside bar ``b``."""
        if not spec.tempo_drift:
            return spec.start_s + b * bar + pos * beat
        return float(clock(b * meter + pos))

    drums = np.zeros(n, dtype=np.float32)
    harmony = np.zeros(n, dtype=np.float32)

    if spec.mix != "no_drums":
        kits = {
            _K: [_kick(sr, rng) for _ in range(3)],
            _S: [_snare(sr, rng) for _ in range(4)],
            _H: [_hat(sr, rng, open_hat=False) for _ in range(4)],
            _O: [_hat(sr, rng, open_hat=True) for _ in range(2)],
        }
        gains = {_K: 1.0, _S: 0.75, _H: rng.uniform(0.35, 0.6), _O: 0.35}
        grids = _PATTERN_GRIDS[spec.pattern]
        backbeat_beats = {"halftime": (2,), "waltz": (1, 2)}.get(spec.pattern, (1, 3))
        jitter = spec.jitter_ms / 1000.0
        for b in bars:
            grid = grids[b % len(grids)]
            for inst, row in grid.items():
                for step in np.flatnonzero(row):
                    vel = float(row[step])
                    beat_idx, step_in_beat = divmod(int(step), steps_per_beat)
                    t = at(b, beat_idx + _step_offset(step_in_beat, swing, steps_per_beat, sub))
                    t += rng.normal(0.0, jitter) if jitter > 0 else 0.0
                    # Only full-velocity backbeat snares sit back (or push); ghost notes
                    # (the same drum, quiet) stay on the grid.
                    if (
                        inst == _S
                        and step_in_beat == 0
                        and beat_idx in backbeat_beats
                        and vel >= 0.5
                    ):
                        t += spec.backbeat_lag_ms / 1000.0
                    variants = kits[inst]
                    sound = variants[int(rng.integers(len(variants)))]
                    humanize = float(np.clip(rng.normal(1.0, 0.08), 0.7, 1.3))
                    if spec.intro_s <= 0.0 or t >= spec.intro_s:
                        _add(drums, sound, t, sr, gains[inst] * vel * humanize)

    if spec.mix != "drums_only":
        major = key.mode == "major"
        progressions = _MAJOR_PROGRESSIONS if major else _MINOR_PROGRESSIONS
        prog = progressions[int(rng.integers(len(progressions)))]
        scale = _MAJOR_SCALE if major else _MINOR_SCALE
        bars_per_chord = _bars_per_chord(spec.tempo_bpm)
        tonic_midi = 36 + key.pc  # bass register C2..B2
        pad_h = int(rng.integers(4, 9))
        for b in bars:
            chord_idx = (b // bars_per_chord) % len(prog)
            root, quality = prog[chord_idx]
            start = at(b, 0.0)
            # Pads: close voicing around middle C, inversions chosen at random.
            notes = [
                60 + ((key.pc + root + iv) % 12) - (12 if (key.pc + root + iv) % 12 > 7 else 0)
                for iv in _CHORD_INTERVALS[quality]
            ]
            for note in notes:
                f = _midi_hz(note, spec.tuning_cents)
                _add(
                    harmony,
                    tone(f, bar * 0.98, sr, harmonics=pad_h, attack=0.03, decay=bar * 1.5),
                    start,
                    sr,
                    0.12,
                )
            # Bass: root on the downbeat, root/fifth/octave figure on the beats, tonic pedal
            # in the last bar of each cycle gives the tonic its usual weight.
            bass_root = tonic_midi + ((root) % 12)
            figure = [0, 0, 7, 12] if rng.random() < 0.5 else [0, 12, 0, 7]
            for beat_idx in range(meter):
                note = bass_root + figure[beat_idx]
                t = at(b, beat_idx) + rng.normal(0.0, 0.004)
                f = _midi_hz(note, spec.tuning_cents)
                _add(
                    harmony,
                    tone(f, beat * 0.9, sr, harmonics=4, attack=0.008, decay=beat * 0.8),
                    t,
                    sr,
                    0.35 if beat_idx == 0 else 0.25,
                )
            if spec.mix == "full":
                # Lead: scale notes biased to chord tones, on 8ths with the groove's swing.
                chord_pcs = {(root + iv) % 12 for iv in _CHORD_INTERVALS[quality]}
                for eighth in range(2 * meter):
                    if rng.random() < 0.45:
                        continue
                    if rng.random() < 0.65:
                        deg = sorted(chord_pcs)[int(rng.integers(len(chord_pcs)))]
                    else:
                        deg = scale[int(rng.integers(len(scale)))]
                    note = 72 + ((key.pc + deg) % 12)
                    beat_idx, half = divmod(eighth, 2)
                    off = swing if sub == 8 and steps_per_beat == 4 else 2.0 / 3.0
                    if steps_per_beat == 4 and sub == 16:
                        off = 0.5
                    t = at(b, beat_idx + (off if half else 0.0))
                    f = _midi_hz(note, spec.tuning_cents)
                    _add(
                        harmony,
                        tone(f, beat * 0.45, sr, harmonics=3, attack=0.01, decay=beat * 0.3),
                        t,
                        sr,
                        0.08,
                    )

    y = spec.drum_level * drums + spec.harmony_level * harmony
    y += rng.normal(0.0, 1e-4, n).astype(np.float32)  # a noise floor, as on any record
    peak = float(np.max(np.abs(y))) or 1.0
    y = (0.9 * y / peak).astype(np.float32)

    if spec.tempo_drift:
        beats = np.asarray(clock(np.arange(first_bar * meter, n_bars * meter, dtype=float)))
        downbeats = np.asarray(clock(np.arange(first_bar, n_bars, dtype=float) * meter))
    else:
        beats = spec.start_s + np.arange(first_bar * meter, n_bars * meter) * beat
        downbeats = spec.start_s + np.arange(first_bar, n_bars) * bar
    beats = beats[(beats >= 0.0) & (beats < spec.duration_s)]
    downbeats = downbeats[(downbeats >= 0.0) & (downbeats < spec.duration_s)]
    truth = GrooveTruth(
        tempo_bpm=spec.tempo_bpm,
        swing_percent=spec.swing_percent,
        jitter_ms=spec.jitter_ms,
        backbeat_lag_ms=spec.backbeat_lag_ms,
        key=spec.key,
        camelot=key.camelot,
        pattern=spec.pattern,
        duration_s=spec.duration_s,
        sample_rate=sr,
        seed=spec.seed,
        beats_s=beats,
        downbeats_s=downbeats,
        meter=meter,
        swing_subdivision=sub,
        tempo_drift=spec.tempo_drift,
    )
    return y, truth


def write_audio(path: str | Path, y: np.ndarray, sr: int, *, fmt: str | None = None) -> Path:
    """Write mono samples to ``path``; the format follows the suffix (wav, flac, ogg, mp3)
    unless ``fmt`` names one. Returns the path."""
    import soundfile as sf

    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).upper()
    if fmt not in {"WAV", "FLAC", "OGG", "MP3"}:
        raise InvalidQueryError(f"cannot write {fmt!r}; use wav, flac, ogg or mp3")
    subtype = {"WAV": "PCM_16", "FLAC": "PCM_16", "OGG": "VORBIS", "MP3": "MPEG_LAYER_III"}[fmt]
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.clip(y, -1.0, 1.0), sr, format=fmt, subtype=subtype)
    return path


def replace(spec: GrooveSpec, **changes: object) -> GrooveSpec:
    """A copy of ``spec`` with ``changes`` (validated again)."""
    return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]
