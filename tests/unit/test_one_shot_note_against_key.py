"""A pitched one-shot's note asked against a key ("does an 808 on E fit a loop in C
major") is answered for that note: in the key's scale or outside it; before, the answer
listed the keys that mix with C major (lead's self-trial)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import answer, run


@pytest.fixture
def graph(settings: Settings):
    row = loop_row(
        "0ce0000000000001",
        "house_01_124bpm_Am",
        key="A minor",
        genre="house",
        tempo_bpm=124.0,
        swing_percent=51.0,
        backbeat_lag_ms=0.0,
    )
    return offline_graph(pd.DataFrame([row]), settings=settings)


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("does an 808 on E fit a loop in C major", True),
        ("is an 808 tuned to G ok with a track in E minor", True),
        ("would a bass note of F# work over an A minor loop", False),
        ("is a bass hit on Bb ok with a loop in C major", False),
        ("808 on D over an A minor loop, does it fit?", True),
    ],
)
def test_a_note_against_a_key_says_whether_it_is_in_the_scale(graph, text: str, fits: bool) -> None:
    out = run(graph, text, thread=text)
    said = answer(out)
    (report,) = out["reports"]
    assert ("scale: it clashes" in said) is not fits, said
    assert (f"a note of the {report.a} scale" in said) is fits
    assert "The keys around it" not in said
