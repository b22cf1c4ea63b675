"""Asking which loops of a list are swung keeps the ones at 55 % and up (a break at
55.4 % is heard swung), not only the ones past 56 %; the straight ones stay out."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

SWINGS = [55.3, 55.8, 57.5, 51.0, 52.4, 54.0]


def _library() -> pd.DataFrame:
    return pd.DataFrame(
        [
            loop_row(
                f"{i:016x}",
                f"tabla_break_{i:02d}",
                key="F minor",
                genre="breakbeat",
                era="90s",
                tempo_bpm=132.0 + i,
                swing_percent=swing,
                backbeat_lag_ms=2.0,
            )
            for i, swing in enumerate(SWINGS)
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize("ask", ["any of them got a shuffle to it?", "keep just the swinging ones"])
def test_swung_counts_from_55(chat: Chat, ask: str) -> None:
    chat.say("breakbeat loops near 134")
    out = chat.say(ask)
    assert sorted(h.swing_percent for h in out["hits"]) == [55.3, 55.8, 57.5]
