"""A whole request with its own count, sample noun and key or tempo ("three loops in C
minor") starts a new search: the style, decade exclusion and tempo target of the search
before it were for another list (README: constraints carry over until the user changes
the subject). Before, after "house loops not from the 90s" and "closest to 55 BPM",
"three loops in C minor" searched C minor house near 55, not 90s, and found nothing
(outside tester)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "house", "80s", 124.0, "F minor", tag="3c0a"),
    numbered_loop(2, "house", "00s", 120.0, "D minor", tag="3c0a"),
    numbered_loop(3, "funk", "70s", 106.0, "C minor", tag="3c0a"),
    numbered_loop(4, "soul", "90s", 92.0, "C minor", tag="3c0a"),
    numbered_loop(5, "reggae", "80s", 78.0, "C minor", tag="3c0a"),
    numbered_loop(6, "reggae", "80s", 76.0, "C minor", tag="3c0a"),
]
C_MINOR = {r["id"] for r in ROWS if r["key"] == "C minor"}


def test_a_counted_request_in_a_key_starts_over(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("house loops not from the 90s")
    chat.say("closest to 55 BPM")
    out = chat.say("three loops in C minor")
    assert "No sample" not in answer(out)
    assert len(out["hits"]) == 3
    assert {h.sample_id for h in out["hits"]} <= C_MINOR
    assert out["request"].genres == []
    assert out["request"].target_bpm is None
