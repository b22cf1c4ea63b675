"""An ordinal with a descriptor ("the second trap one you found") is that rank among the
listed hits the descriptor fits, not an unmatched attribute (own data)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(
        n,
        "trap",
        "10s",
        bpm,
        "F minor",
        tag="0dd5",
        name=f"trap_night_{n:02d}",
        vibe="dark",
        swing_percent=54.0,
        backbeat_lag_ms=1.0,
    )
    for n, bpm in ((1, 140.0), (2, 142.0), (3, 138.0))
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("text", "rank"), [("the second trap one you found", 1), ("the first trap one you found", 0)]
)
def test_an_ordinal_with_a_descriptor_the_list_fits_is_that_rank(graph, text, rank) -> None:
    chat = Chat(graph)
    listed = chat.say("dark trap loops")["hits"]
    assert len(listed) == 3
    out = chat.say(f"is {text} in F minor?")
    assert out["request"].samples == [listed[rank].sample_id]
    assert "Nothing in the last list" not in answer(out)
