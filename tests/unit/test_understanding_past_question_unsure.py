"""A question about where a sound came from is history even when the classifier is
unsure of every specialist: it must not be read as small talk with no specialist."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


@pytest.mark.parametrize(
    "message",
    [
        "where did the 808 come from",
        "so where did the open hat on the off-beat come from originally",
        "where did that rimshot pattern come from",
    ],
)
def test_where_a_sound_came_from_is_history(message: str) -> None:
    read = get_offline().understand(message, attached=[], conversation=Conversation())
    assert read.specialists == ["era"]


def test_thanks_stays_small_talk() -> None:
    read = get_offline().understand("nice one, cheers", attached=[], conversation=Conversation())
    assert read.specialists == []
