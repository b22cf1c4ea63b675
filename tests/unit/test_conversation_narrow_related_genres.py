"""Narrowing a list that showed the related genres of one the library lacks keeps every
one of them (outside tester: "tell me about philly soul", "loops from that era" listed
soul and disco loops, then "only the minor ones" kept only soul)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

ROWS = [
    numbered_loop(1, "soul", "70s", 80.0, "A minor", tag="9e1a"),
    numbered_loop(2, "soul", "70s", 82.0, "C major", tag="9e1a"),
    numbered_loop(3, "disco", "70s", 118.0, "D minor", tag="9e1a"),
    numbered_loop(4, "disco", "70s", 120.0, "G major", tag="9e1a"),
    numbered_loop(5, "funk", "70s", 100.0, "E minor", tag="9e1a"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    ("first", "narrow", "kept"),
    [
        ("philly soul loops", "only the minor ones", {"soul_70s_01.wav", "disco_70s_03.wav"}),
        ("philly soul loops", "just the major ones", {"soul_70s_02.wav", "disco_70s_04.wav"}),
        ("philly soul loops from the 70s", "minor only", {"soul_70s_01.wav", "disco_70s_03.wav"}),
    ],
)
def test_narrowing_keeps_every_related_genre(
    chat: Chat, first: str, narrow: str, kept: set[str]
) -> None:
    listed = chat.say(first)
    assert {h.tags.genre for h in listed["hits"]} == {"soul", "disco"}
    out = chat.say(narrow)
    assert {h.path.rsplit("/", 1)[-1] for h in out["hits"]} == kept


def test_after_an_era_answer(chat: Chat) -> None:
    chat.say("tell me about philly soul")
    assert {h.tags.genre for h in chat.say("loops from that era")["hits"]} == {"soul", "disco"}
    out = chat.say("only the minor ones")
    assert {h.path.rsplit("/", 1)[-1] for h in out["hits"]} == {
        "soul_70s_01.wav",
        "disco_70s_03.wav",
    }
