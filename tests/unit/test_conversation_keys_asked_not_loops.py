"""A question that asks for keys — "which keys can I move to from there" after telling
where the set is, "what keys blend with 9A" right after a search, "the relative major of
both" of a search's keys — is a key-mixing question for the compatibility specialist, not
the search again (the sample word in a sentence that only tells, or in "no loops", asks
for no samples)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "house", "90s", 122, "E minor", tag="4e75"),
    numbered_loop(2, "house", "90s", 123, "B minor", tag="4e75"),
    numbered_loop(3, "techno", "90s", 128, "D minor", tag="4e75"),
    numbered_loop(4, "soul", "70s", 90, "C minor", tag="4e75"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    "ask",
    [
        "warming up, the track now is in 9A at 122. which keys could i move to after it",
        "the record playing now is in 9A, 122 bpm. what keys can we go to from there?",
    ],
)
def test_keys_to_move_to_after_a_track_told(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert out["plan"].specialists == ["compatibility"]
    assert out["request"].keys == ["E minor"]
    assert not out["hits"]
    assert "9A" in answer(out)


@pytest.mark.parametrize(
    "ask",
    [
        "only the keys please, no loops - what keys blend with 9A",
        "ok what keys mix well with 9A then",
    ],
)
def test_keys_that_mix_after_a_search(chat: Chat, ask: str) -> None:
    chat.say("90s house around 122")
    out = chat.say(ask)
    assert out["plan"].specialists == ["compatibility"]
    assert out["request"].keys == ["E minor"]
    assert not out["hits"]


def test_relative_key_of_each_searched_key(chat: Chat) -> None:
    chat.say("house in G or D")
    out = chat.say("relative minor of each")
    assert out["plan"].specialists == ["compatibility"]
    assert not out["hits"]
