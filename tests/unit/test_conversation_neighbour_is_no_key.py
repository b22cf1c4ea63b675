""" "Ugh my neighbour is banging on the wall" after a search in a key: a person, not the
key's neighbours on the Camelot wheel — nothing is asked, so no specialist runs."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

ROWS = [
    numbered_loop(1, "reggae", "70s", 75, "A minor", tag="5b2e", vibe="deep"),
    numbered_loop(2, "reggae", "70s", 74, "D minor", tag="5b2e", vibe="deep"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    "aside",
    ["ugh my neighbour is banging on the wall", "lol the neighbours are complaining again"],
)
def test_a_neighbour_is_no_key(chat: Chat, aside: str) -> None:
    chat.say("reggae loops in A minor")
    out = chat.say(aside)
    assert out["plan"].specialists == []
