"""A clause of a multi-part message adds a specialist at the lower of the clause cut and
that specialist's own calibrated threshold (issue 10: a second question about history
after a question about the sample was read at 0.55 for era, under the clause cut of 0.6
though over era's own threshold, and was dropped)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from groovegraph.graph import understanding
from groovegraph.graph.understanding import CLAUSE_P, OfflineUnderstanding, clause_cuts
from groovegraph.state import SPECIALISTS


class _ScriptedModel:
    """Probabilities by text (the features stand in for the texts themselves)."""

    labels = SPECIALISTS
    fallback = 0.35

    def __init__(self, by_text: dict[str, list[float]], cuts: Sequence[float]) -> None:
        self.by_text = by_text
        self.cuts = np.asarray(cuts, dtype=np.float64)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray([self.by_text[t] for t in texts], dtype=np.float64)

    def decide(self, p: np.ndarray) -> list[str]:
        return [s for s, v, c in zip(self.labels, p, self.cuts, strict=True) if v >= c]

    def confidence(self, p: np.ndarray) -> float:
        return 0.5


def _reader(by_text: dict[str, list[float]], cuts: Sequence[float]) -> OfflineUnderstanding:
    reader = OfflineUnderstanding.__new__(OfflineUnderstanding)
    reader.model = _ScriptedModel(by_text, cuts)  # type: ignore[assignment]

    def features(texts: Sequence[str], parsed: Sequence[Any], samples: int) -> Sequence[str]:
        return list(texts)

    reader.features = features  # type: ignore[method-assign]
    return reader


def test_the_clause_cut_never_exceeds_a_specialists_own_threshold() -> None:
    got = clause_cuts(np.array([0.4, 0.45, 0.7, 0.8]))
    assert got.tolist() == [0.4, 0.45, CLAUSE_P, CLAUSE_P]


def test_a_second_question_clears_its_specialists_threshold_below_the_clause_cut() -> None:
    order = {s: i for i, s in enumerate(SPECIALISTS)}

    def probs(**kw: float) -> list[float]:
        out = [0.01] * len(SPECIALISTS)
        for name, v in kw.items():
            out[order[name]] = v
        return out

    whole = "what key is my tune in? and which label put out that sound first"
    first, second = understanding._clauses(whole)
    by_text = {
        whole: probs(groove=0.98, era=0.3),
        first: probs(groove=0.99),
        second: probs(groove=0.2, era=0.55),
    }
    cuts = [0.5] * len(SPECIALISTS)
    cuts[order["era"]] = 0.45
    chosen, _, _ = _reader(by_text, cuts).specialists(whole, samples=1)
    assert set(chosen) == {"groove", "era"}
    # at a threshold over the clause's probability it is not added
    cuts[order["era"]] = 0.7
    chosen, _, _ = _reader(by_text, cuts).specialists(whole, samples=1)
    assert set(chosen) == {"groove"}
