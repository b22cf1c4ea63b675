"""The story around an attached sample — who the user is, what they plan to make with
it — asks for no search; only the question about the sample is answered (issue 10)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import (
    _FIND_CLAUSE_RE,
    Conversation,
    _opens_with_style,
    get_offline,
)


@pytest.mark.parametrize(
    "text",
    [
        "as a jazz drummer i recorded this, how swung is it",
        "want to make a track around it, what key",
        "i'm a reggae selector and this dub loop confuses me. what tempo is it",
    ],
)
def test_a_story_around_the_attached_sample_asks_only_about_it(text: str) -> None:
    read = get_offline().understand(text, attached=["0a1b2c3d4e50"], conversation=Conversation())
    assert read.specialists == ["groove"]


def test_a_plan_is_no_find_clause_but_an_order_is() -> None:
    assert not _FIND_CLAUSE_RE.match("want to build a beat around it")
    assert _FIND_CLAUSE_RE.match("find me a beat around 90")


def test_a_user_describing_themselves_opens_with_no_style_to_search() -> None:
    assert not _opens_with_style("im a house producer with a loop i like")
    assert _opens_with_style("deep house at 122 please")
