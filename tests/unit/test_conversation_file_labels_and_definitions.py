"""Turns that name no search:

- a file attached with words that only label it ("next loop", "loop number two", "first
  is the drum loop") or tell where it comes from ("house loop i made", "got two loops for
  one beat") is analysed, not searched for; a search asked beside such words stays;
- "what is a X?" / "what does X mean?" asks the meaning of a word: no specialist, unless
  another sentence asks for samples;
- "am I allowed to release this legally?" about the loop at hand is a question of law,
  not of its groove.
"""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat

LOOPS = [
    numbered_loop(n, genre, era, bpm, "D minor", tag="1abe")
    for n, (genre, era, bpm) in enumerate(
        [
            ("soul", "70s", 92.0),
            ("funk", "70s", 100.0),
            ("house", "90s", 124.0),
            ("soul", "70s", 94.0),
            ("funk", "70s", 102.0),
        ]
    )
]
SHOTS = [one_shot_record("00011abe99990001", "kick_z.wav", "kick")]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))


@pytest.mark.parametrize(
    "turns",
    [
        ["my first loop, check it", "next loop"],
        ["my first loop, check it", "loop number two"],
        ["got two loops for one beat. first is the drum loop"],
        ["house loop i made, whats the pocket like on this loop? is the kick late"],
        ["funk break i chopped, how swung is this loop"],
    ],
)
def test_labelled_file_is_analysed_not_searched(chat: Chat, turns: list[str]) -> None:
    for n, text in enumerate(turns):
        out = chat.say(text, samples=[str(LOOPS[n]["id"])])
        assert out["plan"].specialists == ["groove"], text


def test_search_beside_a_story_stays(chat: Chat) -> None:
    out = chat.say(
        "i sampled this at my uncle's, find me soul loops like it",
        samples=[str(LOOPS[0]["id"])],
    )
    assert "discovery" in out["plan"].specialists


@pytest.mark.parametrize(
    "text",
    ["what's a break?", "what does timing deviation actually mean?"],
)
def test_definition_question_has_no_specialist(chat: Chat, text: str) -> None:
    out = chat.say(text)
    assert out["plan"].specialists == []
    assert not out["hits"]


def test_definition_beside_a_search_keeps_the_search(chat: Chat) -> None:
    out = chat.say("what is a one shot? show me a kick")
    assert out["plan"].specialists == ["discovery"]


def test_rights_question_about_the_loop_is_no_analysis(chat: Chat) -> None:
    chat.say("how swung is this", samples=[str(LOOPS[1]["id"])])
    out = chat.say("am i allowed to release it legally?")
    assert out["plan"].specialists == []
