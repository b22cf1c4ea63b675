"""Measuring a sample and asking about a style's history in one message measures and
explains; the library is searched only when the message asks for samples (outside
trial: "analyse <file> and tell me about 70s funk drumming" also listed library loops)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

MINE = "5ca1ab1e5ca1ab1e"


def _library() -> pd.DataFrame:
    rows = [
        loop_row(
            f"{i:016x}",
            f"crate_{i:02d}",
            key="E minor",
            genre=("funk", "boom bap")[i % 2],
            era=("70s", "90s")[i % 2],
            tempo_bpm=90.0 + i,
            swing_percent=56.0,
            backbeat_lag_ms=5.0,
        )
        for i in range(12)
    ]
    rows.append(
        loop_row(
            MINE,
            "basement_drums_take2",
            key=None,
            genre="funk",
            era="70s",
            tempo_bpm=94.0,
            swing_percent=58.0,
            backbeat_lag_ms=9.0,
        )
    )
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize(
    "text",
    [
        "analyse basement_drums_take2 and tell me about 70s funk drumming",
        "check the groove on basement_drums_take2.wav, then explain 90s boom bap drums",
        f"analyse sample {MINE}, and tell me what shaped 70s funk drumming",
    ],
)
def test_measure_and_style_history_lists_no_library_loops(chat: Chat, text: str) -> None:
    out = chat.say(text)
    assert set(out["plan"].specialists) == {"groove", "era"}
    assert not out["hits"]


def test_a_search_asked_beside_the_history_still_runs(chat: Chat) -> None:
    out = chat.say("analyse basement_drums_take2 and find me some 70s funk loops like it")
    assert "discovery" in out["plan"].specialists
    assert out["hits"]
