"""Metric functions shared by the eval suites and the accuracy benchmark.

Pure functions on plain numbers and strings (no LangSmith, no graph), so
``benchmarks/analysis_accuracy.py`` and :mod:`groovegraph.evals.evaluators` score the same
way. Conventions follow MIR practice: tempo Acc1/Acc2 with a 4 % window (MIREX tempo
estimation), the MIREX weighted key score, and the usual ranking metrics for retrieval.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.keys import parse_key

#: Relative tempo window of Acc1/Acc2 (4 %, as in MIREX tempo estimation).
TEMPO_TOLERANCE = 0.04
#: Metrical multiples Acc2 forgives: octave errors and triple-meter confusions.
ACC2_FACTORS: tuple[float, ...] = (1.0, 2.0, 3.0, 1.0 / 2.0, 1.0 / 3.0)


def finite_number(d: Mapping[str, Any], key: str) -> float | None:
    """``d[key]`` as a finite float, or None when it is missing, a bool, not a number,
    NaN or infinite (an estimate a metric cannot score)."""
    v = d.get(key)
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise InvalidQueryError(f"{name} must be a positive finite number, got {value!r}")
    return value


def tempo_acc1(
    *, estimated_bpm: float, true_bpm: float, tolerance: float = TEMPO_TOLERANCE
) -> bool:
    """Acc1: the estimate lies within ``tolerance`` (relative, default 4 %) of the truth.

    Parameters
    ----------
    estimated_bpm, true_bpm : float
        Quarter-note tempi in BPM (> 0).
    tolerance : float
        Relative window, 0.04 = ±4 %.
    """
    est = _positive("estimated_bpm", estimated_bpm)
    ref = _positive("true_bpm", true_bpm)
    return abs(est - ref) <= tolerance * ref


def tempo_acc2(
    *, estimated_bpm: float, true_bpm: float, tolerance: float = TEMPO_TOLERANCE
) -> bool:
    """Acc2: like :func:`tempo_acc1`, but ×2, ×3, ×½ and ×⅓ of the truth also count (BPM)."""
    est = _positive("estimated_bpm", estimated_bpm)
    ref = _positive("true_bpm", true_bpm)
    return any(abs(est - ref * f) <= tolerance * ref * f for f in ACC2_FACTORS)


def mirex_key_score(*, estimated: str, reference: str) -> float:
    """MIREX weighted key score of an estimated key against the true key.

    1.0 same key, 0.5 estimate a perfect fifth above in the same mode, 0.3 relative
    major/minor, 0.2 parallel major/minor, 0 otherwise. Same rules as
    ``mir_eval.key.weighted_score`` (checked in the tests), but any spelling
    :func:`groovegraph.tools.keys.parse_key` reads is accepted (``"F#m"``, ``"8A"``).
    """
    est = parse_key(estimated)
    ref = parse_key(reference)
    diff = (est.pc - ref.pc) % 12
    if est == ref:
        return 1.0
    if est.mode == ref.mode:
        return 0.5 if diff == 7 else 0.0
    if ref.mode == "major" and diff == 9:  # estimate is the relative minor
        return 0.3
    if ref.mode == "minor" and diff == 3:  # estimate is the relative major
        return 0.3
    return 0.2 if diff == 0 else 0.0


def precision_at_k(*, ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the first ``k`` ranked ids that are relevant (missing slots count as misses)."""
    if k < 1:
        raise InvalidQueryError("k must be >= 1")
    wanted = set(relevant)
    return sum(1 for item in ranked[:k] if item in wanted) / k


