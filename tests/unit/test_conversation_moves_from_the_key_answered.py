""" "what mixes with that key", "whats a +1 move from there", "+1 from there" right after a
key answer are about the key that answer was about (the relative key of "what's the
relative major of A minor?", the key asked about, the energy boost's): its neighbours on
the wheel, or the key so many steps round it (outside testers: "what mixes with that key"
asked for two things to compare, "+1 from there" was out of scope or a search)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "disco", "70s", 118.0, "A minor", tag="c7b2"),
    numbered_loop(2, "funk", "70s", 100.0, "E minor", tag="c7b2"),
    numbered_loop(3, "funk", "70s", 104.0, "G major", tag="c7b2"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    ("before", "key", "code"),
    [
        ("what's the relative major of A minor?", "C major", "8B"),
        ("what's A minor in camelot?", "A minor", "8A"),
        ("what's the energy boost from A minor?", "B minor", "10A"),
    ],
)
@pytest.mark.parametrize("ask", ["what mixes with that key", "what goes with that key?"])
def test_what_mixes_with_that_key_is_the_key_answered(
    chat: Chat, before: str, key: str, code: str, ask: str
) -> None:
    chat.say(before)
    out = chat.say(ask)
    req = out["request"]
    assert req.specialists == ["compatibility"]
    assert req.keys == [key]
    assert f"{key} is {code} on the Camelot wheel" in answer(out)


@pytest.mark.parametrize(
    "ask", ["whats a +1 move from there", "+1 from there", "one step up the wheel from there"]
)
@pytest.mark.parametrize(
    ("before", "start", "to"),
    [
        ("what's A minor in camelot?", "A minor (8A)", "E minor (9A)"),
        ("what's the relative major of A minor?", "C major (8B)", "G major (9B)"),
    ],
)
def test_a_step_round_the_wheel_from_there(
    chat: Chat, before: str, start: str, to: str, ask: str
) -> None:
    chat.say(before)
    out = chat.say(ask)
    assert out["request"].specialists == ["compatibility"]
    said = answer(out)
    assert f"One step up the Camelot wheel from {start} is {to}: a fifth higher." in said


def test_a_step_down_and_the_key_it_lands_on(chat: Chat) -> None:
    out = chat.say("whats a -2 move from 8A")
    assert "Two steps down the Camelot wheel from A minor (8A) is G minor (6A)" in answer(out)
    # "loops in that key": the key the move landed on
    chat2 = chat.say("loops in that key")
    assert chat2["request"].keys == ["G minor"]


def test_a_signed_tempo_is_no_step(chat: Chat) -> None:
    out = chat.say("what's A minor in camelot?")
    out = chat.say("+2 bpm from there")
    assert "Camelot wheel from" not in answer(out)
