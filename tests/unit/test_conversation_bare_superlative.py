"""A listed hit named by a superlative with no determiner ("fastest one - bpm n key") or
no noun ("the fastest, swing?") is the hit that ranks first by that value, as "the fastest
one" is: before, the turn was about nothing (set16)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat

ROWS = [
    numbered_loop(1, "soul", "70s", 82.0, "A major", tag="5e1f"),
    numbered_loop(2, "soul", "70s", 81.0, "Eb major", tag="5e1f"),
    numbered_loop(3, "soul", "70s", 80.0, "Eb minor", tag="5e1f"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("fastest one - bpm n key", 0),
        ("the fastest, swing?", 0),
        ("the slowest, whats the key", 2),
    ],
)
def test_a_bare_superlative_names_the_listed_hit(graph, text: str, want: int) -> None:
    chat = Chat(graph)
    chat.say("soul loops 78-84 bpm")
    out = chat.say(text)
    assert out["plan"].specialists == ["groove"]
    assert out["request"].samples == [ROWS[want]["id"]]


def test_fastest_loops_are_still_a_search(graph) -> None:
    chat = Chat(graph)
    chat.say("soul loops 78-84 bpm")
    out = chat.say("fastest breaks you have?")
    assert out["request"].samples == []
