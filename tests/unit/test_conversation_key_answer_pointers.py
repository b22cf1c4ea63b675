""" "loops in that, 110-125" or "loops there under 125" right after a key answer ("relative
major of F# minor?") searches the key answered (A major), as "in those" and "in that key"
already did. Before, the bare "that"/"there" pointed at nothing and loops in any key were
listed (tune conversation of the understanding eval)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

TAG = "ca1e"
ROWS = [
    numbered_loop(1, "disco", "70s", 118.0, "A major", tag=TAG),
    numbered_loop(2, "house", "90s", 122.0, "A major", tag=TAG),
    numbered_loop(3, "disco", "80s", 116.0, "G minor", tag=TAG),
    numbered_loop(4, "house", "80s", 120.0, "C major", tag=TAG),
    numbered_loop(5, "house", "90s", 124.0, "F# minor", tag=TAG),
    numbered_loop(6, "funk", "70s", 100.0, "A major", tag=TAG),
]


@pytest.mark.parametrize(
    "text", ["loops in that, 110-125", "any loops there between 110 and 125", "loops in this."]
)
def test_loops_in_that_after_a_key_answer_are_in_the_key_answered(
    settings: Settings, text: str
) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings), thread=text)
    chat.say("relative major of F# minor?")
    out = chat.say(text)
    assert out["hits"], text
    assert {h.key for h in out["hits"]} == {"A major"}, text
