"""The shared metric functions and the evaluators built on them."""

from __future__ import annotations

import math

import mir_eval
import pytest

from groovegraph.evals import evaluators as ev
from groovegraph.evals import metrics
from groovegraph.settings import Settings
from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.keys import ALL_KEYS


@pytest.mark.parametrize(
    ("est", "ref", "acc1", "acc2"),
    [
        (100.0, 100.0, True, True),
        (103.9, 100.0, True, True),
        (104.5, 100.0, False, False),
        (200.0, 100.0, False, True),
        (50.0, 100.0, False, True),
        (300.0, 100.0, False, True),
        (33.4, 100.0, False, True),
        (150.0, 100.0, False, False),
    ],
)
def test_tempo_accuracy_windows(est: float, ref: float, acc1: bool, acc2: bool) -> None:
    assert metrics.tempo_acc1(estimated_bpm=est, true_bpm=ref) is acc1
    assert metrics.tempo_acc2(estimated_bpm=est, true_bpm=ref) is acc2


@pytest.mark.parametrize("bad", [0.0, -5.0, math.nan, math.inf])
def test_tempo_rejects_non_positive(bad: float) -> None:
    with pytest.raises(InvalidQueryError):
        metrics.tempo_acc1(estimated_bpm=bad, true_bpm=100.0)


def test_mirex_key_score_agrees_with_mir_eval_on_all_pairs() -> None:
    # mir_eval wants "C# minor" with sharps only; our names use flats for some majors.
    sharp = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
    for ref in ALL_KEYS:
        for est in ALL_KEYS:
            want = mir_eval.key.weighted_score(
                f"{sharp[ref.pc]} {ref.mode}", f"{sharp[est.pc]} {est.mode}"
            )
            assert metrics.mirex_key_score(estimated=est.name, reference=ref.name) == want, (
                est,
                ref,
            )


def test_mirex_key_score_reads_any_spelling() -> None:
    assert metrics.mirex_key_score(estimated="Am", reference="8A") == 1.0
    assert metrics.mirex_key_score(estimated="E minor", reference="A minor") == 0.5
    assert metrics.mirex_key_score(estimated="C major", reference="A minor") == 0.3


def test_ndcg_and_precision() -> None:
    gains = {"a": 2.0, "b": 1.0, "c": 1.0}
    assert metrics.ndcg_at_k(ranked=["a", "b", "c"], gains=gains, k=5) == pytest.approx(1.0)
    swapped = metrics.ndcg_at_k(ranked=["b", "a", "c"], gains=gains, k=5)
    assert 0.8 < swapped < 1.0
    assert metrics.ndcg_at_k(ranked=["x", "y"], gains=gains, k=5) == 0.0
    assert (
        metrics.ndcg_at_k(ranked=["a", "a", "a"], gains=gains, k=5) < 1.0
    )  # duplicates earn nothing
    assert metrics.precision_at_k(ranked=["a", "x", "b"], relevant=gains, k=3) == pytest.approx(
        2 / 3
    )
    assert metrics.precision_at_k(ranked=["a"], relevant=gains, k=2) == 0.5


def test_extract_numbers_skips_labels() -> None:
    text = "96.0 BPM in 8A, a 70s funk_01.wav loop, swing 58%, lag -12.5 ms, 1,024 hits, id a3f9"
    assert metrics.extract_numbers(text) == [96.0, 58.0, -12.5, 1024.0]


def test_number_grounding_tolerates_rounding_only() -> None:
    sources = [95.98, -12.34, 0.6183]
    assert metrics.number_is_grounded(96.0, sources)
    assert metrics.number_is_grounded(96, sources)
    assert metrics.number_is_grounded(12.3, sources)  # magnitude of a signed value, rounded
    assert metrics.number_is_grounded(0.62, sources)
    assert not metrics.number_is_grounded(97.0, sources)
    assert not metrics.number_is_grounded(12.0, [11.0, 13.0])


def test_groundedness_flags_an_invented_number() -> None:
    tools = ['{"tempo_bpm": 95.98, "swing_percent": 57.6}', {"hits": [{"score": 0.93}]}]
    good = ev.groundedness(
        inputs={"message": "swing?"},
        outputs={"answer": "96 BPM, swing 57.6 % (score 0.93)", "tool_outputs": tools},
    )
    assert good["score"] == 1.0, good
    bad = ev.groundedness(
        inputs={"message": "swing?"},
        outputs={"answer": "96 BPM, swing 61 %", "tool_outputs": tools},
    )
    assert bad["score"] == 0.0
    assert "61" in bad["comment"]
    echoed = ev.groundedness(
        inputs={"message": "loops near 100 BPM"},
        outputs={"answer": "near 100 BPM: 95.98 BPM", "tool_outputs": tools},
    )
    assert echoed["score"] == 1.0
    assert ev.groundedness(inputs={}, outputs={"answer": "", "tool_outputs": tools})["score"] == 0.0
    assert ev.groundedness(inputs={}, outputs=None)["score"] == 0.0


