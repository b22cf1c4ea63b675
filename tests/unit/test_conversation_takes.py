"""Recordings the user sent one after another are named by rank as takes ("the second
take", "the 1st take"): the take sent in that place, as "the second one" would be."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

FIRST, SECOND = "00000ca4e0000001", "00000ca4e0000002"
ROWS = [
    loop_row(FIRST, "take_a", genre="funk", era="70s", vibe="raw", tempo_bpm=98.0,
             swing_percent=57.0, backbeat_lag_ms=9.0, key="G minor"),
    loop_row(SECOND, "take_b", genre="funk", era="70s", vibe="raw", tempo_bpm=99.0,
             swing_percent=55.0, backbeat_lag_ms=3.0, key="G minor"),
]  # fmt: skip


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("question", "meant"),
    [("how swung is the second take?", SECOND), ("is the 1st take laid back?", FIRST)],
)
def test_a_take_named_by_rank_is_the_one_sent_in_that_place(graph, question, meant) -> None:
    chat = Chat(graph)
    chat.say("here's a drum take", samples=[FIRST])
    chat.say("and another take", samples=[SECOND])
    req = chat.say(question)["request"]
    assert req.specialists == ["groove"]
    assert req.samples == [meant]
