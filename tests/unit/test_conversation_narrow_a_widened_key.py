"""Narrowing a list that a search found by widening its key (outside tester, README
only): "house loops at 124 in A minor", then "what about disco instead" found no disco in
A minor near 124 and listed C major loops ("showing keys that mix with A minor"); "top 3,
slower" then searched strict A minor again and found one. A narrowing of a widened list
keeps the widened reading: keys that mix with A minor, so three slower disco loops."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _loop(n: int, genre: str, bpm: float, key: str) -> dict:
    return numbered_loop(n, genre, "70s", bpm, key, tag="7f7a")


ROWS = [
    _loop(1, "house", 124.0, "A minor"),
    _loop(2, "house", 126.0, "C major"),
    _loop(3, "disco", 123.0, "C major"),
    _loop(4, "disco", 121.0, "C major"),
    _loop(5, "disco", 117.0, "A minor"),
    _loop(6, "disco", 115.0, "E minor"),
    _loop(7, "disco", 114.0, "C major"),
    _loop(8, "disco", 116.0, "F# minor"),
    _loop(9, "disco", 113.0, "Eb major"),
    _loop(10, "funk", 112.0, "A minor"),
]
MIXES = set(compatible_camelots("A minor"))


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize("narrow", ["top 3, slower", "just 3 a bit slower"])
def test_a_narrowing_keeps_the_keys_that_mix(chat: Chat, narrow: str) -> None:
    chat.say("house loops at 124 in A minor")
    widened = chat.say("what about disco instead")
    assert widened["hits"], answer(widened)
    assert all(h.key != "A minor" for h in widened["hits"]), answer(widened)
    out = chat.say(narrow)
    hits = out["hits"]
    assert len(hits) == 3, answer(out)
    assert {h.tags.genre for h in hits} == {"disco"}
    assert {h.camelot for h in hits} <= MIXES
    slowest_before = min(h.tempo_bpm for h in widened["hits"])
    assert all(h.tempo_bpm < slowest_before for h in hits), answer(out)


def test_a_list_in_the_key_asked_stays_strict(chat: Chat) -> None:
    listed = chat.say("disco loops in A minor")
    assert [h.tempo_bpm for h in listed["hits"]] == [117.0], answer(listed)
    out = chat.say("top 3, faster")
    assert not out["request"].compatible
    # faster than the one loop listed (not that loop again); no faster disco is in A
    # minor, so any loop of another key is shown as the search's own relaxation, said so
    assert all(h.tempo_bpm > 117.0 for h in out["hits"]), answer(out)
    assert all(h.key == "A minor" for h in out["hits"]) or (
        "Nothing in A minor matches exactly" in answer(out)
    ), answer(out)