def test_analysis_evaluators() -> None:
    out = {
        "analysis": {
            "tempo_bpm": 191.0,
            "swing_percent": 59.0,
            "backbeat_lag_ms": 10.0,
            "key": "E minor",
        }
    }
    ref = {
        "truth": {
            "tempo_bpm": 96.0,
            "swing_percent": 58.0,
            "backbeat_lag_ms": 12.5,
            "key": "A minor",
        }
    }
    assert ev.tempo_acc1(outputs=out, reference_outputs=ref)["score"] == 0.0
    assert ev.tempo_acc2(outputs=out, reference_outputs=ref)["score"] == 1.0
    assert ev.swing_abs_error(outputs=out, reference_outputs=ref)["score"] == pytest.approx(1.0)
    assert ev.backbeat_abs_error_ms(outputs=out, reference_outputs=ref)["score"] == pytest.approx(
        2.5
    )
    assert ev.key_mirex(outputs=out, reference_outputs=ref)["score"] == 0.5
    # A failed run gives no error to average, and zero where a score is a rate.
    assert ev.swing_abs_error(outputs={"error": "boom"}, reference_outputs=ref)["score"] is None
    assert ev.tempo_acc1(outputs=None, reference_outputs=ref)["score"] == 0.0


def test_routing_and_trajectory_evaluators() -> None:
    ok = ev.routing_exact_match(
        outputs={"specialists": ["groove", "compatibility"]},
        reference_outputs={"specialists": ["compatibility", "groove"]},
    )
    assert ok["score"] == 1.0
    extra = ev.routing_exact_match(
        outputs={"specialists": ["groove", "era"]}, reference_outputs={"specialists": ["groove"]}
    )
    assert extra["score"] == 0.0
    actual = ["supervisor", "groove", "supervisor", "answer"]
    assert ev.match_trajectory(actual=actual, expected=actual, mode="strict")
    assert not ev.match_trajectory(actual=actual, expected=["supervisor", "groove"], mode="strict")
    assert ev.match_trajectory(actual=actual, expected=["supervisor", "answer"], mode="subsequence")
    assert not ev.match_trajectory(actual=actual, expected=["answer", "groove"], mode="subsequence")
    assert ev.match_trajectory(actual=actual, expected=["answer", "groove"], mode="superset")
    res = ev.trajectory_match(
        outputs={"trajectory": actual},
        reference_outputs={"trajectory": ["groove"], "match": "superset"},
    )
    assert res["score"] == 1.0


def test_discovery_evaluators_cap_k_at_the_relevant_count() -> None:
    ref = {"gains": {"a.wav": 2, "b.wav": 1}}
    res = ev.precision_at_5(outputs={"ranked": ["a.wav", "b.wav", "c.wav"]}, reference_outputs=ref)
    assert res["score"] == 1.0
    assert (
        ev.ndcg_at_5(outputs={"ranked": ["b.wav", "a.wav"]}, reference_outputs=ref)["score"] < 1.0
    )


def test_claim_numbers_ignore_list_markers_paths_and_code() -> None:
    answer = "Found 2 matching sample(s):\n1. `demo/70s-funk/96-Am.wav` [a1b2] — 96.0 BPM\n2. house/124.wav — 8A"
    assert metrics.claim_numbers(answer) == [2.0, 96.0]


def test_groundedness_counts_list_lengths_as_tool_results() -> None:
    tools = [{"hits": [{"tempo_bpm": 96.0}, {"tempo_bpm": 97.0}]}]
    res = ev.groundedness(
        inputs={},
        outputs={"answer": "Found 2 loops:\n1. 96.0 BPM\n2. 97.0 BPM", "tool_outputs": tools},
    )
    assert res["score"] == 1.0, res
    res = ev.groundedness(inputs={}, outputs={"answer": "Found 3 loops", "tool_outputs": tools})
    assert res["score"] == 0.0


def test_answer_judge_only_with_a_model(settings: Settings) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from groovegraph.evals.judges import make_answer_judge

    assert make_answer_judge(settings=settings) is None  # offline: no judge at all
    judge = make_answer_judge(
        settings=settings,
        model=FakeListChatModel(responses=['Sure. {"score": 0.8, "reason": "uses the tempo"}']),
    )
    assert judge is not None
    res = judge(
        inputs={"message": "tempo?"},
        outputs={"answer": "96 BPM", "tool_outputs": [{"tempo_bpm": 96}]},
    )
    assert res == {"key": "answer_quality_judge", "score": 0.8, "comment": "uses the tempo"}
    garbled = make_answer_judge(settings=settings, model=FakeListChatModel(responses=["no idea"]))
    assert garbled is not None
    assert garbled(inputs={}, outputs={"answer": "x"})["score"] is None


def test_groundedness_needs_a_tool_value_not_a_beat_time() -> None:
    """Beat arrays held every small integer (0.0, 0.5, …, 7.0 s): "7 ms" passed. A number
    counts only when a tool value rounds to it at the precision the answer shows."""
    analysis = {
        "tempo_bpm": 96.4,
        "timing_deviation_ms": 3.2,
        "beats_s": [i * 0.5 for i in range(40)],
        "downbeats_s": [i * 2.0 for i in range(10)],
    }
    tools = [{"analyses": {"a.wav": analysis}}]
    invented = ev.groundedness(
        inputs={}, outputs={"answer": "96.4 BPM, timing off by 7 ms", "tool_outputs": tools}
    )
    assert invented["score"] == 0.0, invented
    assert "7.0" in invented["comment"]
    # "96.0" claims a precision the tool's 96.4 does not have; "96" is honest rounding.
    assert ev.ungrounded_numbers(answer="96.0 BPM", tool_outputs=tools) == [96.0]
    assert ev.ungrounded_numbers(answer="about 96 BPM, 3.2 ms", tool_outputs=tools) == []
    # a sample id shown beside its file name is a label, not a claim
    assert (
        ev.ungrounded_numbers(answer="a.wav [0123456789abcdef]: 96.4 BPM", tool_outputs=tools) == []
    )
