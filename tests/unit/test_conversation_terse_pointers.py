"""Terse DJ follow-ups (set16): "its" after a list of one hit is that hit, as "it" is
("and whats its swing" measures it, no new search), and "n" standing alone is "and"
("n at double time?" carries the tempo question on; "bpm n key")."""

from __future__ import annotations

import pytest

from groovegraph.graph.parser import parse_request
from groovegraph.graph.understanding import spelling
from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat

ROWS = [
    numbered_loop(1, "drum and bass", "00s", 170.0, "E minor", tag="7e55"),
    numbered_loop(2, "drum and bass", "90s", 174.0, "G minor", tag="7e55"),
]


def test_its_after_a_list_of_one_is_that_hit() -> None:
    assert parse_request("and whats its swing", results=["a1"]).samples == ["a1"]


def test_and_whats_its_swing_measures_the_one_hit_listed(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    first = chat.say("dnb in E minor")
    assert len(first["hits"]) == 1
    out = chat.say("and whats its swing")
    assert out["plan"].specialists == ["groove"]
    assert out["request"].samples == [ROWS[0]["id"]]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("n at double time?", "and at double time?"),
        ("bpm n key on this pls", "bpm and key on this pls"),
        ("rock n roll", "rock and roll"),
        ("key of n", "key of n"),
    ],
)
def test_n_standing_alone_is_and(text: str, read: str) -> None:
    assert spelling.correct(text) == read
