"""With two of the user's loops analysed, "samples that work with <one of them>" asks
for library samples that mix with that one (a search), not a mix verdict of the two
loops against each other. Before, naming one of a pair after "that mix with" turned the
turn into a pair check and listed nothing (set25)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, hit_names

TAG = "c3d4"
ROWS = [
    numbered_loop(1, "funk", "70s", 96.0, "E minor", tag=TAG),
    numbered_loop(2, "techno", "90s", 132.0, "F major", tag=TAG),
    numbered_loop(3, "soul", "70s", 95.0, "G major", tag=TAG),
    numbered_loop(4, "funk", "70s", 97.0, "B minor", tag=TAG),
    numbered_loop(5, "jazz", "60s", 98.0, "Db major", tag=TAG),
]


def test_samples_that_work_with_my_earlier_loop_are_searched(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("first one here", samples=[numbered_id(1, TAG)])
    chat.say("plus this techno one", samples=[numbered_id(2, TAG)])
    out = chat.say("any samples that work with my first loop")
    assert "discovery" in out["plan"].specialists
    assert out["request"].samples == [numbered_id(1, TAG)]
    assert sorted(hit_names(out)) == ["funk_70s_04.wav", "soul_70s_03.wav"]


def test_asking_whether_the_two_mix_stays_a_pair_check(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("first one here", samples=[numbered_id(1, TAG)])
    chat.say("plus this techno one", samples=[numbered_id(2, TAG)])
    out = chat.say("does my first loop work with the other one")
    assert out["plan"].specialists == ["compatibility"]
    assert sorted(out["request"].samples) == [numbered_id(1, TAG), numbered_id(2, TAG)]
