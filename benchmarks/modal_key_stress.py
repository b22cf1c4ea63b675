"""Modal progressions and their relative keys: is a loop in Aeolian, Dorian or Mixolydian
heard in its own tonic, not in the relative major or minor it shares its notes with
(issue 9)?

An outside tester's loop Dm – Bb – F – C (Aeolian i–VI–III–VII, a chord a bar, piano
and pad, bass on the roots, drums) was read as F major. This set is written here,
independently of ``tools/synth.py`` and of the corpus's groove generator: progressions of
each mode family, and — so that "prefer the minor" cannot pass — progressions in the
relative keys with their own cadences (a major key ending I, a minor key with its
leading-tone V ending i). Families (truth in the contract's major/minor):

* ``aeolian``: i–VI–III–VII or i–VII–VI–VII, looped, ending on the last chord (minor);
* ``dorian``: i–IV, i7–IV7 or i7–i7–IV7–IV7 (minor);
* ``mixolydian``: I–bVII–IV–I or I–bVII–IV–IV (major);
* ``major_cadence``: I–V–vi–IV, I–vi–IV–V or I–IV–V–V, then a closing I (major);
* ``minor_cadence``: i–iv–V–i, i–VI–iv–V or i–VII–VI–V, then a closing i (minor).

Every clip has its own seed, tonic (all 12, evenly), tempo 70–135 BPM, one chord per bar
or two (each for half a bar), two to four cycles, drums or none, and one of two
renderers: General MIDI through fluidsynth (the corpus's renderer; piano, electric
piano, organ, guitar, strings or pads over a fingered, picked or synth bass, GM kits) or
numpy voices (additive piano/pad, a saw or sine bass, a noise-and-sine kit). A clip opens
on its first chord, after 0.2–1.5 s of silence, after a bar of drums alone, or with a
one-beat pickup (the loop's last chord) before the first downbeat, as records do. Chords are
voiced close around middle C with the nearest inversion to the last; the bass plays the
roots (sometimes the fifth on beat 3). Even seeds are the ``tune`` half, odd seeds the
``held_out`` half (scored in aggregate only, never inspected clip by clip). Reported per
half, per family and per factor (renderer, drums, intro, chords per bar): MIREX key score, exact
key accuracy, relative-key confusion (the answer is the truth's relative major/minor),
mean confidence and calibration gap of the keys given::

    python -m benchmarks.modal_key_stress [--per-family 16] [--cache clips.npz]
        [--half tune|held_out|both] [--clips] [--out benchmarks/results/modal_key_stress.json]

``--clips`` prints every clip, and refuses with ``--half held_out`` / ``both``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import (
    finish_stress,
    stress_clips,
    stress_parser,
    stress_result,
)

SR = 22050
BASE_SEED = 6_060_000
"""Seeds of this set: ``BASE_SEED + i`` (no other set's)."""
RESULTS = Path(__file__).resolve().parent / "results"

Chord = tuple[int, str]  # (root semitones above the tonic, quality)
#: family -> (mode of the truth, progressions, closing chord or None for a plain loop)
FAMILIES: dict[str, tuple[str, tuple[tuple[Chord, ...], ...], Chord | None]] = {
    "aeolian": (
        "minor",
        (
            ((0, "min"), (8, "maj"), (3, "maj"), (10, "maj")),
            ((0, "min"), (10, "maj"), (8, "maj"), (10, "maj")),
        ),
        None,
    ),
    "dorian": (
        "minor",
        (
            ((0, "min"), (5, "maj")),
            ((0, "min7"), (5, "dom7")),
            ((0, "min7"), (0, "min7"), (5, "dom7"), (5, "dom7")),
        ),
        None,
    ),
    "mixolydian": (
        "major",
        (
            ((0, "maj"), (10, "maj"), (5, "maj"), (0, "maj")),
            ((0, "maj"), (10, "maj"), (5, "maj"), (5, "maj")),
        ),
        None,
    ),
    "major_cadence": (
        "major",
        (
            ((0, "maj"), (7, "maj"), (9, "min"), (5, "maj")),
            ((0, "maj"), (9, "min"), (5, "maj"), (7, "maj")),
            ((0, "maj"), (5, "maj"), (7, "maj"), (7, "dom7")),
        ),
        (0, "maj"),
    ),
    "minor_cadence": (
        "minor",
        (
            ((0, "min"), (5, "min"), (7, "dom7"), (0, "min")),
            ((0, "min"), (8, "maj"), (5, "min"), (7, "maj")),
            ((0, "min"), (10, "maj"), (8, "maj"), (7, "maj")),
        ),
        (0, "min"),
    ),
}
MODAL = ("aeolian", "dorian", "mixolydian")
_QUALITY = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dom7": (0, 4, 7, 10),
    "min7": (0, 3, 7, 10),
}
CHORD_PROGRAMS = (0, 1, 4, 16, 24, 48, 88, 89)  # pianos, e-piano, organ, guitar, strings, pads
BASS_PROGRAMS = (33, 34, 38)  # fingered, picked, synth bass
KITS = (0, 16, 25)  # GM bank 128: standard, power, TR-808
KICK, SNARE, CHH = 36, 38, 42


