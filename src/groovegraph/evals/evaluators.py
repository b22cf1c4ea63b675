"""Evaluators: plain functions returning LangSmith feedback ``{"key", "score", "comment"}``.

Every evaluator takes the keyword arguments ``langsmith.evaluate`` passes by name
(``inputs``, ``outputs``, ``reference_outputs``), so the same function scores a local run
and an uploaded experiment. A missing or failed output scores 0 with a comment, never
raises: one broken example must not hide the others.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from groovegraph.evals import metrics
from groovegraph.tools.errors import GrooveGraphError

Feedback = dict[str, Any]
Evaluator = Callable[..., Feedback]

#: Specialist node ids (``DESIGN.md``: the ``name`` of every specialist message).
SPECIALISTS: tuple[str, ...] = ("groove", "era", "compatibility", "discovery")


def _fail(key: str, comment: str) -> Feedback:
    return {"key": key, "score": 0.0, "comment": comment}


def _error_of(outputs: Mapping[str, Any] | None) -> str | None:
    if not outputs:
        return "no output (the run failed)"
    if outputs.get("error"):
        return f"run error: {outputs['error']}"
    return None


# --------------------------------------------------------------------------- routing


def routing_exact_match(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """1 when the set of specialists the graph ran equals the expected set, else 0."""
    key = "routing_exact_match"
    if err := _error_of(outputs):
        return _fail(key, err)
    assert outputs is not None
    got = sorted(set(outputs.get("specialists") or []))
    want = sorted(set(reference_outputs.get("specialists") or []))
    ok = got == want
    return {"key": key, "score": float(ok), "comment": f"got {got}, expected {want}"}


# --------------------------------------------------------------------------- analysis


def _analysis_pair(
    outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any]
) -> tuple[Mapping[str, Any] | None, Mapping[str, Any], str | None]:
    if err := _error_of(outputs):
        return None, {}, err
    assert outputs is not None
    analysis = outputs.get("analysis")
    if not isinstance(analysis, Mapping):
        return None, {}, "output has no 'analysis'"
    return analysis, reference_outputs.get("truth") or reference_outputs, None


def tempo_acc1(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """Tempo within 4 % of the true BPM (1/0)."""
    key = "tempo_acc1"
    est, truth, err = _analysis_pair(outputs, reference_outputs)
    if err or est is None:
        return _fail(key, err or "")
    ok = metrics.tempo_acc1(estimated_bpm=est["tempo_bpm"], true_bpm=truth["tempo_bpm"])
    return {
        "key": key,
        "score": float(ok),
        "comment": f"{est['tempo_bpm']:.2f} vs {truth['tempo_bpm']:.2f} BPM",
    }


def tempo_acc2(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """Tempo within 4 % of the true BPM or of ×2, ×3, ×½, ×⅓ of it (1/0)."""
    key = "tempo_acc2"
    est, truth, err = _analysis_pair(outputs, reference_outputs)
    if err or est is None:
        return _fail(key, err or "")
    ok = metrics.tempo_acc2(estimated_bpm=est["tempo_bpm"], true_bpm=truth["tempo_bpm"])
    return {
        "key": key,
        "score": float(ok),
        "comment": f"{est['tempo_bpm']:.2f} vs {truth['tempo_bpm']:.2f} BPM",
    }


def _abs_error(key: str, field: str, unit: str) -> Evaluator:
    def evaluator(
        *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
    ) -> Feedback:
        est, truth, err = _analysis_pair(outputs, reference_outputs)
        if err or est is None:
            # A failed run has no error to average: no score keeps it out of the mean,
            # and the report's error count fails the suite instead.
            return {"key": key, "score": None, "comment": err}
        error = abs(float(est[field]) - float(truth[field]))
        return {
            "key": key,
            "score": error,
            "comment": f"{est[field]:.2f} vs {truth[field]:.2f} {unit}",
        }

    evaluator.__name__ = key
    evaluator.__doc__ = (
        f"Absolute error of ``{field}`` against the truth, in {unit} (lower is better)."
    )
    return evaluator


swing_abs_error = _abs_error("swing_abs_error", "swing_percent", "swing %")
backbeat_abs_error_ms = _abs_error("backbeat_abs_error_ms", "backbeat_lag_ms", "ms")


def key_mirex(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """MIREX weighted key score (1 / 0.5 fifth / 0.3 relative / 0.2 parallel / 0).

    A reference without a key (a drum loop) is not scored (``score`` None keeps it out of
    the mean); a pitched reference the analysis found no key in scores 0.
    """
    key = "key_mirex"
    est, truth, err = _analysis_pair(outputs, reference_outputs)
    if err or est is None:
        return _fail(key, err or "")
    if not truth.get("key"):
        return {"key": key, "score": None, "comment": "no reference key (drums only): not scored"}
    if not est.get("key"):
        return {"key": key, "score": 0.0, "comment": f"no key found vs {truth['key']}"}
    score = metrics.mirex_key_score(estimated=est["key"], reference=truth["key"])
    return {"key": key, "score": score, "comment": f"{est['key']} vs {truth['key']}"}


# --------------------------------------------------------------------------- discovery


def _ranking(
    outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any]
) -> tuple[list[str], dict[str, float], str | None]:
    if err := _error_of(outputs):
        return [], {}, err
    assert outputs is not None
    ranked = [str(item) for item in outputs.get("ranked") or []]
    gains = {str(k): float(v) for k, v in (reference_outputs.get("gains") or {}).items()}
    return ranked, gains, None


def precision_at_5(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """Share of the top 5 hits that are relevant (gain > 0)."""
    key = "precision_at_5"
    ranked, gains, err = _ranking(outputs, reference_outputs)
    if err:
        return _fail(key, err)
    relevant = [k for k, g in gains.items() if g > 0]
    # With fewer than 5 relevant items a perfect ranking cannot fill 5 slots: cap k.
    k = max(1, min(5, len(relevant)))
    score = metrics.precision_at_k(ranked=ranked, relevant=relevant, k=k)
    return {"key": key, "score": score, "comment": f"top {k}: {ranked[:k]}"}


def ndcg_at_5(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """nDCG@5 of the returned ranking against graded relevance from the demo manifest."""
    key = "ndcg_at_5"
    ranked, gains, err = _ranking(outputs, reference_outputs)
    if err:
        return _fail(key, err)
    score = metrics.ndcg_at_k(ranked=ranked, gains=gains, k=5)
    best = sorted(gains, key=lambda k: -gains[k])[:5]
    return {"key": key, "score": score, "comment": f"got {ranked[:5]}, ideal {best}"}


# --------------------------------------------------------------------------- groundedness


def _numbers_in(value: Any) -> Iterable[float]:
    """Every number inside a tool output: JSON values and numbers written in its text."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        if math.isfinite(value):
            yield float(value)
        return
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except (ValueError, TypeError):
            parsed = None
        if parsed is not None and not isinstance(parsed, str):
            yield from _numbers_in(parsed)
        yield from metrics.extract_numbers(value)
        return
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _numbers_in(item)
        return
    if isinstance(value, Sequence):
        if value and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            # A series (beat and downbeat times): no answer restates its elements, and
            # letting them count made nearly every small integer "grounded".
            return
        # "Found 5 samples" restates the length of a returned list: that count is a
        # tool result too.
        yield float(len(value))
        for item in value:
            yield from _numbers_in(item)


