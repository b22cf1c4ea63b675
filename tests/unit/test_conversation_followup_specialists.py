"""Follow-ups that name what they are about by pointing, read by the specialist that
answers them:

- "show us mine" / "gimme mine" right after an era answer: the user's loops of the
  style just talked about (it was "outside what I do");
- "the fastest of them, how swung is it" right after a list: that hit measured (it was
  read as a swing filter on the search);
- "and a beat in E minor to try it over, dub maybe" about a listed one-shot picked just
  before: a search for a loop to play it with (it was the one-shot's analysis again);
- "making a new kit tonight. hats first": the sounds of the second sentence are searched
  for (the story before them asked nothing, so nothing was);
- "what's the difference between these, feel wise" about the two loops listed: their
  grooves compared, no era answer ("difference" asks about the past only of a style).
"""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat

LOOPS = [
    numbered_loop(0, "dub", "70s", 72.0, "E minor", tag="f0a1"),
    numbered_loop(1, "dub", "70s", 78.0, "E minor", tag="f0a1"),
    numbered_loop(2, "funk", "70s", 100.0, "A minor", tag="f0a1"),
    numbered_loop(3, "funk", "70s", 104.0, "C major", tag="f0a1"),
    numbered_loop(4, "funk", "70s", 97.0, "G major", tag="f0a1"),
]
SHOTS = [
    one_shot_record("0001f0a199990001", "sub_E1.wav", "bass", "E1"),
    one_shot_record("0002f0a199990002", "sub_B1.wav", "bass", "B1"),
    one_shot_record("0003f0a199990003", "hat_q.wav", "hat"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))


@pytest.mark.parametrize("then", ["show us mine", "gimme mine"])
def test_mine_after_an_era_answer_is_the_style_searched(chat: Chat, then: str) -> None:
    assert chat.say("what tempo was 70s funk normally")["plan"].specialists == ["era"]
    out = chat.say(then)
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].genres == ["funk"]
    assert out["hits"]


def test_superlative_of_the_list_is_that_hit(chat: Chat) -> None:
    chat.say("70s funk loops")
    out = chat.say("the fastest of them, how swung is it")
    assert out["plan"].specialists == ["groove"]
    assert out["request"].samples == [LOOPS[3]["id"]]


def test_a_loop_to_try_the_picked_hit_over(chat: Chat) -> None:
    chat.say("808s in E minor")
    assert chat.say("the E one, what note exactly")["plan"].specialists == ["groove"]
    out = chat.say("and a beat in E minor to try it over, dub maybe")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].genres == ["dub"]


def test_sounds_after_a_story_sentence(chat: Chat) -> None:
    out = chat.say("making a new kit tonight. hats first")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].instrument == "hat"


def test_difference_between_the_listed_pair_is_their_groove(chat: Chat) -> None:
    assert len(chat.say("dub loops in E minor")["hits"]) == 2
    out = chat.say("what's the difference between these, feel wise")
    assert out["plan"].specialists == ["groove"]
    assert set(out["request"].samples) == {LOOPS[0]["id"], LOOPS[1]["id"]}
