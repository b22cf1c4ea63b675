"""A key stated in a mix question about several samples ("the minor ones" picked from a
list, then "will they mix with something in A minor?", "do they mix with A minor?") is the
other side of the comparison: each sample is checked against that key, not the samples
against each other (outside tester: the picked loops were compared among themselves)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "disco", "70s", 118.0, "A minor", tag="c7b4"),
    numbered_loop(2, "disco", "70s", 120.0, "C major", tag="c7b4"),
    numbered_loop(3, "disco", "70s", 122.0, "G major", tag="c7b4"),
    numbered_loop(4, "disco", "70s", 124.0, "F# minor", tag="c7b4"),
]
MINORS = [ROWS[0]["id"], ROWS[3]["id"]]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("disco loops")
    return chat


@pytest.mark.parametrize(
    ("pick", "ask"),
    [
        ("the minor ones", "do they mix with A minor?"),
        ("analyse the 1st and the 4th", "will they mix with something in A minor?"),
        ("analyse the 1st and the 4th", "would these work with A minor"),
    ],
)
def test_each_sample_is_checked_against_the_key_stated(chat: Chat, pick: str, ask: str) -> None:
    chat.say(pick)
    out = chat.say(ask)
    assert sorted(out["request"].samples) == sorted(MINORS)
    said = answer(out)
    assert "disco_70s_01.wav [0001c7b400000001] × A minor: **great**" in said
    assert "disco_70s_04.wav [0004c7b400000004] × A minor: **poor**" in said
    # not the two picked loops set against each other
    assert "disco_70s_01.wav [0001c7b400000001] × disco_70s_04" not in said
    assert "disco_70s_04.wav [0004c7b400000004] × disco_70s_01" not in said
