"""Narrowing a search in several keys by a mode keeps only the keys of that mode (lead's
self-trial: "house 122-126 in A minor or C major" then "just the minor ones" kept both
keys and answered "Same search as before")."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

ROWS = [
    loop_row(
        f"a1b2{n:012d}",
        f"deep_house_{n:02d}_{bpm:g}bpm_{short}",
        key=key,
        genre="house",
        era="90s",
        vibe="deep",
        tempo_bpm=bpm,
        swing_percent=51.0,
        backbeat_lag_ms=0.0,
    )
    for n, bpm, key, short in (
        (1, 125.0, "A minor", "Am"),
        (2, 123.0, "C major", "C"),
        (3, 124.0, "D minor", "Dm"),
    )
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("first", "narrow", "mode", "kept"),
    [
        ("house 122-126 in A minor or C major", "just the minor ones", "minor", "A minor"),
        ("house 122-126 in A minor or C major", "only the major ones pls", "major", "C major"),
        ("house loops 122 to 126, A minor or C major", "which are minor?", "minor", "A minor"),
        ("house in C major or A minor around 124", "minor only", "minor", "A minor"),
    ],
)
def test_a_mode_narrows_several_keys_to_that_mode(
    graph, first: str, narrow: str, mode: str, kept: str
) -> None:
    chat = Chat(graph, thread=first + narrow)
    assert len(chat.say(first)["hits"]) == 2
    out = chat.say(narrow)
    assert out["request"].keys == [kept]
    assert [h.key for h in out["hits"]] == [kept]
    assert "Same search as before" not in answer(out)


@pytest.mark.parametrize(
    "neighbours",
    [
        "ok whats next to it on the wheel, find me some in those keys too",
        "find me some in the keys next to it on the camelot wheel",
        "now loops in keys that mix with it",
    ],
)
def test_the_keys_beside_a_mode_narrowed_key_are_of_either_mode(graph, neighbours: str) -> None:
    chat = Chat(graph, thread=neighbours)
    chat.say("house 122-126 in A minor or C major")
    chat.say("just the minor ones")
    chat.say("what's the camelot for that")
    out = chat.say(neighbours)
    # "just the minor ones" narrowed the keys named; 8A's neighbours include 8B (C major)
    assert out["request"].mode is None
    assert {h.key for h in out["hits"]} == {"A minor", "C major", "D minor"}
