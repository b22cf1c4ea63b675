""" "only F# minor" narrowing a search around a loop's key lists that key itself, as "the
ones in F# minor" already did. Before, without "in", the key stayed one more key to mix
with: B minor and C# minor loops were listed (tune conversation of the understanding
eval)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools import vocab
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

TAG = "c0a1"
ROWS = [
    numbered_loop(1, "house", "90s", 124.0, "F# minor", tag=TAG),
    numbered_loop(2, "house", "90s", 126.0, "F# minor", tag=TAG),
    numbered_loop(3, "house", "90s", 124.0, "B minor", tag=TAG),
    numbered_loop(4, "house", "90s", 121.0, "C# minor", tag=TAG),
    numbered_loop(5, "house", "00s", 124.0, "F# minor", tag=TAG, name="warm_house_01"),
]


def test_only_a_key_narrows_to_that_key(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("find me house like warm_house_01 but from the 90s")
    out = chat.say("only F# minor")
    assert out["hits"]
    assert {h.key for h in out["hits"]} == {"F# minor"}


@pytest.mark.parametrize(
    ("text", "to_be_in"),
    [
        ("only F# minor", True),
        ("just 8A", True),
        ("only A major pls", True),
        ("only the ones that mix with F# minor", False),
        ("just a minor thing", False),
    ],
)
def test_only_a_key_is_the_key_to_be_in(text: str, to_be_in: bool) -> None:
    assert vocab.key_to_be_in(text) is to_be_in
