"""Fit the metrical-level weights of :mod:`groovegraph.tools.rhythm` on tuning data.

    python -m benchmarks.tempo_levels [--corpus-limit N] [--traps 10] [--own 70] [--rows PATH]

The rhythm analysis picks the beat among candidate periods (the strongest periodicity
and its binary and ternary relatives, the snare cycle halved and quartered) by a linear
score of :data:`~groovegraph.tools.rhythm.LEVEL_FEATURES`. This fits those weights as a
conditional logit: for every clip, a softmax over its candidates, the target being the
candidates within 6 % of the true tempo (clips with none are counted and left out: the
candidate set missed them). Small L2; the prior terms are free.

Tuning data only: the independent corpus's ``tuning`` split (grooves), the trap set of
:mod:`benchmarks.rhythm_traps` and our generator's corpus, both at the tuning seed 1000, and drumless
tonal loops from our generator (seed 1001).
Never the reporting split or seed 7919. Prints the weights (paste them into
``LEVEL_WEIGHTS``), the in-sample pick accuracy per source before and after, and writes
``benchmarks/results/tempo_levels.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from groovegraph.tools import rhythm

RESULTS = Path(__file__).resolve().parent / "results" / "tempo_levels.json"
TUNING_SEED = 1000
OK_TOLERANCE = 0.06
"""A candidate this close to the truth is the right level (the grid fit refines it)."""


SOURCE_WEIGHTS = {"own": 3.0, "traps": 2.0}


def matrix(row: dict[str, Any]) -> np.ndarray:
    """The feature matrix of a clip's candidates (rows) under the current definitions."""
    return np.array(
        [[rhythm._level_features(raw)[k] for k in rhythm.LEVEL_FEATURES] for raw in row["raw"]]
    )


def candidates(y: np.ndarray, sr: int, true_bpm: float, source: str) -> dict[str, Any]:
    """One clip's candidates: their tempi, features and which ones are right."""
    env = rhythm._envelopes(y.astype(np.float32), sr)
    fr = env.frame_rate
    total, low, snare, high = (
        rhythm._normalise(e) for e in (env.total, env.low, env.snare_clean, env.high)
    )
    _ac, cands = rhythm._level_candidates(env.times, fr, total, low, snare, high)
    bpms = [60.0 * fr / lag for lag, _ in cands]
    return {
        "source": source,
        "truth": float(true_bpm),
        "bpm": [float(b) for b in bpms],
        "ok": [bool(abs(b / true_bpm - 1.0) <= OK_TOLERANCE) for b in bpms],
        "raw": [{k: float(v) for k, v in raw.items()} for _, raw in cands],
    }


def collect(corpus_limit: int | None, traps: int, own: int, drumless: int) -> list[dict[str, Any]]:
    from benchmarks.analysis_accuracy import corpus_specs
    from benchmarks.rhythm_traps import FAMILIES, trap_spec
    from groovegraph.evals.corpus import load_corpus
    from groovegraph.settings import Settings
    from groovegraph.tools.synth import synthesize_groove

    rows: list[dict[str, Any]] = []
    cache = Settings().data_dir / "eval-corpus"
    for ex in load_corpus("tuning", ["groove"], cache, limit=corpus_limit):
        tb = ex.truth.get("tempo_bpm")
        if tb:
            rows.append(candidates(ex.load(), ex.sr, float(tb), "corpus:" + ex.category))
    rng = np.random.default_rng(TUNING_SEED)
    for fam in FAMILIES:
        for _ in range(traps):
            y, truth = synthesize_groove(trap_spec(fam, rng))
            rows.append(candidates(y, truth.sample_rate, truth.tempo_bpm, "traps:" + fam))
    for spec in corpus_specs(own, TUNING_SEED):
        y, truth = synthesize_groove(spec)
        rows.append(candidates(y, truth.sample_rate, truth.tempo_bpm, "own:" + spec.pattern))
    # Tonal loops without drums (keys and bass only): the level must come from the
    # harmony's rhythm and the prior alone.
    for spec in corpus_specs(drumless, TUNING_SEED + 1, mix="no_drums"):
        y, truth = synthesize_groove(spec)
        rows.append(candidates(y, truth.sample_rate, truth.tempo_bpm, "drumless:" + spec.pattern))
    return rows


