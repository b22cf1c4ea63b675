"""Fit the key model (:mod:`groovegraph.tools.key_model`) on tuning material only.

    python -m benchmarks.key_model_fit [--synth 240] [--set NAME=LIST.json ...] [--write]

Tuning material:

* ``--synth N``: our own generator (:mod:`groovegraph.tools.synth`) from the tuning seed
  (``benchmarks.analysis_accuracy.TUNING_SEED``), never the reporting seed: full mixes,
  drumless and sparse arrangements, clips of one to several whole progression cycles.
* ``--set NAME=LIST.json`` (repeatable): a JSON list of ``{"path": WAV, "key": "A minor"}``
  — the tuning split of the independent evaluation corpus. Never pass a reporting split.

The model: for each key, the score is the sum over the features of
:func:`groovegraph.tools.tonality.key_features` (seen from the key's tonic) times a weight
profile of the key's mode — a multinomial logistic regression over the 24 keys, with an L2
pull (``--l2``) towards the previous hand-set profiles. The confidence map is isotonic
regression of "the best key is right" on the out-of-fold probability of the best key
(5-fold cross-validation over the tuning material, so the map is not fitted on predictions
the model has seen). ``--write`` rewrites ``src/groovegraph/tools/key_model.py``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from groovegraph.tools import tonality
from groovegraph.tools.keys import ALL_KEYS, parse_key

_MODEL_FILE = Path(tonality.__file__).with_name("key_model.py")
_CACHE = Path(os.environ.get("GROOVEGRAPH_DATA_DIR") or tempfile.gettempdir()) / "key-features"


def _key_index(name: str) -> int:
    return ALL_KEYS.index(parse_key(name))


def synth_material(n: int) -> list[tuple[str, Any]]:
    """(key, spec) pairs from the tuning seed: every key, several mixes and lengths."""
    from benchmarks.analysis_accuracy import TUNING_SEED, corpus_specs
    from groovegraph.tools.synth import progression_cycle_s, random_spec

    out = []
    for i, spec in enumerate(corpus_specs(n, TUNING_SEED)):
        rng = np.random.default_rng(TUNING_SEED + 7 * i)
        mix = ("full", "full", "sparse", "no_drums")[i % 4]
        cycles = int(rng.integers(1, 3))
        duration = float(np.clip(cycles * progression_cycle_s(spec.tempo_bpm), 4.0, 40.0))
        spec = random_spec(
            rng,
            pattern=spec.pattern,
            key=spec.key,
            mix=mix,
            duration_s=round(duration, 3),
            harmony_level=float(rng.uniform(0.3, 1.0)),
        )
        out.append((spec.key, spec))
    return out


def corpus_tuning_sets(cache_dir: Path | None) -> dict[str, list[tuple[str, Any]]]:
    """The tuning split of :mod:`groovegraph.evals.corpus` (never the reporting split),
    grouped as chorales, modal grooves and the other grooves, each with a key."""
    from groovegraph.evals.corpus import CHORALE_COUNT, chorale_jobs, load_corpus
    from groovegraph.evals.corpus.render import RenderError

    examples = load_corpus("tuning", kinds=("groove",), cache_dir=cache_dir)
    # Chorales one by one: two jobs sharing an id (bwv277 .krn and .mxl) never both
    # cache, and load_corpus then refuses the whole kind; skip such ids instead.
    n_chorales = 0
    for job in chorale_jobs("tuning"):
        if n_chorales >= CHORALE_COUNT:
            break
        try:
            got = load_corpus("tuning", kinds=("chorale",), cache_dir=cache_dir, ids=[job.id])
        except RenderError:
            continue
        examples += got
        n_chorales += len(got)
    out: dict[str, list[tuple[str, Any]]] = {
        "tuning_chorale": [],
        "tuning_modal": [],
        "tuning_tonal": [],
    }
    for ex in examples:
        key = ex.truth.get("key")
        if not key:
            continue
        group = "chorale" if ex.kind == "chorale" else "modal" if ex.truth.get("modal") else "tonal"
        out[f"tuning_{group}"].append((key, str(ex.path)))
    return out


def rotated_material(n: int) -> list[tuple[str, Any]]:
    """(key, spec) pairs of the rotated-progression stress family
    (:mod:`benchmarks.key_rotation_stress`) from its tuning seed, never its check seed."""
    from benchmarks.key_rotation_stress import TUNING_SEED, specs

    return [(s.key, s) for s in specs(n, TUNING_SEED)]


def _activations_of(item: Any) -> tuple[np.ndarray, float]:
    import soundfile as sf

    from benchmarks.key_rotation_stress import SR, RotatedSpec, render
    from groovegraph.tools.synth import synthesize_groove

    if isinstance(item, str):
        y, sr = sf.read(item, dtype="float32", always_2d=True)
        y = y.mean(axis=1)
        if sr != 22050:
            import soxr

            y = soxr.resample(y, sr, 22050).astype(np.float32)
            sr = 22050
    elif isinstance(item, RotatedSpec):
        y, sr = render(item), SR
    else:
        y, _ = synthesize_groove(item)
        sr = item.sample_rate
    return tonality.key_activations(y=y, sr=sr)


def load_set(name: str, items: list[tuple[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Features (N × F × 12) and key indices of one set. The note activations are cached
    under the data dir (the expensive part), the features are computed from them on every
    run, so a change of the features needs no new cache."""
    import pickle

    _CACHE.mkdir(parents=True, exist_ok=True)
    cache = _CACHE / f"{name}.pkl"
    keys = np.array([_key_index(k) for k, _ in items])
    acts: list[tuple[np.ndarray, float] | None] | None = None
    if cache.is_file():
        data = pickle.loads(cache.read_bytes())
        if len(data["acts"]) == len(items) and np.array_equal(data["y"], keys):
            acts = data["acts"]
    if acts is None:
        acts = []
        for i, (_, item) in enumerate(items):
            try:
                acts.append(_activations_of(item))
            except tonality.NoPitchedContentError:
                acts.append(None)
            if (i + 1) % 50 == 0:
                print(f"  {name}: {i + 1}/{len(items)}", file=sys.stderr, flush=True)
        cache.write_bytes(pickle.dumps({"acts": acts, "y": keys}))
    zero = np.zeros((len(tonality.FEATURES), 12))
    X = np.array([zero if a is None else tonality.features_from_activations(*a) for a in acts])
    return X, keys


