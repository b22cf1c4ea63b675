"""A major/minor word said after (or with) a search for loops that mix with the user's
loop keeps only that mode among the mixing keys, and the list stays around the loop's
tempo (outside trial: "just the minor ones" after loops that mix with an A minor loop
still listed its relative major first)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

OWN = "0be0be0be0be0be0"
KEYS = ("C major", "E minor", "G major", "D minor", "A minor", "F major", "Bb major")
MINOR_NEIGHBOURS = {"A minor", "D minor", "E minor"}  # 8A, 7A, 9A


def _library() -> pd.DataFrame:
    rows = [
        loop_row(
            f"{i:016x}",
            f"crate_loop_{i:02d}",
            key=KEYS[i % len(KEYS)],
            genre=("funk", "hip hop", "soul")[i % 3],
            era=("70s", "90s")[i % 2],
            tempo_bpm=(86.0, 88.0, 91.0, 140.0)[i % 4],
            swing_percent=57.0,
            backbeat_lag_ms=6.0,
        )
        for i in range(42)
    ]
    rows.append(
        loop_row(
            OWN,
            "moody_keys_take",
            key="A minor",
            genre="soul",
            era="90s",
            tempo_bpm=88.0,
            swing_percent=57.0,
            backbeat_lag_ms=6.0,
        )
    )
    return pd.DataFrame(rows)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize("narrow", ["only the minor ones", "just minor ones please"])
def test_a_mode_follow_up_keeps_the_mixing_keys_and_the_tempo(chat: Chat, narrow: str) -> None:
    first = chat.say("which loops would work with my A minor loop?", samples=[OWN])
    assert any(h.key == "C major" for h in first["hits"])  # the relative major was listed
    out = chat.say(narrow)
    keys = {h.key for h in out["hits"]}
    assert keys
    assert keys <= MINOR_NEIGHBOURS
    assert all(abs(h.tempo_bpm - 88.0) < 12 for h in out["hits"])
    assert "Minor keys only" in str(out["messages"][-1].content)


def test_major_after_the_mixing_list_keeps_the_relative_major(chat: Chat) -> None:
    chat.say("which loops would work with my A minor loop?", samples=[OWN])
    out = chat.say("just the major ones")
    keys = {h.key for h in out["hits"]}
    assert keys
    assert keys <= {"C major", "F major", "G major"}


def test_minor_loops_that_mix_with_mine_are_minor_in_the_first_answer(chat: Chat) -> None:
    out = chat.say("any minor loops that sit well with my keys take?", samples=[OWN])
    keys = {h.key for h in out["hits"]}
    assert keys
    assert keys <= MINOR_NEIGHBOURS
