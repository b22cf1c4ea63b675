"""A history question and a question about what the library holds, in one message: both
are answered (issue 10)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


def _read(text: str) -> list[str]:
    read = get_offline().understand(text, attached=[], conversation=Conversation())
    return list(read.specialists)


@pytest.mark.parametrize(
    "text",
    [
        "who invented the amen break, and do u have breakbeat loops around 135",
        "why did 90s jungle producers love the amen and have u got jungle around 160",
        "who started the jungle sound, and do you have any jungle breaks near 160",
        "how did that sound come about, and what have i got in 8A for it",
    ],
)
def test_a_history_question_and_a_library_question_are_both_answered(text: str) -> None:
    assert set(_read(text)) == {"era", "discovery"}


def test_what_else_the_library_holds_is_a_search() -> None:
    assert _read("cool cool. what else have i got in 9A") == ["discovery"]


def test_a_question_about_what_i_did_is_no_search() -> None:
    assert "discovery" not in _read("what have i done to this beat")
