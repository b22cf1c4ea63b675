"""A superlative asked of a list of one ("which is in the darkest key?", "which is the
fastest?") answers about that one loop and says it is the only one listed. Before, the
darkest key of a one-loop list answered the generic help text and "the fastest" said
the list was shorter than that (outside tester)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(1, "house", "90s", 125.0, "A minor", tag="c7e1", swing_percent=51.6),
    numbered_loop(2, "disco", "70s", 123.0, "C major", tag="c7e1"),
    numbered_loop(3, "disco", "70s", 117.0, "F major", tag="c7e1"),
]


@pytest.mark.parametrize(
    ("ask", "said"),
    [
        ("which is in the darkest key?", "in A minor"),
        ("which one has the brightest key", "in A minor"),
        ("which is the fastest?", "125.0 BPM"),
    ],
)
def test_a_superlative_of_a_list_of_one_is_that_one(
    settings: Settings, ask: str, said: str
) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    assert hit_names(chat.say("house loops at 124 bpm in 8A")) == ["house_90s_01.wav"]
    out = chat.say(ask)
    first = answer(out).split("\n\n")[0]
    assert first.startswith("The list has only one: house_90s_01.wav"), first
    assert said in first
    assert hit_names(out) == ["house_90s_01.wav"]
