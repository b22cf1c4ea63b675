"""'which of those is the fastest' right after a search that found one loop ('a few more,
but from the 60s') is asked of that list: its one loop, not the list shown before it with
the decade dropped. After a pick of one ('which is the slowest?'), the list it was picked
from is still the one asked of."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "d22f"
ROWS = [
    numbered_loop(1, "funk", "70s", 100.0, "E minor", tag=_TAG, vibe="gritty"),
    numbered_loop(2, "funk", "70s", 104.0, "G# minor", tag=_TAG, vibe="gritty"),
    numbered_loop(3, "funk", "60s", 108.0, "Eb minor", tag=_TAG, vibe="gritty"),
    numbered_loop(4, "funk", "60s", 99.0, "Bb minor", tag=_TAG, vibe="dusty"),
    numbered_loop(5, "soul", "70s", 90.0, "C major", tag=_TAG, vibe="warm"),
]  # fmt: skip


def _id(n: int) -> str:
    return numbered_id(n, _TAG)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_fastest_of_a_search_that_found_one(graph) -> None:
    chat = Chat(graph)
    chat.say("give me a couple of gritty funk loops")
    found = chat.say("a few more, but from the 60s")
    assert [h.sample_id for h in found["hits"]] == [_id(3)]
    out = chat.say("which of those is the fastest")
    assert [h.sample_id for h in out["hits"]] == [_id(3)]
    assert out["request"].eras == ["60s"]
    assert "earlier list" not in answer(out)


def test_fastest_after_a_pick_of_one_reads_the_list_picked_from(graph) -> None:
    chat = Chat(graph)
    chat.say("gritty funk loops")
    chat.say("which is the slowest")
    out = chat.say("which of those is the fastest")
    assert "earlier list" in answer(out)
    assert [h.sample_id for h in out["hits"]] == [_id(3)]
