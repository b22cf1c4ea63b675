"""A search that asks for "faster" or "slower" loops with no list shown to move from
("loops in that key but quicker" right after a loop was analysed) is faster or slower
than that loop, not any tempo."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

MINE = "4f4f4f4f4f4f4f4f"
TEMPI = [84.0, 91.0, 99.0, 108.0, 117.0, 131.0]


def _library() -> pd.DataFrame:
    rows = [
        loop_row(
            f"{i:016x}",
            f"steel_pan_{i:02d}",
            key="D major",
            genre="reggae",
            era="80s",
            tempo_bpm=t,
            swing_percent=52.0,
            backbeat_lag_ms=3.0,
        )
        for i, t in enumerate(TEMPI)
    ]
    rows.append(
        loop_row(
            MINE,
            "yard_riddim",
            key="D major",
            genre="reggae",
            era="80s",
            tempo_bpm=104.0,
            swing_percent=52.0,
            backbeat_lag_ms=3.0,
        )
    )
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(_library(), settings=settings))
    chat.say("what key is it in?", samples=[MINE])
    return chat


@pytest.mark.parametrize(
    ("ask", "expected"),
    [
        ("loops in the same key, only quicker", {108.0, 117.0, 131.0}),
        ("stuff in that key but slower", {84.0, 91.0, 99.0}),
    ],
)
def test_a_move_with_no_list_is_from_the_loop_in_focus(
    chat: Chat, ask: str, expected: set[float]
) -> None:
    out = chat.say(ask)
    assert {h.tempo_bpm for h in out["hits"]} == expected
