"""Samples asked for by a stand-in word instead of a sample noun ("only ones that can
blend with it", "stuff this would go with"), about the loop analysed, are a library
search for loops whose key mixes with it, not a re-analysis of the loop alone."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, loop_row, offline_graph
from tests.chat import Chat

KEYS = ("E minor", "G major", "B minor", "F minor", "Db major", "E minor")


def _library():
    rows = [
        loop_row(
            f"b0b0{i:012d}",
            f"attic_take_{i:02d}",
            genre="funk" if i % 2 else "soul",
            era="70s",
            tempo_bpm=100.0 + i,
            swing_percent=55.0,
            backbeat_lag_ms=3.0,
            key=key,
        )
        for i, key in enumerate(KEYS)
    ]
    return library_frame(rows, []), rows[0]["id"]


@pytest.fixture
def chat_and_mine(settings: Settings) -> tuple[Chat, str]:
    frame, mine = _library()
    return Chat(offline_graph(frame, settings=settings)), mine


@pytest.mark.parametrize(
    "question", ["only ones that can blend with it", "stuff this would go with please"]
)
def test_standin_word_for_samples_searches_the_library(
    chat_and_mine: tuple[Chat, str], question: str
) -> None:
    chat, mine = chat_and_mine
    chat.say("what key is this?", samples=[mine])  # E minor
    out = chat.say(question)
    assert "discovery" in out["plan"].specialists
    keys = {h.key for h in out["hits"]}
    assert keys
    # E minor mixes with E minor, G major and B minor (Camelot 9A, 9B, 10A), not the rest
    assert keys <= {"E minor", "G major", "B minor"}
    assert mine not in {h.sample_id for h in out["hits"]}
