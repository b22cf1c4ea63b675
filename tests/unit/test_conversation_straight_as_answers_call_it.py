"""A "straight" search lists only loops the answers call straight (``feel.swing_word``:
under 53 % swing): a 53.4 % loop, shown as "lightly swung", is not one. Before, the
straight filter reached 54 % and listed loops its own lines called lightly swung
(set25)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from groovegraph.tools.feel import swing_word
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

TAG = "b3c4"
ROWS = [
    numbered_loop(1, "house", "90s", 124.0, "A minor", tag=TAG, swing_percent=51.0),
    numbered_loop(2, "house", "90s", 125.0, "C major", tag=TAG, swing_percent=52.6),
    numbered_loop(3, "house", "90s", 123.0, "D minor", tag=TAG, swing_percent=53.4),
    numbered_loop(4, "house", "90s", 124.0, "G major", tag=TAG, swing_percent=53.8),
    numbered_loop(5, "house", "90s", 126.0, "E minor", tag=TAG, swing_percent=58.0),
]


def test_a_straight_search_lists_only_loops_called_straight(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("house with a bit of swing around 124")
    out = chat.say("no, quantized ones")
    assert sorted(hit_names(out)) == ["house_90s_01.wav", "house_90s_02.wav"]
    assert {swing_word(h.swing_percent) for h in out["hits"]} == {"straight"}
