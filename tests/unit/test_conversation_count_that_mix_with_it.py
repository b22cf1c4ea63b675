"""A count of samples "that mix with it" right after one loop was analysed is a search for
that many loops around that loop (outside tester: "top 3 that mix with it" after "back to
the house list - the A minor one?" answered "To check a mix I need two things")."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "c0a7"
ROWS = [
    numbered_loop(1, "soul", "70s", 92.0, "G major", tag=_TAG),
    numbered_loop(2, "soul", "70s", 94.0, "F minor", tag=_TAG),
    numbered_loop(3, "funk", "70s", 93.0, "F minor", tag=_TAG),
    numbered_loop(4, "funk", "60s", 95.0, "C minor", tag=_TAG),
    numbered_loop(5, "jazz", "60s", 94.5, "Ab major", tag=_TAG),
    numbered_loop(6, "disco", "70s", 94.0, "Eb minor", tag=_TAG),
    numbered_loop(7, "house", "90s", 150.0, "F minor", tag=_TAG),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("phrase", "n"), [("best 2 that go with it", 2), ("give me three which fit it", 3)]
)
def test_count_that_mixes_with_the_analysed_loop(graph, phrase: str, n: int) -> None:
    chat = Chat(graph, thread=f"soul-{n}")
    chat.say("soul loops near 93")
    picked = chat.say("the second one - how swung is it?")
    assert picked["request"].samples == [numbered_id(2, _TAG)], answer(picked)
    out = chat.say(phrase)
    assert "discovery" in out["request"].specialists, answer(out)
    ids = [h.sample_id for h in out["hits"]]
    assert len(ids) == n, answer(out)
    assert numbered_id(2, _TAG) not in ids
    assert numbered_id(7, _TAG) not in ids
    assert ids[0] == numbered_id(3, _TAG), answer(out)
