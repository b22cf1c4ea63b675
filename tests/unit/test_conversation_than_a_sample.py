"""A search compared with a sample ("only the ones with more swing than mine", "slower
than my loop") is a strict bound from that sample's measured value, not a feel band
around it (own data: a 63 % swing drum loop against a list of 58-66 % swing loops)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, numbered_loop, offline_graph
from tests.chat import Chat

MINE_ID = "5e" * 8
MINE = catalog_row(
    id=MINE_ID,
    path=f"/data/uploads/5e/{'5e' * 32}.wav",
    sha256="5e" * 32,
    source="upload:porch drums.wav",
    tempo_bpm=94.0,
    swing_percent=63.0,
    backbeat_lag_ms=9.0,
    key="C minor",
)


def _loop(n: int, bpm: float, swing: float) -> dict:
    return numbered_loop(
        n,
        "jazz",
        "60s",
        bpm,
        "C minor",
        tag="a11e",
        name=f"shuffle_jazz_{n:02d}",
        vibe="smoky",
        swing_percent=swing,
        backbeat_lag_ms=4.0,
    )


ROWS = [
    MINE,
    _loop(1, 92.0, 58.5),
    _loop(2, 95.0, 62.4),
    _loop(3, 93.0, 63.6),
    _loop(4, 97.0, 65.9),
    _loop(5, 91.0, 60.2),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def _chat(graph) -> Chat:
    chat = Chat(graph)
    chat.say("how much swing is on my drums?", samples=[MINE_ID])
    assert len(chat.say("smoky jazz loops")["hits"]) == 5
    return chat


@pytest.mark.parametrize(
    "text", ["only the ones with more swing than mine", "only those that swing more than mine"]
)
def test_more_swing_than_mine_is_above_my_swing(graph, text) -> None:
    out = _chat(graph).say(text)
    assert out["request"].swing_min is not None
    assert out["request"].swing_min > 63.0
    swings = sorted(h.swing_percent for h in out["hits"])
    assert swings == [63.6, 65.9]


def test_less_swing_than_mine_is_below_my_swing(graph) -> None:
    out = _chat(graph).say("only those with less swing than mine")
    assert all(h.swing_percent < 63.0 for h in out["hits"])
    assert {h.swing_percent for h in out["hits"]} == {58.5, 60.2, 62.4}


def test_slower_than_mine_is_under_their_tempo(graph) -> None:
    out = _chat(graph).say("only the ones slower than mine")
    assert out["hits"]
    assert all(h.tempo_bpm < 94.0 for h in out["hits"])


@pytest.mark.parametrize(
    "text",
    ["any jazz with even more swing than that?", "smoky jazz that swings harder than this one"],
)
def test_more_swing_than_that_bounds_from_the_loop_just_read(graph, text) -> None:
    chat = Chat(graph)
    chat.say("how much swing is on my drums?", samples=[MINE_ID])
    out = chat.say(text)
    assert out["request"].swing_min is not None
    assert out["request"].swing_min > 63.0
    assert sorted(h.swing_percent for h in out["hits"]) == [63.6, 65.9]
