"""After a search by style and key, "ok, anything in 5A then" asks for any loop in that
key: the style of the last search is lifted, not kept."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat


def _loop(n: int, genre: str, key: str) -> dict:
    return numbered_loop(
        n, genre, "90s", 100.0 + n, key, tag="a7ee", name=f"{genre}_take_{n:02d}", vibe="warm"
    )


ROWS = [
    _loop(1, "soul", "C minor"),
    _loop(2, "funk", "C minor"),
    _loop(3, "reggae", "C minor"),
    _loop(4, "soul", "G minor"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_anything_in_a_key_lifts_the_style(graph) -> None:
    chat = Chat(graph)
    assert len(chat.say("soul loops in G minor")["hits"]) == 1
    out = chat.say("fine, anything in 5A then")
    assert out["request"].genres == []
    assert {h.tags.genre for h in out["hits"]} == {"soul", "funk", "reggae"}


def test_a_style_named_with_it_stays(graph) -> None:
    chat = Chat(graph)
    chat.say("soul loops in G minor")
    out = chat.say("anything in 5A in funk?")
    assert out["request"].genres == ["funk"]
