"""The analysis_realworld evaluators: null-tolerant, a refusal is a wrong answer, and a
metric that does not apply to an example gives no score."""

from __future__ import annotations

from typing import Any

import pytest

from groovegraph.evals import realworld as rw
from groovegraph.evals.datasets import EvalExample, load_dataset

GROOVE = {
    "kind": "loop",
    "source": "groove",
    "tempo_bpm": 92.0,
    "tempo_octave_ambiguous": False,
    "meter": 4,
    "beats_s": [0.5 + i * 60 / 92 for i in range(30)],
    "swing_percent": 62.0,
    "swing_subdivision": 16,
    "backbeat_lag_ms": 25.0,
    "key": "A minor",
    "key_ambiguous": False,
    "modal": True,
    "instrument": "mix",
    "root_note": None,
}
SHOT = {"kind": "one_shot", "source": "one_shot", "instrument": "bass", "root_note": "F#1"}


def _score(fn: Any, est: dict[str, Any] | None, truth: dict[str, Any], **extra: Any) -> Any:
    outputs = {"analysis": est, **extra} if est is not None or extra else None
    return fn(outputs=outputs, reference_outputs={"truth": truth})["score"]


def test_right_answers_score_one() -> None:
    est = {**GROOVE, "tempo_bpm": 92.5}
    assert _score(rw.tempo_acc1, est, GROOVE) == 1.0
    assert _score(rw.beat_f_measure, est, GROOVE) == pytest.approx(1.0)
    assert _score(rw.key_mirex_modal, est, GROOVE) == 1.0
    assert _score(rw.swing_abs_error, {**est, "swing_percent": 60.0}, GROOVE) == pytest.approx(2.0)
    assert _score(rw.fields_filled, est, GROOVE) == 1.0


def test_octave_error_and_relative_key() -> None:
    est = {**GROOVE, "tempo_bpm": 184.0, "key": "C major"}
    assert _score(rw.tempo_acc1, est, GROOVE) == 0.0
    assert _score(rw.tempo_acc2, est, GROOVE) == 1.0
    assert _score(rw.key_mirex, est, GROOVE) == pytest.approx(0.3)


def test_nulls_are_wrong_and_counted() -> None:
    est = {**GROOVE, "meter": None, "swing_subdivision": None, "key": None, "beats_s": None}
    assert _score(rw.meter_acc, est, GROOVE) == 0.0
    assert _score(rw.swing_subdivision_acc, est, GROOVE) == 0.0
    assert _score(rw.key_mirex, est, GROOVE) == 0.0
    assert _score(rw.beat_f_measure, est, GROOVE) == 0.0
    assert _score(rw.fields_filled, est, GROOVE) == pytest.approx(
        1 - 4 / 8
    )  # root_note has no truth here


def test_refused_one_shot_scores_zero_and_tempo_on_a_one_shot_is_invented() -> None:
    assert _score(rw.one_shot_kind, None, SHOT, refused="AudioTooShortError: too short") == 0.0
    assert _score(rw.one_shot_no_tempo, None, SHOT, refused="x") == 0.0
    est = {"kind": "one_shot", "instrument": "bass", "root_note": "Gb1", "tempo_bpm": 120.0}
    assert _score(rw.one_shot_root_note, est, SHOT) == 1.0  # enharmonic
    assert _score(rw.one_shot_no_tempo, est, SHOT) == 0.0
    assert _score(rw.one_shot_instrument, est, SHOT) == 1.0


def test_metrics_that_do_not_apply_give_no_score() -> None:
    assert _score(rw.tempo_acc1, {"tempo_bpm": 90.0}, SHOT) is None
    assert _score(rw.one_shot_kind, GROOVE, GROOVE) is None
    assert _score(rw.key_mirex_chorales, GROOVE, GROOVE) is None
    amb = {**GROOVE, "tempo_octave_ambiguous": True}
    assert _score(rw.tempo_acc1_unambiguous, GROOVE, amb) is None


def test_spread_keeps_every_part_of_the_list() -> None:
    exs = [EvalExample(id=str(i), inputs={}, outputs={}) for i in range(100)]
    picked = rw.spread(exs, 5)
    assert [e.id for e in picked] == ["0", "20", "40", "60", "80"]
    assert rw.spread(exs, 500) == exs


def test_dataset_has_the_reporting_split() -> None:
    examples = load_dataset("analysis_corpus")
    assert len(examples) >= 200
    assert {e.inputs["split"] for e in examples} == {"reporting"}
    kinds = {e.inputs["kind"] for e in examples}
    assert kinds == {"groove", "chorale", "one_shot"}
    assert len({e.inputs["corpus_id"] for e in examples}) == len(examples)
