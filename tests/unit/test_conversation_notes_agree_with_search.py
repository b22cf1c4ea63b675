"""The notes of a search's answer agree with what it applied: when a genre the library
lacks gives way to a related one and the tempo band then widens to the closest tempos,
the "kept:" note names the band searched, the one the search line shows (outside tester:
"Searched …: 90–110 BPM" beside "(kept: boom bap, 95–105 BPM)")."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

ROWS = [
    loop_row(
        f"{n:04d}b0b0{n:08d}",
        f"boombap_{int(bpm)}",
        key="A minor",
        genre="boom bap",
        era="90s",
        vibe="dusty",
        tempo_bpm=bpm,
        swing_percent=60.0,
        backbeat_lag_ms=8.0,
    )
    for n, bpm in enumerate((86.0, 92.0, 93.5, 108.0, 109.0), 1)
]

_BAND = r"(\d+(?:\.\d+)?)–(\d+(?:\.\d+)?) BPM"


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_kept_note_names_the_band_searched(graph) -> None:
    text = answer(Chat(graph).say("lo-fi loops around 100"))
    searched = re.search(rf"Searched [^:]*: {_BAND}", text)
    kept = re.search(rf"\(kept: [^)]*?{_BAND}", text)
    assert searched, text
    assert kept, text
    assert kept.groups() == searched.groups(), text
