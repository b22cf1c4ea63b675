"""A measurement asked of several listed hits at once ("how swung are the minor ones",
"how fast are they?", "what key are the disco ones in?") measures each of those hits: the
plural subject is the list, or the listed hits its descriptor fits, not a search (outside
tester: "how swung are the minor ones" after a list ran a search for swung minor loops;
"how swung are they" asked for a loop to be attached)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "soul", "70s", 96.0, "A minor", tag="3ea5", swing_percent=57.5),
    numbered_loop(2, "soul", "70s", 98.0, "C major", tag="3ea5", swing_percent=51.0),
    numbered_loop(3, "disco", "70s", 118.0, "D minor", tag="3ea5", swing_percent=52.5),
    numbered_loop(4, "disco", "70s", 120.0, "G major", tag="3ea5", swing_percent=50.5),
    numbered_loop(5, "funk", "80s", 100.0, "E minor", tag="3ea5", swing_percent=61.0),
]
MINOR = {ROWS[0]["id"], ROWS[2]["id"]}
ALL_70S = {r["id"] for r in ROWS[:4]}
DISCO = {ROWS[2]["id"], ROWS[3]["id"]}


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    assert len(chat.say("70s loops")["hits"]) == 4
    return chat


@pytest.mark.parametrize(
    ("ask", "measured"),
    [
        ("how swung are the minor ones", MINOR),
        ("how fast are the minor ones?", MINOR),
        ("and how swung are they?", ALL_70S),
        ("what's the swing on those?", ALL_70S),
        ("what key are the disco ones in?", DISCO),
    ],
)
def test_each_listed_one_is_measured(chat: Chat, ask: str, measured: set[str]) -> None:
    out = chat.say(ask)
    assert set(out["request"].samples) == measured
    assert out["plan"].specialists == ["groove"]
    assert out["hits"] == []
    said = answer(out)
    for row in ROWS:
        name = row["path"].rsplit("/", 1)[-1]  # type: ignore[union-attr]
        assert (name in said) == (row["id"] in measured)
    if "swung" in ask:
        assert "57.5 %" in said


def test_a_narrowing_stays_a_narrowing(chat: Chat) -> None:
    out = chat.say("which of them are minor?")
    assert out["request"].mode == "minor"
    assert {h.sample_id for h in out["hits"]} == MINOR
