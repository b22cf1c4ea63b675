"""A narrowing of the list just shown ("only the minor key ones", "just the 70s ones")
keeps what the search behind that list applied, not what it was asked: a vibe the
library lacks, which the search relaxed to list anything (its note says so), is not put
back by the narrowing (outside tester: "chill house loops" listed house of any feel,
then "only the minor key ones" searched chill house again and found nothing)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat


def _loop(n: int, vibe: str, key: str, era: str) -> dict:
    return loop_row(
        f"{n:04d}c0de{n:08d}",
        f"{vibe}_house_{n:02d}",
        genre="house",
        era=era,
        vibe=vibe,
        tempo_bpm=120.0 + n,
        swing_percent=51.0,
        backbeat_lag_ms=0.0,
        key=key,
    )


ROWS = [
    _loop(1, "deep", "F minor", "90s"),
    _loop(2, "warm", "C major", "80s"),
    _loop(3, "deep", "D minor", "80s"),
    _loop(4, "uplifting", "G major", "90s"),
    _loop(5, "warm", "A minor", "90s"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("narrowing", "kept"),
    [
        ("only the minor key ones", lambda r: r["key"].endswith("minor")),
        ("just the 90s ones", lambda r: r["era"] == "90s"),
    ],
)
def test_narrowing_keeps_what_the_search_applied(graph, narrowing, kept) -> None:
    chat = Chat(graph)
    first = chat.say("chill house loops")
    assert len(first["hits"]) == len(ROWS)  # no chill house: the feel was relaxed
    out = chat.say(narrowing)
    assert out["request"].vibes == []
    assert {h.sample_id for h in out["hits"]} == {r["id"] for r in ROWS if kept(r)}
