"""Loops asked for in a time signature are a search however the message goes on ("waltz
loops in the library?" read as small talk for a second outside tester, while "waltz
loops" searched 3/4)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(i, "jazz", "60s", 120.0 + i, "D major", meter=3 if i < 3 else 4)
    for i in range(1, 6)
]


@pytest.mark.parametrize(
    "text",
    ["waltz loops in the library?", "loops in 3/4 in the library", "waltz loops"],
)
def test_loops_in_a_time_signature_are_searched(settings: Settings, text: str) -> None:
    out = Chat(offline_graph(library_frame(ROWS), settings=settings)).say(text)
    assert out["plan"].specialists == ["discovery"]
    assert hit_names(out) == ["jazz_60s_01.wav", "jazz_60s_02.wav"]
