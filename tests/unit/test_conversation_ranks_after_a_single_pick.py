"""A rank past a one-hit list shown by a pick ("which is the fastest?") is a rank of the
list the user is working through: "the second one - what key?" then "and the third one?"
read the list the pick came from, and keep reading it (outside tester: after a one-item
pick, "the second one" and "and the third one?" answered "The last list had only one
result")."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [numbered_loop(n, "disco", "70s", 116.0 + n, "C major", tag="5a1e") for n in range(1, 6)]


@pytest.fixture
def chat(settings: Settings) -> tuple[Chat, list[str]]:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    listed = [h.sample_id for h in chat.say("some disco around 118")["hits"]]
    assert len(listed) == 5
    return chat, listed


@pytest.mark.parametrize("pick", ["which is the fastest?", "which one is the slowest"])
def test_ranks_after_a_single_pick_read_the_list(chat: tuple[Chat, list[str]], pick: str) -> None:
    talk, listed = chat
    assert len(talk.say(pick)["hits"]) == 1
    second = talk.say("the second one - what key?")
    assert second["request"].samples == [listed[1]]
    assert "only one result" not in answer(second)
    third = talk.say("and the third one?")
    assert third["request"].samples == [listed[2]]
    fourth = talk.say("and the 4th?")
    assert fourth["request"].samples == [listed[3]]


def test_the_first_one_is_still_the_pick(chat: tuple[Chat, list[str]]) -> None:
    talk, _ = chat
    picked = talk.say("which is the fastest?")["hits"][0].sample_id
    assert talk.say("the first one - what key?")["request"].samples == [picked]
