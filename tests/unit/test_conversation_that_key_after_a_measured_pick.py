""" "anything else in that key?" right after one listed loop's key was measured ("the second
one - what key is it in?") searches that loop's key; it is not the list's search again with
nothing new (outside tester: "Same search as before", the key ignored)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(1, "funk", "70s", 96.0, "B major", tag="aa01"),
    numbered_loop(2, "funk", "70s", 97.0, "E minor", tag="aa01"),
    numbered_loop(3, "funk", "70s", 99.0, "B major", tag="aa01"),
    numbered_loop(4, "funk", "60s", 100.0, "E minor", tag="aa01"),
    numbered_loop(5, "soul", "70s", 88.0, "E minor", tag="aa01"),
    numbered_loop(6, "funk", "70s", 104.0, "C major", tag="aa01"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    "ask", ["anything else in that key?", "more in that key", "any other loops in that key"]
)
def test_that_key_is_the_key_just_measured(chat: Chat, ask: str) -> None:
    first = chat.say("70s funk loops between 95 and 100")
    second = hit_names(first)[1]
    key = next(h.key for h in first["hits"] if h.path.endswith(second))
    chat.say("the second one - what key is it in?")
    out = chat.say(ask)
    req = out["request"]
    assert req.keys == [key]
    assert not req.refines
    assert hit_names(out)
    assert all(h.key == key for h in out["hits"])
