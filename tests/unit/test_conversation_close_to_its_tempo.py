""" "ok loops in Em close to its tempo" after a loop was measured is near that loop's tempo,
as "at a similar tempo" already was. Before, "close to its tempo" was no tempo phrase: E
minor loops at any tempo were listed (tune conversation of the understanding eval)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

TAG = "c17e"
ROWS = [
    numbered_loop(1, "funk", "70s", 97.0, "E minor", tag=TAG),
    numbered_loop(2, "funk", "70s", 100.0, "E minor", tag=TAG),
    numbered_loop(3, "funk", "70s", 95.0, "E minor", tag=TAG),
    numbered_loop(4, "disco", "70s", 113.0, "E minor", tag=TAG),
    numbered_loop(5, "reggae", "70s", 76.0, "E minor", tag=TAG),
    numbered_loop(6, "trap", "10s", 141.0, "E minor", tag=TAG),
]
FUNK = f"0001{TAG}00000001"


@pytest.mark.parametrize(
    "text", ["ok loops in Em close to its tempo", "loops in E minor near that bpm"]
)
def test_close_to_its_tempo_is_near_the_measured_loop(settings: Settings, text: str) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings), thread=text)
    chat.say("bpm + key", samples=[FUNK])
    out = chat.say(text)
    tempos = [h.tempo_bpm for h in out["hits"]]
    assert tempos
    assert all(90 <= t <= 104 for t in tempos), tempos
    assert all(h.key == "E minor" for h in out["hits"])
