"""Fit the weights of :func:`groovegraph.tools.rhythm.tempo_confidence` on tuning data.

    python -m benchmarks.tempo_calibration --cache-dir DIR [--rows rows.json] [--folds 5]

Tuning data only: the independent corpus's ``tuning`` split (grooves), the trap set of
:mod:`benchmarks.rhythm_traps` and our generator's corpus, both at the tuning seed 1000, and
the fast waltzes and sine-tone bass riffs of :mod:`benchmarks.tempo_hard` (seeds 2000+), and
the tune half of :mod:`benchmarks.drumless_stress` (even seeds; loops without drums).
Never the reporting split or seed 7919. For each clip the rhythm analysis's evidence
(:data:`~groovegraph.tools.rhythm.CONFIDENCE_FEATURES`: the chosen metrical level's score
margin and its gaps to the runner-up level, beats with an onset, periodicity strength,
octave distance from 105 BPM, stability, timing spread) and whether its tempo is right
(Acc1, 4 %) are collected; a logistic regression (small L2) is fitted. Its out-of-fold
reliability (``--folds`` stratified folds of the same tuning rows: ECE, wrong answers at
confidence >= 0.95, share of right answers at >= 0.9) and in-sample reliability and the
weights are printed and written to ``benchmarks/results/tempo_calibration.json``.
Paste the weights into ``CONFIDENCE_WEIGHTS``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from groovegraph.evals import metrics
from groovegraph.tools.rhythm import (
    CONFIDENCE_FEATURES,
    analyze_rhythm,
    confidence_features,
    drumless_cap,
)

RESULTS = Path(__file__).resolve().parent / "results" / "tempo_calibration.json"
TUNING_SEED = 1000


def _row(y: np.ndarray, sr: int, true_bpm: float, source: str) -> dict[str, Any] | None:
    try:
        r = analyze_rhythm(y=y, sr=sr)
    except Exception:
        return None
    if not r.evidence:
        return None  # a long clip analysed in windows: no single level's evidence
    ok = metrics.tempo_acc1(estimated_bpm=r.tempo_bpm, true_bpm=true_bpm)
    return {"source": source, "ok": bool(ok), "bpm": r.tempo_bpm, "truth": true_bpm, **r.evidence}


def collect(
    corpus_limit: int | None,
    traps: int,
    own: int,
    cache: Path | None = None,
    drumless_per_family: int = 16,
    drumless_cache: Path | None = None,
) -> list[dict[str, Any]]:
    from benchmarks.analysis_accuracy import corpus_specs
    from benchmarks.rhythm_traps import FAMILIES, trap_spec
    from groovegraph.tools.synth import synthesize_groove

    rows: list[dict[str, Any]] = []
    from groovegraph.evals.corpus import load_corpus
    from groovegraph.settings import Settings

    cache = cache or Settings().data_dir / "eval-corpus"
    for ex in load_corpus("tuning", ["groove"], cache, limit=corpus_limit):
        tb = ex.truth.get("tempo_bpm")
        if tb:
            row = _row(ex.load(), ex.sr, float(tb), "corpus:" + ex.category)
            if row:
                row["ambiguous"] = bool(ex.truth.get("tempo_octave_ambiguous"))
                rows.append(row)
    rng = np.random.default_rng(TUNING_SEED)
    for fam in FAMILIES:
        for _ in range(traps):
            y, truth = synthesize_groove(trap_spec(fam, rng))
            row = _row(y, truth.sample_rate, truth.tempo_bpm, "traps:" + fam)
            if row:
                rows.append(row)
    for spec in corpus_specs(own, TUNING_SEED):
        y, truth = synthesize_groove(spec)
        row = _row(y, truth.sample_rate, truth.tempo_bpm, "own:" + spec.pattern)
        if row:
            rows.append(row)
    from benchmarks.tempo_hard import hard_clips

    for y, sr, bpm, family in hard_clips():
        row = _row(y, sr, bpm, "hard:" + family)
        if row:
            rows.append(row)
    # The tune half (even seeds) of the drumless stress set: loops without drums, made
    # without our generator. Its held-out half is never used here.
    from benchmarks.drumless_stress import build

    if drumless_cache is not None and drumless_cache.exists():
        clips = list(np.load(drumless_cache, allow_pickle=True)["clips"])
    else:
        clips = build(drumless_per_family)
        if drumless_cache is not None:
            np.savez(drumless_cache, clips=np.array(clips, dtype=object))
    for c in clips:
        if c["half"] == "tune":
            row = _row(c["y"], c["sr"], c["tempo_bpm"], "drumless:" + c["family"])
            if row:
                rows.append(row)
    return rows


def design(rows: list[dict[str, Any]]) -> np.ndarray:
    x = np.array([list(confidence_features(r).values()) for r in rows])
    return np.hstack([np.ones((len(rows), 1)), x])


def fit(rows: list[dict[str, Any]], l2: float = 0.01) -> np.ndarray:
    from scipy.optimize import minimize

    x = design(rows)
    y = np.array([r["ok"] for r in rows], dtype=float)

    def loss(w: np.ndarray) -> float:
        z = x @ w
        return float(np.mean(np.logaddexp(0.0, z) - y * z) + l2 * np.sum(w[1:] ** 2))

    res = minimize(loss, np.zeros(x.shape[1]), method="L-BFGS-B")
    return np.asarray(res.x)


def predict(w: np.ndarray, rows: list[dict[str, Any]]) -> np.ndarray:
    """The logistic model's confidence, capped like the analysis caps it for a loop
    without drums (:func:`~groovegraph.tools.rhythm.drumless_cap`)."""
    cap = np.array([drumless_cap(r) for r in rows])
    return np.minimum(np.asarray(1.0 / (1.0 + np.exp(-(design(rows) @ w)))), cap)


def out_of_fold(rows: list[dict[str, Any]], folds: int, seed: int = 0) -> np.ndarray:
    """Each row's confidence from the weights fitted on the other folds (stratified by
    right/wrong, so every fold has its share of the few wrong answers)."""
    rng = np.random.default_rng(seed)
    fold = np.empty(len(rows), dtype=int)
    for label in (True, False):
        idx = np.flatnonzero([r["ok"] is label for r in rows])
        fold[rng.permutation(idx)] = np.arange(len(idx)) % folds
    conf = np.empty(len(rows))
    for k in range(folds):
        train = [r for r, f in zip(rows, fold, strict=True) if f != k]
        test = np.flatnonzero(fold == k)
        conf[test] = predict(fit(train), [rows[i] for i in test])
    return conf


def reliability(conf: np.ndarray, ok: np.ndarray, bins: int = 10) -> dict[str, Any]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    table, ece = [], 0.0
    for i in range(bins):
        sel = (conf >= edges[i]) & ((conf < edges[i + 1]) if i < bins - 1 else (conf <= 1.0))
        if not np.any(sel):
            continue
        acc, mean_c = float(ok[sel].mean()), float(conf[sel].mean())
        ece += np.count_nonzero(sel) / len(conf) * abs(acc - mean_c)
        table.append({"bin": f"{edges[i]:.1f}-{edges[i + 1]:.1f}", "n": int(np.count_nonzero(sel)),
                      "confidence": round(mean_c, 3), "accuracy": round(acc, 3)})  # fmt: skip
    high = conf >= 0.95
    return {
        "ece": round(float(ece), 4),
        "wrong_at_0.95": round(float(1.0 - ok[high].mean()), 4) if np.any(high) else 0.0,
        "n_at_0.95": int(np.count_nonzero(high)),
        "n_wrong_at_0.95": int(np.count_nonzero(high & (ok == 0))),
        "right_at_0.9": round(float(np.mean(conf[ok == 1] >= 0.9)), 4),
        "table": table,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus-limit", type=int, default=None)
    parser.add_argument("--traps", type=int, default=10)
    parser.add_argument("--own", type=int, default=70)
    parser.add_argument("--rows", type=Path, default=None, help="reuse collected rows (JSON)")
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="the rendered corpus (default: data dir)"
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    parser.add_argument("--drumless-per-family", type=int, default=16)
    parser.add_argument(
        "--drumless-cache", type=Path, default=None, help="benchmarks.drumless_stress clips (npz)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.rows and args.rows.exists():
        rows = json.loads(args.rows.read_text())
    else:
        rows = collect(
            args.corpus_limit, args.traps, args.own, args.cache_dir,
            args.drumless_per_family, args.drumless_cache,
        )  # fmt: skip
        if args.rows:
            args.rows.write_text(json.dumps(rows))
    w = fit(rows)
    conf = predict(w, rows)
    ok = np.array([r["ok"] for r in rows], dtype=float)
    report = {
        "command": "python -m benchmarks.tempo_calibration --cache-dir /work/cache/eval-corpus",
        "n": len(rows),
        "acc1": round(float(ok.mean()), 4),
        "weights": {
            k: round(float(v), 3)
            for k, v in zip(("intercept", *CONFIDENCE_FEATURES), w, strict=True)
        },
        "out_of_fold": {"folds": args.folds, **reliability(out_of_fold(rows, args.folds), ok)},
        "in_sample": reliability(conf, ok),
        "misses": [
            {k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}
            for r in rows
            if not r["ok"]
        ],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    keys = ("n", "acc1", "weights", "out_of_fold", "in_sample")
    print(json.dumps({k: report[k] for k in keys}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