def half_of(seed: int) -> str:
    return "tune" if seed % 2 == 0 else "held_out"


# --------------------------------------------------------------------------- the music


def _voicing(tonic: int, chord: Chord, prev: list[int] | None) -> list[int]:
    """MIDI notes of a close voicing between G3 and C5, the inversion nearest ``prev``."""
    root, quality = chord
    pcs = [(tonic + root + iv) % 12 for iv in _QUALITY[quality]]
    best: list[int] = []
    best_cost = 1e9
    for inv in range(len(pcs)):
        order = pcs[inv:] + pcs[:inv]
        notes = [55 + (order[0] - 55) % 12]
        for pc in order[1:]:
            notes.append(notes[-1] + (pc - notes[-1]) % 12)
        centre = float(np.mean(notes))
        cost = abs(centre - 63.0) if prev is None else abs(centre - float(np.mean(prev)))
        if cost < best_cost:
            best, best_cost = notes, cost
    return best


def score_events(rng: np.random.Generator, family: str, tonic: int) -> dict[str, Any]:
    """The clip's chords (start beat, beats, MIDI notes), bass notes (start beat, beats,
    MIDI) and drums (beat, GM drum pitch, velocity), and its key."""
    from groovegraph.tools.keys import Key

    mode, progs, closing = FAMILIES[family]
    prog = progs[int(rng.integers(len(progs)))]
    per_bar = int(rng.choice((1, 2)))
    beats_per_chord = 4.0 / per_bar
    cycles = int(rng.integers(2, 5)) if per_bar == 1 or len(prog) < 4 else int(rng.integers(3, 6))
    seq = list(prog) * cycles
    if closing is not None:
        seq.append(closing)
    fifth_p = float(rng.choice((0.0, 0.0, 0.4)))
    bass_base = 33 + (tonic - 9) % 12  # A1..G#2
    chords, bass = [], []
    prev = None
    for j, chord in enumerate(seq):
        t = j * beats_per_chord
        last = closing is not None and j == len(seq) - 1
        length = 4.0 if last else beats_per_chord
        notes = _voicing(tonic, chord, prev)
        prev = notes
        chords.append((t, length, notes))
        root = bass_base + chord[0] if bass_base + chord[0] <= 45 else bass_base + chord[0] - 12
        if length >= 4.0 and rng.random() < fifth_p:
            bass += [(t, 2.0, root), (t + 2.0, 2.0, root + 7 if root + 7 <= 50 else root - 5)]
        else:
            bass.append((t, length, root))
    total_beats = chords[-1][0] + chords[-1][1]
    drums: list[tuple[float, int, int]] = []
    with_drums = rng.random() < 0.6
    # How the clip opens: on the first chord, after silence, after a bar of drums alone,
    # or with the loop's last chord as a one-beat pickup before the first downbeat.
    intro = str(rng.choice(("none", "silence", "drum_bar", "pickup"), p=(0.35, 0.2, 0.3, 0.15)))
    if intro == "drum_bar" and not with_drums:
        intro = "silence"
    offset_s = float(rng.uniform(0.2, 1.5)) if intro == "silence" else 0.0
    shift = {"drum_bar": 4.0, "pickup": 1.0}.get(intro, 0.0)
    if shift:
        chords = [(s + shift, d, ns) for s, d, ns in chords]
        bass = [(s + shift, d, p) for s, d, p in bass]
        total_beats += shift
    if intro == "pickup":
        chords.insert(0, (0.0, 1.0, chords[len(prog) - 1][2]))
        bass.insert(
            0,
            (
                0.0,
                1.0,
                bass_base
                + seq[len(prog) - 1][0]
                - (12 if bass_base + seq[len(prog) - 1][0] > 45 else 0),
            ),
        )
    if with_drums:
        hat = float(rng.choice((0.5, 0.25)))
        for b in range(int(np.ceil(total_beats / 4.0))):
            t0 = 4.0 * b
            for k in (0.0, 2.5) if rng.random() < 0.5 else (0.0, 1.5, 2.5):
                drums.append((t0 + k, KICK, int(rng.integers(100, 120))))
            drums += [(t0 + s, SNARE, int(rng.integers(95, 115))) for s in (1.0, 3.0)]
            drums += [(t0 + h, CHH, int(rng.integers(60, 90))) for h in np.arange(0.0, 4.0, hat)]
    return {
        "key": Key(tonic % 12, mode).name,  # type: ignore[arg-type]
        "progression": " ".join(f"{r}{q}" for r, q in prog),
        "chords_per_bar": per_bar,
        "cycles": cycles,
        "chords": chords,
        "bass": bass,
        "drums": [d for d in drums if d[0] < total_beats],
        "beats": total_beats,
        "intro": intro,
        "offset_s": offset_s,
    }


