"""One-shot stress family: synthetic kicks, toms and 808s with random parameters.

    python -m benchmarks.oneshot_drum_stress [--n 120] [--seed 9931] [--out PATH]

Written for the one-shot classifier's stress test only (independent of the evaluation
corpus's General MIDI kits and of the demo's hits):

* ``kick``: a sine (sometimes with a 2nd harmonic or soft clipping) whose pitch falls
  fast — an exponential sweep from 100–250 Hz into the sub-bass (38–65 Hz) with a time
  constant of 8–60 ms — and dies within 0.12–0.5 s; sometimes a click or a noise burst on
  top.
* ``tom``: a membrane at 70–260 Hz whose pitch sinks by 0–3 semitones over a 0.15–0.7 s
  ring, with two inharmonic modes (×1.59, ×2.14) and a short stick noise.
* ``bass`` (an 808): a sine at 30–70 Hz held 0.6–2.2 s, sometimes with a short pitch
  drop into the note.

``TUNING_SEED`` is the seed rules may be set on; the default ``CHECK_SEED`` is the family
this benchmark reports.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

TUNING_SEED = 9_929
CHECK_SEED = 9_931
SR = 22050
KINDS = ("kick", "tom", "bass")


@dataclass(frozen=True)
class DrumSpec:
    instrument: str
    f_start_hz: float  # pitch at the attack
    f_end_hz: float  # pitch the sound settles on
    sweep_s: float  # time constant of the pitch fall
    decay_s: float  # time constant of the amplitude decay (808: hold length)
    click: bool
    drive: float  # 0 = clean sine; soft clipping amount
    seed: int


def specs(n: int, seed: int) -> list[DrumSpec]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        if kind == "kick":
            f_end = rng.uniform(38, 65)
            f_start = rng.uniform(100, 250)
            sweep = rng.uniform(0.008, 0.06)
            decay = rng.uniform(0.04, 0.15)
        elif kind == "tom":
            f_end = rng.uniform(70, 260)
            f_start = f_end * 2 ** (rng.uniform(0, 3) / 12)
            sweep = rng.uniform(0.05, 0.3)
            decay = rng.uniform(0.06, 0.25)
        else:
            f_end = rng.uniform(30, 70)
            drop = rng.random() < 0.5
            f_start = f_end * (2 ** (rng.uniform(3, 12) / 12) if drop else 1.0)
            sweep = rng.uniform(0.01, 0.05)
            decay = rng.uniform(0.6, 2.2)
        out.append(
            DrumSpec(
                instrument=kind,
                f_start_hz=round(float(f_start), 2),
                f_end_hz=round(float(f_end), 2),
                sweep_s=round(float(sweep), 4),
                decay_s=round(float(decay), 3),
                click=bool(rng.random() < 0.5),
                drive=round(float(rng.uniform(0, 2.5)) if rng.random() < 0.4 else 0.0, 2),
                seed=int(rng.integers(2**31 - 1)),
            )
        )
    return out


def render(spec: DrumSpec) -> np.ndarray:
    rng = np.random.default_rng(spec.seed)
    if spec.instrument == "bass":
        length = spec.decay_s + 0.15
    else:
        length = min(2.0, 7.0 * spec.decay_s + 0.05)
    t = np.arange(int(length * SR)) / SR
    f = spec.f_end_hz + (spec.f_start_hz - spec.f_end_hz) * np.exp(-t / spec.sweep_s)
    phase = 2 * np.pi * np.cumsum(f) / SR
    y = np.sin(phase)
    if spec.instrument == "bass":
        env = np.minimum(1.0, t / 0.003) * np.clip((spec.decay_s + 0.1 - t) / 0.1, 0.0, 1.0)
        env *= np.exp(-t / (3 * spec.decay_s))
    else:
        env = np.minimum(1.0, t / 0.002) * np.exp(-t / spec.decay_s)
    if spec.instrument == "tom":
        y += 0.35 * np.sin(1.59 * phase) * np.exp(-t / (0.5 * spec.decay_s))
        y += 0.2 * np.sin(2.14 * phase) * np.exp(-t / (0.4 * spec.decay_s))
        stick = rng.normal(0, 1, t.size) * np.exp(-t / 0.006)
        y += 0.3 * np.diff(stick, prepend=0.0)
    elif spec.instrument == "kick":
        y += 0.15 * np.sin(2 * phase) * (rng.random() < 0.5)
    y *= env
    if spec.click:
        click = rng.normal(0, 1, t.size) * np.exp(-t / 0.003)
        y += 0.25 * np.diff(click, prepend=0.0)
    if spec.drive > 0:
        y = np.tanh((1 + spec.drive) * y) / np.tanh(1 + spec.drive)
    out: np.ndarray = (0.9 * y / float(np.abs(y).max())).astype(np.float32)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from groovegraph.tools.oneshot import analyze_one_shot, detect_kind

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=120)
    parser.add_argument("--seed", type=int, default=CHECK_SEED)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "oneshot_drum_stress.json"
    )
    args = parser.parse_args(argv)
    rows = []
    for spec in specs(args.n, args.seed):
        y = render(spec)
        res = analyze_one_shot(y=y, sr=SR)
        rows.append(
            {
                **asdict(spec),
                "kind": detect_kind(y, SR),
                "est": res.instrument,
                "root": res.root_note,
            }
        )
    confusion: dict[str, dict[str, int]] = {}
    for r in rows:
        c = confusion.setdefault(r["instrument"], {})
        c[r["est"]] = c.get(r["est"], 0) + 1
    report = {
        "benchmark": "oneshot_drum_stress",
        "command": "python -m benchmarks.oneshot_drum_stress " + " ".join(argv or sys.argv[1:]),
        "n": len(rows),
        "instrument_acc": round(float(np.mean([r["est"] == r["instrument"] for r in rows])), 4),
        "kind_acc": round(float(np.mean([r["kind"] == "one_shot" for r in rows])), 4),
        "by_instrument": {
            k: round(float(np.mean([r["est"] == k for r in rows if r["instrument"] == k])), 4)
            for k in KINDS
        },
        "confusion": confusion,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({**report, "rows": rows}, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
