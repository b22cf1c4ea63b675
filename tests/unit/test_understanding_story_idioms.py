"""A story idiom tells no history, and "I just want to know …" asks (issue 10)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import (
    Conversation,
    _asks,
    _asks_about_style,
    get_offline,
    parse_request,
)


@pytest.mark.parametrize(
    "clause",
    ["i just want to know the tempo", "i'd like to know what key it's in", "wondering if it drags"],
)
def test_wanting_to_know_asks(clause: str) -> None:
    assert _asks(clause, parse_request(clause))


def test_a_story_idiom_is_no_question_about_style() -> None:
    text = "to cut a long story short i grabbed this off an old vhs, i wanna know the bpm"
    assert not _asks_about_style(text)


def test_the_era_told_in_a_story_about_the_sample_is_not_asked() -> None:
    read = get_offline().understand(
        "long story short my uncle gave me this 60s soul break, i just wanna know the key",
        attached=["0a1b2c3d4e50"],
        conversation=Conversation(),
    )
    assert read.specialists == ["groove"]