def _midi_hz(m: float) -> float:
    return 440.0 * 2.0 ** ((m - 69.0) / 12.0)


def _numpy_render(ev: dict[str, Any], beat: float, rng: np.random.Generator) -> np.ndarray:
    """Additive piano or pad chords, a saw or sine bass and a noise-and-sine kit."""
    n = round((ev["beats"] * beat + 0.5) * SR)
    y = np.zeros(n)
    pad = rng.random() < 0.5
    n_partials = int(rng.integers(4, 10))
    for start, length, notes in ev["chords"]:
        hits = [(start, length)]
        if not pad and rng.random() < 0.5:  # piano comping on the beats of the chord
            hits = [(start + k, 1.0) for k in range(int(length))]
        for s, d in hits:
            a = round(s * beat * SR)
            m = min(n - a, round((d * beat) * SR))
            t = np.arange(m) / SR
            if pad:
                env = np.minimum(1.0, t / 0.15) * np.clip((d * beat - t) / 0.1, 0, 1)
            else:
                env = np.exp(-t / 0.8) * np.minimum(1.0, t / 0.003)
                env *= np.clip((d * beat - t) / 0.05, 0, 1)
            for note in notes:
                f = _midi_hz(note)
                tone = np.zeros(m)
                for k in range(1, n_partials + 1):
                    if k * f < SR / 2 - 100:
                        tone += np.sin(2 * np.pi * k * f * t + rng.uniform(0, 6.28)) / k**1.2
                y[a : a + m] += 0.12 * env * tone
    saw = rng.random() < 0.5
    for start, length, note in ev["bass"]:
        a = round(start * beat * SR)
        m = min(n - a, round(length * beat * 0.95 * SR))
        t = np.arange(m) / SR
        f = _midi_hz(note)
        tone = sum(np.sin(2 * np.pi * k * f * t) / k for k in range(1, 7 if saw else 3))
        env = np.minimum(1.0, t / 0.005) * np.exp(-t / 1.5) * np.clip((m / SR - t) / 0.02, 0, 1)
        y[a : a + m] += 0.35 * env * tone
    for b, pitch, vel in ev["drums"]:
        a = round(b * beat * SR)
        m = min(n - a, round(0.25 * SR))
        t = np.arange(m) / SR
        g = vel / 127.0
        if pitch == KICK:
            hit = np.sin(2 * np.pi * np.cumsum(50 + 90 * np.exp(-t / 0.03)) / SR) * np.exp(
                -t / 0.12
            )
        elif pitch == SNARE:
            hit = rng.standard_normal(m) * np.exp(-t / 0.07) * 0.6
        else:
            noise = rng.standard_normal(m)
            hit = np.diff(noise, prepend=0.0) * np.exp(-t / 0.02) * 0.25
        y[a : a + m] += 0.5 * g * hit
    return y


