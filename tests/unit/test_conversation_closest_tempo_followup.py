""" "closest to N" / "nearest to N" said after a search ranks what the search holds by how
near N each loop is: no band around N that leaves the answer empty. Before, "closest to
55 BPM" after house loops (none near 55) searched 52.8-57.2 BPM and answered "No sample
in the catalog matches" (outside tester)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(1, "house", "80s", 135.0, "F minor", tag="c105"),
    numbered_loop(2, "house", "80s", 118.0, "B minor", tag="c105"),
    numbered_loop(3, "house", "00s", 127.0, "D minor", tag="c105"),
    numbered_loop(4, "funk", "70s", 56.0, "E minor", tag="c105"),
]


@pytest.mark.parametrize("ask", ["closest to 55 BPM", "which is nearest to 55 bpm?"])
def test_closest_to_a_tempo_ranks_the_search_by_distance(settings: Settings, ask: str) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings), thread=ask)
    assert len(chat.say("house loops")["hits"]) == 3
    out = chat.say(ask)
    assert "No sample" not in answer(out)
    assert hit_names(out)[:3] == ["house_80s_02.wav", "house_00s_03.wav", "house_80s_01.wav"]
