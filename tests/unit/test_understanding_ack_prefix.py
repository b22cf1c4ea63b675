"""An acknowledgement sentence opening a message ("cool.", "nice,", "ok thanks -") says
nothing about what the rest asks: the request is read without it (set16: "cool. where did
the open hat on the offbeat come from" was read as nothing)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


@pytest.mark.parametrize("ack", ["cool. ", "nice, ", "ok thanks - ", "sweet! ", ""])
def test_an_acknowledgement_before_a_history_question(ack: str) -> None:
    read = get_offline().understand(
        f"{ack}where did the open hat on the offbeat come from",
        attached=[],
        conversation=Conversation(),
    )
    assert read.specialists == ["era"]


def test_a_thanks_alone_is_still_small_talk() -> None:
    read = get_offline().understand("cool, thanks", attached=[], conversation=Conversation())
    assert read.specialists == []
