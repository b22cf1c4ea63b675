""" "open it up to 100" after a loop of the list was picked and measured: "it" is the
search's tempo range, moved out to the tempo named, not the loop in focus."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat


def _loop(n: int, bpm: float, key: str) -> dict:
    return numbered_loop(
        n, "soul", "60s", bpm, key, tag="9c41", name=f"soul_{n:02d}_{int(bpm)}", vibe="mellow"
    )


ROWS = [
    _loop(1, 90.0, "C major"),
    _loop(2, 91.0, "A minor"),
    _loop(3, 92.0, "E major"),
    _loop(4, 96.0, "D minor"),
    _loop(5, 98.0, "F major"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(ROWS, []), settings=settings)


@pytest.mark.parametrize("move", ["open it up to 100", "extend it to 100"])
def test_widening_it_after_a_pick_moves_the_search_range(graph, move: str) -> None:
    chat = Chat(graph)
    first = chat.say("mellow soul loops 89-93")
    assert len(first["hits"]) == 3
    chat.say("the E major one, how swung is it")
    out = chat.say(move)
    assert out["request"].specialists == ["discovery"]
    assert {h.key for h in out["hits"]} >= {"D minor", "F major"}


def test_widening_it_right_after_a_search_keeps_the_other_side(graph) -> None:
    chat = Chat(graph)
    first = chat.say("mellow soul loops under 93")
    assert len(first["hits"]) == 3
    out = chat.say("so widen it to 97")
    assert out["request"].specialists == ["discovery"]
    assert {h.key for h in out["hits"]} == {"C major", "A minor", "E major", "D minor"}
