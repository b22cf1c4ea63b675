"""A list narrowed by a new filter that none of the loops in its loosely said tempo band
meet ("only the F minor ones" after disco about 118) shows the closest tempos that meet
every other filter, said so, instead of nothing; a band the user set as a range stays.
Before, the narrowing answered that nothing matched while the library had such loops a
few BPM off (set25)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

TAG = "e7f8"
ROWS = [
    numbered_loop(1, "disco", "70s", 117.0, "C major", tag=TAG),
    numbered_loop(2, "disco", "70s", 118.0, "A minor", tag=TAG),
    numbered_loop(3, "disco", "80s", 120.0, "D major", tag=TAG),
    numbered_loop(4, "disco", "80s", 129.0, "F minor", tag=TAG),
    numbered_loop(5, "house", "90s", 119.0, "F minor", tag=TAG),
    numbered_loop(6, "disco", "70s", 140.0, "F minor", tag=TAG),
]


def test_a_narrowing_past_a_loose_band_shows_the_closest_tempos(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("disco about 118")
    out = chat.say("only the F minor ones")
    assert hit_names(out)[0] == "disco_80s_04.wav"
    assert "house_90s_05.wav" not in hit_names(out)
    assert "closest tempos" in answer(out)


def test_a_range_the_user_set_is_not_widened(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("disco between 115 and 122 bpm")
    out = chat.say("only the F minor ones")
    assert hit_names(out) == []
