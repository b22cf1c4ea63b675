"""A search "in those" right after an answer that named keys and listed no samples ("which
keys mix with 3A?" → "any soul in these?") searches in those keys: the keys that mix with
the one asked about, kept when the list is narrowed next."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names


def _loop(n: int, genre: str, era: str, key: str) -> dict:
    return numbered_loop(n, genre, era, 90.0 + n, key, tag="c0de", vibe="warm")


ROWS = [
    _loop(1, "soul", "60s", "Bb minor"),  # 3A itself
    _loop(2, "soul", "70s", "Eb minor"),  # 2A, a neighbour
    _loop(3, "soul", "70s", "F minor"),  # 4A, a neighbour
    _loop(4, "soul", "60s", "E major"),  # far away
    _loop(5, "soul", "70s", "A major"),  # far away
    _loop(6, "funk", "70s", "Bb minor"),  # the key, another style
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_in_these_after_a_keys_answer_searches_those_keys(graph) -> None:
    chat = Chat(graph)
    first = chat.say("which keys mix with 3A?")
    assert first["request"].specialists == ["compatibility"]
    out = chat.say("any soul in these?")
    req = out["request"]
    assert req.specialists == ["discovery"]
    assert req.genres == ["soul"]
    assert req.keys == ["Bb minor"]
    assert req.compatible
    assert sorted(hit_names(out)) == ["soul_60s_01.wav", "soul_70s_02.wav", "soul_70s_03.wav"]
    narrowed = chat.say("just the 70s")
    assert sorted(hit_names(narrowed)) == ["soul_70s_02.wav", "soul_70s_03.wav"]
