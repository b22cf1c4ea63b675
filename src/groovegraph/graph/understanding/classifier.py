"""Which specialists a message needs: logistic regression over sentence embeddings.

One sigmoid per specialist (a turn may need several) over the MiniLM embedding of the
message plus a few structural features a sentence embedding cannot see (samples
attached, keys and tempi counted by the slot extractor, the clause intents the rules
read). Trained by ``python -m groovegraph.graph.understanding.train`` on hand-written
exemplars, the project's routing set and the *tune* split of the understanding set;
the weights ship as ``intent_model.npz`` next to this module, so nothing trains or
downloads at run time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from groovegraph.state import SPECIALISTS, ParsedRequest, SpecialistName
from groovegraph.tools import vocab

__all__ = [
    "FEATURES",
    "L2",
    "MODEL_PATH",
    "IntentModel",
    "structural_features",
    "train_model",
]

MODEL_PATH = Path(__file__).with_name("intent_model.npz")
# Below its threshold everywhere: the likeliest specialist still answers when it reaches
# this (the default; training calibrates it with the per-specialist thresholds, and
# on the tune rows anything from 0.2 to 0.4 scores the same: the middle keeps "thanks",
# "yo" and "sweet" from turning into searches).
FALLBACK_P = 0.35
# L2 penalty of the regression, checked by leave-one-set-out validation on the tune rows
# (2026-12-03, sets 1, 2 and 4; each set's tune rows held out in turn, the model trained and
# its thresholds calibrated on the rest). The classifier alone (``train --loso``), requests
# per held-out set 1 / 2 / 4: 0.925 / 0.855 / 0.819 at 1e-4, 0.910 / 0.924 / 0.843 at 1e-3,
# 0.865 / 0.878 / 0.843 at 1e-2. The whole graph with its rules over those held-out tune
# rows: requests 342/357 at 1e-4, 344/357 at 1e-3; conversation turns 183/201 at both. 1e-3
# is not taken: its smoother probabilities put "thanks!", "ok" and "hello there" over the
# fallback level (a greeting became a search).
L2 = 1e-4

FEATURES: tuple[str, ...] = (
    "samples>=1",
    "samples>=2",
    "keys>=1",
    "keys>=2",
    "tempi>=1",
    "tempi>=2",
    "style",
    "rule:find",
    "rule:compatibility",
    "rule:history",
    "rule:stats",
    "my-audio",
    "this-ref",
    "mix-word",
    "history-word",
    "library-word",
    "clauses>=2",
    "question",
    "find-verb",
    "own-audio-one",
)

# Cues a sentence embedding of a short message weighs too lightly; the regression learns
# how much each one counts.
_MY_AUDIO_RE = re.compile(
    r"\bmy (?:own )?(?:two |2 )?(?:drum )?(?:loops?|breaks?|beats?|samples?|tracks?|drums?|grooves?|"
    r"bassline|recording|take|vocal(?: chop)?|kick|snare|files?|tune|song)\b",
    re.IGNORECASE,
)
_THIS_RE = re.compile(r"\b(?:this|it|these|both|that one)\b", re.IGNORECASE)
_MIX_RE = vocab.word_pattern((*vocab.MIX_WORDS, *vocab.PITCH_WORDS))
_HISTORY_RE = vocab.word_pattern((*vocab.HISTORY_WORDS, "who", "why"))
_FIND_VERB_RE = vocab.word_pattern((*vocab.FIND_VERBS, "anything", "something", "more like"))
# One sample of the user's own that is not attached ("my break", "the loop I made"):
# it has to be analysed, so the groove specialist asks for it (plural "my loops" is the
# library, not one file).
OWN_AUDIO_RE = re.compile(
    r"\bmy (?:own )?(?:drum |vocal |bass |808 )?(?:loop|break|beat|sample|track|groove|bassline|"
    r"recording|take|vocal(?: chop)?|chop|kick|snare|hats?|pad|file|tune|song|drums)(?!s)\b"
    r"|\bmy (?:two|2) (?:loops|breaks|beats|samples|tracks)\b"
    r"|\b(?:the|a|this|that)\s+(?:\w+\s+){0,2}?(?:loop|break|beat|sample|groove|chop|vocal|"
    r"bassline|recording|file)\s+(?:I(?:'ve| have)? (?:just )?(?:got|made|recorded|bounced|"
    r"sampled|chopped|programmed|sent|uploaded|attached|dropped|shared|posted)|I've got)\b",
    re.IGNORECASE,
)
_LIBRARY_RE = re.compile(
    rf"\b(?:my {vocab.alternation(vocab.LIBRARY_NOUNS)}|in my|from my|do i (?:have|own)|i (?:have|own))\b",
    re.IGNORECASE,
)


def structural_features(parsed: ParsedRequest, *, samples: int, clauses: int) -> np.ndarray:
    """What the embedding cannot see, as 0/1 features (order of :data:`FEATURES`)."""
    intents = set(parsed.intents)
    text = parsed.text
    values = (
        samples >= 1,
        samples >= 2,
        len(parsed.keys) >= 1,
        len(parsed.keys) >= 2,
        len(parsed.bpms) >= 1,
        len(parsed.bpms) >= 2,
        # a style named, or pointed at by gear, a break or an artist ("an MPC feel"): no
        # genre slot (the parser leaves those out), but the same cue for routing
        bool(parsed.genres or parsed.eras or vocab.find_entities(text)),
        "find" in intents,
        "compatibility" in intents,
        "history" in intents,
        "stats" in intents,
        bool(_MY_AUDIO_RE.search(text)),
        bool(_THIS_RE.search(text)),
        bool(_MIX_RE.search(text)),
        bool(_HISTORY_RE.search(text)),
        bool(_LIBRARY_RE.search(text)),
        clauses >= 2,
        vocab.is_question(text),
        bool(_FIND_VERB_RE.search(text)),
        bool(OWN_AUDIO_RE.search(text)),
    )
    return np.asarray(values, dtype=np.float32)


@dataclass(frozen=True)
class IntentModel:
    """Per-specialist logistic regression: ``p = sigmoid(x @ weights + bias)``, a
    specialist is needed at ``p >= thresholds[j]`` (0.5 unless calibrated).

    ``calibration`` maps the decision margin (:meth:`margin`) to the probability that the
    turn's exact specialist set is right: knots ``[[margin...], [P...]]`` read by linear
    interpolation, fitted by the trainer on leave-one-set-out readings of the tune rows
    (:func:`~groovegraph.graph.understanding.train.fit_calibration`). Without it the
    confidence is the raw margin."""

    weights: np.ndarray  # (features, specialists)
    bias: np.ndarray  # (specialists,)
    labels: tuple[SpecialistName, ...] = SPECIALISTS
    thresholds: np.ndarray | None = None  # (specialists,); None = 0.5 each
    fallback: float = FALLBACK_P
    calibration: np.ndarray | None = None  # (2, knots): margin -> P(exact set right)

    @property
    def cuts(self) -> np.ndarray:
        if self.thresholds is None:
            return np.full(len(self.labels), 0.5)
        return np.asarray(self.thresholds, dtype=np.float64)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = np.atleast_2d(x) @ self.weights + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))), dtype=np.float64)

    def decide(self, p: np.ndarray) -> list[SpecialistName]:
        """Specialists at or over their threshold; when none is, the likeliest one
        unless every probability is low (a greeting, thanks, a question about the
        assistant)."""
        cuts = self.cuts
        chosen = [s for s, v, c in zip(self.labels, p, cuts, strict=True) if v >= c]
        if not chosen and float(np.max(p)) >= self.fallback:
            chosen = [self.labels[int(np.argmax(p))]]
        return chosen

    def margin(self, p: np.ndarray) -> float:
        """How far the least certain specialist is from its threshold, 0..1 (1 = at 0
        or 1, 0 = on the threshold). A score, not a probability."""
        p = np.asarray(p, dtype=np.float64)
        cuts = self.cuts
        margin = np.where(p >= cuts, (p - cuts) / (1 - cuts), (cuts - p) / cuts)
        return float(np.min(margin))

    def calibrated(self, margin: float) -> float:
        """P(the exact specialist set is right) at this margin (the margin itself when
        the model carries no calibration)."""
        if self.calibration is None:
            return float(np.clip(margin, 0.0, 1.0))
        knots = np.asarray(self.calibration, dtype=np.float64)
        return float(np.clip(np.interp(margin, knots[0], knots[1]), 0.0, 1.0))

    def confidence(self, p: np.ndarray) -> float:
        """The routing confidence of one reading: the calibrated probability that its
        specialist set is right (see :meth:`calibrated`)."""
        return self.calibrated(self.margin(p))

    def with_thresholds(self, thresholds: Sequence[float], fallback: float) -> IntentModel:
        return IntentModel(
            weights=self.weights,
            bias=self.bias,
            labels=self.labels,
            thresholds=np.asarray(thresholds, dtype=np.float64),
            fallback=float(fallback),
            calibration=self.calibration,
        )

    def with_calibration(self, knots: np.ndarray | None) -> IntentModel:
        return IntentModel(
            weights=self.weights,
            bias=self.bias,
            labels=self.labels,
            thresholds=self.thresholds,
            fallback=self.fallback,
            calibration=None if knots is None else np.asarray(knots, dtype=np.float64),
        )

    def save(self, path: Path, *, meta: dict[str, str]) -> None:
        arrays: dict[str, np.ndarray] = {
            "weights": self.weights.astype(np.float32),
            "bias": self.bias.astype(np.float32),
            "labels": np.asarray(self.labels),
            "thresholds": self.cuts.astype(np.float32),
            "fallback": np.asarray(self.fallback, dtype=np.float32),
        }
        if self.calibration is not None:
            arrays["calibration"] = np.asarray(self.calibration, dtype=np.float32)
        arrays.update({f"meta_{k}": np.asarray(v) for k, v in meta.items()})
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> IntentModel:
        with np.load(path, allow_pickle=False) as data:
            labels = tuple(str(x) for x in data["labels"])
            thresholds = data.get("thresholds", None)
            fallback = float(data["fallback"]) if "fallback" in data else FALLBACK_P
            calibration = data.get("calibration", None)
            return cls(
                weights=data["weights"],
                bias=data["bias"],
                labels=labels,  # type: ignore[arg-type]
                thresholds=thresholds,
                fallback=fallback,
                calibration=None if calibration is None else calibration.astype(np.float64),
            )


def _fit_one(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    from scipy.optimize import minimize  # training only

    n, d = x.shape

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
        eps = 1e-9
        value = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + l2 * (w @ w) / 2
        grad_z = (p - y) / n
        return float(value), np.concatenate([x.T @ grad_z + l2 * w, [grad_z.sum()]])

    result = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return result.x[:d], float(result.x[d])


def train_model(x: np.ndarray, labels: Sequence[Sequence[str]], *, l2: float = L2) -> IntentModel:
    """Fit one logistic regression per specialist (deterministic: L-BFGS from zeros)."""
    weights = np.zeros((x.shape[1], len(SPECIALISTS)))
    bias = np.zeros(len(SPECIALISTS))
    for j, name in enumerate(SPECIALISTS):
        y = np.asarray([name in row for row in labels], dtype=np.float64)
        weights[:, j], bias[j] = _fit_one(x.astype(np.float64), y, l2)
    return IntentModel(weights=weights, bias=bias)
