"""A decade said the way many languages say it ("loops of funk from years 60", "soul of
the years 70", as "les années 60", "los años 70") is that era, not a tempo of 60 or 70 BPM
searched (non-native speaker's wording)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

_TAG = "d22c"
ROWS = [
    numbered_loop(1, "funk", "60s", 108.0, "E minor", tag=_TAG),
    numbered_loop(2, "funk", "60s", 103.0, "Eb major", tag=_TAG),
    numbered_loop(3, "funk", "60s", 99.0, "Bb minor", tag=_TAG),
    numbered_loop(4, "funk", "70s", 97.0, "E minor", tag=_TAG),
    numbered_loop(5, "soul", "70s", 62.0, "C major", tag=_TAG),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "era"),
    [
        ("hello, I search loops of funk from years 60, please", "60s"),
        ("soul of the years 70", "70s"),
        ("funk from the years '60 around 100 bpm", "60s"),
    ],
)
def test_years_and_a_decade_is_an_era(text: str, era: str) -> None:
    req = parse_request(text)
    assert req.eras == [era]
    assert 60.0 not in req.bpms
    assert 70.0 not in req.bpms


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_funk_from_years_60_lists_the_60s_funk(graph) -> None:
    out = Chat(graph).say("hello, I search loops of funk from years 60, please")
    assert len(out["hits"]) == 3
    assert all(h.tags.era == "60s" for h in out["hits"])
    assert out["request"].bpm_min is None
