""" "any disco in that key?", "loops in that key" right after a key answer search the key
that answer was about: the key its move landed on ("what's the relative major of A
minor?" → C major), else the key asked about ("whats next to 5B on the camelot wheel" →
Eb major), not the key or filters of a list shown before it (outside testers: the old
key and style were searched again)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

ROWS = [
    numbered_loop(1, "disco", "70s", 118.0, "A minor", tag="c7b1"),
    numbered_loop(2, "disco", "70s", 120.0, "C major", tag="c7b1"),
    numbered_loop(3, "funk", "70s", 100.0, "C major", tag="c7b1"),
    numbered_loop(4, "funk", "70s", 104.0, "A minor", tag="c7b1"),
    numbered_loop(5, "disco", "70s", 122.0, "Eb major", tag="c7b1"),
    numbered_loop(6, "funk", "70s", 96.0, "Eb major", tag="c7b1"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    ("ask", "genres"),
    [
        ("any disco in that key?", ["disco"]),
        ("loops in that key", []),
        ("show me loops in that key", []),
    ],
)
@pytest.mark.parametrize("before", [None, "funk loops in A minor"])
def test_that_key_after_a_relative_key_is_the_relative(
    chat: Chat, before: str | None, ask: str, genres: list[str]
) -> None:
    if before:
        chat.say(before)
    chat.say("what's the relative major of A minor?")
    out = chat.say(ask)
    req = out["request"]
    assert req.keys == ["C major"]
    assert req.genres == genres
    assert not req.compatible
    assert out["hits"]
    assert {h.key for h in out["hits"]} == {"C major"}


@pytest.mark.parametrize("ask", ["any disco in that key?", "disco in that key pls"])
def test_that_key_after_a_wheel_question_is_the_key_asked_about(chat: Chat, ask: str) -> None:
    chat.say("funk loops in A minor")
    chat.say("whats next to 5B on the camelot wheel")
    out = chat.say(ask)
    req = out["request"]
    assert req.keys == ["Eb major"]
    assert req.genres == ["disco"]
    assert out["hits"]
    assert all(h.tags.genre == "disco" for h in out["hits"])
    assert "Eb major" in {h.key for h in out["hits"]}


def test_those_keys_after_a_relative_key_are_the_keys_listed(chat: Chat) -> None:
    # the answer listed the keys around A minor: "those keys" are those
    chat.say("what's the relative major of A minor?")
    req = chat.say("loops in those keys")["request"]
    assert (req.keys, req.compatible) == (["A minor"], True)
