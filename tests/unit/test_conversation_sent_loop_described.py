"""A loop sent with a description of itself ("slow dusty soul groove here, what loops go
with it?", "this is my 80ish reggae riff, find stuff that blends with it") is the
search's reference: its style, feel and tempo as described are not filters on the loops
that mix with it. A style said of the loops wanted ("jazz loops that blend with this")
still is."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

MINE = "3c3c3c3c3c3c3c3c"
# (key, genre, vibe, tempo): D minor mixes with D minor, F major, A minor and G minor
ROWS = [
    ("F major", "jazz", "smooth", 84.0),
    ("A minor", "house", "deep", 122.0),
    ("G minor", "funk", "gritty", 102.0),
    ("D minor", "reggae", "chill", 76.0),
    ("E major", "soul", "dusty", 80.0),
    ("F major", "soul", "dusty", 130.0),
]


def _library() -> pd.DataFrame:
    rows = [
        loop_row(
            f"{i:016x}",
            f"crate_cut_{i:02d}",
            key=key,
            genre=genre,
            era="70s",
            vibe=vibe,
            tempo_bpm=tempo,
            swing_percent=54.0,
            backbeat_lag_ms=5.0,
        )
        for i, (key, genre, vibe, tempo) in enumerate(ROWS)
    ]
    rows.append(
        loop_row(
            MINE,
            "my_bounce",
            key="D minor",
            genre="soul",
            era="70s",
            vibe="dusty",
            tempo_bpm=80.0,
            swing_percent=54.0,
            backbeat_lag_ms=5.0,
        )
    )
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize(
    "ask",
    [
        "slow dusty soul groove here, what loops go with it?",
        "this is my 80ish soul jam, find stuff that blends with it",
    ],
)
def test_the_description_of_the_loop_sent_is_no_filter(chat: Chat, ask: str) -> None:
    out = chat.say(ask, samples=[MINE])
    keys = {h.key for h in out["hits"]}
    assert len(out["hits"]) >= 3
    assert keys <= {"D minor", "F major", "A minor", "G minor"}


def test_a_style_of_the_loops_wanted_stays(chat: Chat) -> None:
    out = chat.say("here it is, jazz loops that blend with this", samples=[MINE])
    assert {h.tags.genre for h in out["hits"]} == {"jazz"}
