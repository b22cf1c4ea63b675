"""A tempo said plainly in a search ("soul at 90", "90 bpm soul") is a band a loop can be
stretched within unheard: ±4 % (86.4-93.6 for 90), so a loop 3.5 % off is listed and one
6 % off is not ("around 90" is the wider ±5 %)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(
        n, "soul", "70s", bpm, "C minor", tag="7e00", name=f"soul_{n:02d}_{bpm:g}", vibe="warm"
    )
    for n, bpm in enumerate((90.0, 86.8, 93.2, 95.5, 84.0), start=1)
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize("text", ["soul loops at 90", "90 bpm soul loops"])
def test_a_plain_tempo_lists_loops_a_small_stretch_away(graph, text: str) -> None:
    out = Chat(graph).say(text)
    req = out["request"]
    assert req.bpm_min is not None
    assert req.bpm_max is not None
    assert 86.0 <= req.bpm_min <= 86.8
    assert 93.2 <= req.bpm_max <= 94.0
    assert sorted(hit_names(out)) == ["soul_01_90.wav", "soul_02_86.8.wav", "soul_03_93.2.wav"]
