"""Fit the tonal one-shot model (:mod:`groovegraph.tools.oneshot_model`) on tuning material only.

    python -m benchmarks.oneshot_model_fit [--corpus-cache DIR] [--stress-cache DIR] [--write]

The drum rules of :mod:`groovegraph.tools.oneshot` (kick, snare, clap, hat, cymbal, tom,
fx sweeps) stay hand-set; a pitched sound none of them claims is named by a multinomial
logistic regression over :func:`groovegraph.tools.oneshot._timbre_vector` (register,
envelope, brightness, harmonicity, formant-band shape, harmonic levels, vibrato). This
script collects those vectors from tuning material only and fits the regression:

* the ``tuning`` split of the evaluation corpus's one-shots (``--corpus-cache``; rendered
  there when missing), never the reporting split;
* the ``tune`` and ``tune_b`` halves of :mod:`benchmarks.oneshot_realworld_stress`
  (rendered, or read from ``--stress-cache``), never ``held_out``;
* :mod:`benchmarks.oneshot_drum_stress` at its ``TUNING_SEED``.

Items that reach the model with a truth outside the model's classes (a snare the drum
rules missed) are left out of the fit. Features are standardised; the fit is
full-batch gradient descent on the L2-penalised cross-entropy with classes weighted
inversely to their counts, from zeros, so it is deterministic. ``--cv`` prints the accuracy
of folds that hold out one sound source (a GM program, a drum kit key, a synthetic
family) at a time. ``--write`` rewrites ``src/groovegraph/tools/oneshot_model.py``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from groovegraph.tools import oneshot

#: Classes of the model. Not fx: GM FX patches are pads with a texture, and with fx a
#: class, pads were named fx (and lost their root) in leave-one-program-out folds (pad
#: 0.83 -> 0.74 at ``--corpus-scale 5``, fx 0.40). perc is a class since
#: ``--corpus-scale 5`` gives it 24 pitched hand drums and bells (a steady conga was
#: named tom); the perc rule of :func:`groovegraph.tools.oneshot._tonal_class` still
#: names pitched sounds gone at once.
CLASSES = ("bass", "keys", "pad", "lead", "vocal", "tom", "perc")
_MODEL_FILE = Path(oneshot.__file__).with_name("oneshot_model.py")


class _Tail(Exception):
    def __init__(self, vec: np.ndarray) -> None:
        self.vec = vec


def tail_vector(y: np.ndarray, sr: int) -> np.ndarray | None:
    """The model's input for ``y`` when the drum rules leave it to the model, else None."""

    def capture(f: Any, f0: float, *, swells: bool) -> str:
        raise _Tail(oneshot._timbre_vector(f, f0, swells=swells))

    saved = oneshot._tonal_class
    oneshot._tonal_class = capture  # type: ignore[assignment]
    try:
        oneshot._classify(oneshot._features(np.asarray(y, dtype=np.float32), sr))
    except _Tail as t:
        return t.vec
    finally:
        oneshot._tonal_class = saved  # type: ignore[assignment]
    return None


def material(
    corpus_cache: Path, stress_cache: Path | None, *, corpus_scale: int = 1
) -> list[tuple[str, str, Any, int]]:
    """(source group, truth, samples, sr) of every tuning one-shot (``corpus_scale`` times
    the tuning split's one-shots of the corpus, drawn from its tuning seeds)."""
    from benchmarks import oneshot_drum_stress as drum
    from benchmarks import oneshot_realworld_stress as stress
    from groovegraph.evals.corpus import load_corpus

    out: list[tuple[str, str, Any, int]] = []
    for ex in load_corpus("tuning", ["one_shot"], corpus_cache, oneshot_scale=corpus_scale):
        gm = ex.truth.get("gm") or {}
        group = f"gm-{'drum' if gm.get('drum') else 'prog'}-{gm.get('program')}-{gm.get('pitch') if gm.get('drum') else ''}"
        out.append((group, ex.truth["instrument"], ex.load(), ex.sr))
    for split in ("tune", "tune_b"):
        batch = stress.items(split)
        cache = stress_cache / f"oneshot_realworld_stress_{split}.npz" if stress_cache else None
        if cache is not None and cache.is_file():
            with np.load(cache) as z:
                audio = {k: z[k] for k in z.files}
        else:
            audio = stress.render_all(batch)
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                np.savez(cache, **audio)  # type: ignore[arg-type]
        for it in batch:
            p = it.params
            src = p.get("program", p.get("key", ""))
            out.append((f"{it.family}-{src}", it.instrument, audio[it.id], stress.SR))
    for spec in drum.specs(120, drum.TUNING_SEED):
        out.append((f"drum-{spec.instrument}", spec.instrument, drum.render(spec), drum.SR))
    return out


