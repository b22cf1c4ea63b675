"""'find me a couple more in that key' right after a mix check of two loops that share one
key ('analyse dusty_funk_07' then 'does it mix with gritty_boombap_12?', both in Bb minor)
searches that key itself, not every key that mixes with it; after a mix check of loops in
different keys, or 'in those keys', it is still the keys that mix."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat

_TAG = "d22d"
ROWS = [
    numbered_loop(1, "funk", "60s", 99.0, "Bb minor", tag=_TAG),
    numbered_loop(2, "boom bap", "80s", 92.0, "Bb minor", tag=_TAG),
    numbered_loop(3, "reggae", "70s", 74.0, "Bb minor", tag=_TAG),
    numbered_loop(4, "jazz", "60s", 115.0, "Bb minor", tag=_TAG),
    numbered_loop(5, "reggae", "70s", 73.0, "Db major", tag=_TAG),
    numbered_loop(6, "disco", "70s", 122.0, "Db major", tag=_TAG),
    numbered_loop(7, "funk", "70s", 101.0, "F minor", tag=_TAG),
]  # fmt: skip


def _id(n: int) -> str:
    return numbered_id(n, _TAG)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_more_in_that_key_after_a_same_key_pair(graph) -> None:
    chat = Chat(graph)
    chat.say(f"analyse sample {_id(1)}")
    chat.say(f"does it mix with sample {_id(2)}?")
    out = chat.say("find me a couple more in that key")
    assert out["request"].keys == ["Bb minor"]
    assert not out["request"].compatible
    assert out["hits"]
    assert all(h.key == "Bb minor" for h in out["hits"])


def test_more_in_that_key_after_a_pair_in_two_keys_still_mixes(graph) -> None:
    chat = Chat(graph)
    chat.say(f"analyse sample {_id(7)}")
    chat.say(f"does it mix with sample {_id(2)}?")
    out = chat.say("find me a couple more in that key")
    assert out["request"].compatible
