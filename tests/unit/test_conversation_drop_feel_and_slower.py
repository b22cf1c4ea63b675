"""Narrowing a list: a feel taken off the search ("ok forget the mellow bit") widens it,
and "anything slower?" after a list no tempo was asked for starts from the middle of
that list (its loops below it), not below its slowest loop (own data)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat


def _loop(n: int, genre: str, vibe: str, era: str, bpm: float, key: str) -> dict:
    return numbered_loop(
        n,
        genre,
        era,
        bpm,
        key,
        tag="d00b",
        name=f"{vibe}_{genre}_{n:02d}",
        vibe=vibe,
        swing_percent=52.0,
        backbeat_lag_ms=1.0,
    )


ROWS = [
    _loop(1, "dub", "mellow", "70s", 72.0, "A minor"),
    _loop(2, "dub", "heavy", "80s", 70.0, "E minor"),
    _loop(3, "dub", "heavy", "80s", 75.0, "D minor"),
    _loop(4, "dub", "deep", "80s", 69.0, "B minor"),
    _loop(5, "electro", "gritty", "80s", 118.0, "C minor"),
    _loop(6, "electro", "gritty", "80s", 121.0, "G minor"),
    _loop(7, "electro", "gritty", "80s", 123.0, "F major"),
    _loop(8, "electro", "gritty", "80s", 128.0, "A major"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "text", ["just one? ok forget the mellow bit", "drop the mellow part", "not mellow then"]
)
def test_a_feel_taken_off_the_search_widens_it(graph, text) -> None:
    chat = Chat(graph)
    chat.say("mellow dub in a minor key")
    out = chat.say(text)
    req = out["request"]
    assert req.vibes == []
    assert req.genres == ["dub"]
    assert {h.key for h in out["hits"]} == {"A minor", "E minor", "D minor", "B minor"}
    later = chat.say("only 80s")
    assert len(later["hits"]) == 3


def test_slower_after_a_list_with_no_tempo_starts_from_its_middle(graph) -> None:
    chat = Chat(graph)
    listed = chat.say("gritty electro loops")["hits"]
    assert len(listed) == 4
    out = chat.say("anything slower?")
    tempi = sorted(h.tempo_bpm for h in out["hits"])
    assert tempi == [118.0, 121.0, 123.0]
    pick = chat.say("the 121 one, how swung is it?")
    assert pick["request"].samples == [ROWS[5]["id"]]
