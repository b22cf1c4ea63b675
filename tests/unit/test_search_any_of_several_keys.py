"""Keys named as alternatives ("in E major or E minor", "11A or 12A") are each a match:
the search looks in any of them, not only in the first one named; a mixing word still
searches the neighbours of the first key."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools import catalog as cat
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _loop(n: int, genre: str, bpm: float, key: str) -> dict:
    return numbered_loop(
        n,
        genre,
        "90s",
        bpm,
        key,
        tag="ce00",
        name=f"{genre}_{n:02d}",
        vibe="warm",
        swing_percent=52.0,
    )


ROWS = [
    _loop(1, "garage", 132.0, "G major"),
    _loop(2, "garage", 130.0, "G minor"),
    _loop(3, "garage", 131.0, "D major"),
    _loop(4, "garage", 129.0, "C major"),
    _loop(5, "garage", 133.0, "Bb major"),
    _loop(6, "dub", 70.0, "G minor"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_the_catalog_matches_any_of_the_keys_given() -> None:
    hits = cat.search(pd.DataFrame(ROWS), CatalogQuery(keys=["G major", "G minor"]))
    assert sorted(h.key for h in hits) == ["G major", "G minor", "G minor"]
    top = cat.search(
        pd.DataFrame(ROWS), CatalogQuery(key="G major", keys=["G major", "G minor"], genre="garage")
    )
    assert {h.key for h in top} == {"G major", "G minor"}
    assert top[0].score == pytest.approx(top[1].score, abs=0.05)


@pytest.mark.parametrize(
    "text", ["garage in G major or G minor", "any garage loops, 9B or 6A", "garage in G or Gm"]
)
def test_a_search_naming_two_keys_finds_both(graph, text: str) -> None:
    out = Chat(graph).say(text)
    assert {h.key for h in out["hits"]} == {"G major", "G minor"}, answer(out)


def test_a_mixing_word_still_searches_the_first_keys_neighbours(graph) -> None:
    out = Chat(graph).say("garage loops that mix with G major or E minor")
    assert "G minor" not in {h.key for h in out["hits"]}
    assert {"G major", "D major", "C major"} <= {h.key for h in out["hits"]}


def test_a_key_ruled_out_beside_another_is_no_alternative(graph) -> None:
    text = "no wait, garage loops in G minor, not G major"
    chat = Chat(graph)
    chat.say("garage loops in G major")
    out = chat.say(text)
    assert {h.key for h in out["hits"]} == {"G minor"}, answer(out)
