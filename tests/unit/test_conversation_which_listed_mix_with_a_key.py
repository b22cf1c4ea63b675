""" "Do any of those blend with 9A?" right after a list: the list narrowed to the hits
whose keys mix with that key (a search) and how keys mix with it (a mixing question) —
both specialists, not the search alone."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(1, "house", "90s", 122, "E minor", tag="9a1b"),
    numbered_loop(2, "house", "90s", 123, "F minor", tag="9a1b"),
    numbered_loop(3, "house", "90s", 121, "G major", tag="9a1b"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    "ask", ["do any of those blend with 9A?", "would any of them go with E minor"]
)
def test_list_narrowed_by_a_mix_with_a_key(chat: Chat, ask: str) -> None:
    chat.say("90s house around 122")
    out = chat.say(ask)
    assert out["plan"].specialists == ["compatibility", "discovery"]
    assert out["request"].keys == ["E minor"]
    assert sorted(hit_names(out)) == ["house_90s_01.wav", "house_90s_03.wav"]
