"""A whole search request that opens with the samples it wants and its own target tempo
("grooves nearest 60 BPM") starts a new search: the key, style and era of the search
before do not carry over unless the user says so ("also", "those", "instead"). Outside
trial: "loops closest to 55 BPM, half time is fine" right after an A minor search kept
the A minor filter and found one loop."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat

KEYS = ("D minor", "G major", "Bb major", "E minor", "C major")


def _library() -> pd.DataFrame:
    return pd.DataFrame(
        [
            loop_row(
                f"{i:016x}",
                f"tape_loop_{i:02d}",
                key=KEYS[i % len(KEYS)],
                genre=("jazz", "hip hop", "dub")[i % 3],
                era=("60s", "90s")[i % 2],
                tempo_bpm=(60.0, 61.0, 96.0, 120.0)[i % 4],
                swing_percent=58.0,
                backbeat_lag_ms=8.0,
            )
            for i in range(40)
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize("ask", ["grooves nearest 60 BPM, double time ok", "loops around 60 bpm"])
def test_a_new_target_request_drops_the_last_key_and_style(chat: Chat, ask: str) -> None:
    first = chat.say("jazz loops in D minor")
    assert {h.key for h in first["hits"]} == {"D minor"}
    out = chat.say(ask)
    req = out["request"]
    assert req.keys == []
    assert req.genres == []
    assert not req.refines
    assert len({h.key for h in out["hits"]}) > 1
    assert all(abs(h.tempo_bpm - 60.5) <= 1 for h in out["hits"])


def test_also_keeps_the_last_search(chat: Chat) -> None:
    chat.say("jazz loops in D minor")
    out = chat.say("also loops around 60 bpm")
    assert out["request"].keys == ["D minor"]
    assert all(h.key == "D minor" for h in out["hits"])
