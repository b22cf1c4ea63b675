"""Terse questions about the loop in focus: the timing of one of its parts ("is the kick
late or early?", "how laid back are the hats") measures that loop — the part named is no
one-shot to search for — and a bare measure with "too"/"as well" ("swing as well", "bpm
too") asks it of the same loop."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

LOOP = "00000a7700000001"
ROWS = [
    loop_row(LOOP, "dusty_funk_07", genre="funk", era="70s", vibe="dusty", tempo_bpm=96.0,
             swing_percent=58.0, backbeat_lag_ms=12.0, key="E minor"),
    loop_row("00000a7700000002", "smooth_soul_02", genre="soul", era="60s", vibe="smooth",
             tempo_bpm=84.0, swing_percent=55.0, backbeat_lag_ms=4.0, key="A minor"),
]  # fmt: skip


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize("question", ["is the kick late or early?", "how laid back are the hats"])
def test_the_timing_of_a_part_measures_the_loop_in_focus(graph, question: str) -> None:
    chat = Chat(graph)
    chat.say("what tempo is this", samples=[LOOP])
    out = chat.say(question)
    req = out["request"]
    assert req.specialists == ["groove"]
    assert req.samples == [LOOP]
    assert req.kind is None
    assert req.instrument is None


@pytest.mark.parametrize("reply", ["swing as well", "bpm too"])
def test_a_bare_measure_with_too_asks_it_of_the_loop_in_focus(graph, reply: str) -> None:
    chat = Chat(graph)
    chat.say("what key is this", samples=[LOOP])
    req = chat.say(reply)["request"]
    assert req.specialists == ["groove"]
    assert req.samples == [LOOP]