def fit(
    x: np.ndarray, y: np.ndarray, *, l2: float, iters: int = 3000, lr: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Standardise ``x`` and fit the regression; (mean, scale, weights, bias)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    k = len(CLASSES)
    onehot = np.eye(k)[y]
    counts = np.maximum(onehot.sum(axis=0), 1.0)
    sample_w = (len(y) / (k * counts))[y]
    sample_w /= sample_w.sum()
    w = np.zeros((k, z.shape[1]))
    b = np.zeros(k)
    for _ in range(iters):
        s = z @ w.T + b
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sample_w[:, None]
        w -= lr * (g.T @ z + l2 * w)
        b -= lr * g.sum(axis=0)
    return mean, scale, w, b


def predict(model: tuple[np.ndarray, ...], x: np.ndarray) -> np.ndarray:
    mean, scale, w, b = model
    out: np.ndarray = np.argmax(((x - mean) / scale) @ w.T + b, axis=1)
    return out


def write_model(
    model: tuple[np.ndarray, ...], command: str, n: int, counts: dict[str, int]
) -> None:
    mean, scale, w, b = model

    def fmt(a: np.ndarray) -> str:
        return json.dumps(np.round(a, 5).tolist())

    _MODEL_FILE.write_text(
        f'''"""Fitted weights of the tonal one-shot model (:func:`groovegraph.tools.oneshot._tonal_class`).

Generated by ``{command}`` from {n} tuning one-shots
({", ".join(f"{k} {v}" for k, v in counts.items())}); do not edit by hand.
"""

CLASSES: tuple[str, ...] = {tuple(CLASSES)!r}
MEAN: list[float] = {fmt(mean)}
SCALE: list[float] = {fmt(scale)}
WEIGHTS: list[list[float]] = {fmt(w)}
BIAS: list[float] = {fmt(b)}
''',
        encoding="utf-8",
    )
    # The lint of the repository formats the file the same way every time.
    subprocess.run([sys.executable, "-m", "ruff", "format", str(_MODEL_FILE)], check=False)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-cache", type=Path, default=None)
    parser.add_argument("--stress-cache", type=Path, default=None)
    parser.add_argument("--l2", type=float, default=0.003)
    parser.add_argument(
        "--corpus-scale",
        type=int,
        default=1,
        help="fit on this many times the corpus's tuning one-shots (same tuning seeds)",
    )
    parser.add_argument("--cv", action="store_true", help="leave-one-source-out accuracy")
    parser.add_argument("--write", action="store_true")
    parser.add_argument(
        "--vectors", type=Path, default=None, help="keep the model inputs here (npz) for refits"
    )
    args = parser.parse_args(argv)
    from groovegraph.evals.corpus import default_cache_dir

    rows = []
    if args.vectors is not None and args.vectors.is_file():
        with np.load(args.vectors) as z:
            rows = list(zip(z["groups"].tolist(), z["truths"].tolist(), z["x"], strict=True))
    else:
        cache = args.corpus_cache or default_cache_dir()
        for group, truth, y, sr in material(
            cache, args.stress_cache, corpus_scale=args.corpus_scale
        ):
            vec = tail_vector(y, sr)
            if vec is not None:
                rows.append((group, truth, vec))
        if args.vectors is not None:
            np.savez(
                args.vectors,
                groups=np.array([g for g, _, _ in rows]),
                truths=np.array([t for _, t, _ in rows]),
                x=np.stack([v for _, _, v in rows]),
            )
    kept = [(g, CLASSES.index(t), v) for g, t, v in rows if t in CLASSES]
    x = np.stack([v for _, _, v in kept])
    yy = np.array([c for _, c, _ in kept])
    groups = np.array([g for g, _, _ in kept])
    counts = {c: int((yy == i).sum()) for i, c in enumerate(CLASSES)}
    report: dict[str, Any] = {
        "benchmark": "oneshot_model_fit",
        "reached_model": len(rows),
        "fitted_on": len(kept),
        "left_out_truths": sorted({t for _, t, _ in rows if t not in CLASSES}),
        "counts": counts,
    }
    model = fit(x, yy, l2=args.l2)
    report["train_acc"] = round(float(np.mean(predict(model, x) == yy)), 4)
    if args.cv:
        hits = np.zeros(len(yy), dtype=bool)
        for g in sorted(set(groups.tolist())):
            test = groups == g
            m = fit(x[~test], yy[~test], l2=args.l2)
            hits[test] = predict(m, x[test]) == yy[test]
        report["cv_leave_one_source_out_acc"] = round(float(hits.mean()), 4)
        report["cv_by_class"] = {
            c: round(float(hits[yy == i].mean()), 3)
            for i, c in enumerate(CLASSES)
            if (yy == i).any()
        }
    if args.write:
        command = (
            "python -m benchmarks.oneshot_model_fit --write"
            + (f" --l2 {args.l2}" if args.l2 != 0.003 else "")
            + (f" --corpus-scale {args.corpus_scale}" if args.corpus_scale != 1 else "")
        )
        write_model(model, command, len(kept), counts)
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
