"""A search that found one loop is a list all the same: "back to the first list - which one
swings most?", "the list before - …", "the earlier list - …" after a search of other
sounds reach it and answer over it (outside tester: after "a funk loop … just one" and an
808 search, "back to the first list" ran a new search of 808s instead). A pick from a list
("which one is the slowest?") is still no list of its own."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer, hit_names

_TAG = "b1a1"
LOOPS = [
    numbered_loop(1, "funk", "70s", 97.0, "E minor", tag=_TAG, name="funk_97"),
    numbered_loop(2, "funk", "70s", 120.0, "A minor", tag=_TAG, name="funk_120"),
    numbered_loop(3, "house", "90s", 124.0, "C major", tag=_TAG, name="house_124"),
]
SHOTS = [
    one_shot_record("808e" + "0" * 12, "808_E1.wav", "bass", "E1"),
    one_shot_record("808b" + "0" * 12, "808_B1.wav", "bass", "B1"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))


@pytest.mark.parametrize(
    "ask",
    [
        "back to the first list - which one swings most?",
        "the list before - which one swings most?",
        "the earlier list, which one swings most?",
    ],
)
def test_an_earlier_list_of_one_loop_is_reached(chat: Chat, ask: str) -> None:
    assert hit_names(chat.say("a funk loop around 97, just one")) == ["funk_97.wav"]
    assert len(hit_names(chat.say("any 808s in E minor?"))) == 2
    out = chat.say(ask)
    assert hit_names(out) == ["funk_97.wav"]
    said = answer(out)
    assert "earlier list I showed (1 result: funk_97.wav)" in said
    assert out["request"].kind != "one_shot"


def test_a_pick_is_still_no_list_to_go_back_to(chat: Chat) -> None:
    chat.say("funk loops")
    assert hit_names(chat.say("which one is the slowest?")) == ["funk_97.wav"]
    chat.say("house loops")
    out = chat.say("back to the list - which one is fastest?")
    assert hit_names(out) == ["funk_120.wav"]
    assert "(2 results:" in answer(out)
