""" "does it mix with smooth_jazz_05?" right after a superlative picked one loop of the list
("which is the fastest?" lists that loop alone): "it" is the loop picked and the file named
is the other side of the mix check (outside tester: "nothing to compare")."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "disco", "70s", 118.0, "A minor", tag="c7b5"),
    numbered_loop(2, "disco", "70s", 124.0, "C major", tag="c7b5"),
    numbered_loop(3, "disco", "70s", 121.0, "G major", tag="c7b5"),
    numbered_loop(4, "jazz", "60s", 120.0, "A minor", tag="c7b5", name="smooth_jazz_05"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("disco loops")
    return chat


@pytest.mark.parametrize(
    ("pick", "picked"),
    [("which is the fastest?", ROWS[1]), ("which one is the slowest", ROWS[0])],
)
@pytest.mark.parametrize(
    "ask", ["does it mix with smooth_jazz_05?", "will it go with smooth_jazz_05"]
)
def test_it_is_the_loop_picked_and_the_file_the_other_side(
    chat: Chat, pick: str, picked: dict, ask: str
) -> None:
    chat.say(pick)
    out = chat.say(ask)
    assert out["request"].samples == [picked["id"], ROWS[3]["id"]]
    said = answer(out)
    assert f"[{picked['id']}] × smooth_jazz_05.wav [{ROWS[3]['id']}]" in said
