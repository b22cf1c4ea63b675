"""Key accuracy and calibration on the independent evaluation corpus and on the demo
library, with the textbook librosa key finder measured side by side in the same run.

    python -m benchmarks.key_accuracy [--split reporting] [--demo-n 150] [--out PATH]

* Corpus (:mod:`groovegraph.evals.corpus`): every groove and chorale of ``--split`` that
  has a key (rendered General MIDI audio the key model was never fitted on when the split
  is ``reporting``). Groups: ``chorale`` (Bach, four parts), ``modal`` (Aeolian, Dorian,
  Mixolydian loops without a leading-tone V), ``tonal`` (the other grooves).
* Demo library: the loops ``groovegraph demo`` writes (:func:`groovegraph.tools.demo.demo_items`),
  synthesized in memory, scored against the truth its ``manifest.json`` records.

Metrics: MIREX weighted key score (1 same, 0.5 fifth, 0.3 relative, 0.2 parallel) and
exact-key rate; for ``key_confidence``: expected calibration error over ten equal-width
bins with the reliability table, and the share of wrong keys among answers at
confidence ≥ 0.95. Speed: process CPU seconds of the key estimate per minute of audio.

Textbook peer: ``librosa.feature.chroma_cqt`` averaged over the clip, correlated with the
24 rotated Krumhansl–Kessler profiles (as in ``benchmarks/analysis_accuracy.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.key_model_fit import reliability
from groovegraph.evals import metrics
from groovegraph.tools.keys import ALL_KEYS, Key, parse_key
from groovegraph.tools.tonality import NoPitchedContentError, estimate_key

BARS = {"chorale_mirex": 0.90, "modal_mirex": 0.75, "ece": 0.10, "wrong_at_ge_0.95": 0.03,
        "demo_agreement": 0.97}  # fmt: skip

_KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def textbook_key(y: np.ndarray, sr: int) -> Key:
    """chroma_cqt + Krumhansl–Schmuckler: the key finder of the librosa tutorials."""
    import librosa

    chroma = librosa.feature.chroma_cqt(y=y, sr=sr).mean(axis=1)
    scores = [
        float(
            np.corrcoef(np.roll(_KK_MAJOR if k.mode == "major" else _KK_MINOR, k.pc), chroma)[0, 1]
        )
        for k in ALL_KEYS
    ]
    return ALL_KEYS[int(np.nanargmax(scores))]


def _score(est: str | None, ref: str) -> float:
    return 0.0 if est is None else metrics.mirex_key_score(estimated=est, reference=ref)


def _row(y: np.ndarray, sr: int, truth: str, group: str, item: str, peer: bool) -> dict[str, Any]:
    t0 = time.process_time()
    try:
        k = estimate_key(y=y, sr=sr)
        ours: dict[str, Any] = {"key": k.key, "runner_up": k.runner_up, "confidence": k.confidence}
    except NoPitchedContentError:
        ours = {"key": None, "runner_up": None, "confidence": 0.0}
    ours["cpu_s"] = time.process_time() - t0
    ref = parse_key(truth).name
    ours["mirex"] = _score(ours["key"], ref)
    row: dict[str, Any] = {
        "id": item,
        "group": group,
        "truth": ref,
        "audio_s": len(y) / sr,
        "ours": ours,
    }
    if peer:
        t0 = time.process_time()
        tk = textbook_key(y, sr).name
        row["librosa"] = {"key": tk, "mirex": _score(tk, ref), "cpu_s": time.process_time() - t0}
    return row


def _summary(rows: list[dict[str, Any]], who: str) -> dict[str, Any]:
    if not rows:
        return {"n": 0}
    out = {
        "n": len(rows),
        "mirex": round(float(np.mean([r[who]["mirex"] for r in rows])), 4),
        "exact": round(float(np.mean([r[who]["mirex"] == 1.0 for r in rows])), 4),
    }
    minutes = sum(r["audio_s"] for r in rows) / 60.0
    out["cpu_s_per_audio_minute"] = round(sum(r[who]["cpu_s"] for r in rows) / minutes, 4)
    return out


def _calibration(rows: list[dict[str, Any]]) -> dict[str, Any]:
    conf = np.array([r["ours"]["confidence"] for r in rows])
    right = np.array([r["ours"]["mirex"] == 1.0 for r in rows])
    return reliability(conf, right)


def corpus_rows(
    split: str, peer: bool, limit: int | None, cache_dir: Path | None
) -> list[dict[str, Any]]:
    from groovegraph.evals.corpus import load_corpus

    rows = []
    examples = load_corpus(split, kinds=("groove", "chorale"), limit=limit, cache_dir=cache_dir)
    for i, ex in enumerate(examples):
        truth = ex.truth.get("key")
        if not truth:
            continue
        group = (
            "chorale" if ex.kind == "chorale" else ("modal" if ex.truth.get("modal") else "tonal")
        )
        rows.append(_row(ex.load(), ex.sr, truth, group, ex.id, peer))
        if (i + 1) % 50 == 0:
            print(f"  corpus {i + 1}/{len(examples)}", file=sys.stderr, flush=True)
    return rows


def demo_rows(n: int, peer: bool) -> list[dict[str, Any]]:
    from groovegraph.tools.demo import demo_items
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    items = demo_items()[:n]
    rows = []
    for item in items:
        spec = GrooveSpec(**item.spec)
        y, truth = synthesize_groove(spec)
        rows.append(_row(y, spec.sample_rate, truth.key, "demo", item.relative, peer))
    return rows


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="reporting", choices=("tuning", "reporting"))
    parser.add_argument("--limit", type=int, default=None, help="examples per kind")
    parser.add_argument("--demo-n", type=int, default=150, help="demo loops (0: skip)")
    parser.add_argument("--corpus-cache", type=Path, default=None, help="corpus render cache")
    parser.add_argument("--no-peer", action="store_true", help="skip the librosa peer")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "key_accuracy.json"
    )
    args = parser.parse_args(argv)
    peer = not args.no_peer
    if peer:  # compile librosa's kernels outside the measured calls
        textbook_key(np.random.default_rng(0).standard_normal(22050 * 2).astype(np.float32), 22050)
    estimate_key(y=np.sin(np.arange(22050 * 2) * 0.1).astype(np.float32), sr=22050)

    rows = corpus_rows(args.split, peer, args.limit, args.corpus_cache)
    demo = demo_rows(args.demo_n, peer) if args.demo_n else []
    result: dict[str, Any] = {
        "benchmark": "key_accuracy",
        "command": "python -m benchmarks.key_accuracy " + " ".join(argv or sys.argv[1:]),
        "split": args.split,
        "bars": BARS,
        "corpus": {},
        "demo": {},
    }
    groups = {"all": rows} | {
        g: [r for r in rows if r["group"] == g] for g in ("chorale", "modal", "tonal")
    }
    for name, sel in groups.items():
        entry: dict[str, Any] = {"ours": _summary(sel, "ours")}
        if peer:
            entry["librosa"] = _summary(sel, "librosa")
        result["corpus"][name] = entry
    if rows:
        result["corpus"]["calibration"] = _calibration(rows)
    if demo:
        result["demo"] = {
            "ours": _summary(demo, "ours")
            | {"agreement": round(float(np.mean([r["ours"]["mirex"] == 1.0 for r in demo])), 4)},
            "calibration": _calibration(demo),
            "disagreements": [
                {
                    "file": r["id"],
                    "manifest": r["truth"],
                    "analysed": r["ours"]["key"],
                    "confidence": round(r["ours"]["confidence"], 3),
                }
                for r in demo
                if r["ours"]["mirex"] != 1.0
            ],
        }
        if peer:
            result["demo"]["librosa"] = _summary(demo, "librosa")
    result["rows"] = rows
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    brief = {k: v for k, v in result.items() if k != "rows"}
    print(json.dumps(brief, indent=1))
    return result


if __name__ == "__main__":
    main()
