"""808 bass lines under trap drums, and drums-only controls: does a loop whose only tonal
part is a sub bass get a key, and does a real drum loop still get none (issue 9)?

An outside tester's 808 line (a sub bass with pitch and glides) under kick, snare and fast
hats was analysed as "no key — drums only". This set is built independently of
``tools/synth.py``: the drums are MIDI written here and rendered through the General MIDI
soundfonts by fluidsynth (the corpus's renderer, ``evals/corpus/render.py``; standard,
electronic, TR-808 and power kits), the 808 is numpy: a sine (optionally saturated) with
a pitch punch at each note, a long decay, legato notes and glides (portamento) between
some of them, in a known key. Families:

* ``trap_808``: a clean sine 808 line (three or more pitch classes, the third of the key
  among them) under trap drums (kick, snare/clap on 3 or on 2 and 4, 8th/16th hats with
  32nd rolls);
* ``trap_808_dist``: the same with a saturated 808 (odd harmonics, as most 808s are
  mixed);
* ``trap_808_glide``: an 808 sliding between notes on most changes (long portamento);
* ``drums_only``: the trap drums alone (GM kits);
* ``drums_808_kick``: the trap drums with a long numpy 808 kick boom tuned to one pitch
  (a drum, not a bass line: no key).

Tempi 65–160 BPM. Every clip has its own seed; even seeds are the ``tune`` half, odd seeds
the ``held_out`` half (scored, never inspected clip by clip). Reported per half and per
family: for the tonal families the share with a key, MIREX key score (over all clips; no
key scores 0), tonic accuracy, mean confidence of right and wrong keys; for the controls
the share given a key (should be 0). Tempo Acc1 / Acc2 is reported too::

    python -m benchmarks.bass808_stress [--per-family 16] [--cache clips.npz]
        [--half tune|held_out|both] [--clips] [--out benchmarks/results/bass808_stress.json]

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
    print_families,
    stress_clips,
    stress_parser,
    stress_result,
)

SR = 22050
BASE_SEED = 8_080_000
"""Seeds of this set: ``BASE_SEED + i`` (no other set's)."""
TONAL = ("trap_808", "trap_808_dist", "trap_808_glide")
CONTROLS = ("drums_only", "drums_808_kick")
FAMILIES = TONAL + CONTROLS
RESULTS = Path(__file__).resolve().parent / "results"
KICK, SNARE, CLAP, CHH, OHH = 36, 38, 39, 42, 46
KITS = (0, 24, 25, 16)  # GM bank 128: standard, electronic, TR-808, power


def half_of(seed: int) -> str:
    return "tune" if seed % 2 == 0 else "held_out"


# --------------------------------------------------------------------------- the music


def _drums(rng: np.random.Generator, bars: int) -> list[tuple[float, int, int]]:
    """(beat, GM drum pitch, velocity) of a trap groove."""
    half_time = rng.random() < 0.6  # snare on 3 (counted at the fast tempo) or on 2 and 4
    kick_cells = [0, int(rng.choice((3, 6, 7))), int(rng.choice((10, 11, 14)))]
    if rng.random() < 0.5:
        kick_cells.append(int(rng.choice((8, 9, 13))))
    snare = int(rng.choice((SNARE, CLAP)))
    hat_step = float(rng.choice((0.5, 0.25)))
    out: list[tuple[float, int, int]] = []
    for b in range(bars):
        t = 4.0 * b
        out += [(t + c / 4.0, KICK, int(rng.integers(105, 125))) for c in sorted(set(kick_cells))]
        for s in (2.0,) if half_time else (1.0, 3.0):
            out.append((t + s, snare, int(rng.integers(105, 125))))
        k = 0.0
        while k < 4.0:
            if rng.random() < 0.12 and k + 0.5 <= 4.0:  # a roll of 32nds or 16th triplets
                step = float(rng.choice((0.125, 1 / 6)))
                r = 0.0
                while r < 0.5 - 1e-9:
                    out.append((t + k + r, CHH, int(rng.integers(55, 90))))
                    r += step
                k += 0.5
                continue
            out.append((t + k, CHH, int(rng.integers(60, 100))))
            k += hat_step
        if rng.random() < 0.25:
            out.append((t + 3.5, OHH, 80))
    return out


_MINOR_STEPS = (0, 3, 5, 7, 8, 10, 12)
_MAJOR_STEPS = (0, 4, 5, 7, 9, 12)


def _bass_line(
    rng: np.random.Generator, minor: bool, bars: int, glide_p: float
) -> list[tuple[float, float, int, bool]]:
    """(start beat, length in beats, semitones over the tonic, glide into it) of an 808
    line: a one- or two-bar figure repeated, notes held to the next (legato), the tonic
    most often, the key's third at least once."""
    steps = _MINOR_STEPS if minor else _MAJOR_STEPS
    third = 3 if minor else 4
    span = int(rng.choice((1, 2)))
    n_notes = int(rng.integers(3, 7)) * span
    cells = sorted(
        {0} | {int(c) for c in rng.choice(np.arange(1, 16 * span), size=n_notes - 1, replace=False)}
    )
    pitches = [0]
    for _ in cells[1:]:
        pitches.append(0 if rng.random() < 0.35 else int(rng.choice(steps)))
    if third not in pitches:
        pitches[int(rng.integers(1, len(pitches)))] = third
    if len({p % 12 for p in pitches}) < 3:
        others = [s for s in steps if s % 12 not in {p % 12 for p in pitches}]
        pitches[-1] = int(rng.choice(others))
    figure = []
    for j, c in enumerate(cells):
        end = cells[j + 1] if j + 1 < len(cells) else 16 * span
        length = (end - c) / 4.0 * float(rng.uniform(0.7, 1.0))
        figure.append((c / 4.0, length, pitches[j], j > 0 and rng.random() < glide_p))
    out = []
    for rep in range(0, bars, span):
        out += [(4.0 * rep + s, d, p, g) for s, d, p, g in figure]
    return out


def render_808(
    notes: list[tuple[float, float, float, bool]],
    n: int,
    sr: int,
    *,
    decay_s: float,
    drive: float,
    glide_s: float,
) -> np.ndarray:
    """An 808 voice: (start s, length s, MIDI pitch, glide into it) notes as a sine with a
    pitch punch (an octave and a half above, falling in ~15 ms), exponential decay, a
    portamento of ``glide_s`` from the previous note when glide is set, and ``tanh``
    saturation of ``drive`` (0 = clean)."""
    y = np.zeros(n)
    prev = None
    for start, length, pitch, glide in notes:
        a = round(start * sr)
        if a >= n:
            continue
        m = min(n - a, round((length + 0.03) * sr))
        t = np.arange(m) / sr
        midi = np.full(m, float(pitch))
        if glide and prev is not None:
            midi = pitch + (prev - pitch) * np.exp(-t / (glide_s / 3.0))
        if not glide:
            midi = midi + 18.0 * np.exp(-t / 0.005)
        f = 440.0 * 2.0 ** ((midi - 69.0) / 12.0)
        phase = 2 * np.pi * np.cumsum(f) / sr
        env = np.minimum(1.0, t / 0.002) * np.exp(-t / decay_s)
        env *= np.clip((length + 0.03 - t) / 0.03, 0.0, 1.0)
        y[a : a + m] = np.sin(phase) * env  # monophonic: a new note cuts the last
        prev = pitch
    if drive > 0:
        y = np.tanh(drive * y) / np.tanh(drive)
    return y


def build(per_family: int) -> list[dict[str, Any]]:
    """``per_family`` clips of each family (half tune, half held out), rendered."""
    from groovegraph.evals.corpus import render
    from groovegraph.evals.corpus.render import Note, Performance
    from groovegraph.tools.keys import Key

    fonts = render.soundfonts()
    names = [n for n in ("fluidr3", "timgm6mb", "musescore") if fonts[n].available]
    if not names:
        raise SystemExit("no General MIDI soundfont found (the drums are rendered by fluidsynth)")
    clips: list[dict[str, Any]] = []
    pending: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    i = 0
    for family in FAMILIES:
        for k in range(per_family):
            seed = BASE_SEED + i
            i += 1
            rng = np.random.default_rng(seed)
            bpm = float(np.round(rng.uniform(65.0, 160.0), 1))
            dur = float(rng.uniform(10.0, 16.0))
            beat = 60.0 / bpm
            bars = int(np.ceil(dur / (4 * beat))) + 1
            tonic = int(rng.integers(0, 12))
            minor = bool(rng.random() < 0.7)
            start = float(rng.uniform(0.0, 0.2))
            drums = _drums(rng, bars)
            kit = int(rng.choice(KITS))
            perf = Performance(
                notes=[
                    Note(start + s * beat, start + s * beat + 0.1, p, v, render.DRUM_CHANNEL, kit)
                    for s, p, v in drums
                    if start + s * beat < dur - 0.05
                ],
                duration_s=dur,
            )
            clip: dict[str, Any] = {
                "seed": seed, "half": half_of(seed), "family": family, "tempo_bpm": bpm,
                "duration_s": dur, "kit": kit,
                "key": None if family in CONTROLS else Key(tonic, "minor" if minor else "major").name,
            }  # fmt: skip
            n = round(dur * render.SAMPLE_RATE)
            root = 28 + (tonic - 4) % 12  # E1..D#2
            if family in TONAL:
                glide_p = 0.7 if family == "trap_808_glide" else 0.2
                line = _bass_line(rng, minor, bars, glide_p)
                notes = [
                    (start + s * beat, d * beat, float(root + p), g)
                    for s, d, p, g in line
                    if start + s * beat < dur - 0.05
                ]
                bass = render_808(
                    notes, n, render.SAMPLE_RATE,
                    decay_s=float(rng.uniform(0.4, 1.5)),
                    drive=float(rng.uniform(2.0, 5.0)) if family == "trap_808_dist" else 0.0,
                    glide_s=float(rng.uniform(0.12, 0.25) if family == "trap_808_glide"
                                  else rng.uniform(0.04, 0.1)),
                )  # fmt: skip
            elif family == "drums_808_kick":
                pitch = float(root + int(rng.integers(0, 12)))
                notes = [
                    (start + s * beat, 0.9 * beat * 2, pitch, False)
                    for s, p, _ in drums
                    if p == KICK and start + s * beat < dur - 0.05
                ]
                bass = render_808(
                    notes, n, render.SAMPLE_RATE, decay_s=float(rng.uniform(0.3, 0.8)),
                    drive=float(rng.choice((0.0, 3.0))), glide_s=0.05,
                )  # fmt: skip
            else:
                bass = np.zeros(n)
            clip["bass"] = bass.astype(np.float32)
            clip["bass_gain"] = float(rng.uniform(0.5, 0.9))
            font = names[(k + i) % len(names)]
            clip["source"] = "gm/" + font
            pending.setdefault(font, []).append((perf, clip))
            clips.append(clip)
    for font, items in pending.items():
        ys = render.render_batch([p for p, _ in items], fonts[font], latency={})
        for (_, clip), y in zip(items, ys, strict=True):
            drums_y = y / (float(np.max(np.abs(y))) + 1e-12)
            bass = clip.pop("bass")
            mix = drums_y * 0.7 + clip["bass_gain"] * bass[: len(drums_y)]
            clip["y"] = (0.8 * mix / (float(np.max(np.abs(mix))) + 1e-12)).astype(np.float32)
            clip["sr"] = render.SAMPLE_RATE
    return clips


# --------------------------------------------------------------------------- scoring


def _mirex(est: str | None, truth: str) -> float:
    from groovegraph.evals.metrics import mirex_key_score

    return 0.0 if est is None else mirex_key_score(estimated=est, reference=truth)


def _same_tonic(est: str | None, truth: str) -> bool:
    from groovegraph.tools.keys import parse_key

    return est is not None and parse_key(est).pc == parse_key(truth).pc


def score(clip: dict[str, Any]) -> dict[str, Any]:
    from groovegraph.tools.analysis import analyze_signal

    row: dict[str, Any] = {
        k: clip[k] for k in ("seed", "half", "family", "tempo_bpm", "source", "kit", "key")
    }
    t0 = time.perf_counter()
    try:
        a = analyze_signal(y=clip["y"], sr=clip["sr"])
    except Exception as exc:  # an error counts as no key and a wrong tempo
        row.update(error=repr(exc), est=None, conf=0.0, bpm=None)
        return row
    row["analysis_s"] = round(time.perf_counter() - t0, 3)
    row.update(est=a.key, conf=round(a.key_confidence, 3), bpm=a.tempo_bpm)
    return row


def _tempo_ok(bpm: float | None, truth: float, levels: tuple[float, ...]) -> bool:
    return bpm is not None and any(abs(bpm / (truth * f) - 1.0) <= 0.04 for f in levels)


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    if not n:
        return {"n": 0}

    def share(x: Any) -> float:
        return round(float(np.mean(x)), 3)

    out: dict[str, Any] = {
        "n": n,
        "key_reported": share([r["est"] is not None for r in rows]),
        "tempo_acc1": share([_tempo_ok(r["bpm"], r["tempo_bpm"], (1.0,)) for r in rows]),
        "tempo_acc2": share(
            [_tempo_ok(r["bpm"], r["tempo_bpm"], (1.0, 0.5, 2.0, 1 / 3, 3.0)) for r in rows]
        ),
    }
    tonal = [r for r in rows if r["key"] is not None]
    if tonal:
        mirex = np.array([_mirex(r["est"], r["key"]) for r in tonal])
        right = mirex == 1.0
        conf = np.array([r["conf"] for r in tonal])
        given = np.array([r["est"] is not None for r in tonal])
        out.update(
            mirex=round(float(mirex.mean()), 3),
            key_acc=share(right),
            tonic_acc=share([_same_tonic(r["est"], r["key"]) for r in tonal]),
            conf_right_mean=round(float(conf[right].mean()), 3) if right.any() else None,
            conf_wrong_mean=(
                round(float(conf[given & ~right].mean()), 3) if (given & ~right).any() else None
            ),
            wrong_at_0_8=int(np.count_nonzero(given & ~right & (conf >= 0.8))),
            # calibration over the keys given: mean confidence vs. share right
            ece_given=(
                round(abs(float(conf[given].mean()) - float(right[given].mean())), 3)
                if given.any()
                else None
            ),
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = stress_parser(__doc__.split("\n\n")[0])
    args = parser.parse_args(argv)
    clips, halves = stress_clips(parser, args, lambda: build(args.per_family))
    rows = [score(c) for c in clips if c["half"] in halves]
    result = stress_result("bass808_stress", args, argv)
    for half in halves:
        mine = [r for r in rows if r["half"] == half]
        result["halves"][half] = {
            "tonal": summarize([r for r in mine if r["family"] in TONAL]),
            "controls": summarize([r for r in mine if r["family"] in CONTROLS]),
            "families": {f: summarize([r for r in mine if r["family"] == f]) for f in FAMILIES},
        }
        print(half, "tonal", json.dumps(result["halves"][half]["tonal"]))
        print(half, "controls", json.dumps(result["halves"][half]["controls"]))
        print_families(result["halves"][half], FAMILIES)
    return finish_stress(result, rows, args, RESULTS / "bass808_stress.json")


if __name__ == "__main__":
    sys.exit(main())
