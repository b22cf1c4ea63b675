"""A bare "that" asked about right after a loop was analysed is that loop (outside trial:
"what key is that in again?" after "analyse <file>" asked for the loop to be attached,
while "what key is it in?" answered)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

ORGAN = loop_row(
    "0f0f0f0f0f0f0f0f",
    "hammond_shuffle_07",
    key="G minor",
    genre="soul",
    era="60s",
    tempo_bpm=96.0,
    swing_percent=60.0,
    backbeat_lag_ms=6.0,
)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    c = Chat(offline_graph(pd.DataFrame([ORGAN]), settings=settings))
    c.say("analyse hammond_shuffle_07")
    return c


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sorry, which key was that?", "G minor"),
        ("and what key is that in, remind me", "G minor"),
        ("how fast was that?", "96.0 BPM"),
    ],
)
def test_that_is_the_loop_just_analysed(chat: Chat, text: str, expected: str) -> None:
    out = chat.say(text)
    assert out["request"].samples == [ORGAN["id"]]
    said = answer(out)
    assert expected in said
    assert "need to hear" not in said
