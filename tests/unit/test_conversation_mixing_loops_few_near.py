"""Loops that mix with a loop of the thread, when only one or two lie near its tempo:
the list is filled up to three with the mixing loops at the next closest tempos (said
so), rather than one loop alone while the library has more in a key that mixes."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

MINE = "5e5e5e5e5e5e5e5e"
# (tempo, key): one mixing loop near 64 BPM, the others mixing far off, plus near ones
# in keys that do not mix with C minor
ROWS = [
    (66.0, "C minor"),
    (82.0, "G minor"),
    (90.0, "Eb major"),
    (112.0, "F minor"),
    (64.0, "E major"),
    (63.0, "A major"),
    (65.0, "F# minor"),
]
MIXING = {"C minor", "G minor", "Eb major", "F minor"}


def _library() -> pd.DataFrame:
    rows = [
        loop_row(
            f"{i:016x}",
            f"tape_bed_{i:02d}",
            key=key,
            genre="soul",
            era="70s",
            tempo_bpm=tempo,
            swing_percent=53.0,
            backbeat_lag_ms=4.0,
        )
        for i, (tempo, key) in enumerate(ROWS)
    ]
    rows.append(
        loop_row(
            MINE,
            "organ_sketch",
            key="C minor",
            genre="soul",
            era="70s",
            tempo_bpm=64.0,
            swing_percent=53.0,
            backbeat_lag_ms=4.0,
        )
    )
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize("ask", ["which loops go with it", "show me stuff that blends with this"])
def test_few_near_mixing_loops_are_filled_with_the_next_tempos(chat: Chat, ask: str) -> None:
    chat.say("what key is this one in", samples=[MINE])
    out = chat.say(ask)
    keys = [h.key for h in out["hits"]]
    assert len(keys) >= 3, keys
    assert set(keys) <= MIXING
    # the one near its tempo first
    assert out["hits"][0].tempo_bpm == 66.0
    assert MINE not in {h.sample_id for h in out["hits"]}