def build(per_family: int) -> list[dict[str, Any]]:
    """``per_family`` clips of each family (half tune, half held out), rendered."""
    from groovegraph.evals.corpus import render
    from groovegraph.evals.corpus.render import Note, Performance

    fonts = render.soundfonts()
    names = [n for n in ("fluidr3", "timgm6mb", "musescore") if fonts[n].available]
    clips: list[dict[str, Any]] = []
    pending: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    i = 0
    for family in FAMILIES:
        for k in range(per_family):
            seed = BASE_SEED + i
            i += 1
            rng = np.random.default_rng(seed)
            tonic = (k * 5 + 7 * (i // per_family)) % 12  # every tonic, spread over families
            ev = score_events(rng, family, tonic)
            bpm = float(np.round(rng.uniform(70.0, 135.0), 1))
            beat = 60.0 / bpm
            gm = bool(names) and rng.random() < 0.5
            clip: dict[str, Any] = {
                "seed": seed, "half": half_of(seed), "family": family, "key": ev["key"],
                "progression": ev["progression"], "chords_per_bar": ev["chords_per_bar"],
                "cycles": ev["cycles"], "tempo_bpm": bpm, "drums": bool(ev["drums"]),
                "intro": ev["intro"],
                "sr": SR,
            }  # fmt: skip
            if not gm:
                clip["source"] = "numpy"
                y = _numpy_render(ev, beat, rng)
                y = np.concatenate([np.zeros(round(ev["offset_s"] * SR)), y])
                clip["y"] = (0.8 * y / (float(np.max(np.abs(y))) + 1e-12)).astype(np.float32)
                clips.append(clip)
                continue
            prog_chord = int(rng.choice(CHORD_PROGRAMS))
            prog_bass = int(rng.choice(BASS_PROGRAMS))
            kit = int(rng.choice(KITS))
            off = ev["offset_s"]
            notes = [
                Note(
                    off + s * beat,
                    off + (s + d) * beat * 0.98,
                    p,
                    int(rng.integers(70, 95)),
                    0,
                    prog_chord,
                )
                for s, d, ps in ev["chords"]
                for p in ps
            ]
            notes += [
                Note(
                    off + s * beat,
                    off + (s + d) * beat * 0.95,
                    p,
                    int(rng.integers(90, 110)),
                    1,
                    prog_bass,
                )
                for s, d, p in ev["bass"]
            ]
            notes += [
                Note(off + b * beat, off + b * beat + 0.1, p, v, render.DRUM_CHANNEL, kit)
                for b, p, v in ev["drums"]
            ]
            dur = off + ev["beats"] * beat + 0.5
            font = names[(k + i) % len(names)]
            clip["source"] = "gm/" + font
            clip["programs"] = [prog_chord, prog_bass]
            pending.setdefault(font, []).append((Performance(notes=notes, duration_s=dur), clip))
            clips.append(clip)
    for font, items in pending.items():
        ys = render.render_batch([p for p, _ in items], fonts[font], latency={})
        for (_, clip), y in zip(items, ys, strict=True):
            clip["y"] = (0.8 * y / (float(np.max(np.abs(y))) + 1e-12)).astype(np.float32)
    return clips


# --------------------------------------------------------------------------- scoring


def score(clip: dict[str, Any]) -> dict[str, Any]:
    """Key, confidence and runner-up of one clip (the estimator analysis runs)."""
    from groovegraph.tools.tonality import estimate_key

    row: dict[str, Any] = {
        k: clip[k]
        for k in (
            "seed", "half", "family", "key", "progression", "chords_per_bar", "drums", "source",
            "intro",
        )
    }  # fmt: skip
    try:
        est = estimate_key(y=clip["y"], sr=clip["sr"])
    except Exception as exc:  # an error counts as no key
        row.update(error=repr(exc), est=None, conf=0.0)
        return row
    row.update(est=est.key, conf=round(est.confidence, 3), runner_up=est.runner_up)
    return row


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    from groovegraph.evals.metrics import mirex_key_score
    from groovegraph.tools.keys import parse_key

    if not rows:
        return {"n": 0}
    mirex = np.array(
        [0.0 if r["est"] is None else mirex_key_score(estimated=r["est"], reference=r["key"])
         for r in rows]
    )  # fmt: skip
    right = mirex == 1.0
    relative = np.array(
        [r["est"] is not None and parse_key(r["est"]) == parse_key(r["key"]).relative for r in rows]
    )
    conf = np.array([r["conf"] for r in rows])
    return {
        "n": len(rows),
        "mirex": round(float(mirex.mean()), 3),
        "exact": round(float(right.mean()), 3),
        "relative_confusion": round(float(relative.mean()), 3),
        "conf_mean": round(float(conf.mean()), 3),
        "calibration_gap": round(float(conf.mean() - right.mean()), 3),
        "wrong_at_0_95": int(np.count_nonzero(~right & (conf >= 0.95))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = stress_parser(__doc__.split("\n\n")[0])
    args = parser.parse_args(argv)
    clips, halves = stress_clips(parser, args, lambda: build(args.per_family))
    t0 = time.perf_counter()
    rows = [score(c) for c in clips if c["half"] in halves]
    result = stress_result(
        "modal_key_stress", args, argv, score_s=round(time.perf_counter() - t0, 1)
    )
    for half in halves:
        mine = [r for r in rows if r["half"] == half]
        out: dict[str, Any] = {
            "all": summarize(mine),
            "modal": summarize([r for r in mine if r["family"] in MODAL]),
            "families": {f: summarize([r for r in mine if r["family"] == f]) for f in FAMILIES},
            "renderer": {
                s: summarize([r for r in mine if r["source"].startswith(s)])
                for s in ("gm", "numpy")
            },
            "drums": {
                d: summarize([r for r in mine if r["drums"] == (d == "yes")]) for d in ("yes", "no")
            },
            "intro": {
                i: summarize([r for r in mine if r["intro"] == i])
                for i in ("none", "silence", "drum_bar", "pickup")
            },
            "chords_per_bar": {
                str(c): summarize([r for r in mine if r["chords_per_bar"] == c]) for c in (1, 2)
            },
        }
        result["halves"][half] = out
        print(half, "all", json.dumps(out["all"]))
        print(half, "modal", json.dumps(out["modal"]))
        for group in ("families", "renderer", "drums", "intro", "chords_per_bar"):
            for name, s in out[group].items():
                print("   ", group, name, json.dumps(s))
    return finish_stress(result, rows, args, RESULTS / "modal_key_stress.json")


if __name__ == "__main__":
    sys.exit(main())
