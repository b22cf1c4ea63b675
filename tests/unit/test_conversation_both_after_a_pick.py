""" "both of them" after a pick from a two-loop list is the list's pair (final outside
tester): "70s funk loops around 97 in E minor" listed two, "whats the swing on the second
one" analysed the second, and "will both of them mix together?" answered "To check a mix I
need two things to compare": the pair word took the one sample in focus."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "b07f"
ROWS = [
    numbered_loop(1, "funk", "70s", 97.0, "E minor", tag=_TAG, vibe="gritty"),
    numbered_loop(2, "funk", "70s", 97.2, "E minor", tag=_TAG, vibe="groovy"),
    numbered_loop(3, "soul", "60s", 85.0, "C major", tag=_TAG),
    numbered_loop(4, "funk", "60s", 108.0, "Eb minor", tag=_TAG),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "pair", ["will both of them mix together?", "do those two mix?", "would the 2 blend"]
)
def test_pair_word_after_a_pick_is_the_listed_pair(graph, pair: str) -> None:
    chat = Chat(graph, thread=pair)
    listed = chat.say("70s funk loops around 97 in E minor")
    assert [h.sample_id for h in listed["hits"]] == [numbered_id(1, _TAG), numbered_id(2, _TAG)]
    chat.say("whats the swing on the second one")
    out = chat.say(pair)
    assert sorted(out["request"].samples) == [numbered_id(1, _TAG), numbered_id(2, _TAG)]
    assert "compatibility" in out["request"].specialists
    assert "I need two things to compare" not in answer(out)
