"""With one sample of the user's in the thread, "my keys loop" is their name for it even
when its file name and analysis say nothing of keys (outside tester: "does my keys loop
mix with 100 bpm loops?", a README example, answered "To check a mix I need two things
to compare…" instead of a verdict against 100 BPM)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

MINE = upload_row(0x6C, "loop_84.wav", 84.0, "D minor", 55.0)
ROWS = [numbered_loop(i, "house", "90s", 98.0 + i, "C major", tag="6c6c") for i in range(1, 4)]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(pd.DataFrame([MINE, *ROWS]), settings=settings))
    chat.say("check this", samples=[MINE["id"]])
    return chat


@pytest.mark.parametrize(
    "ask",
    [
        "does my keys loop mix with 100 bpm loops?",
        "will my rhodes loop work with 100 bpm loops",
        "does my piano loop mix with 100 bpm stuff?",
    ],
)
def test_my_keys_loop_is_the_one_sample_sent(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert out["request"].samples == [MINE["id"]]
    said = answer(out)
    assert "100 BPM × loop_84.wav" in said
    assert "84.0 → 100.0 BPM" in said
    assert "need two things" not in said
