"""Narrowing the list shown ("which of those are from the 80s?") after a search that
relaxed a filter to show near matches narrows that list, not the original request: the
relaxed filter is not put back (own data: no 'dusty' synth-pop, so the search listed
synth-pop of any feel)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat


def _loop(n: int, era: str, vibe: str, bpm: float) -> dict:
    return numbered_loop(
        n,
        "synth-pop",
        era,
        bpm,
        "E minor",
        tag="b0a7",
        name=f"synthpop_{vibe}_{n:02d}",
        vibe=vibe,
        swing_percent=51.0,
        backbeat_lag_ms=0.0,
    )


ROWS = [
    _loop(1, "80s", "bright", 118.0),
    _loop(2, "80s", "cold", 122.0),
    _loop(3, "90s", "bright", 120.0),
    _loop(4, "80s", "glossy", 116.0),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_narrowing_a_relaxed_list_keeps_to_that_list(graph) -> None:
    chat = Chat(graph)
    first = chat.say("dusty synth-pop loops")
    assert len(first["hits"]) == 4  # no dusty one: the feel was relaxed
    out = chat.say("which of those are from the 80s?")
    assert out["request"].vibes == []
    assert {h.sample_id for h in out["hits"]} == {r["id"] for r in ROWS if r["era"] == "80s"}
