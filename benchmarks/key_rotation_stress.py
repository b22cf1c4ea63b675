"""Key stress family: chord loops that do not open on their tonic.

    python -m benchmarks.key_rotation_stress [--n 240] [--seed 91] [--out PATH]

A loop is cut wherever the producer liked; vi–IV–I–V in C major starts on Am, a minor
loop may start on iv or VI. This generator is written for the key estimator's stress
test only (independent of :mod:`groovegraph.tools.synth` and of the evaluation corpus):
a random key, a progression of a named family, rotated to start on any of its chords,
played by one of several additive instruments (saw, square, organ, electric piano, soft
pad) in a random voicing (close, open, inversions, with or without 7ths), with a bass
line (roots, root–fifth, octaves, or none: the keys' lowest note is the bass), sometimes
a melody of chord tones, sometimes light drums, one to three passes of the cycle.

The truth is the key the progression is written in. Some cycles are the same chords in
the same order as their relative key's (I–V–vi–IV rotated is i–VI–III–VII): nothing in
the cycle tells them apart, so there the honest answer is a split confidence with the
relative as the runner-up; :func:`ambiguous` flags them.

Seeds: ``TUNING_SEED`` feeds the key-model fit (``key_model_fit --rotated N``);
``CHECK_SEED`` (the default here) is the family the benchmark reports and is never fitted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

TUNING_SEED = 9_901
CHECK_SEED = 9_917
SR = 22050

#: (family, label mode, progression as (root semitones above the tonic, quality) per chord)
PROGRESSIONS: tuple[tuple[str, str, tuple[tuple[int, str], ...]], ...] = (
    ("major", "major", ((0, "maj"), (5, "maj"), (7, "maj"), (0, "maj"))),  # I IV V I
    ("major", "major", ((9, "min"), (5, "maj"), (0, "maj"), (7, "maj"))),  # vi IV I V
    ("major", "major", ((0, "maj"), (7, "maj"), (9, "min"), (5, "maj"))),  # I V vi IV
    ("major", "major", ((2, "min7"), (7, "dom7"), (0, "maj7"), (0, "maj7"))),  # ii V I I
    ("major", "major", ((0, "maj"), (5, "maj"), (0, "maj"), (7, "dom7"))),  # I IV I V7
    ("major", "major", ((0, "maj7"), (4, "min7"), (5, "maj7"), (7, "dom7"))),  # I iii IV V7
    ("major", "major", ((5, "maj"), (7, "maj"), (0, "maj"), (0, "maj"))),  # IV V I I
    ("minor", "minor", ((0, "min"), (5, "min"), (7, "dom7"), (0, "min"))),  # i iv V7 i
    ("minor", "minor", ((0, "min"), (8, "maj"), (5, "min"), (7, "maj"))),  # i VI iv V
    ("minor", "minor", ((0, "min7"), (0, "min7"), (5, "min7"), (7, "dom7"))),  # i i iv V7
    ("minor", "minor", ((0, "min"), (10, "maj"), (8, "maj"), (7, "maj"))),  # i VII VI V
    ("aeolian", "minor", ((0, "min"), (8, "maj"), (3, "maj"), (10, "maj"))),  # i VI III VII
    ("aeolian", "minor", ((0, "min"), (10, "maj"), (8, "maj"), (10, "maj"))),  # i VII VI VII
    ("aeolian", "minor", ((0, "min"), (5, "min"), (8, "maj"), (7, "min"))),  # i iv VI v
    ("aeolian", "minor", ((0, "min7"), (0, "min7"), (8, "maj7"), (10, "maj"))),  # i i VI VII
    ("dorian", "minor", ((0, "min7"), (5, "dom7"), (0, "min7"), (5, "dom7"))),  # i7 IV7
    ("dorian", "minor", ((0, "min7"), (2, "min7"), (0, "min7"), (5, "maj"))),  # i ii i IV
    ("mixolydian", "major", ((0, "maj"), (10, "maj"), (5, "maj"), (0, "maj"))),  # I bVII IV I
    ("mixolydian", "major", ((0, "maj"), (0, "maj"), (10, "maj"), (5, "maj"))),  # I I bVII IV
)
_INTERVALS = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "dom7": (0, 4, 7, 10),
}
_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
INSTRUMENTS = ("saw", "square", "organ", "epiano", "pad")
BASSES = ("roots", "root_fifth", "octaves", "none")
VOICINGS = ("close", "open", "inversion", "triad")


@dataclass(frozen=True)
class RotatedSpec:
    key: str
    family: str
    progression: int
    rotation: int  # index of the chord the loop opens on
    instrument: str
    voicing: str
    bass: str
    melody: bool
    drums: bool
    tempo_bpm: float
    beats_per_chord: int
    cycles: int
    tuning_cents: float
    seed: int


def specs(n: int, seed: int) -> list[RotatedSpec]:
    """``n`` specs; progressions and rotations cycle so every chord of every progression
    opens some loops (from ``n`` = 4 × the number of progressions on)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        p = i % len(PROGRESSIONS)
        family, mode, prog = PROGRESSIONS[p]
        tonic = int(rng.integers(12))
        out.append(
            RotatedSpec(
                key=f"{_NAMES[tonic]} {mode}",
                family=family,
                progression=p,
                rotation=(i // len(PROGRESSIONS)) % len(prog),
                instrument=str(rng.choice(INSTRUMENTS)),
                voicing=str(rng.choice(VOICINGS)),
                bass=str(rng.choice(BASSES, p=[0.35, 0.3, 0.2, 0.15])),
                melody=bool(rng.random() < 0.5),
                drums=bool(rng.random() < 0.5),
                tempo_bpm=round(float(rng.uniform(70, 140)), 1),
                beats_per_chord=int(rng.choice((2, 4, 4, 4))),
                cycles=int(rng.choice((1, 2, 2, 3))),
                tuning_cents=round(float(rng.uniform(-30, 30)), 1),
                seed=int(rng.integers(2**31 - 1)),
            )
        )
    return out


def ambiguous(spec: RotatedSpec) -> bool:
    """True when the cycle (chords and their order, ignoring where it starts) is also a
    progression of the relative key in this list: no rotation-invariant cue exists."""
    _, mode, prog = PROGRESSIONS[spec.progression]
    shift = 9 if mode == "major" else 3  # semitones from this tonic to the relative's
    other = "minor" if mode == "major" else "major"
    moved = tuple(((r - shift) % 12, q) for r, q in prog)
    for _, m, cand in PROGRESSIONS:
        if m != other or len(cand) != len(moved):
            continue
        for k in range(len(cand)):
            if cand[k:] + cand[:k] == moved:
                return True
    return False


def opens_on_tonic(spec: RotatedSpec) -> bool:
    """True when the loop's first chord is the tonic chord."""
    prog = PROGRESSIONS[spec.progression][2]
    return prog[spec.rotation][0] == 0


def _hz(midi: float, cents: float) -> float:
    return float(440.0 * 2.0 ** ((midi - 69 + cents / 100.0) / 12.0))


def _note(kind: str, f: float, dur: float, rng: np.random.Generator) -> np.ndarray:
    n = max(1, int(dur * SR))
    t = np.arange(n) / SR
    if kind == "saw":
        amps = [1.0 / k for k in range(1, 13)]
    elif kind == "square":
        amps = [(1.0 / k if k % 2 else 0.0) for k in range(1, 13)]
    elif kind == "organ":
        amps = [1.0, 0.8, 0.6, 0.5, 0.0, 0.3, 0.0, 0.25]
    elif kind == "epiano":
        amps = [1.0, 0.5, 0.15, 0.1, 0.05]
    else:  # pad, bass
        amps = [1.0, 0.35, 0.12]
    y = np.zeros(n)
    for k, a in enumerate(amps, start=1):
        if a and k * f < 0.45 * SR:
            y += a * np.sin(2 * np.pi * k * f * t + rng.uniform(0, 2 * np.pi))
    attack = {"pad": 0.15, "organ": 0.01, "epiano": 0.004}.get(kind, 0.02)
    env = np.minimum(1.0, t / attack)
    if kind == "epiano":
        env *= np.exp(-t / max(0.25, 0.6 * dur))
    rel = min(n, int(0.03 * SR))
    env[n - rel :] *= np.linspace(1.0, 0.0, rel)
    out: np.ndarray = y * env
    return out


def _add(out: np.ndarray, sound: np.ndarray, t: float, gain: float) -> None:
    i = int(t * SR)
    if i >= len(out):
        return
    m = min(len(sound), len(out) - i)
    out[i : i + m] += gain * sound[:m]


def _voicing(pcs: list[int], voicing: str, rng: np.random.Generator, seventh: bool) -> list[int]:
    if not seventh and len(pcs) > 3:
        pcs = pcs[:3]
    if voicing == "close" or voicing == "triad":
        return [55 + ((p - 7) % 12) for p in pcs]  # G3..F#4
    if voicing == "open":
        root = 48 + pcs[0] % 12
        return [root] + [root + 12 + ((p - pcs[0]) % 12) for p in pcs[1:]]
    # inversion: rotate the chord tones upwards by a random amount
    k = int(rng.integers(len(pcs)))
    notes = [60 + pcs[0] % 12 - 12 * ((pcs[0] % 12) > 6)]
    for p in pcs[1:] + pcs[:0]:
        n = notes[-1] + ((p - notes[-1]) % 12 or 12)
        notes.append(n)
    return [n + (12 if j < k else 0) for j, n in enumerate(notes)]


def render(spec: RotatedSpec) -> np.ndarray:
    """The loop's mono samples at :data:`SR`."""
    rng = np.random.default_rng(spec.seed)
    prog = PROGRESSIONS[spec.progression][2]
    tonic = _NAMES.index(spec.key.split()[0])
    chords = prog[spec.rotation :] + prog[: spec.rotation]
    beat = 60.0 / spec.tempo_bpm
    chord_s = beat * spec.beats_per_chord
    total = chord_s * len(chords) * spec.cycles
    y = np.zeros(int(total * SR) + SR // 10)
    seventh = spec.voicing != "triad"
    for c in range(len(chords) * spec.cycles):
        r, q = chords[c % len(chords)]
        pcs = [(tonic + r + iv) % 12 for iv in _INTERVALS[q]]
        t0 = c * chord_s
        for note in _voicing(pcs, spec.voicing, rng, seventh):
            f = _hz(note, spec.tuning_cents)
            if spec.instrument == "epiano":  # re-struck on every beat pair
                for b in range(0, spec.beats_per_chord, 2):
                    _add(y, _note("epiano", f, 2 * beat, rng), t0 + b * beat, 0.12)
            else:
                _add(y, _note(spec.instrument, f, chord_s * 0.97, rng), t0, 0.10)
        root = 36 + (tonic + r) % 12
        figure = {
            "roots": [0, 0, 0, 0],
            "root_fifth": [0, 7, 0, 7],
            "octaves": [0, 12, 0, 12],
        }.get(spec.bass)
        if figure is not None:
            for b in range(spec.beats_per_chord):
                _add(y, _note("bass", _hz(root + figure[b % 4], spec.tuning_cents),
                              beat * 0.85, rng), t0 + b * beat, 0.35)  # fmt: skip
        if spec.melody:
            scale_pcs = [*pcs, pcs[0]]
            for e in range(2 * spec.beats_per_chord):
                if rng.random() < 0.4:
                    continue
                p = scale_pcs[int(rng.integers(len(scale_pcs)))]
                _add(y, _note("epiano", _hz(72 + (p % 12), spec.tuning_cents), beat * 0.45, rng),
                     t0 + e * beat / 2, 0.07)  # fmt: skip
    if spec.drums:
        n_beats = int(total / beat)
        kick_t = np.arange(int(0.3 * SR)) / SR
        kick = np.sin(2 * np.pi * np.cumsum(50 + 90 * np.exp(-kick_t / 0.04)) / SR)
        kick *= np.exp(-kick_t / 0.12)
        hat = rng.normal(0, 1, int(0.05 * SR)) * np.exp(-np.arange(int(0.05 * SR)) / (0.01 * SR))
        hat = np.diff(hat, prepend=0.0)
        for b in range(n_beats):
            if b % 2 == 0:
                _add(y, kick, b * beat, 0.6)
            _add(y, hat, b * beat + beat / 2, 0.15)
    y += rng.normal(0.0, 1e-4, len(y))
    out: np.ndarray = (0.9 * y / max(1e-9, float(np.abs(y).max()))).astype(np.float32)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from benchmarks.key_model_fit import reliability
    from groovegraph.evals.metrics import mirex_key_score
    from groovegraph.tools.tonality import NoPitchedContentError, estimate_key

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=240)
    parser.add_argument("--seed", type=int, default=CHECK_SEED)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "key_rotation_stress.json"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = []
    for spec in specs(args.n, args.seed):
        y = render(spec)
        try:
            est = estimate_key(y=y, sr=SR)
            key, conf, runner = est.key, est.confidence, est.runner_up
        except NoPitchedContentError:
            key, conf, runner = None, 0.0, None
        rows.append(
            {
                **asdict(spec),
                "ambiguous": ambiguous(spec),
                "opens_on_tonic": opens_on_tonic(spec),
                "est": key,
                "runner_up": runner,
                "confidence": conf,
                "mirex": 0.0 if key is None else mirex_key_score(estimated=key, reference=spec.key),
            }
        )

    def agg(sel: list[dict[str, Any]]) -> dict[str, Any]:
        if not sel:
            return {"n": 0}
        right = np.array([r["est"] == r["key"] for r in sel])
        conf = np.array([r["confidence"] for r in sel])
        cal = reliability(conf, right)
        return {
            "n": len(sel),
            "mirex": round(float(np.mean([r["mirex"] for r in sel])), 4),
            "exact": round(float(right.mean()), 4),
            "truth_in_top2": round(
                float(np.mean([r["key"] in (r["est"], r["runner_up"]) for r in sel])), 4
            ),
            "ece": cal["ece"],
            "wrong_at_ge_0.95": cal["wrong_at_ge_0.95"],
            "mean_confidence": round(float(conf.mean()), 4),
        }

    report: dict[str, Any] = {
        "benchmark": "key_rotation_stress",
        "command": "python -m benchmarks.key_rotation_stress " + " ".join(argv or sys.argv[1:]),
        "all": agg(rows),
        "opens_on_tonic": agg([r for r in rows if r["opens_on_tonic"]]),
        "rotated": agg([r for r in rows if not r["opens_on_tonic"]]),
        "rotated_unambiguous": agg(
            [r for r in rows if not r["opens_on_tonic"] and not r["ambiguous"]]
        ),
        "rotated_ambiguous": agg([r for r in rows if not r["opens_on_tonic"] and r["ambiguous"]]),
        "by_family": {
            f: agg([r for r in rows if r["family"] == f])
            for f in sorted({r["family"] for r in rows})
        },
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({**report, "rows": rows}, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
