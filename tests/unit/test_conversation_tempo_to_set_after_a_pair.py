"""After a mix check of two samples, "what tempo do I set the pad to so it matches?" asks
for the tempo to move that one to: the other sample's, not its own (outside tester: a
92 BPM break and a 104 BPM keys loop checked together, then "what tempo should i put the
keys at to match?" answered the keys loop's own 103.8)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

DRUMS = loop_row(
    "d7a0000000000001",
    "dusty_drum_break",
    key=None,
    genre="hip hop",
    era="90s",
    tempo_bpm=91.6,
    swing_percent=58.0,
    instrument="drums",
)
PAD = loop_row(
    "9ad0000000000002",
    "warm_pad_loop",
    key="D minor",
    genre="soul",
    era="70s",
    tempo_bpm=106.3,
    swing_percent=51.0,
    instrument="pad",
)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame([DRUMS, PAD]), settings=settings)


def test_the_tempo_to_set_one_of_a_pair_to_is_the_others(graph) -> None:
    chat = Chat(graph, thread="pad-onto-drums")
    chat.say("do these two work together?", samples=[DRUMS["id"], PAD["id"]])
    out = chat.say("what speed should i run the pad at to match?")
    first = answer(out).split("\n")[0]
    # the pad is the one moved, onto the drums' 91.6 BPM
    assert first.startswith("Slow warm_pad_loop"), answer(out)
    assert "91.6 BPM" in first, answer(out)
