"""A style the library tags only by its sub-styles, swapped in after a search (outside
tester, README-only): "any reggae in F minor at 70?" then "forget reggae, what about hip
hop" answered "The library has no loops tagged hip hop" with nothing listed, as the reggae
ruled out made the swap read as a narrowing. A style named only to rule it out is not one
asked for: hip hop is searched as the library's hip hop (boom bap, and trap at double the
tempo asked, said so)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _loop(n: int, genre: str, era: str, bpm: float, key: str) -> dict:
    return numbered_loop(n, genre, era, bpm, key, tag="7d7e")


ROWS = [
    _loop(1, "reggae", "70s", 68.1, "Ab major"),
    _loop(2, "reggae", "70s", 90.0, "C major"),
    _loop(3, "boom bap", "90s", 92.0, "C minor"),
    _loop(4, "boom bap", "90s", 88.0, "F minor"),
    _loop(5, "trap", "10s", 138.0, "Bb minor"),
    _loop(6, "trap", "10s", 143.0, "F minor"),
    _loop(7, "funk", "70s", 100.0, "F minor"),
    _loop(8, "soul", "70s", 70.0, "D major"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    "swap", ["forget reggae, what about hip hop", "ok drop the reggae, how about hip hop"]
)
def test_hip_hop_is_the_librarys_hip_hop_styles(chat: Chat, swap: str) -> None:
    chat.say("any reggae in F minor at 70?")
    out = chat.say(swap)
    hits = out["hits"]
    assert hits, answer(out)
    assert {h.tags.genre for h in hits} <= {"boom bap", "trap"}
    assert "trap" in {h.tags.genre for h in hits}  # at 140, double the 70 asked
    said = answer(out)
    assert "no loops tagged hip hop" in said
    assert "double-time" in said