def ungrounded_numbers(
    *, answer: str, tool_outputs: Sequence[Any], user_text: str = ""
) -> list[float]:
    """Numbers of ``answer`` that no tool output (nor the user's own message) contains.

    The user's numbers count as sources because restating the question ("loops near 96
    BPM") invents nothing; every other number must equal a tool value rounded to the
    decimals the answer shows. Series of numbers (beat times) are not sources: their
    elements made almost any small integer pass.
    """
    sources = [n for out in tool_outputs for n in _numbers_in(out)]
    sources.extend(metrics.extract_numbers(user_text))
    # Each number must equal a tool value at the precision the answer shows it.
    return [
        metrics.token_value(t)
        for t in metrics.claim_tokens(answer)
        if not metrics.number_is_grounded(
            metrics.token_value(t), sources, decimals=metrics.token_decimals(t)
        )
    ]


def groundedness(
    *, inputs: Mapping[str, Any] | None = None, outputs: Mapping[str, Any] | None, **_: Any
) -> Feedback:
    """1 when every number in the final answer appears in a tool output of the same run."""
    key = "groundedness"
    if err := _error_of(outputs):
        return _fail(key, err)
    assert outputs is not None
    answer = str(outputs.get("answer") or "")
    if not answer.strip():
        return _fail(key, "empty answer")
    tools = list(outputs.get("tool_outputs") or [])
    user_text = str((inputs or {}).get("message") or "")
    missing = ungrounded_numbers(answer=answer, tool_outputs=tools, user_text=user_text)
    count = len(metrics.claim_numbers(answer))
    if missing:
        return {"key": key, "score": 0.0, "comment": f"not in any tool output: {missing}"}
    if count == 0:
        return {"key": key, "score": 0.0, "comment": "the answer quotes no number from the tools"}
    return {
        "key": key,
        "score": 1.0,
        "comment": f"{count} numbers, all from {len(tools)} tool outputs",
    }


