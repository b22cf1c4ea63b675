"""Routing rules that hold whatever the trained classifier makes of a short message
(issue 10): each reads one turn offline, with the previous turn as the conversation."""

from __future__ import annotations

import pytest

from groovegraph.graph.parser import parse_request
from groovegraph.graph.understanding import Conversation, _is_off_topic, get_offline


def _read(text: str, conversation: Conversation | None = None):  # type: ignore[no-untyped-def]
    return get_offline().understand(text, attached=[], conversation=conversation or Conversation())


@pytest.mark.parametrize(
    "follow_up",
    [
        "where does that land on the camelot wheel",
        "what's it as a camelot code?",
        "ok and that in camelot notation",
    ],
)
def test_a_camelot_question_about_that_after_a_key_question_carries_the_key(
    follow_up: str,
) -> None:
    first = _read("what keys blend nicely with G major?")
    assert first.specialists == ["compatibility"]
    assert first.keys == ["G major"]
    second = _read(follow_up, Conversation(previous=first))
    assert second.specialists == ["compatibility"]
    assert second.keys == ["G major"]


def test_a_camelot_question_without_a_key_before_carries_no_key() -> None:
    first = _read("find some dusty soul loops")
    second = _read("where does that land on the camelot wheel", Conversation(previous=first))
    assert second.keys == []


@pytest.mark.parametrize(
    "text",
    [
        "can you suggest a decent burger spot",
        "where should i go for coffee around here",
        "recommend me a good film for tonight",
    ],
)
def test_a_message_about_nothing_musical_asks_no_specialist(text: str) -> None:
    assert _read(text).specialists == []


@pytest.mark.parametrize(
    "text",
    [
        "recommend me some dusty soul",
        "show me what you've got",
        "can you suggest something similar",
        "where did jungle come from",
    ],
)
def test_a_request_about_sounds_still_asks_for_them(text: str) -> None:
    assert _read(text).specialists != []


@pytest.mark.parametrize(
    "text",
    ["and counted in semitones?", "what about the other way round", "only minor ones", "lift it"],
)
def test_a_short_follow_up_is_not_taken_for_an_off_topic_message(text: str) -> None:
    assert not _is_off_topic(text, parse_request(text))


def test_an_off_topic_message_is_read_as_one() -> None:
    text = "any decent pizza places open late?"
    assert _is_off_topic(text, parse_request(text))


@pytest.mark.parametrize(
    "text",
    [
        "qual é o andamento dessa batida?",
        "¿en qué tono está esto?",
        "cuál es la nota de este bombo",
    ],
)
def test_a_question_in_another_language_about_this_sample_measures_it(text: str) -> None:
    assert _read(text).specialists == ["groove"]


def test_a_search_in_another_language_stays_a_search() -> None:
    assert "groove" not in _read("busca loops de reggae a 80 bpm").specialists


def test_a_question_in_another_language_about_an_attached_sample_only_measures_it() -> None:
    out = get_offline().understand(
        "que tono tiene este sample?", attached=["0a1b2c3d4e5f"], conversation=Conversation()
    )
    assert out.specialists == ["groove"]


@pytest.mark.parametrize(
    "text",
    [
        "is the timing even from start to finish?",
        "does the drummer rush or drag anywhere?",
        "is the drummer rushing in the fills?",
        "is this quantised or played by hand?",
    ],
)
def test_a_timing_question_is_not_off_topic(text: str) -> None:
    # words about how a take sits in time name no genre or key, yet they are about the
    # sample in focus: the off-topic rule must leave them to the groove reader
    assert not _is_off_topic(text, parse_request(text))


@pytest.mark.parametrize("text", ["any quicker?", "something darker", "got anything punchier"])
def test_a_comparative_follow_up_is_not_off_topic(text: str) -> None:
    # a comparative moves the last search ("any quicker?" after "funk around 100"): it is
    # about the music even with no music noun in it
    assert not _is_off_topic(text, parse_request(text))