def fit(
    rows: list[dict[str, Any]],
    l2: float = 0.02,
    weight: dict[str, float] | None = None,
    fixed: dict[str, float] | None = None,
) -> np.ndarray:
    """Conditional-logit weights (one per feature) maximising the probability of the right
    candidates. ``weight`` scales the clips whose source starts with a key (``"own"``...);
    ``fixed`` holds features at a given weight (the tempo prior: left free, a corpus
    whose tempi all sit between 80 and 160 BPM would teach a prior too narrow for a
    drum'n'bass break at 180 or a 12/8 at 55)."""
    from scipy.optimize import minimize

    fixed = fixed or {}
    usable = [r for r in rows if any(r["ok"]) and not all(r["ok"])]
    xs = [matrix(r) for r in usable]
    oks = [np.asarray(r["ok"], dtype=bool) for r in usable]
    ws = np.array(
        [
            next((v for k, v in (weight or {}).items() if r["source"].startswith(k)), 1.0)
            for r in usable
        ]
    )
    names = rhythm.LEVEL_FEATURES
    free = np.array([f not in fixed for f in names])
    base = np.array([fixed.get(f, 0.0) for f in names])

    def full(v: np.ndarray) -> np.ndarray:
        w = base.copy()
        w[free] = v
        return w

    def loss(v: np.ndarray) -> float:
        w = full(v)
        total = 0.0
        for x, ok, c in zip(xs, oks, ws, strict=True):
            z = x @ w
            total += c * (np.logaddexp.reduce(z) - np.logaddexp.reduce(z[ok]))
        return float(total / ws.sum() + l2 * np.sum(v**2))

    w0 = np.array([rhythm.LEVEL_WEIGHTS[f] for f in names])[free]
    res = minimize(loss, w0, method="L-BFGS-B")
    return full(np.asarray(res.x))


def picks(rows: list[dict[str, Any]], w: np.ndarray) -> dict[str, Any]:
    """Share of clips whose top-scored candidate is right, per source family and overall."""
    by: dict[str, list[bool]] = {}
    for r in rows:
        z = matrix(r) @ w
        ok = bool(r["ok"][int(np.argmax(z))])
        by.setdefault(r["source"].split(":")[0], []).append(ok)
        by.setdefault(r["source"], []).append(ok)
        by.setdefault("all", []).append(ok)
    return {k: round(float(np.mean(v)), 3) for k, v in sorted(by.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus-limit", type=int, default=None)
    parser.add_argument("--traps", type=int, default=10)
    parser.add_argument("--own", type=int, default=70)
    parser.add_argument("--drumless", type=int, default=28)
    parser.add_argument("--l2", type=float, default=0.02)
    parser.add_argument("--rows", type=Path, default=None, help="reuse collected rows (JSON)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.rows and args.rows.exists():
        rows = json.loads(args.rows.read_text())
    else:
        rows = collect(args.corpus_limit, args.traps, args.own, args.drumless)
        if args.rows:
            args.rows.write_text(json.dumps(rows))
    w0 = np.array([rhythm.LEVEL_WEIGHTS[f] for f in rhythm.LEVEL_FEATURES])
    # A drumless clip from a 160–190 BPM pattern has no level to learn (keys alone at 90
    # are as right as at 180); our own clips and the traps count more than their number
    # (the corpus has 264 clips, all between 50 and 170 BPM).
    train = [r for r in rows if r["source"] != "drumless:dnb"]
    w = fit(train, args.l2, weight=SOURCE_WEIGHTS)
    report = {
        "command": "python -m benchmarks.tempo_levels",
        "n": len(rows),
        "no_right_candidate": [
            {
                "source": r["source"],
                "truth": r["truth"],
                "candidates": [round(b, 1) for b in r["bpm"]],
            }
            for r in rows
            if not any(r["ok"])
        ],
        "weights": {f: round(float(v), 3) for f, v in zip(rhythm.LEVEL_FEATURES, w, strict=True)},
        "picks_current": picks(rows, w0),
        "picks_fitted": picks(rows, w),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "no_right_candidate"}, indent=1))
    print(f"no right candidate: {len(report['no_right_candidate'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
