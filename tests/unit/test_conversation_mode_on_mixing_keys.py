"""A major/minor word on a search for loops that mix with the user's loop keeps only
that mode among the mixing keys (outside trial: "minor loops that mix with my keys loop"
and "only the minor ones" after "what goes with my loop?" listed the relative major
first). The follow-up narrows the list shown, so the reference's tempo band holds."""

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


def test_minor_loops_mixing_with_mine_are_minor_mixing_keys(chat: Chat) -> None:
    out = chat.say("got any minor loops that would blend with my rhodes loop?", samples=[MINE])
    keys = [h.key for h in out["hits"]]
    assert keys
    assert set(keys) <= MIXING_MINORS


def test_a_named_key_before_loops_is_no_mode() -> None:
    from groovegraph.graph.followups import find_mode

    assert find_mode("d minor loops please") is None
    assert find_mode("f# major loops") is None
    assert find_mode("some major loops please") == "major"


def test_keeping_the_minor_ones_narrows_the_list_in_its_tempo_band(chat: Chat) -> None:
    first = chat.say("what would sit well with my loop?", samples=[MINE])
    shown = {h.sample_id for h in first["hits"]}
    assert any(h.key == "C major" for h in first["hits"])
    assert all(abs(h.tempo_bpm - 90.0) < 10 for h in first["hits"])
    out = chat.say("keep just the minor ones")
    hits = out["hits"]
    assert hits
    assert {h.sample_id for h in hits} <= shown
    assert {h.key for h in hits} <= MIXING_MINORS
    assert all(abs(h.tempo_bpm - 90.0) < 10 for h in hits)


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
