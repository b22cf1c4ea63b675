"""A turn whose file name or listed-hit phrase fits several samples is asked about by the
specialist the turn needs, in its own words ("Which one should I analyse?"), not by the
supervisor before any specialist runs; the answer reads the turn again with the file
picked and that specialist answers. Before, the supervisor asked, so the turn had no
specialist (README-reading testers expect "analyse gritty_funk" to be groove's turn)."""

from __future__ import annotations

import pandas as pd
import pytest
from langgraph.types import Command

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "house", "80s", 118.0, "F minor", tag="a5c1"),
    numbered_loop(2, "house", "90s", 121.0, "A minor", tag="a5c1"),
    numbered_loop(3, "house", "00s", 124.0, "C major", tag="a5c1"),
    numbered_loop(4, "funk", "70s", 98.0, "E minor", tag="a5c1"),
]


def _id(n: int) -> str:
    return numbered_id(n, "a5c1")


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    ("text", "asker", "words"),
    [
        ("how swung is the minor one", "groove", "Which one should I analyse?"),
        ("would the minor one blend with a loop in C major?", "compatibility", "should I check"),
    ],
)
def test_the_specialist_the_turn_needs_asks_which(
    chat: Chat, text: str, asker: str, words: str
) -> None:
    assert len(chat.say("house loops")["hits"]) == 3
    out = chat.say(text)
    (pending,) = out["__interrupt__"]
    assert pending.value["asked_by"] == asker
    assert words in pending.value["question"]
    assert {o["id"] for o in pending.value["options"]} == {_id(1), _id(2)}
    assert out["plan"].specialists == [asker]
    assert out["plan"].asking
    assert not out.get("analyses")  # nothing read before the answer
    out = dict(chat.graph.invoke(Command(resume="2"), chat.config))
    assert asker in out["plan"].specialists
    assert not out["plan"].asking
    assert _id(2) in out["request"].samples, answer(out)
    assert _id(1) not in out["request"].samples


def test_a_new_message_instead_of_an_answer_drops_the_question(chat: Chat) -> None:
    assert len(chat.say("house loops")["hits"]) == 3
    assert "__interrupt__" in chat.say("tempo of the minor one?")
    out = chat.say("funk loops from the 70s")
    assert "__interrupt__" not in out
    assert out["plan"].specialists == ["discovery"]
    assert [h.sample_id for h in out["hits"]] == [_id(4)], answer(out)
    assert not out.get("analyses")
