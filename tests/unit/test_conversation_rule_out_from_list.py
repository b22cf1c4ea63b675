"""Narrowing a list by taking something off it: "lose the 60s ones", "leave out the soul",
"but no soul", "just funk, nothing from the 60s" rule that decade or style out and keep
the rest of the search (own data)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat


def _loop(n: int, genre: str, era: str, bpm: float, key: str) -> dict:
    return numbered_loop(n, genre, era, bpm, key, vibe="warm", backbeat_lag_ms=1.0)


ROWS = [
    _loop(1, "funk", "60s", 98.0, "E minor"),
    _loop(2, "funk", "60s", 100.0, "A minor"),
    _loop(3, "funk", "70s", 99.0, "D minor"),
    _loop(4, "funk", "70s", 101.0, "G major"),
    _loop(5, "funk", "70s", 97.0, "C major"),
    _loop(6, "soul", "60s", 99.0, "F major"),
    _loop(7, "soul", "70s", 100.0, "B minor"),
    _loop(8, "jazz", "70s", 160.0, "Bb major"),
]
FUNK_70S = {ROWS[i]["id"] for i in (2, 3, 4)}


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "text", ["lose the 60s ones", "remove the 60s loops", "get rid of the 60s stuff"]
)
def test_a_decade_taken_off_the_list_is_ruled_out(graph, text) -> None:
    chat = Chat(graph)
    assert len(chat.say("funk loops around 99")["hits"]) == 5
    out = chat.say(text)
    assert "60s" in out["request"].not_eras
    assert out["request"].genres == ["funk"]
    assert {h.sample_id for h in out["hits"]} == FUNK_70S


@pytest.mark.parametrize("text", ["but no soul", "leave out the soul", "minus soul please"])
def test_a_style_taken_off_a_two_style_search_keeps_the_other(graph, text) -> None:
    chat = Chat(graph)
    first = chat.say("funk and soul around 99 bpm")["hits"]
    assert {h.tags.genre for h in first} == {"funk", "soul"}
    out = chat.say(text)
    assert out["request"].genres == ["funk"]
    assert out["request"].not_genres == ["soul"]
    hits = out["hits"]
    assert hits
    assert {h.tags.genre for h in hits} == {"funk"}


def test_a_style_kept_and_a_decade_ruled_out_in_one_turn(graph) -> None:
    chat = Chat(graph)
    chat.say("funk and soul around 99 bpm")
    out = chat.say("just funk, and nothing from the 60s")
    assert {h.sample_id for h in out["hits"]} == FUNK_70S
