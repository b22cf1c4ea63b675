"""Routing rules that hold whatever the trained classifier makes of a short message
(issue 10): each reads one turn offline, with the previous turn as the conversation."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


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
