"""Two listed loops referred to together ("will both of them mix together", "do the two of
them mix", "will those two mix?", "the 69 and the 72 bpm ones, do they mix") are the pair
to check: the two just analysed out of a list, or the two a narrowed list holds, or two
picked by their tempo. Not the list's search again, not one of them alone, not nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "reggae", "70s", 77.0, "B major", tag="d22a", vibe="chill"),
    numbered_loop(2, "reggae", "70s", 68.0, "G minor", tag="d22a", vibe="chill"),
    numbered_loop(3, "reggae", "70s", 73.0, "D minor", tag="d22a", vibe="chill"),
    numbered_loop(4, "reggae", "80s", 72.0, "G minor", tag="d22a", vibe="chill"),
    numbered_loop(5, "reggae", "80s", 69.0, "A minor", tag="d22a", vibe="chill"),
]  # fmt: skip


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def _mixes(out, ids) -> None:
    assert out["plan"].specialists in (["compatibility"], ["groove", "compatibility"])
    assert sorted(out["request"].samples) == sorted(ids)
    assert "two things to compare" not in answer(out)


@pytest.mark.parametrize(
    "text",
    ["will both of them mix together", "do the two of them mix", "will those two mix?"],
)
def test_the_two_analysed_from_a_list_are_mixed(graph, text: str) -> None:
    chat = Chat(graph)
    found = chat.say("show me chill reggae loops")
    first, second = [h.sample_id for h in found["hits"][:2]]
    chat.say("what keys are the first two in")
    _mixes(chat.say(text), [first, second])


def test_the_first_and_third_compared_then_those_two_mixed(graph) -> None:
    chat = Chat(graph)
    found = chat.say("show me chill reggae loops")
    ids = [h.sample_id for h in found["hits"]]
    chat.say("compare the groove of the first and the third")
    _mixes(chat.say("will those two mix?"), [ids[0], ids[2]])


@pytest.mark.parametrize("text", ["do the two of them mix", "will both of them mix together"])
def test_the_two_of_a_narrowed_list_are_mixed(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("show me chill reggae loops")
    narrowed = chat.say("which of them are in G minor")
    ids = [h.sample_id for h in narrowed["hits"]]
    assert len(ids) == 2
    _mixes(chat.say(text), ids)


def test_two_picked_by_tempo_are_mixed(graph) -> None:
    chat = Chat(graph)
    found = chat.say("show me chill reggae loops")
    by_bpm = {round(h.tempo_bpm): h.sample_id for h in found["hits"]}
    out = chat.say("the 69 and the 72 bpm ones, do they mix with each other")
    _mixes(out, [by_bpm[69], by_bpm[72]])


def test_the_two_of_a_narrowed_list_are_compared(graph) -> None:
    chat = Chat(graph)
    chat.say("show me chill reggae loops")
    narrowed = chat.say("which of them are in G minor")
    ids = [h.sample_id for h in narrowed["hits"]]
    out = chat.say("compare the swing of those two")
    assert out["plan"].specialists == ["groove"]
    assert sorted(out["request"].samples) == sorted(ids)
