"""More loops "like" a loop of the thread, with a decade or feel stated: when none in a
key that mixes with that loop has them, the loop's key gives way (it was only lent to
the search), not the decade or feel the user said; loops asked to mix with it keep
their key."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

MINE = "6d6d6d6d6d6d6d6d"
# (key, era, vibe, tempo): the 10s loops near 140 are in keys far from F# minor
ROWS = [
    ("C major", "10s", "moody", 141.0),
    ("Eb minor", "10s", "moody", 138.0),
    ("F# minor", "00s", "hard", 140.0),
    ("A major", "00s", "hard", 139.0),
]


def _library() -> pd.DataFrame:
    rows = [
        loop_row(
            f"{i:016x}",
            f"grime_bar_{i:02d}",
            key=key,
            genre="trap",
            era=era,
            vibe=vibe,
            tempo_bpm=tempo,
            swing_percent=52.0,
            backbeat_lag_ms=1.0,
        )
        for i, (key, era, vibe, tempo) in enumerate(ROWS)
    ]
    rows.append(
        loop_row(
            MINE,
            "vox_chop",
            key="F# minor",
            genre="trap",
            era="10s",
            vibe="hard",
            tempo_bpm=140.0,
            swing_percent=52.0,
            backbeat_lag_ms=1.0,
        )
    )
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(_library(), settings=settings))
    chat.say("tempo and key of this?", samples=[MINE])
    return chat


@pytest.mark.parametrize(
    "ask", ["gimme more 10s stuff like it near 140", "anything similar to it but moody"]
)
def test_a_lent_key_gives_way_to_what_was_said(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert out["hits"]
    assert {h.tags.era for h in out["hits"]} == {"10s"}
    assert {h.tags.vibe for h in out["hits"]} == {"moody"}


def test_a_mix_search_keeps_the_key(chat: Chat) -> None:
    out = chat.say("what would blend with it from the 10s")
    assert out["hits"]
    assert {h.key for h in out["hits"]} <= {"F# minor", "A major"}
