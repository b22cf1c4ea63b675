"""A key a mix comes out of ("house loops that'd work coming out of 10A", "what mixes out of
8A") is the key to mix with, not the key to be in: the search lists the keys beside it on
the wheel (it listed only the loops in 10A)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(n, "house", "90s", bpm, key, tag="0c10", name=f"house_{n:02d}")
    for n, bpm, key in (
        (1, 122.0, "B minor"),  # 10A
        (2, 121.0, "F# minor"),  # 11A
        (3, 123.0, "D major"),  # 10B
        (4, 122.5, "C minor"),  # 5A: no mix
    )
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "ask",
    [
        "ok find me house loops that'd work coming out of 10A, around 122",
        "house loops around 122 that mix out of 10A",
    ],
)
def test_loops_coming_out_of_a_key_mix_with_it(graph, ask: str) -> None:
    out = Chat(graph).say(ask)
    assert sorted(hit_names(out)) == ["house_01.wav", "house_02.wav", "house_03.wav"]
