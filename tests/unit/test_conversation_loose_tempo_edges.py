"""A tempo said loosely ("around 92", "at 95") that holds only one or two loops of the
search takes in the loops a tempo reading off its edges (within 0.5 BPM), said so; a
range the user set ("88 to 96") never widens, and a band holding three stays as it is."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

# "around 90" is 85.5-94.5 BPM: one marimba loop in it, two a reading off its edges,
# one well outside; the kalimba loops fill the band
MARIMBA = [91.0, 94.9, 85.1, 99.0]
KALIMBA = [88.0, 90.0, 93.0, 95.2]


def _library() -> pd.DataFrame:
    rows = [
        loop_row(
            f"{i:016x}",
            f"marimba_take_{i:02d}",
            key="D minor",
            genre="funk",
            era="00s",
            vibe="dusty",
            tempo_bpm=t,
            swing_percent=52.0,
            backbeat_lag_ms=2.0,
        )
        for i, t in enumerate(MARIMBA)
    ] + [
        loop_row(
            f"{i + 100:016x}",
            f"kalimba_take_{i:02d}",
            key="G major",
            genre="funk",
            era="00s",
            vibe="warm",
            tempo_bpm=t,
            swing_percent=52.0,
            backbeat_lag_ms=2.0,
        )
        for i, t in enumerate(KALIMBA)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize("ask", ["dusty funk loops around 90", "dusty funk near 90 bpm"])
def test_a_thin_loose_band_takes_in_its_edges(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    tempi = sorted(h.tempo_bpm for h in out["hits"])
    assert tempi == [85.1, 91.0, 94.9]


def test_a_full_band_is_not_widened(chat: Chat) -> None:
    out = chat.say("warm funk loops around 90")
    assert sorted(h.tempo_bpm for h in out["hits"]) == [88.0, 90.0, 93.0]


def test_a_stated_range_is_not_widened(chat: Chat) -> None:
    out = chat.say("dusty funk between 86 and 94 bpm")
    assert [h.tempo_bpm for h in out["hits"]] == [91.0]