def ndcg_at_k(*, ranked: Sequence[str], gains: Mapping[str, float], k: int) -> float:
    """Normalised discounted cumulative gain of a ranking, with graded gains.

    Parameters
    ----------
    ranked : sequence of str
        Returned ids, best first (duplicates after the first count as zero gain).
    gains : mapping
        Gain of each relevant id (e.g. 2 = exact match, 1 = near miss); others are 0.
    k : int
        Cut-off.

    Returns
    -------
    float
        DCG/IDCG in 0..1 with the ``log2(rank + 1)`` discount; 1.0 when nothing is relevant
        and nothing is returned, 0.0 when nothing is relevant but something is.
    """
    if k < 1:
        raise InvalidQueryError("k must be >= 1")
    seen: set[str] = set()
    dcg = 0.0
    for rank, item in enumerate(ranked[:k], start=1):
        if item in seen:
            continue
        seen.add(item)
        dcg += float(gains.get(item, 0.0)) / math.log2(rank + 1)
    ideal = sorted((g for g in gains.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    if idcg == 0.0:
        return 1.0 if not ranked[:k] else 0.0
    return dcg / idcg


# Numbers as people write them: "96", "96.5", "-12.3", "1,024", ".5"; not parts of words
# such as "8A" (a Camelot code) or "70s", which the groundedness check treats separately.
_NUMBER_RE = re.compile(r"(?<![\w.])[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?![\w])")


def number_tokens(text: str) -> list[str]:
    """Every standalone number in ``text`` as written (``"96.0"``, ``"-12.5"``, ``"1,024"``)."""
    return [m.group(0) for m in _NUMBER_RE.finditer(text) if any(ch.isdigit() for ch in m.group(0))]


def token_value(token: str) -> float:
    """The value of a :func:`number_tokens` token."""
    return float(token.replace(",", "").replace("−", "-"))


def token_decimals(token: str) -> int:
    """How many decimals a number token shows (``"96.0"`` → 1, ``"96"`` → 0)."""
    return len(token.split(".", 1)[1]) if "." in token else 0


def extract_numbers(text: str) -> list[float]:
    """Every standalone number in ``text`` (decimal, optional sign and thousands commas).

    Tokens glued to letters (``"8A"``, ``"70s"``, ``"mp3"``) are not numbers here: they are
    labels, and a label can be grounded only as text.
    """
    out: list[float] = []
    for match in _NUMBER_RE.finditer(text):
        token = match.group(0)
        if not any(ch.isdigit() for ch in token):
            continue
        out.append(float(token.replace(",", "").replace("−", "-")))
    return out


# What an answer may contain that is not a claim: list markers ("1. ", "2) "), code spans
# (paths and ids are quoted that way) and bare paths or audio file names.
_LIST_MARKER_RE = re.compile(r"^(\s*)\d{1,3}[.)](?=\s)", re.MULTILINE)
_CODE_SPAN_RE = re.compile(r"`[^`\n]*`")
_PATH_RE = re.compile(r"\S*/\S*|\S+\.(?:wav|flac|mp3|ogg|aiff?|m4a)\b", re.IGNORECASE)


def claim_tokens(text: str) -> list[str]:
    """Numbers an answer states as facts, as written: :func:`number_tokens` after removing
    list markers, code spans and file paths, whose digits are labels rather than
    measurements."""
    text = _LIST_MARKER_RE.sub(r"\1", text)
    text = _CODE_SPAN_RE.sub(" ", text)
    text = _PATH_RE.sub(" ", text)
    text = re.sub(r"\[[0-9a-f]{6,64}\]", " ", text)  # "[3f2a…]": a sample id beside its name
    return number_tokens(text)


def claim_numbers(text: str) -> list[float]:
    """The values of :func:`claim_tokens`."""
    return [token_value(t) for t in claim_tokens(text)]


def number_is_grounded(
    value: float,
    sources: Iterable[float],
    *,
    rel_tol: float = 0.005,
    decimals: int | None = None,
) -> bool:
    """Whether ``value`` equals some source number up to rounding.

    With ``decimals`` (how many the answer shows) a source matches only when it rounds to
    ``value`` at exactly that many decimals ("96.0" is 95.98, not 96.4). Without it, any
    rounding to 0–3 decimals or ``rel_tol`` matches. Either way the magnitude of a signed
    number counts ("lags 12 ms" for −12). Integers 0–10 and list ordinals are not exempt:
    callers decide which numbers need grounding.
    """
    for src in sources:
        for cand in (src, abs(src)):
            if decimals is not None:
                if round(cand, decimals) == value:
                    return True
                continue
            if math.isclose(value, cand, rel_tol=rel_tol, abs_tol=1e-9):
                return True
            for places in range(4):
                if round(cand, places) == value:
                    return True
    return False
