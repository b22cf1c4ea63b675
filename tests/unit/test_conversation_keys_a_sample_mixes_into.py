""" "What keys can i blend it into" about one analysed loop lists the keys around that
loop's key on the Camelot wheel (not "I need two things to compare"), and "loops in those
keys from the 90s" right after searches the keys that mix with the loop's key: a new
search, not a narrowing of the list the loop was picked from."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _loop(n: int, genre: str, era: str, bpm: float, key: str) -> dict:
    return numbered_loop(n, genre, era, bpm, key, tag="b2d6", vibe="warm")


ROWS = [
    _loop(1, "disco", "80s", 121, "E minor"),
    _loop(2, "disco", "80s", 117, "Eb minor"),
    _loop(3, "disco", "80s", 121, "C# minor"),  # 12A
    _loop(4, "funk", "90s", 99, "C# minor"),  # 12A
    _loop(5, "soul", "90s", 88, "E major"),  # 12B, its relative
    _loop(6, "house", "90s", 120, "F# minor"),  # 11A
    _loop(7, "house", "90s", 124, "A minor"),  # far away
    _loop(8, "disco", "70s", 118, "G# minor"),  # 1A, a neighbour but from the 70s
]
PICKED = ROWS[2]["id"]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    "ask",
    ["what keys can i blend it into", "which keys does it mix with", "what keys will it go into"],
)
def test_keys_a_picked_loop_mixes_into_then_loops_in_those(chat: Chat, ask: str) -> None:
    chat.say("so show me 80s disco")
    picked = chat.say("the C# minor one, exact bpm?")
    assert picked["request"].samples == [PICKED]
    keys = chat.say(ask)
    assert keys["plan"].specialists == ["compatibility"]
    assert "12A" in answer(keys)
    assert "two things" not in answer(keys)
    out = chat.say("loops in those keys from the 90s")
    assert out["plan"].specialists == ["discovery"]
    names = sorted(h.path.rsplit("/", 1)[-1] for h in out["hits"])
    assert names == ["funk_90s_04.wav", "house_90s_06.wav", "soul_90s_05.wav"]
