"""Analysis accuracy on the independent evaluation corpus (issue 9), with the textbook
librosa peer measured on the same files in the same run.

    python -m benchmarks.analysis_realworld [--split reporting|tuning] [--kinds groove,chorale,one_shot]
        [--limit N] [--runs 3] [--no-peer] [--no-demo] [--out PATH] [--cache-dir DIR]

The corpus (:mod:`groovegraph.evals.corpus`) is rendered through General MIDI soundfonts
with fluidsynth and cached (first run: a few minutes; then seconds). Only the
``reporting`` split is quoted; tuners use ``--split tuning`` (written to
``analysis_realworld_tuning.json`` so it never overwrites the reporting figures).

Per category (groove categories, chorales, one-shot instruments):

* tempo Acc1 (±4 %), Acc2 (×2, ×½, ×3, ×⅓ also count), Acc1 on "octave unambiguous" clips;
* beat F-measure (``mir_eval``, ±70 ms, first 5 s trimmed as mir_eval recommends);
* downbeat F-measure (``mir_eval``, ±70 ms, nothing trimmed: the first bar counts) and
  first-downbeat accuracy (the first reported bar start within 70 ms of the true one);
  reported, no bar;
* meter accuracy; swing MAE (points, where both the truth and the estimate have one) and
  swing-subdivision accuracy; backbeat-lag MAE (ms);
* key MIREX weighted score (``groovegraph.evals.metrics.mirex_key_score``), overall, on the
  modal subset (Aeolian, Dorian, Mixolydian progressions) and on the chorales;
* one-shots: kind accuracy, instrument accuracy, root-note accuracy (same MIDI note;
  pitch-class accuracy also given) and the "invented tempo" count (a tempo on a one-shot);
* calibration of ``tempo_confidence`` (correct = Acc1) and ``key_confidence`` (correct =
  exact key): expected calibration error over 10 equal-width bins, the reliability table,
  and the share of wrong answers among those at confidence ≥ 0.95;
* the demo library scored against its own ``manifest.json`` (key exact, tempo Acc1).

Null tolerance: a field the analysis leaves null (or an example it refuses with an
error) counts as a wrong answer wherever a truth exists, and the JSON says how many
answers were missing (``missing``) per metric. Nothing here crashes on a missing field.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from groovegraph.evals import metrics
from groovegraph.evals.corpus import KINDS, Example, dropped, load_corpus, music

RESULTS = Path(__file__).parent / "results"
BARS = {
    "tempo_acc1_unambiguous": (">=", 0.95),
    "tempo_acc2": (">=", 0.98),
    "beat_f_measure": (">=", 0.93),
    "swing_mae_points": ("<=", 2.5),
    "backbeat_lag_mae_ms": ("<=", 4.0),
    "key_mirex_modal": (">=", 0.75),
    "key_mirex_chorales": (">=", 0.90),
    "tempo_ece": ("<=", 0.10),
    "key_ece": ("<=", 0.10),
    "tempo_wrong_at_0.95": ("<=", 0.03),
    "key_wrong_at_0.95": ("<=", 0.03),
    "one_shot_root_note_acc": (">=", 1.0),
    "one_shot_invented_tempo": ("<=", 0),
    "demo_key_agreement": (">=", 0.97),
    "demo_tempo_agreement": (">=", 0.97),
}

_KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


# --------------------------------------------------------------------------- systems


def peer_librosa(y: np.ndarray, sr: int) -> dict[str, Any]:
    """Textbook librosa: ``beat_track`` tempo and beats; mean ``chroma_cqt`` correlated
    with the 24 rotated Krumhansl–Kessler profiles for the key."""
    import warnings

    import librosa

    with warnings.catch_warnings():  # short one-shots: "n_fft too large" is expected
        warnings.simplefilter("ignore", UserWarning)
        tempo, beats = librosa.beat.beat_track(y=y, sr=sr, units="time")
        chroma = librosa.feature.chroma_cqt(y=y, sr=sr).mean(axis=1)
    best, best_r = "C major", -np.inf
    for pc in range(12):
        for mode, prof in (("major", _KK_MAJOR), ("minor", _KK_MINOR)):
            r = float(np.corrcoef(np.roll(prof, pc), chroma)[0, 1])
            if np.isfinite(r) and r > best_r:
                best, best_r = music.key_name(pc, mode), r
    bpm = float(np.atleast_1d(tempo)[0])
    return {
        "kind": "loop",
        "tempo_bpm": bpm if bpm > 0 else None,
        "beats_s": [float(b) for b in beats],
        "key": best,
    }


def ours(path: Path, settings: Any) -> dict[str, Any]:
    from groovegraph.tools.analysis import analyze_file

    return analyze_file(path, settings=settings).model_dump(mode="json")


def _timed(fn: Callable[[], dict[str, Any]], runs: int) -> tuple[dict[str, Any], float]:
    """The first run's output and the median wall time of ``runs`` runs; an error is
    returned as ``{"error": ...}``."""
    times = []
    out: dict[str, Any] | None = None
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        try:
            res = fn()
        except Exception as err:
            res = {"error": f"{type(err).__name__}: {err}"[:300]}
        times.append(time.perf_counter() - t0)
        if out is None:
            out = res
        if "error" in res:
            break
    assert out is not None
    return out, statistics.median(times)


# --------------------------------------------------------------------------- scoring


_num = metrics.finite_number


def beat_f(ref: Sequence[float], est: Sequence[float] | None) -> float:
    import mir_eval

    if not est:
        return 0.0
    r = mir_eval.beat.trim_beats(np.asarray(ref, dtype=float))
    e = mir_eval.beat.trim_beats(np.asarray(sorted(est), dtype=float))
    if len(r) == 0 or len(e) == 0:
        return 0.0
    return float(mir_eval.beat.f_measure(r, e))


def downbeat_scores(ref: Sequence[float], est: Sequence[float] | None) -> tuple[float, bool]:
    """Downbeat F-measure (±70 ms, untrimmed) and whether the first reported downbeat is
    within 70 ms of the true first one."""
    import mir_eval

    r = np.asarray(ref, dtype=float)
    e = np.asarray(sorted(est or []), dtype=float)
    if len(r) == 0 or len(e) == 0:
        return 0.0, False
    return float(mir_eval.beat.f_measure(r, e)), bool(abs(e[0] - r[0]) <= 0.07)


def key_score(est: Any, ref: str) -> float:
    if not isinstance(est, str) or not est:
        return 0.0
    try:
        return metrics.mirex_key_score(estimated=est, reference=ref)
    except Exception:
        return 0.0


def score(truth: dict[str, Any], est: dict[str, Any], kind: str) -> dict[str, Any]:
    """Per-example scores; ``None`` = not applicable (no truth). Missing estimates are
    wrong and flagged in ``missing``."""
    s: dict[str, Any] = {"error": est.get("error"), "missing": []}

    def miss(name: str) -> None:
        s["missing"].append(name)

    failed = "error" in est
    if kind == "one_shot":
        s["kind_ok"] = est.get("kind") == "one_shot"
        s["instrument_ok"] = est.get("instrument") == truth["instrument"]
        if est.get("instrument") is None:
            miss("instrument")
        s["invented_tempo"] = (not failed) and est.get("tempo_bpm") is not None
        if truth.get("root_note"):
            want = music.note_number(truth["root_note"])
            got = est.get("root_note")
            try:
                n = music.note_number(got) if isinstance(got, str) and got else None
            except (KeyError, ValueError, IndexError):
                n = None
            if n is None:
                miss("root_note")
            s["root_ok"] = n == want
            s["root_pc_ok"] = n is not None and n % 12 == want % 12
        return s
    s["kind_ok"] = est.get("kind", "loop") == "loop" if not failed else False
    t_bpm = truth.get("tempo_bpm")
    bpm = _num(est, "tempo_bpm")
    if t_bpm:
        if bpm is None:
            miss("tempo_bpm")
        s["acc1"] = bpm is not None and metrics.tempo_acc1(estimated_bpm=bpm, true_bpm=t_bpm)
        s["acc2"] = bpm is not None and metrics.tempo_acc2(estimated_bpm=bpm, true_bpm=t_bpm)
        s["octave_ambiguous"] = bool(truth.get("tempo_octave_ambiguous"))
        conf = _num(est, "tempo_confidence")
        s["tempo_conf"] = conf if conf is not None else 0.0
    if truth.get("beats_s"):
        s["beat_f"] = beat_f(truth["beats_s"], est.get("beats_s"))
        if not est.get("beats_s"):
            miss("beats_s")
    if truth.get("downbeats_s"):
        s["downbeat_f"], s["first_downbeat_ok"] = downbeat_scores(
            truth["downbeats_s"], est.get("downbeats_s")
        )
    if truth.get("meter"):
        m = est.get("meter")
        if m is None:
            miss("meter")
        s["meter_ok"] = m == truth["meter"]
    if truth.get("swing_percent") is not None:
        sw = _num(est, "swing_percent")
        if sw is None:
            miss("swing_percent")
            s["swing_err"] = None
        else:
            s["swing_err"] = abs(sw - float(truth["swing_percent"]))
        sub = est.get("swing_subdivision")
        if sub is None:
            miss("swing_subdivision")
        s["swing_sub_ok"] = sub == truth.get("swing_subdivision")
    if truth.get("backbeat_lag_ms") is not None:
        lag = _num(est, "backbeat_lag_ms")
        if lag is None:
            miss("backbeat_lag_ms")
        s["lag_err"] = abs(lag - float(truth["backbeat_lag_ms"])) if lag is not None else None
    if truth.get("key") and not truth.get("key_ambiguous"):
        # drums + bass clips carry key_ambiguous (roots alone leave relative keys open)
        if not est.get("key"):
            miss("key")
        s["key_score"] = key_score(est.get("key"), truth["key"])
        conf = _num(est, "key_confidence")
        s["key_conf"] = conf if conf is not None else 0.0
    return s


def _mean(xs: Iterable[Any]) -> float | None:
    vals = [float(x) for x in xs]
    return round(float(np.mean(vals)), 4) if vals else None


def summarize(rows: list[dict[str, Any]], who: str) -> dict[str, Any]:
    """Aggregate per-example scores of one system (``ours`` or ``peer``)."""
    sc = [r[who]["score"] for r in rows]
    out: dict[str, Any] = {"n": len(rows), "errors": sum(1 for s in sc if s.get("error"))}
    tempo = [s for s in sc if "acc1" in s]
    if tempo:
        out["tempo_acc1"] = _mean(s["acc1"] for s in tempo)
        out["tempo_acc2"] = _mean(s["acc2"] for s in tempo)
        unamb = [s for s in tempo if not s["octave_ambiguous"]]
        out["tempo_acc1_unambiguous"] = _mean(s["acc1"] for s in unamb)
        out["n_tempo_unambiguous"] = len(unamb)
    beats = [s["beat_f"] for s in sc if "beat_f" in s]
    if beats:
        out["beat_f_measure"] = _mean(beats)
    downbeats = [s for s in sc if "downbeat_f" in s]
    if downbeats:
        out["downbeat_f_measure"] = _mean(s["downbeat_f"] for s in downbeats)
        out["first_downbeat_acc"] = _mean(s["first_downbeat_ok"] for s in downbeats)
    meter = [s["meter_ok"] for s in sc if "meter_ok" in s]
    if meter:
        out["meter_acc"] = _mean(meter)
    swing = [s for s in sc if "swing_err" in s]
    if swing:
        filled = [s["swing_err"] for s in swing if s["swing_err"] is not None]
        out["swing_mae_points"] = _mean(filled)
        out["swing_missing"] = len(swing) - len(filled)
        out["swing_subdivision_acc"] = _mean(s["swing_sub_ok"] for s in swing)
    lag = [s for s in sc if "lag_err" in s]
    if lag:
        filled = [s["lag_err"] for s in lag if s["lag_err"] is not None]
        out["backbeat_lag_mae_ms"] = _mean(filled)
        out["backbeat_lag_missing"] = len(lag) - len(filled)
    keys = [s["key_score"] for s in sc if "key_score" in s]
    if keys:
        out["key_mirex"] = _mean(keys)
        out["key_exact"] = _mean(k == 1.0 for k in keys)
    if any("kind_ok" in s for s in sc):
        out["kind_acc"] = _mean(s["kind_ok"] for s in sc if "kind_ok" in s)
    shots = [s for s in sc if "instrument_ok" in s]
    if shots:
        out["instrument_acc"] = _mean(s["instrument_ok"] for s in shots)
        out["invented_tempo"] = sum(1 for s in shots if s["invented_tempo"])
        roots = [s for s in shots if "root_ok" in s]
        if roots:
            out["root_note_acc"] = _mean(s["root_ok"] for s in roots)
            out["root_pitch_class_acc"] = _mean(s["root_pc_ok"] for s in roots)
    missing: dict[str, int] = {}
    for s in sc:
        for name in s.get("missing", []):
            missing[name] = missing.get(name, 0) + 1
    if missing:
        out["missing_fields"] = missing
    return out


def calibration(pairs: list[tuple[float, bool]], *, bins: int = 10) -> dict[str, Any]:
    """Expected calibration error over equal-width confidence bins, the reliability table,
    and the share of wrong answers among those given at confidence >= 0.95."""
    if not pairs:
        return {"n": 0}
    conf = np.clip(np.array([p[0] for p in pairs], dtype=float), 0.0, 1.0)
    ok = np.array([p[1] for p in pairs], dtype=float)
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    table = []
    ece = 0.0
    for b in range(bins):
        sel = idx == b
        n = int(sel.sum())
        if n:
            gap = abs(float(ok[sel].mean()) - float(conf[sel].mean()))
            ece += n / len(pairs) * gap
        table.append(
            {
                "bin": [round(b / bins, 2), round((b + 1) / bins, 2)],
                "n": n,
                "mean_confidence": round(float(conf[sel].mean()), 4) if n else None,
                "accuracy": round(float(ok[sel].mean()), 4) if n else None,
            }
        )
    high = conf >= 0.95
    return {
        "n": len(pairs),
        "ece": round(ece, 4),
        "accuracy": round(float(ok.mean()), 4),
        "mean_confidence": round(float(conf.mean()), 4),
        "n_at_0.95": int(high.sum()),
        "wrong_at_0.95": round(float(1.0 - ok[high].mean()), 4) if high.any() else None,
        "reliability": table,
    }


# --------------------------------------------------------------------------- demo


def demo_agreement(settings: Any, per_genre: int) -> dict[str, Any]:
    """The demo library (as ``groovegraph demo`` writes it) analysed and compared with its
    own ``manifest.json``: key exact (MIREX 1.0), tempo within 4 %."""
    from groovegraph.tools.analysis import analyze_file
    from groovegraph.tools.demo import build_demo

    manifest = build_demo(settings=settings, per_genre=per_genre)
    root = Path(manifest.get("root") or settings.demo_dir)
    keys = tempos = n_key = n_tempo = 0
    wrong: list[dict[str, Any]] = []
    for s in manifest["samples"]:
        truth = s.get("truth") or {}
        try:
            a = analyze_file(root / s["path"], settings=settings).model_dump(mode="json")
        except Exception as err:
            a = {"error": str(err)}
        if truth.get("key"):
            n_key += 1
            k_ok = key_score(a.get("key"), truth["key"]) == 1.0
            keys += k_ok
        else:
            k_ok = True
        if truth.get("tempo_bpm"):
            n_tempo += 1
            bpm = _num(a, "tempo_bpm")
            t_ok = bpm is not None and metrics.tempo_acc1(
                estimated_bpm=bpm, true_bpm=float(truth["tempo_bpm"])
            )
            tempos += t_ok
        else:
            t_ok = True
        if not (k_ok and t_ok):
            wrong.append(
                {
                    "path": s["path"],
                    "truth": {"key": truth.get("key"), "tempo_bpm": truth.get("tempo_bpm")},
                    "got": {
                        "key": a.get("key"),
                        "key_confidence": a.get("key_confidence"),
                        "tempo_bpm": a.get("tempo_bpm"),
                        "error": a.get("error"),
                    },
                }
            )
    return {
        "n": len(manifest["samples"]),
        "per_genre": per_genre,
        "key_agreement": round(keys / n_key, 4) if n_key else None,
        "tempo_agreement": round(tempos / n_tempo, 4) if n_tempo else None,
        "disagreements": wrong,
    }


# --------------------------------------------------------------------------- main


def _group(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(f"{r['kind']}/{r['category']}", []).append(r)
    return dict(sorted(groups.items()))


def run(examples: list[Example], *, settings: Any, runs: int, peer: bool) -> list[dict[str, Any]]:
    import soundfile

    rows = []
    for i, ex in enumerate(examples):
        row: dict[str, Any] = {
            "id": ex.id,
            "kind": ex.kind,
            "category": ex.category,
            "truth": {k: v for k, v in ex.truth.items() if k not in ("beats_s", "downbeats_s")},
            "duration_s": None,
        }
        est, wall = _timed(lambda ex=ex: ours(ex.path, settings), runs)
        row["ours"] = {
            "wall_s": round(wall, 5),
            "out": {k: v for k, v in est.items() if k not in ("beats_s", "downbeats_s", "sha256")},
            "score": score(ex.truth, est, ex.kind),
        }
        y, sr = soundfile.read(str(ex.path), dtype="float32")
        row["duration_s"] = round(len(y) / sr, 3)
        if peer:
            pest, pwall = _timed(lambda y=y, sr=sr: peer_librosa(y, sr), 1)
            row["peer"] = {
                "wall_s": round(pwall, 5),
                "out": {k: v for k, v in pest.items() if k != "beats_s"},
                "score": score(ex.truth, pest, ex.kind),
            }
        rows.append(row)
        if (i + 1) % 25 == 0:
            print(f"  {i + 1}/{len(examples)}", file=sys.stderr, flush=True)
    return rows


def report(rows: list[dict[str, Any]], *, peer: bool) -> dict[str, Any]:
    systems = ["ours", "peer"] if peer else ["ours"]
    out: dict[str, Any] = {}
    grooves = [r for r in rows if r["kind"] == "groove"]
    chor = [r for r in rows if r["kind"] == "chorale"]
    shots = [r for r in rows if r["kind"] == "one_shot"]
    for who in systems:
        o: dict[str, Any] = {
            "grooves": summarize(grooves, who),
            "grooves_modal": summarize([r for r in grooves if r["truth"].get("modal")], who),
            "grooves_functional": summarize(
                [r for r in grooves if r["truth"].get("key") and not r["truth"].get("modal")], who
            ),
            "grooves_full_mix": summarize(
                [
                    r
                    for r in grooves
                    if r["truth"].get("key")
                    and r["truth"].get("instrument") == "mix"
                    and not r["truth"].get("key_ambiguous")
                ],
                who,
            ),
            "grooves_by_key_family": {
                fam: summarize([r for r in grooves if r["truth"].get("key_family") == fam], who)
                for fam in sorted({str(r["truth"].get("key_family")) for r in grooves})
            },
            "chorales": summarize(chor, who),
            "one_shots": summarize(shots, who),
            "by_category": {k: summarize(v, who) for k, v in _group(rows).items()},
        }
        if who == "ours":
            tempo_pairs = [
                (r["ours"]["score"]["tempo_conf"], bool(r["ours"]["score"]["acc1"]))
                for r in grooves
                if "acc1" in r["ours"]["score"]
            ]
            key_pairs = [
                (r["ours"]["score"]["key_conf"], r["ours"]["score"]["key_score"] == 1.0)
                for r in grooves + chor
                if "key_score" in r["ours"]["score"]
            ]
            o["calibration"] = {
                "tempo_confidence": calibration(tempo_pairs),
                "key_confidence": calibration(key_pairs),
            }
        wall = [r[who]["wall_s"] for r in rows]
        audio = sum(r["duration_s"] or 0 for r in rows)
        o["timing"] = {
            "median_wall_s_per_clip": round(float(np.median(wall)), 5) if wall else None,
            "total_wall_s": round(float(np.sum(wall)), 3),
            "realtime_factor_total": round(audio / float(np.sum(wall)), 1) if wall else None,
        }
        out[who] = o
    return out


def headline(result: dict[str, Any]) -> dict[str, Any]:
    o = result["systems"]["ours"]
    demo = result.get("demo") or {}
    cal = o.get("calibration", {})
    return {
        "tempo_acc1": o["grooves"].get("tempo_acc1"),
        "tempo_acc1_unambiguous": o["grooves"].get("tempo_acc1_unambiguous"),
        "tempo_acc2": o["grooves"].get("tempo_acc2"),
        "beat_f_measure": o["grooves"].get("beat_f_measure"),
        "meter_acc": o["grooves"].get("meter_acc"),
        "downbeat_f_measure": o["grooves"].get("downbeat_f_measure"),
        "first_downbeat_acc": o["grooves"].get("first_downbeat_acc"),
        "swing_mae_points": o["grooves"].get("swing_mae_points"),
        "backbeat_lag_mae_ms": o["grooves"].get("backbeat_lag_mae_ms"),
        "key_mirex_grooves": o["grooves"].get("key_mirex"),
        "key_mirex_modal": o["grooves_modal"].get("key_mirex"),
        "key_mirex_chorales": o["chorales"].get("key_mirex"),
        "tempo_ece": cal.get("tempo_confidence", {}).get("ece"),
        "key_ece": cal.get("key_confidence", {}).get("ece"),
        "tempo_wrong_at_0.95": cal.get("tempo_confidence", {}).get("wrong_at_0.95"),
        "key_wrong_at_0.95": cal.get("key_confidence", {}).get("wrong_at_0.95"),
        "one_shot_kind_acc": o["one_shots"].get("kind_acc"),
        "one_shot_instrument_acc": o["one_shots"].get("instrument_acc"),
        "one_shot_root_note_acc": o["one_shots"].get("root_note_acc"),
        "one_shot_invented_tempo": o["one_shots"].get("invented_tempo"),
        "one_shot_errors": o["one_shots"].get("errors"),
        "demo_key_agreement": demo.get("key_agreement"),
        "demo_tempo_agreement": demo.get("tempo_agreement"),
    }


def _meets(value: Any, op: str, bar: float) -> bool | None:
    if value is None:
        return None
    return value >= bar if op == ">=" else value <= bar


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("reporting", "tuning"), default="reporting")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma list of " + ",".join(KINDS))
    parser.add_argument(
        "--categories", default=None, help="comma list of groove categories / one-shot instruments"
    )
    parser.add_argument("--limit", type=int, default=None, help="at most N examples per kind")
    parser.add_argument(
        "--sample",
        type=int,
        default=None,
        help="an evenly spread subset of N examples (quick runs)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per clip for our timing (median)")
    parser.add_argument("--no-peer", action="store_true", help="skip the textbook librosa peer")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo-manifest check")
    parser.add_argument("--demo-per-genre", type=int, default=15)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out_path = args.out or RESULTS / (
        "analysis_realworld.json" if args.split == "reporting" else "analysis_realworld_tuning.json"
    )
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    cats = [c.strip() for c in args.categories.split(",")] if args.categories else None

    from groovegraph.settings import Settings
    from groovegraph.tools.analysis import configure_runtime

    with tempfile.TemporaryDirectory(prefix="gg-realworld-") as tmp:
        base = Settings()
        configure_runtime(base)  # shared numba cache (cold compiles cost ~20 s)
        settings = base.model_copy(
            update={"data_dir": Path(tmp) / "data", "database_url": None, "redis_url": None}
        )
        settings.ensure_dirs()
        cache_dir = args.cache_dir or (base.data_dir / "eval-corpus")
        t0 = time.perf_counter()
        examples = load_corpus(args.split, kinds, cache_dir, limit=args.limit, categories=cats)
        render_s = time.perf_counter() - t0
        if args.sample and args.sample < len(examples):
            step = len(examples) / args.sample
            examples = [examples[int(i * step)] for i in range(args.sample)]
        print(
            f"corpus: {len(examples)} examples ({render_s:.1f} s to render/load)", file=sys.stderr
        )
        # warm both systems outside the timed region
        if examples:
            warm = next((e for e in examples if e.kind != "one_shot"), examples[0])
            ours(warm.path, settings)
            if not args.no_peer:
                import soundfile

                y, sr = soundfile.read(str(warm.path), dtype="float32")
                peer_librosa(y, sr)
        started = time.perf_counter()
        rows = run(examples, settings=settings, runs=args.runs, peer=not args.no_peer)
        result: dict[str, Any] = {
            "benchmark": "analysis_realworld",
            "command": "python -m benchmarks.analysis_realworld "
            + " ".join(argv if argv is not None else sys.argv[1:]),
            "split": args.split,
            "n_examples": len(rows),
            "sample": args.sample,
            "counts": {k: len(v) for k, v in _group(rows).items()},
            "chorales_dropped": dropped(args.split, cache_dir) if "chorale" in kinds else {},
            "render_or_load_s": round(render_s, 2),
            "systems": report(rows, peer=not args.no_peer),
        }
        if not args.no_demo:
            result["demo"] = demo_agreement(settings, args.demo_per_genre)
        result["headline"] = headline(result)
        result["bars"] = {
            name: {"op": op, "bar": bar, "ours": result["headline"].get(name),
                   "meets": _meets(result["headline"].get(name), op, bar)}
            for name, (op, bar) in BARS.items()
        }  # fmt: skip
        result["null_policy"] = (
            "a field the analysis leaves null, or an example it refuses with an error, counts "
            "as wrong wherever a truth exists; 'missing_fields' counts them per system"
        )
        result["run_wall_s"] = round(time.perf_counter() - started, 2)
        result["environment"] = {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "load_avg": list(os.getloadavg()),
        }
        result["clips"] = rows
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, indent=1, default=_json_default) + "\n")
    _print(result)
    return result


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(type(o))


def _print(result: dict[str, Any]) -> None:
    peer = result["systems"].get("peer")
    print(f"split={result['split']} n={result['n_examples']}")
    print(f"{'metric':28s} {'ours':>8s} {'librosa':>8s}")
    pmap = {
        "tempo_acc1": ("grooves", "tempo_acc1"),
        "tempo_acc1_unambiguous": ("grooves", "tempo_acc1_unambiguous"),
        "tempo_acc2": ("grooves", "tempo_acc2"),
        "beat_f_measure": ("grooves", "beat_f_measure"),
        "key_mirex_grooves": ("grooves", "key_mirex"),
        "key_mirex_modal": ("grooves_modal", "key_mirex"),
        "key_mirex_chorales": ("chorales", "key_mirex"),
        "one_shot_invented_tempo": ("one_shots", "invented_tempo"),
    }
    for name, value in result["headline"].items():
        p = None
        if peer and name in pmap:
            p = peer[pmap[name][0]].get(pmap[name][1])
        fv = "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
        fp = "" if p is None else f"{p:.3f}" if isinstance(p, float) else str(p)
        print(f"{name:28s} {fv:>8s} {fp:>8s}")


if __name__ == "__main__":
    main()
