"""A major/minor word joined to "key" by a hyphen or softened with "-ish" still names
the mode of a fresh search (outside trial: "minor-key soul loops" listed major keys
first, the mode ignored)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.followups import find_mode
from groovegraph.settings import Settings
from groovegraph.tools.vocab import find_keys
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

KEYS = ("C major", "A minor", "G major", "E minor", "F major", "D minor")


def _library() -> pd.DataFrame:
    return pd.DataFrame(
        [
            loop_row(
                f"{i:016x}",
                f"warm_keys_{i:02d}",
                key=KEYS[i % len(KEYS)],
                genre="soul" if i % 2 else "funk",
                era="70s",
                tempo_bpm=92.0 + i % 4,
                swing_percent=55.0,
                backbeat_lag_ms=4.0,
            )
            for i in range(24)
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("got any minor-key funk grooves?", "minor"),
        ("a couple of major-key soul loops please", "major"),
        ("funk loops, something minor key-ish", "minor"),
        ("soul grooves in a major-ish key", "major"),
    ],
)
def test_a_hyphenated_mode_word_filters_the_search(chat: Chat, text: str, mode: str) -> None:
    out = chat.say(text)
    assert out["request"].mode == mode
    assert out["hits"]
    assert all(h.key and h.key.endswith(f" {mode}") for h in out["hits"])


def test_a_hyphenated_mode_after_the_article_is_no_key() -> None:
    # "a minor-key loop" is the article and a mode, not the key of A minor
    assert find_keys("I want a minor-key loop") == []
    assert find_mode("I want a minor-key loop") == "minor"
    assert find_keys("loops in A minor") == [(9, "A minor")]
