"""A list named by a word of its search ("back to the shuffled list", "back to the major
list") is the list whose own message first said that word, not a later narrowing of it
that only carries the word along (outside tester: "swung boom bap loops" → "any from the
90s?" → "something slower" → "back to the swung list - whats the key of the first one?"
read the 90s narrowing)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "7e2a"
ROWS = [
    numbered_loop(1, "hip hop", "80s", 90.0, "D minor", tag=_TAG, swing_percent=62.0),
    numbered_loop(2, "hip hop", "90s", 92.0, "F major", tag=_TAG, swing_percent=61.0),
    numbered_loop(3, "hip hop", "90s", 91.0, "G major", tag=_TAG, swing_percent=63.0),
    numbered_loop(4, "hip hop", "80s", 89.0, "A minor", tag=_TAG, swing_percent=60.0),
    numbered_loop(5, "hip hop", "90s", 80.0, "C major", tag=_TAG, swing_percent=62.0),
    numbered_loop(6, "hip hop", "90s", 79.0, "E minor", tag=_TAG, swing_percent=61.0),
    numbered_loop(7, "hip hop", "90s", 91.0, "B minor", tag=_TAG, swing_percent=50.0),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_back_to_the_list_whose_own_search_said_the_word(graph) -> None:
    chat = Chat(graph, thread="shuffled-then-decade")
    first = chat.say("shuffled hip hop loops")
    searched = [h.sample_id for h in first["hits"]]
    assert len(searched) >= 4, answer(first)
    narrowed = chat.say("only the 90s ones")
    assert [h.sample_id for h in narrowed["hits"]] != searched, answer(narrowed)
    chat.say("something slower")
    out = chat.say("go back to the shuffled list, what key is the first one in?")
    assert list(out["request"].samples) == [searched[0]], answer(out)