def one_answer(*, outputs: Mapping[str, Any] | None, **_: Any) -> Feedback:
    """1 when the turn's AI messages are all different: none repeats another, in full or
    inside it (DESIGN, graph contract: one answer per turn, sent once)."""
    key = "one_answer"
    if err := _error_of(outputs):
        return _fail(key, err)
    assert outputs is not None
    texts = [
        " ".join(str(m.get("text") or "").split())
        for m in outputs.get("turn_messages") or []
        if str(m.get("text") or "").strip()
    ]
    repeats = [
        (i, j) for i, a in enumerate(texts) for j, b in enumerate(texts) if i != j and a in b
    ]
    if not texts:
        return {"key": key, "score": 0.0, "comment": "the turn has no answer"}
    return {
        "key": key,
        "score": float(not repeats),
        "comment": f"{len(repeats)} repeat(s) among {len(texts)} message(s)"
        if repeats
        else f"{len(texts)} distinct message(s)",
    }


def answer_mentions(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """1 when the answer contains every string of ``reference_outputs['must_mention']`` (case-insensitive)."""
    key = "answer_mentions"
    if err := _error_of(outputs):
        return _fail(key, err)
    assert outputs is not None
    answer = str(outputs.get("answer") or "").lower()
    wanted = [str(s) for s in reference_outputs.get("must_mention") or []]
    missing = [s for s in wanted if s.lower() not in answer]
    return {
        "key": key,
        "score": float(not missing),
        "comment": f"missing {missing}" if missing else "all present",
    }


# --------------------------------------------------------------------------- trajectories


def match_trajectory(
    *, actual: Sequence[str], expected: Sequence[str], mode: str = "strict"
) -> bool:
    """Compare node sequences.

    ``strict``: identical sequences. ``subsequence``: ``expected`` appears in ``actual`` in
    order, other nodes may come between. ``superset``: every expected node was visited, in
    any order. ``unordered``: the same multiset of nodes.
    """
    if mode == "strict":
        return list(actual) == list(expected)
    if mode == "subsequence":
        it = iter(actual)
        return all(any(node == seen for seen in it) for node in expected)
    if mode == "superset":
        return set(expected) <= set(actual)
    if mode == "unordered":
        return sorted(actual) == sorted(expected)
    raise GrooveGraphError(f"unknown trajectory match mode {mode!r}")


def trajectory_match(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> Feedback:
    """1 when the run's node sequence matches the expected one (mode from the example)."""
    key = "trajectory_match"
    if err := _error_of(outputs):
        return _fail(key, err)
    assert outputs is not None
    actual = [str(n) for n in outputs.get("trajectory") or []]
    expected = [str(n) for n in reference_outputs.get("trajectory") or []]
    mode = str(reference_outputs.get("match") or "strict")
    ok = match_trajectory(actual=actual, expected=expected, mode=mode)
    return {"key": key, "score": float(ok), "comment": f"{mode}: got {actual}, expected {expected}"}
