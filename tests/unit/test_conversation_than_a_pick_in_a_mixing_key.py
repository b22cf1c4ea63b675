"""A search bounded by a loop picked from the list that also asks for its mixing keys
("faster than that one, in a compatible key") keeps both: the bound past its tempo and
the keys that mix with its key. Before, the bound came with the key filter cleared, so
loops in any key were listed (set25)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

TAG = "c5d6"
ROWS = [
    numbered_loop(1, "house", "90s", 124.0, "C major", tag=TAG),
    numbered_loop(2, "house", "90s", 123.5, "F# minor", tag=TAG),
    numbered_loop(3, "house", "90s", 126.0, "G major", tag=TAG),
    numbered_loop(4, "house", "90s", 127.0, "Eb major", tag=TAG),
    numbered_loop(5, "house", "90s", 128.0, "A minor", tag=TAG),
    numbered_loop(6, "house", "90s", 122.0, "F major", tag=TAG),
]


def test_faster_than_a_pick_in_a_compatible_key(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("house around 124")
    chat.say("the C major one - how swung is it?")
    out = chat.say("anything faster than that one in a compatible key")
    assert sorted(hit_names(out)) == ["house_90s_03.wav", "house_90s_05.wav"]
