""" "the 115 one", "the minor one": a singular reference by attribute that several hits
of the list fit asks which (the "which one? 1 or 2" question asked for a file name that
fits several files) instead of analysing them all; a stated tempo that one hit has
exactly names that one before hits only near it; plural wording ("the minor ones")
still means them all; and "the 115 one from before" reaches the earlier list that has
it. Before, "the 115 one" analysed the 115.0 and the 115.6 BPM loops, "back to the
first list - the minor one?" analysed every minor loop of it, and "the 115 one from
before" said nothing in the last list matched (outside tester)."""

from __future__ import annotations

import pandas as pd
import pytest
from langgraph.types import Command

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(1, "house", "80s", 115.0, "F minor", tag="c9a1"),
    numbered_loop(2, "house", "90s", 115.6, "A minor", tag="c9a1"),
    numbered_loop(3, "house", "00s", 124.0, "C major", tag="c9a1"),
    numbered_loop(4, "funk", "70s", 98.0, "E minor", tag="c9a1"),
    numbered_loop(5, "funk", "70s", 102.0, "D major", tag="c9a1"),
    numbered_loop(6, "house", "90s", 115.0, "G minor", tag="c9a1"),
]


def _id(n: int) -> str:
    return numbered_id(n, "c9a1")


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS[:5]), settings=settings))


@pytest.fixture
def chat6(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize("ref", ["the 115 one", "the 115 bpm loop", "the one at 115"])
def test_a_stated_tempo_names_the_exact_one_before_a_near_one(chat: Chat, ref: str) -> None:
    assert len(chat.say("house loops")["hits"]) == 3
    out = chat.say(f"{ref} - how swung is it?")
    assert "__interrupt__" not in out
    assert list(out["analyses"]) == [_id(1)], answer(out)


def test_two_exact_matches_ask_which_and_the_answer_picks(chat6: Chat) -> None:
    assert len(chat6.say("house loops")["hits"]) == 4
    out = chat6.say("the 115 one")
    (pending,) = out["__interrupt__"]
    assert pending.value["type"] == "choose_sample"
    assert [o["id"] for o in pending.value["options"]] == [_id(1), _id(6)]
    out = dict(chat6.graph.invoke(Command(resume="2"), chat6.config))
    assert list(out["analyses"]) == [_id(6)], answer(out)


def test_several_minor_ones_ask_which_never_analyse_all(chat6: Chat) -> None:
    assert len(chat6.say("house loops")["hits"]) == 4
    out = chat6.say("the minor one?")
    (pending,) = out["__interrupt__"]
    assert {o["id"] for o in pending.value["options"]} == {_id(1), _id(2), _id(6)}
    assert not out.get("analyses")


def test_back_to_the_first_list_the_minor_one_asks_which(chat6: Chat) -> None:
    assert len(chat6.say("house loops")["hits"]) == 4
    chat6.say("funk loops")
    out = chat6.say("back to the first list - the minor one?")
    (pending,) = out["__interrupt__"]
    assert {o["id"] for o in pending.value["options"]} == {_id(1), _id(2), _id(6)}
    out = dict(chat6.graph.invoke(Command(resume="the first one"), chat6.config))
    assert len(out["analyses"]) == 1, answer(out)


def test_the_minor_ones_still_mean_them_all(chat6: Chat) -> None:
    assert len(chat6.say("house loops")["hits"]) == 4
    out = chat6.say("only the minor ones")
    assert "__interrupt__" not in out
    assert set(hit_names(out)) == {"house_80s_01.wav", "house_90s_02.wav", "house_90s_06.wav"}


def test_the_115_one_from_before_reaches_the_earlier_list(chat: Chat) -> None:
    assert len(chat.say("house loops")["hits"]) == 3
    assert len(chat.say("funk loops")["hits"]) == 2
    out = chat.say("the 115 one from before")
    assert "__interrupt__" not in out
    assert list(out["analyses"]) == [_id(1)], answer(out)


@pytest.mark.parametrize("ref", ["both 115s - how swung are they?", "how swung are the two 115s"])
def test_a_plural_tempo_names_every_listed_loop_at_it(chat: Chat, ref: str) -> None:
    # before, "both 115s" named no loop ("I need to hear your loop first")
    assert len(chat.say("house loops")["hits"]) == 3
    out = chat.say(ref)
    assert "__interrupt__" not in out
    assert set(out["analyses"]) == {_id(1), _id(2)}, answer(out)
