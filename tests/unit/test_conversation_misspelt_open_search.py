"""The open search words misspelt (final outside tester): "somthing in 6/8 maybe" after
"any waltz loops?" was answered as out of scope, though "something in 6/8 maybe" is a
search. "something" and "anything" are spelling targets: one slip away ("somthing",
"anythng", "anythin") reads as the word; real words near them ("sometimes", "nothing",
"soothing") are left alone."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.understanding.spelling import correct
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("somthing in 6/8 maybe", "something in 6/8 maybe"),
        ("anythng slower?", "anything slower?"),
        ("anythin in A minor", "anything in A minor"),
        (
            "sometimes i want soothing pads, nothing else",
            "sometimes i want soothing pads, nothing else",
        ),
    ],
)
def test_open_search_words_are_corrected(typed: str, read: str) -> None:
    assert correct(typed) == read


def test_misspelt_something_in_a_meter_is_a_search(settings: Settings) -> None:
    rows = [
        numbered_loop(1, "jazz", "60s", 100.0, "A minor", tag="6a8f", meter=3),
        numbered_loop(2, "reggae", "70s", 70.0, "F minor", tag="6a8f", meter=4),
    ]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings), thread="68")
    chat.say("any waltz loops?")
    out = chat.say("somthing in 6/8 maybe")
    assert out["request"].specialists == ["discovery"], answer(out)
    assert out["request"].meter == "6/8"
    assert "outside what I do" not in answer(out)
