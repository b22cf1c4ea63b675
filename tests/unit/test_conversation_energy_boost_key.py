"""After an energy-boost answer ("energy boost from 4A?": one step up, C minor, or the
energy boost proper, two steps up, G minor), "any dnb in that key" searches the key the
answer called the energy boost, not the key the boost started from (it listed dnb in keys
that mix with F minor); "in those keys" searches both moves."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(n, "drum and bass", "90s", 174.0, key, tag="eb05", name=f"dnb_{n:02d}")
    for n, key in ((1, "G minor"), (2, "C minor"), (3, "F minor"), (4, "Bb minor"))
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_that_key_after_an_energy_boost_is_the_boost_key(graph) -> None:
    chat = Chat(graph)
    boost = chat.say("whats the energy boost key from 4A?")
    assert "G minor" in boost["messages"][-1].content
    out = chat.say("any dnb in that key")
    assert out["request"].keys == ["G minor"]
    assert hit_names(out) == ["dnb_01.wav"]


def test_those_keys_after_an_energy_boost_are_both_moves(graph) -> None:
    chat = Chat(graph)
    chat.say("whats the energy boost key from 4A?")
    out = chat.say("any dnb in those keys")
    assert sorted(hit_names(out)) == ["dnb_01.wav", "dnb_02.wav"]
