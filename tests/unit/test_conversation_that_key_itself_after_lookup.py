"""Loops pointed at one key right after a key lookup ("what's the camelot for E?" then
"samples there", "loops in that key", "beats in that one" after "and its relative
minor?") are in that key itself, not every key that mixes with it; "in those keys" is
still the keys around it."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

# E major is 12B: B major (1B), A major (11B) and C# minor (12A) mix with it
ROWS = [
    numbered_loop(1, "soul", "70s", 92.0, "E major", tag="e12b"),
    numbered_loop(2, "soul", "70s", 94.0, "B major", tag="e12b"),
    numbered_loop(3, "soul", "70s", 96.0, "A major", tag="e12b"),
    numbered_loop(4, "soul", "70s", 98.0, "C# minor", tag="e12b"),
    numbered_loop(5, "soul", "70s", 100.0, "E major", tag="e12b"),
    numbered_loop(6, "soul", "70s", 102.0, "F minor", tag="e12b"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize("ask", ["some loops there?", "any loops in that key"])
def test_one_key_pointed_at_is_that_key(chat: Chat, ask: str) -> None:
    chat.say("what's the camelot for E?")
    out = chat.say(ask)
    assert {h.key for h in out["hits"]} == {"E major"}


def test_that_one_after_a_relative_is_the_relative(chat: Chat) -> None:
    chat.say("what's the camelot for E?")
    chat.say("and its relative minor?")
    out = chat.say("beats in that one")
    assert {h.key for h in out["hits"]} == {"C# minor"}


def test_those_keys_are_still_the_keys_around_it(chat: Chat) -> None:
    chat.say("what's the camelot for E?")
    out = chat.say("any loops in those keys")
    assert {h.key for h in out["hits"]} == {"E major", "B major", "A major", "C# minor"}
