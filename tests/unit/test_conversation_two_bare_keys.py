"""Two bare notes offered as keys ("disco in D or Ab") are both searched, each as its
major key, not the first one alone."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

KEYS = ["D major", "Ab major", "E major", "D minor", "Ab major", "D major"]


def _library() -> pd.DataFrame:
    return pd.DataFrame(
        [
            loop_row(
                f"{i:016x}",
                f"string_stab_{i:02d}",
                key=key,
                genre="disco",
                era="70s",
                tempo_bpm=118.0 + i,
                swing_percent=51.0,
                backbeat_lag_ms=1.0,
            )
            for i, key in enumerate(KEYS)
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize("ask", ["disco in D or Ab", "any disco loops in Ab / D?"])
def test_both_bare_keys_are_searched(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert sorted(h.key for h in out["hits"]) == ["Ab major", "Ab major", "D major", "D major"]
