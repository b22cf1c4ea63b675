"""How keys relate on the Camelot wheel ("relative major?", "one step up the wheel",
"keys ok?", "what keys can i take this into") is a key-mixing question: of the key or
sample named, else of what the previous mixing answer was about, else of the analysed
samples in focus (set16: DJ follow-ups read as nothing)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline
from groovegraph.state import Analysis, ParsedRequest

A, B = "0a1b2c3d4e50", "0a1b2c3d4e51"


def _analysis(name: str, key: str) -> Analysis:
    return Analysis(
        file=f"{name}.wav",
        sha256=name[0] * 64,
        duration_s=8.0,
        sample_rate=44100,
        tempo_bpm=120.0,
        key=key,
        beats_s=[0.0, 0.5],
        rms_db=-12.0,
        onset_rate_hz=4.0,
    )


def _after(previous: ParsedRequest, **conv: object) -> Conversation:
    return Conversation(previous=previous, **conv)  # type: ignore[arg-type]


KEY_ANSWER = ParsedRequest(
    text="whats the camelot for g# minor",
    keys=["G# minor"],
    camelot=["1A"],
    specialists=["compatibility"],
)


@pytest.mark.parametrize(
    "text", ["relative major?", "and one step up the wheel instead?", "two steps down?"]
)
def test_a_wheel_follow_up_is_about_the_key_just_answered(text: str) -> None:
    read = get_offline().understand(text, attached=[], conversation=_after(KEY_ANSWER))
    assert read.specialists == ["compatibility"]
    assert read.keys == ["G# minor"]


def test_keys_ok_after_a_mix_question_is_about_that_pair() -> None:
    pair = ParsedRequest(
        text="how much do i stretch the disco one to sit on the house",
        samples=[A, B],
        specialists=["groove", "compatibility"],
    )
    analyses = {A: _analysis("a", "A minor"), B: _analysis("b", "A minor")}
    read = get_offline().understand(
        "keys ok?", attached=[], conversation=_after(pair, focus=[A, B], analyses=analyses)
    )
    assert read.specialists == ["compatibility"]
    assert read.samples == [A, B]


def test_where_the_attached_loops_key_can_go_measures_it_and_answers() -> None:
    read = get_offline().understand(
        "what keys can i take this into", attached=[A], conversation=Conversation()
    )
    assert read.specialists == ["groove", "compatibility"]


def test_a_named_key_a_step_down_the_wheel() -> None:
    read = get_offline().understand(
        "whats one step down from 2B on the wheel", attached=[], conversation=Conversation()
    )
    assert read.specialists == ["compatibility"]
    assert read.keys == ["F# major"]


def test_samples_a_step_up_the_wheel_stay_a_search() -> None:
    read = get_offline().understand(
        "loops one step up the wheel from G minor", attached=[], conversation=Conversation()
    )
    assert "discovery" in read.specialists


def test_with_nothing_to_relate_it_is_left_to_the_classifier() -> None:
    read = get_offline().understand("relative major?", attached=[], conversation=Conversation())
    assert read.keys == []
    assert read.samples == []
