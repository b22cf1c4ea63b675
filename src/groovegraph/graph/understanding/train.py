"""Train the specialist classifier: ``python -m groovegraph.graph.understanding.train``.

Data: ``exemplars.jsonl`` next to this module (written for it), the project's routing set
(``evals/datasets/routing.jsonl``) and the ``tune`` split of
``evals/datasets/understanding.jsonl`` and ``conversations.jsonl`` (each turn's message with
its expected specialists) when they exist. The ``report`` split never trains: its
messages are read only to drop any exemplar or routing row that repeats one of them word
for word (:func:`held_out_texts`), so a reported figure never scores a memorised
sentence. ``--cv K`` prints K-fold cross-validated exact-set accuracy instead of writing;
``--loso`` the leave-one-set-out accuracy on each set's tune rows (:func:`leave_one_set_out`),
the classifier alone; ``--loso --clauses`` the held-out tune requests through the rules
for each clause cut (:func:`leave_one_set_out_requests`); ``--loso --graph`` the same
through the whole graph, rules, slots and conversation included (:func:`leave_one_set_out_graph`, the understanding suite's scorer
over the full demo library; a few minutes).

The routing confidence is calibrated here too: each tune request is read by the offline
understanding with the model trained without its set (:func:`loso_readings`), and a
logistic map from the decision margin to P(exact specialist set right) is fitted on those
readings (:func:`fit_calibration`) and saved with the weights. Training and ``--loso``
print its reliability table and ECE (:func:`calibration_report`; the map scored on each
set is fitted on the other sets) and the share of turns each ``ROUTER_THRESHOLD`` sends
to the router model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from groovegraph.graph.parser import parse_request, split_clauses
from groovegraph.graph.understanding.classifier import (
    FALLBACK_P,
    L2,
    MODEL_PATH,
    IntentModel,
    structural_features,
    train_model,
)
from groovegraph.graph.understanding.encoder import get_encoder
from groovegraph.state import SPECIALISTS, ParsedRequest

if TYPE_CHECKING:
    from groovegraph.graph.understanding import OfflineUnderstanding

EXEMPLARS = Path(__file__).with_name("exemplars.jsonl")
_PLACEHOLDER = "0a1b2c3d4e5f"  # stands for an attached sample id


def _datasets_dir() -> Path:
    from groovegraph.evals.datasets import datasets_dir

    return datasets_dir()


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: how rows are compared."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def held_out_texts(datasets: Path | None = None) -> set[str]:
    """The report split's messages (requests and conversation turns), normalised. Only
    compared against; nothing here is trained on."""
    root = datasets or _datasets_dir()
    out: set[str] = set()
    understanding = root / "understanding.jsonl"
    if understanding.exists():
        for line in understanding.read_text().splitlines():
            if line.strip() and (row := json.loads(line)).get("split") == "report":
                out.add(normalise(row["message"]))
    conversations = root / "conversations.jsonl"
    if conversations.exists():
        for line in conversations.read_text().splitlines():
            if line.strip() and (conv := json.loads(line)).get("split") == "report":
                out.update(normalise(t["message"]) for t in conv["turns"])
    return out


def examples(*, datasets: Path | None = None) -> Iterator[dict[str, Any]]:
    """``{"text", "samples", "specialists", "source"}`` rows to train on: never a
    ``report`` row, and no row that repeats a report message (see :func:`held_out_texts`)."""
    held_out = held_out_texts(datasets)
    for row in _candidates(datasets=datasets):
        if normalise(row["text"]) not in held_out:
            yield row


def _candidates(*, datasets: Path | None = None) -> Iterator[dict[str, Any]]:
    for line in EXEMPLARS.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            yield {**row, "source": "exemplars"}
    root = datasets or _datasets_dir()
    routing = root / "routing.jsonl"
    if routing.exists():
        for line in routing.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                yield {
                    "text": row["input"],
                    "samples": len(row.get("samples") or []),
                    "specialists": row["specialists"],
                    "source": "routing",
                }
    understanding = root / "understanding.jsonl"
    if understanding.exists():
        for line in understanding.read_text().splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split") != "tune":  # the report split is only ever evaluated
                continue
            yield {
                "text": row["message"],
                "samples": int(row.get("attachments") or 0),
                "specialists": row["specialists"],
                "source": "understanding:tune",
                "set": set_of(row["id"]),
            }

    conversations = root / "conversations.jsonl"
    if conversations.exists():
        for line in conversations.read_text().splitlines():
            if not line.strip():
                continue
            conv = json.loads(line)
            if conv.get("split") != "tune":  # the report split is only ever evaluated
                continue
            for turn in conv["turns"]:
                yield {
                    "text": turn["message"],
                    "samples": len(turn.get("attach") or []),
                    "specialists": turn["expect"]["specialists"],
                    "source": "conversations:tune",
                    "set": set_of(conv["id"]),
                }


def set_of(row_id: str) -> str:
    """Which independently written set a row belongs to: ``s2-``/``s3-``/``d4-`` ids are
    the second, third and fourth, the rest the first."""
    m = re.match(r"[a-z](\d+)-", row_id)
    return f"set{m.group(1)}" if m else "set1"


def leave_one_set_out(
    rows: list[dict[str, Any]], x: np.ndarray, *, l2: float
) -> dict[str, dict[str, float]]:
    """For each set with tune rows: train (and calibrate the thresholds, on the other
    sets' tune requests) without that set's tune rows, then score the exact specialist
    set of its tune requests and conversation turns (the classifier alone, no rules):
    how a model does on sentences written by someone it never read."""
    out: dict[str, dict[str, float]] = {}
    for held in sorted({r["set"] for r in rows if "set" in r}):
        model = _held_out_model(rows, x, held, l2=l2)
        scores: dict[str, float] = {}
        for source in ("understanding:tune", "conversations:tune"):
            test = [i for i, r in enumerate(rows) if r.get("set") == held and r["source"] == source]
            if not test:
                continue
            pred = _predict_sets(model, x[test], [rows[i]["samples"] for i in test])
            right = 0
            for i, p in zip(test, pred, strict=True):
                want = set(rows[i]["specialists"])
                if rows[i]["samples"] and want:
                    want.add("groove")
                right += p == want
            scores[source.split(":")[0]] = right / len(test)
        out[held] = scores
    return out


def _held_out_model(
    rows: list[dict[str, Any]], x: np.ndarray, held: str, *, l2: float
) -> IntentModel:
    """The model trained, and its thresholds calibrated, without the set ``held``."""
    keep = [i for i, r in enumerate(rows) if r.get("set") != held]
    kept = [rows[i] for i in keep]
    model = train_model(x[keep], [r["specialists"] for r in kept], l2=l2)
    tune = [n for n, r in enumerate(kept) if r["source"] == "understanding:tune"]
    cuts, fallback = calibrate(kept, x[keep], tune, l2=l2) if tune else ([0.5] * 4, FALLBACK_P)
    return model.with_thresholds(cuts, fallback)


def leave_one_set_out_graph(
    rows: list[dict[str, Any]],
    x: np.ndarray,
    *,
    l2: float,
    datasets: Path | None = None,
    show: bool = False,
) -> dict[str, dict[str, list[int]]]:
    """Leave-one-set-out through the whole graph: for each set with tune rows, the model
    trained and calibrated without it (as in :func:`leave_one_set_out`) reads that set's
    tune requests and conversations in the real graph over the full demo library, scored
    by the understanding suite (``[right, all]`` requests and turns). The rules are the
    same for every set, so this measures the classifier held out, not the rules. With
    ``show``, each wrong tune row is printed (tune rows only: report rows never run)."""
    from groovegraph.evals.harness import EvalContext
    from groovegraph.evals.suites import UNDERSTANDING_DEMO_PER_GENRE
    from groovegraph.evals.understanding import load_understanding, understanding_scores
    from groovegraph.graph.understanding import get_offline
    from groovegraph.settings import get_settings

    tune = [e for e in load_understanding(datasets) if e.metadata.get("split") == "tune"]
    offline = get_offline()
    original = offline.model
    out: dict[str, dict[str, list[int]]] = {}
    try:
        with EvalContext(settings=get_settings()) as ctx:
            full = ctx.with_library(demo_per_genre=UNDERSTANDING_DEMO_PER_GENRE)
            for held in sorted({r["set"] for r in rows if "set" in r}):
                offline.model = _held_out_model(rows, x, held, l2=l2)
                score = {"requests": [0, 0], "turns": [0, 0]}
                for ex in tune:
                    if set_of(ex.id.removeprefix("conv:")) != held:
                        continue
                    turns = full.run_conversation(ex.inputs["turns"])
                    result = understanding_scores(
                        outputs={"kind": ex.inputs["kind"], "turns": turns},
                        reference_outputs=ex.outputs,
                    )["results"]
                    got = {r["key"]: r for r in result}
                    if "turns" in got:
                        score["turns"][0] += int(got["turns_right"]["score"])
                        score["turns"][1] += int(got["turns"]["score"])
                        wrong = got["turn_accuracy"]["score"] < 1
                        why = got["turn_accuracy"].get("comment", "")
                    else:
                        score["requests"][0] += int(got["specialists_exact"]["score"])
                        score["requests"][1] += 1
                        wrong = got["specialists_exact"]["score"] < 1
                        why = got["specialists_exact"].get("comment", "")
                    if show and wrong:
                        said = " / ".join(t["message"] for t in ex.inputs["turns"])
                        print(f"  {held} {ex.id}: {said[:160]!r} -> {why[:300]}")
                out[held] = score
                print(f"{held}: {json.dumps(score)}", flush=True)
    finally:
        offline.model = original
    return out


def _held_out_requests(
    rows: list[dict[str, Any]],
    x: np.ndarray,
    *,
    l2: float,
    datasets: Path | None = None,
    calibrated: bool = True,
) -> list[tuple[str, IntentModel, dict[str, Any]]]:
    """The leave-one-set-out set-up of the single requests: each tune request of the
    understanding set (as stored, in order) whose set has rows, as ``(set, model, row)``
    with the model trained, and its thresholds calibrated, without that set (one model a
    set). ``calibrated=False``: the models carry no confidence calibration (their
    confidence is the raw decision margin)."""
    models = {
        held: _held_out_model(rows, x, held, l2=l2)
        for held in sorted({r["set"] for r in rows if "set" in r})
    }
    if not calibrated:
        models = {held: model.with_calibration(None) for held, model in models.items()}
    root = datasets or _datasets_dir()
    tune = [
        row
        for line in (root / "understanding.jsonl").read_text().splitlines()
        if line.strip() and (row := json.loads(line)).get("split") == "tune"
    ]
    return [(held, models[held], row) for row in tune if (held := set_of(row["id"])) in models]


#: Stand-ins for the samples a request has attached (up to nine).
_ATTACHED = [f"{_PLACEHOLDER[:-1]}{i}" for i in range(9)]


def _read_alone(
    offline: OfflineUnderstanding, model: IntentModel, row: dict[str, Any]
) -> ParsedRequest:
    """``row``'s message read by ``offline`` with ``model``, alone (a new conversation),
    with as many stand-in samples attached as the row says. Leaves ``model`` in place:
    the caller puts the original back."""
    from groovegraph.graph.understanding import Conversation

    offline.model = model
    return offline.understand(
        row["message"],
        attached=_ATTACHED[: int(row.get("attachments") or 0)],
        conversation=Conversation(),
    )


def leave_one_set_out_requests(
    rows: list[dict[str, Any]],
    x: np.ndarray,
    *,
    l2: float,
    clause_cuts: Sequence[float],
    datasets: Path | None = None,
) -> dict[float, dict[str, list[int]]]:
    """Leave-one-set-out through :meth:`OfflineUnderstanding.understand` for the single
    tune requests (rules, clauses and classifier; no library, no graph, so a sample named
    by its file name stays unresolved): ``{clause cut: {set: [right, all]}}``, each set
    read by the model trained and calibrated without it. Seconds per cut once the held-out
    models are trained, so a rule constant can be chosen on sentences no model saw."""
    import groovegraph.graph.understanding as understanding

    requests = _held_out_requests(rows, x, l2=l2, datasets=datasets)
    offline = understanding.get_offline()
    original, original_cut = offline.model, understanding.CLAUSE_P
    out: dict[float, dict[str, list[int]]] = {}
    try:
        for cut in clause_cuts:
            understanding.CLAUSE_P = cut
            score: dict[str, list[int]] = {}
            for held, model, row in requests:
                got = _read_alone(offline, model, row)
                tally = score.setdefault(held, [0, 0])
                tally[0] += set(got.specialists) == set(row["specialists"])
                tally[1] += 1
            out[cut] = score
    finally:
        offline.model, understanding.CLAUSE_P = original, original_cut
    return out


def loso_readings(
    rows: list[dict[str, Any]],
    x: np.ndarray,
    *,
    l2: float,
    datasets: Path | None = None,
) -> list[dict[str, Any]]:
    """Each single tune request read by :meth:`OfflineUnderstanding.understand` (rules,
    clauses and classifier; no library) with the model trained, and its thresholds
    calibrated, without that request's set: ``{"id", "set", "margin", "right"}``, the
    raw decision margin of the reading and whether its exact specialist set is right.
    What the routing confidence is calibrated on (:func:`fit_calibration`): sentences
    the model reading them never saw."""
    import groovegraph.graph.understanding as understanding

    # No calibration: the confidence read is the raw margin.
    requests = _held_out_requests(rows, x, l2=l2, datasets=datasets, calibrated=False)
    offline = understanding.get_offline()
    original = offline.model
    out: list[dict[str, Any]] = []
    try:
        for held, model, row in requests:
            got = _read_alone(offline, model, row)
            out.append(
                {
                    "id": row["id"],
                    "set": held,
                    "margin": float(got.confidence if got.confidence is not None else 1.0),
                    "right": bool(set(got.specialists) == set(row["specialists"])),
                }
            )
    finally:
        offline.model = original
    return out


#: Where the calibration map is read (its knots): the margin grid, 0..1.
_CAL_GRID = np.round(np.linspace(0.0, 1.0, 21), 3)


def fit_calibration(margin: Sequence[float], right: Sequence[bool]) -> np.ndarray:
    """The map from the decision margin to P(exact specialist set right), as knots
    ``[[margin...], [P...]]`` (:attr:`IntentModel.calibration`): a logistic curve in the
    margin, ``P = sigmoid(a * margin + b)`` with ``a >= 0`` (Platt scaling; two numbers,
    so a few hundred rows fit it without the steps an isotonic fit would learn), read at
    :data:`_CAL_GRID`. Monotone in the margin and inside (0, 1) by construction."""
    from scipy.optimize import minimize  # training only

    m = np.asarray(margin, dtype=np.float64)
    y = np.asarray(right, dtype=np.float64)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = theta[0] * m + theta[1]
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
        eps = 1e-9
        value = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
        g = (p - y) / len(y)
        return float(value), np.asarray([g @ m, g.sum()])

    fit = minimize(
        loss, np.zeros(2), jac=True, method="L-BFGS-B", bounds=[(0.0, None), (None, None)]
    )
    a, b = float(fit.x[0]), float(fit.x[1])
    probs = 1.0 / (1.0 + np.exp(-(a * _CAL_GRID + b)))
    return np.vstack([_CAL_GRID, probs])


def reliability(
    confidence: Sequence[float], right: Sequence[bool], *, bins: int = 10
) -> tuple[list[dict[str, float]], float]:
    """The reliability table (equal-width confidence bins: rows, mean confidence,
    accuracy) and the expected calibration error, the row-weighted mean gap."""
    c = np.asarray(confidence, dtype=np.float64)
    y = np.asarray(right, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(c, edges[1:-1]), 0, bins - 1)
    table: list[dict[str, float]] = []
    ece = 0.0
    for k in range(bins):
        mask = which == k
        if not mask.any():
            continue
        conf, acc = float(c[mask].mean()), float(y[mask].mean())
        ece += mask.sum() / len(c) * abs(acc - conf)
        table.append(
            {
                "lo": float(edges[k]),
                "hi": float(edges[k + 1]),
                "n": int(mask.sum()),
                "confidence": round(conf, 3),
                "accuracy": round(acc, 3),
            }
        )
    return table, round(float(ece), 4)


def cross_set_calibrated(readings: list[dict[str, Any]]) -> list[float]:
    """Each reading's calibrated confidence from a map fitted on the *other* sets'
    readings only: an honest figure for how the shipped map does on a new set."""
    out = [0.0] * len(readings)
    for held in sorted({r["set"] for r in readings}):
        rest = [r for r in readings if r["set"] != held]
        knots = fit_calibration([r["margin"] for r in rest], [r["right"] for r in rest])
        for i, r in enumerate(readings):
            if r["set"] == held:
                out[i] = float(np.interp(r["margin"], knots[0], knots[1]))
    return out


def routing_table(
    confidence: Sequence[float], right: Sequence[bool], thresholds: Sequence[float]
) -> list[dict[str, float]]:
    """For each candidate ``ROUTER_THRESHOLD``: the share of turns the router model
    would read (confidence below it), the offline accuracy of the turns kept and of
    those escalated."""
    c = np.asarray(confidence, dtype=np.float64)
    y = np.asarray(right, dtype=np.float64)
    out = []
    for t in thresholds:
        up = c < t
        out.append(
            {
                "threshold": float(t),
                "escalated_share": round(float(up.mean()), 3),
                "kept_accuracy": round(float(y[~up].mean()), 3) if (~up).any() else float("nan"),
                "escalated_offline_accuracy": round(float(y[up].mean()), 3)
                if up.any()
                else float("nan"),
            }
        )
    return out


def calibration_report(readings: list[dict[str, Any]]) -> dict[str, Any]:
    """ECE and reliability of the raw margin and of the calibrated confidence (the map
    fitted on the other sets, :func:`cross_set_calibrated`), per-set accuracy and the
    routing table, all over leave-one-set-out readings of the tune requests."""
    right = [r["right"] for r in readings]
    raw = [r["margin"] for r in readings]
    cal = cross_set_calibrated(readings)
    raw_table, raw_ece = reliability(raw, right)
    cal_table, cal_ece = reliability(cal, right)
    sets = sorted({r["set"] for r in readings})
    return {
        "rows": len(readings),
        "accuracy": round(float(np.mean(right)), 4),
        "per_set": {
            s: {
                "rows": sum(r["set"] == s for r in readings),
                "accuracy": round(
                    float(np.mean([r["right"] for r in readings if r["set"] == s])), 3
                ),
            }
            for s in sets
        },
        "ece_raw_margin": raw_ece,
        "ece_calibrated": cal_ece,
        "reliability_raw_margin": raw_table,
        "reliability_calibrated": cal_table,
        "routing": routing_table(cal, right, (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)),
    }


def print_calibration(report: dict[str, Any]) -> None:
    """The calibration report as the trainer prints it."""
    print(
        f"routing confidence over {report['rows']} held-out tune requests "
        f"(accuracy {report['accuracy']:.3f}): ECE raw margin {report['ece_raw_margin']:.3f}, "
        f"calibrated (map fitted on the other sets) {report['ece_calibrated']:.3f}"
    )
    for name in ("raw_margin", "calibrated"):
        print(f"  reliability, {name.replace('_', ' ')}:  bin  rows  confidence  accuracy")
        for b in report[f"reliability_{name}"]:
            print(
                f"    {b['lo']:.1f}-{b['hi']:.1f} {b['n']:5d}  {b['confidence']:10.3f}  "
                f"{b['accuracy']:8.3f}"
            )
    print("  ROUTER_THRESHOLD  escalated  kept accuracy  escalated offline accuracy")
    for t in report["routing"]:
        print(
            f"    {t['threshold']:.2f}  {t['escalated_share']:9.3f}  {t['kept_accuracy']:13.3f}"
            f"  {t['escalated_offline_accuracy']:8.3f}"
        )


def best_nearest(scores: dict[float, int], prior: float) -> float:
    """The candidate with the highest score; among equal scores the one nearest ``prior``
    (a plateau does not move a constant further than the evidence asks)."""
    top = max(scores.values())
    return min((v for v, s in scores.items() if s == top), key=lambda v: (abs(v - prior), v))


def featurize(rows: list[dict[str, Any]]) -> np.ndarray:
    """Embedding plus structural features for each row."""
    encoder = get_encoder()
    vectors = encoder.encode([r["text"] for r in rows])
    extra = []
    for r in rows:
        attached = [f"{_PLACEHOLDER[:-1]}{i}" for i in range(r["samples"])]
        parsed = parse_request(r["text"], samples=attached)
        clauses = len(split_clauses(r["text"]))
        extra.append(structural_features(parsed, samples=len(parsed.samples), clauses=clauses))
    return np.hstack([vectors, np.asarray(extra)])


#: Threshold candidates: coarse, so a handful of rows cannot pull a threshold to an edge.
_GRID = np.round(np.arange(0.3, 0.76, 0.05), 2)
_FALLBACK_GRID = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45)


def out_of_fold(
    rows: list[dict[str, Any]], x: np.ndarray, held: list[int], *, k: int, l2: float
) -> np.ndarray:
    """Probabilities for the rows ``held``, each from a model that did not see it."""
    rng = np.random.default_rng(11)
    folds = np.array_split(rng.permutation(held), k)
    probs = np.zeros((len(held), len(SPECIALISTS)))
    where = {i: n for n, i in enumerate(held)}
    for fold in folds:
        train = np.setdiff1d(np.arange(len(rows)), fold)
        model = train_model(x[train], [rows[i]["specialists"] for i in train], l2=l2)
        for i, p in zip(fold, model.probabilities(x[fold]), strict=True):
            probs[where[int(i)]] = p
    return probs


def calibrate(
    rows: list[dict[str, Any]], x: np.ndarray, held: list[int], *, k: int = 5, l2: float = L2
) -> tuple[list[float], float]:
    """Per-specialist thresholds and the fallback level that maximise exact-set accuracy
    on out-of-fold probabilities of the rows ``held`` (tune rows only); coordinate
    ascent from 0.5 over a coarse grid, ties kept nearest 0.5 (the fallback nearest
    :data:`FALLBACK_P`: a greeting is no search)."""
    probs = out_of_fold(rows, x, held, k=k, l2=l2)
    want = []
    for i in held:
        w = set(rows[i]["specialists"])
        if rows[i]["samples"] and w:
            w.add("groove")
        want.append(w)
    samples = [rows[i]["samples"] for i in held]

    def score(cuts: list[float], fallback: float) -> int:
        model = IntentModel(
            weights=np.zeros((1, len(SPECIALISTS))),
            bias=np.zeros(len(SPECIALISTS)),
            thresholds=np.asarray(cuts),
            fallback=fallback,
        )
        got = []
        for p, n in zip(probs, samples, strict=True):
            chosen = set(model.decide(p))
            if n and chosen:
                chosen.add("groove")
            got.append(chosen)
        return sum(g == w for g, w in zip(got, want, strict=True))

    cuts, fallback = [0.5] * len(SPECIALISTS), FALLBACK_P
    best = score(cuts, fallback)
    for _ in range(3):
        for j in range(len(SPECIALISTS)):
            for c in sorted(_GRID, key=lambda v: abs(v - 0.5)):
                trial = [*cuts[:j], float(c), *cuts[j + 1 :]]
                if (s := score(trial, fallback)) > best:
                    best, cuts = s, trial
        for f in sorted(_FALLBACK_GRID, key=lambda v: abs(v - FALLBACK_P)):
            if (s := score(cuts, f)) > best:
                best, fallback = s, f
    return cuts, fallback


def _predict_sets(model: IntentModel, x: np.ndarray, samples: list[int]) -> list[set[str]]:
    out: list[set[str]] = []
    for p, n in zip(model.probabilities(x), samples, strict=True):
        chosen: set[str] = set(model.decide(p))
        if n and chosen:
            chosen.add("groove")
        out.append(chosen)
    return out


def cross_validate(
    rows: list[dict[str, Any]], x: np.ndarray, *, k: int, l2: float, only: str | None = None
) -> float:
    """K-fold exact-set accuracy; with ``only``, the folds are the rows of that source
    (the rest always trains)."""
    rng = np.random.default_rng(7)
    held = [i for i, r in enumerate(rows) if only is None or r["source"] == only]
    order = rng.permutation(held)
    folds = np.array_split(order, k)
    right = 0
    for fold in folds:
        train = np.setdiff1d(np.arange(len(rows)), fold)
        model = train_model(x[train], [rows[i]["specialists"] for i in train], l2=l2)
        pred = _predict_sets(model, x[fold], [rows[i]["samples"] for i in fold])
        for i, p in zip(fold, pred, strict=True):
            want = set(rows[i]["specialists"])
            if rows[i]["samples"] and want:
                want.add("groove")
            right += p == want
    return right / len(held)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cv", type=int, default=0, help="K-fold cross-validation only")
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument(
        "--loso", action="store_true", help="leave-one-set-out figures only (tune rows)"
    )
    ap.add_argument(
        "--graph",
        action="store_true",
        help="with --loso: through the whole graph (rules, slots, conversation; minutes)",
    )
    ap.add_argument("--show", action="store_true", help="with --graph: print wrong tune rows")
    ap.add_argument(
        "--clauses",
        action="store_true",
        help="with --loso: held-out tune requests through the rules per clause cut",
    )
    ap.add_argument(
        "--save-readings",
        type=Path,
        default=None,
        help="write the leave-one-set-out readings the calibration is fitted on (JSON)",
    )
    args = ap.parse_args(argv)
    rows = list(examples())
    dropped = sum(1 for _ in _candidates()) - len(rows)
    print(f"{dropped} exemplar/routing rows repeat a report message word for word: left out")
    x = featurize(rows)
    if args.loso and args.graph:
        res = leave_one_set_out_graph(rows, x, l2=args.l2, show=args.show)
        req = [sum(v["requests"][i] for v in res.values()) for i in (0, 1)]
        turns = [sum(v["turns"][i] for v in res.values()) for i in (0, 1)]
        print(
            f"total: requests {req[0]}/{req[1]} = {req[0] / max(req[1], 1):.3f}, "
            f"turns {turns[0]}/{turns[1]} = {turns[0] / max(turns[1], 1):.3f}"
        )
        return 0
    if args.loso and args.clauses:
        by_cut = leave_one_set_out_requests(
            rows, x, l2=args.l2, clause_cuts=(0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)
        )
        for cut, per_set in by_cut.items():
            right = sum(v[0] for v in per_set.values())
            print(f"clause cut {cut:g}: {right}/{sum(v[1] for v in per_set.values())} {per_set}")
        totals = {cut: sum(v[0] for v in per_set.values()) for cut, per_set in by_cut.items()}
        print(f"best (ties nearest 0.9): {best_nearest(totals, 0.9):g}")
        return 0
    if args.loso:
        for l2 in sorted({args.l2, 1e-4, 1e-3, 1e-2}):
            print(f"l2={l2:g}: {json.dumps(leave_one_set_out(rows, x, l2=l2))}")
        print_calibration(calibration_report(loso_readings(rows, x, l2=args.l2)))
        return 0
    if args.cv:
        for l2 in sorted({args.l2, 1e-4, 1e-3, 1e-2}):
            every = cross_validate(rows, x, k=args.cv, l2=l2)
            tune = cross_validate(rows, x, k=args.cv, l2=l2, only="understanding:tune")
            print(f"l2={l2:g}: all rows {every:.3f}, tune rows {tune:.3f} ({len(rows)} rows)")
        return 0
    model = train_model(x, [r["specialists"] for r in rows], l2=args.l2)
    tune_rows = [i for i, r in enumerate(rows) if r["source"] == "understanding:tune"]
    cuts, fallback = (
        calibrate(rows, x, tune_rows, l2=args.l2) if tune_rows else ([0.5] * 4, FALLBACK_P)
    )
    model = model.with_thresholds(cuts, fallback)
    print(f"thresholds {dict(zip(SPECIALISTS, cuts, strict=True))}, fallback {fallback}")
    readings = loso_readings(rows, x, l2=args.l2)
    if args.save_readings is not None:
        args.save_readings.write_text(json.dumps(readings))
    knots = fit_calibration([r["margin"] for r in readings], [r["right"] for r in readings])
    model = model.with_calibration(knots)
    print_calibration(calibration_report(readings))
    print(
        f"routing confidence calibrated on {len(readings)} held-out tune readings: "
        + ", ".join(f"{m:g}->{p:.2f}" for m, p in zip(knots[0][::5], knots[1][::5], strict=True))
    )
    digest = hashlib.sha256(
        json.dumps([[r["text"], r["samples"], r["specialists"]] for r in rows]).encode()
    ).hexdigest()
    sources = {s: sum(r["source"] == s for r in rows) for s in {r["source"] for r in rows}}
    model.save(MODEL_PATH, meta={"data_sha256": digest, "sources": json.dumps(sources)})
    print(f"wrote {MODEL_PATH} from {len(rows)} rows {sources}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
