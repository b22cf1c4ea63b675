"""A search for loops that mix with the user's loop named by its style — "dig up some
jazz that goes with my dub beat" — searches the style asked for (jazz), not the one naming
the user's loop (d27 tune set: "find breaks that mix with my house loop" listed house
loops)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat

LOOPS = [
    numbered_loop(1, "dub", "80s", 90.0, "A minor", tag="5e4c", name="heavy_dub_01"),
    numbered_loop(2, "jazz", "60s", 92.0, "C major", tag="5e4c"),
    numbered_loop(3, "jazz", "60s", 89.0, "A minor", tag="5e4c"),
    numbered_loop(4, "dub", "80s", 91.0, "C major", tag="5e4c"),
    numbered_loop(5, "funk", "70s", 90.0, "E minor", tag="5e4c"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(LOOPS), settings=settings))


@pytest.mark.parametrize(
    "ask",
    ["dig up some jazz that goes with my dub beat", "any jazz loops that'd mix with my dub one?"],
)
def test_the_style_of_my_loop_is_not_searched(chat: Chat, ask: str) -> None:
    chat.say("this is mine, what key is it", samples=[str(LOOPS[0]["id"])])
    out = chat.say(ask)
    assert "discovery" in out["plan"].specialists
    assert out["request"].genres == ["jazz"]
    assert {h.tags.genre for h in out["hits"]} == {"jazz"}
