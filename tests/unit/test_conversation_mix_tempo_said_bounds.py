"""A tempo said beside a loop to mix with ("stuff that fits it at about 128") bounds the
finds: loops in a mixing key found only at half that tempo are not listed in its place.
Before, a search that had nothing near the tempo said listed 64 BPM loops as half-time
matches (set25)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, hit_names

TAG = "d5e6"
ROWS = [
    numbered_loop(1, "house", "90s", 128.0, "A minor", tag=TAG),
    numbered_loop(2, "soul", "70s", 64.0, "A minor", tag=TAG),
    numbered_loop(3, "soul", "70s", 65.0, "C major", tag=TAG),
    numbered_loop(4, "house", "90s", 126.0, "F# major", tag=TAG),
]


def test_a_tempo_said_with_the_loop_to_mix_with_bounds_the_list(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("this is my house groove", samples=[numbered_id(1, TAG)])
    out = chat.say("stuff that fits it at about 128")
    assert "soul_70s_02.wav" not in hit_names(out)
    assert "soul_70s_03.wav" not in hit_names(out)
    assert all(118.0 <= h.tempo_bpm <= 138.0 for h in out["hits"])
