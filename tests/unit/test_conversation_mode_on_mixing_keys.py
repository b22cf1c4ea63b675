"""A trailing clause about the mode ("only minor keys please") does not turn off the
search for loops that mix with the user's loop (outside trial: "what goes with my loop?
only minor keys please" answered "two samples are needed" instead of listing loops)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

MINE = "7e7e7e7e7e7e7e7e"
KEYS = ("E minor", "C major", "D minor", "G major", "A minor", "F major")


def _library() -> pd.DataFrame:
    rows = [
        loop_row(
            f"{i:016x}",
            f"pad_groove_{i:02d}",
            key=KEYS[i % len(KEYS)],
            genre="soul",
            era="80s",
            tempo_bpm=[88.0, 90.0, 92.0, 93.0, 120.0][i % 5],
            swing_percent=56.0,
            backbeat_lag_ms=5.0,
        )
        for i in range(30)
    ]
    rows.append(
        loop_row(
            MINE,
            "rhodes_chords",
            key="A minor",
            genre="soul",
            era="80s",
            tempo_bpm=90.0,
            swing_percent=56.0,
            backbeat_lag_ms=5.0,
        )
    )
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


MIXING_MINORS = {"A minor", "D minor", "E minor"}


@pytest.mark.parametrize(
    "text",
    [
        "what would sit well with my loop? just minor keys, thanks",
        "anything that blends with my loop - minor keys only",
        "what goes with this one, stick to minor keys",
    ],
)
def test_a_trailing_mode_clause_keeps_the_search(chat: Chat, text: str) -> None:
    out = chat.say(text, samples=[MINE])
    assert "discovery" in out["plan"].specialists
    keys = [h.key for h in out["hits"]]
    assert keys
    assert set(keys) <= MIXING_MINORS
