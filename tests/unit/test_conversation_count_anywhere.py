"""A count anywhere in a search request limits the list (outside trial: "loops closest
to 55 BPM, half time is fine, three of them" listed 8). "N of them" and a closing
"just N" / "only N" count; "which two of them" points rather than counts."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat


def _library() -> pd.DataFrame:
    bpms = [
        59.0,
        59.5,
        60.0,
        60.5,
        61.0,
        60.2,
        59.8,
        118.0,
        120.0,
        122.0,
        124.0,
        121.0,
        119.0,
        123.0,
    ]
    return pd.DataFrame(
        [
            loop_row(
                f"{i:016x}",
                f"lazy_break_{i:02d}",
                key="D minor",
                genre="hip hop",
                era="90s",
                tempo_bpm=bpm,
                swing_percent=58.0,
                backbeat_lag_ms=9.0,
            )
            for i, bpm in enumerate(bpms)
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("breaks nearest 60 bpm, double time ok too, give me four of them", 4),
        ("loops near 60 bpm or double that, just 2", 2),
        ("something around 120 bpm, only five please", 5),
    ],
)
def test_a_count_in_any_clause_limits_the_list(chat: Chat, text: str, count: int) -> None:
    out = chat.say(text)
    assert out["request"].limit == count
    assert len(out["hits"]) == count


def test_a_pointing_count_is_no_limit() -> None:
    assert parse_request("which two of them are in minor?").limit is None
    assert parse_request("loops at 90 bpm, just 90").limit is None


def test_a_complaint_about_one_result_is_no_count() -> None:
    # "only one." then more words: how many were found, not how many to show
    assert parse_request("ugh, only one. drop the dusty filter").limit is None