# --- the model ------------------------------------------------------------------------

# The prior the fit is pulled towards: the previous estimator's hand-set profiles (treble:
# Albrecht & Shanahan's corpus profiles; bass: a line dwelling on tonic, fifth and
# subdominant), no weight on the other evidence.
_PRIOR_TREBLE = {
    "major": [0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081],
    "minor": [0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052],
}
_PRIOR_BASS = {
    "major": [0.40, 0.0, 0.06, 0.0, 0.08, 0.14, 0.0, 0.20, 0.0, 0.09, 0.0, 0.03],
    "minor": [0.40, 0.0, 0.04, 0.09, 0.0, 0.13, 0.0, 0.18, 0.08, 0.0, 0.08, 0.0],
}


def prior_weights() -> np.ndarray:
    """2 modes × F × 12: the z-scored hand profiles on treble and bass, zeros elsewhere."""
    w0 = np.zeros((2, len(tonality.FEATURES), 12))
    for m, mode in enumerate(("major", "minor")):
        for name, table in (("treble", _PRIOR_TREBLE), ("bass", _PRIOR_BASS)):
            p = np.asarray(table[mode])
            w0[m, tonality.FEATURES.index(name)] = 30.0 * (p - p.mean()) / p.std()
    return w0


def _rotated(X: np.ndarray) -> np.ndarray:
    """N × F × tonic × 12: each feature seen from each tonic."""
    idx = (np.arange(12)[None, :] + np.arange(12)[:, None]) % 12
    out: np.ndarray = X[:, :, idx]
    return out


def _scores(R: np.ndarray, W: np.ndarray) -> np.ndarray:
    major = np.einsum("nftj,fj->nt", R, W[0])
    minor = np.einsum("nftj,fj->nt", R, W[1])
    out: np.ndarray = np.concatenate([major, minor], axis=1)
    return out


