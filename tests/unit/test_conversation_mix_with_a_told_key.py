""" "Does the first one go with my track in E minor?": the user's own sample told only by
its key (no audio attached) is the other side of a mix check of the listed hit against
that key — not a search for loops in that key, and no request to upload the track."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "jazz", "50s", 108, "Ab major", tag="d7e1"),
    numbered_loop(2, "jazz", "50s", 96, "F major", tag="d7e1"),
    numbered_loop(3, "funk", "70s", 100, "E minor", tag="d7e1"),
    numbered_loop(4, "soul", "70s", 90, "G minor", tag="d7e1"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    "ask",
    [
        "would the top one fit with my track in E minor?",
        "does the first one work with my loop, which is in E minor",
    ],
)
def test_listed_hit_against_the_key_of_my_track(chat: Chat, ask: str) -> None:
    chat.say("50s jazz loops")
    chat.say("the second one, how swung is it?")
    out = chat.say(ask)
    assert out["plan"].specialists == ["compatibility"]
    assert out["request"].samples == [numbered_id(1, "d7e1")]
    assert out["request"].keys == ["E minor"]
    assert not out["hits"]
    assert "attach" not in answer(out)


def test_picked_hit_against_my_loop_told_by_its_key(chat: Chat) -> None:
    chat.say("50s jazz loops")
    chat.say("which one is the slowest?")
    out = chat.say("that one - does it blend with my loop in G minor?")
    assert out["plan"].specialists == ["compatibility"]
    assert out["request"].samples == [numbered_id(2, "d7e1")]
    assert out["request"].keys == ["G minor"]
    assert "attach" not in answer(out)
