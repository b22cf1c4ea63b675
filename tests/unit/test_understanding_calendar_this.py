""" "this" before a word for a stretch of the calendar ("this evening", "these summers") is a
time, not a pointer at the sample in focus: an off-topic question asked while a loop is in
focus asks no specialist."""

from __future__ import annotations

import pytest

from groovegraph.graph.parser import parse_request
from groovegraph.graph.understanding import Conversation, _is_off_topic, get_offline


def _after_a_measured_loop(text: str):  # type: ignore[no-untyped-def]
    reader = get_offline()
    first = reader.understand(
        "how swung is the second one", attached=[], conversation=Conversation()
    )
    return reader.understand(
        text, attached=[], conversation=Conversation(previous=first, focus=["5e1f0c9a7b"])
    )


@pytest.mark.parametrize(
    "text",
    [
        "any snow forecast for oslo this afternoon",
        "what films are showing in leeds this evening",
        "any good restaurants open in lisbon this weekend",
    ],
)
def test_this_before_a_calendar_word_points_at_no_sample(text: str) -> None:
    assert _after_a_measured_loop(text).specialists == []
    assert _is_off_topic(text, parse_request(text))


def test_this_alone_still_points_at_the_sample_in_focus() -> None:
    assert _after_a_measured_loop("and how steady is this").specialists == ["groove"]