def _probs(S: np.ndarray) -> np.ndarray:
    e = np.exp(S - S.max(axis=1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def fit(
    X: np.ndarray,
    y: np.ndarray,
    *,
    w0: np.ndarray,
    l2: float | np.ndarray,
    sample_weight: np.ndarray,
) -> np.ndarray:
    """Weights (2 × F × 12) minimising weighted cross-entropy + Σ l2·(W − w0)² (``l2`` a
    number or an array broadcast to the weights' shape: a pull per feature)."""
    from scipy.optimize import minimize

    R = _rotated(X)
    n = len(y)
    onehot = np.zeros((n, 24))
    onehot[np.arange(n), y] = 1.0
    sw = sample_weight / sample_weight.sum()

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        W = flat.reshape(w0.shape)
        P = _probs(_scores(R, W))
        ce = -float(np.sum(sw * np.log(P[np.arange(n), y] + 1e-12)))
        G = (P - onehot) * sw[:, None]  # n × 24
        grad = np.stack(
            [
                np.einsum("nt,nftj->fj", G[:, :12], R),
                np.einsum("nt,nftj->fj", G[:, 12:], R),
            ]
        )
        d = W - w0
        return ce + float(np.sum(l2 * d * d)), (grad + 2 * l2 * d).ravel()

    res = minimize(loss, w0.ravel(), jac=True, method="L-BFGS-B", options={"maxiter": 800})
    out: np.ndarray = res.x.reshape(w0.shape)
    return out


def _mirex(est: np.ndarray, ref: np.ndarray) -> np.ndarray:
    from groovegraph.evals.metrics import mirex_key_score

    return np.array(
        [
            mirex_key_score(estimated=ALL_KEYS[e].name, reference=ALL_KEYS[r].name)
            for e, r in zip(est, ref, strict=True)
        ]
    )


def out_of_fold(
    X: np.ndarray, y: np.ndarray, groups: np.ndarray, *, w0: np.ndarray, l2: float, k: int = 5
) -> np.ndarray:
    """Out-of-fold probabilities (N × 24) from k-fold cross-validation."""
    rng = np.random.default_rng(0)
    fold = rng.integers(k, size=len(y))
    P = np.zeros((len(y), 24))
    for f in range(k):
        tr, te = fold != f, fold == f
        W = fit(X[tr], y[tr], w0=w0, l2=l2, sample_weight=_balance(groups[tr]))
        P[te] = _probs(_scores(_rotated(X[te]), W))
    return P


def _balance(groups: np.ndarray) -> np.ndarray:
    """Each set weighs the same in the loss, however many clips it has."""
    _, inv, counts = np.unique(groups, return_inverse=True, return_counts=True)
    out: np.ndarray = 1.0 / counts[inv]
    return out


def isotonic_knots(p: np.ndarray, right: np.ndarray, max_knots: int = 24) -> tuple[list, list]:
    """Isotonic map p → P(right), thinned to at most ``max_knots`` knots for np.interp."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, right)
    xs = np.unique(np.concatenate([[0.0], np.quantile(p, np.linspace(0, 1, max_knots)), [1.0]]))
    ys = iso.predict(xs)
    return [round(float(v), 4) for v in xs], [round(float(v), 4) for v in ys]


def reliability(conf: np.ndarray, right: np.ndarray, bins: int = 10) -> dict[str, Any]:
    """Expected calibration error and the reliability table (equal-width bins)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    table, ece = [], 0.0
    for lo, hi in itertools.pairwise(edges):
        sel = (conf >= lo) & ((conf < hi) if hi < 1.0 else (conf <= hi))
        if not np.any(sel):
            continue
        acc, mean_conf = float(right[sel].mean()), float(conf[sel].mean())
        ece += sel.mean() * abs(acc - mean_conf)
        table.append(
            {
                "bin": [round(lo, 2), round(hi, 2)],
                "n": int(sel.sum()),
                "confidence": round(mean_conf, 3),
                "accuracy": round(acc, 3),
            }
        )
    hi_conf = conf >= 0.95
    return {
        "ece": round(float(ece), 4),
        "wrong_at_ge_0.95": round(float((~right[hi_conf]).mean()) if hi_conf.any() else 0.0, 4),
        "n_at_ge_0.95": int(hi_conf.sum()),
        "table": table,
    }


def _write_model(W: np.ndarray, knots: tuple[list, list], meta: dict[str, Any]) -> None:
    rows = []
    for m, mode in enumerate(("major", "minor")):
        rows.append(f"        [  # {mode}")
        for f, name in enumerate(tonality.FEATURES):
            vals = ", ".join(f"{v:.3f}" for v in W[m, f])
            rows.append(f"            [{vals}],  # {name}")
        rows.append("        ],")
    body = "\n".join(rows)
    text = f'''"""Fitted constants of the key model (:mod:`groovegraph.tools.tonality`).

Written by ``python -m benchmarks.key_model_fit {meta["args"]}`` on tuning material only:
{meta["sets"]}.
Do not edit by hand; re-run the fit.
"""

import numpy as np

#: (mode: major, minor) × feature (tonality.FEATURES order) × pitch class from the tonic.
WEIGHTS = np.array(
    [
{body}
    ]
)

#: Isotonic map from the model's probability of its best key to P(right): (x, y) knots.
CALIBRATION = (
    np.array({knots[0]}),
    np.array({knots[1]}),
)
'''
    _MODEL_FILE.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synth", type=int, default=240, help="clips from our generator")
    parser.add_argument("--set", action="append", default=[], help="NAME=LIST.json")
    parser.add_argument(
        "--rotated",
        type=int,
        default=0,
        help="clips of the rotated-progression stress family (benchmarks.key_rotation_stress)",
    )
    parser.add_argument(
        "--corpus",
        action="store_true",
        help="add the evaluation corpus's tuning split (chorales, modal and tonal grooves)",
    )
    parser.add_argument("--corpus-cache", type=Path, default=None, help="its render cache")
    parser.add_argument("--l2", type=float, default=1e-4)
    parser.add_argument("--write", action="store_true", help="rewrite key_model.py")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "key_model_fit.json"
    )
    args = parser.parse_args(argv)

    sets: dict[str, list[tuple[str, Any]]] = {}
    if args.synth:
        sets["synth"] = synth_material(args.synth)
    if args.corpus:
        sets.update(corpus_tuning_sets(args.corpus_cache))
    if args.rotated:
        sets["rotated"] = rotated_material(args.rotated)
    for spec in args.set:
        name, _, path = spec.partition("=")
        rows = json.loads(Path(path).read_text(encoding="utf-8"))
        sets[name] = [(r["key"], str(Path(path).parent / r["path"])) for r in rows]
    started = time.perf_counter()
    Xs, ys, gs = [], [], []
    for name, items in sets.items():
        X, y = load_set(name, items)
        Xs.append(X)
        ys.append(y)
        gs.append(np.array([name] * len(y)))
    X, y, groups = np.concatenate(Xs), np.concatenate(ys), np.concatenate(gs)
    keep = X.sum(axis=(1, 2)) > 0
    X, y, groups = X[keep], y[keep], groups[keep]

    w0 = prior_weights()
    P = out_of_fold(X, y, groups, w0=w0, l2=args.l2)
    best = P.argmax(axis=1)
    pbest = P.max(axis=1)
    right = best == y
    knots = isotonic_knots(pbest, right.astype(float))
    conf = np.interp(pbest, knots[0], knots[1])
    report: dict[str, Any] = {
        "benchmark": "key_model_fit",
        "command": "python -m benchmarks.key_model_fit " + " ".join(argv or sys.argv[1:]),
        "n": len(y),
        "cross_validated": {},
        "calibration_out_of_fold": reliability(conf, right),
    }
    for name in sets:
        sel = groups == name
        report["cross_validated"][name] = {
            "n": int(sel.sum()),
            "mirex": round(float(_mirex(best[sel], y[sel]).mean()), 4),
            "exact": round(float(right[sel].mean()), 4),
        }
    W = fit(X, y, w0=w0, l2=args.l2, sample_weight=_balance(groups))
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.write:
        meta = {
            "args": " ".join(argv or sys.argv[1:]),
            "sets": ", ".join(f"{k} ({int((groups == k).sum())} clips)" for k in sets),
        }
        _write_model(W, knots, meta)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "calibration_out_of_fold"}, indent=1))
    print(json.dumps(report["calibration_out_of_fold"], indent=1))
    return report


if __name__ == "__main__":
    main()
