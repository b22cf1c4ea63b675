"""Narrowing the list shown ("which of them are from the 80s?", "and which of those
swing?") looks only among the samples that list showed, never at others of the library
the same search would find past the rows shown; and when none of them fits, the answer
says so of that list with what each one measures (own wording and data)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer, hit_names

# twelve boogie loops; a search shows ten of them (the default result count)
ROWS = [
    loop_row(
        f"{i:04d}b00b{i:08d}",
        f"boogie_take_{i:02d}",
        genre="disco",
        era=("80s" if i % 3 == 0 else "70s"),
        tempo_bpm=100.0 + i,
        swing_percent=(60.0 if i % 2 == 0 else 51.0),
        backbeat_lag_ms=1.0,
        key="A minor",
    )
    for i in range(12)
]
LONE = loop_row(
    "00ff00ff00ff00ff",
    "lone_electro_cut",
    genre="electro",
    era="80s",
    tempo_bpm=118.0,
    swing_percent=51.6,
    backbeat_lag_ms=0.0,
    key="E minor",
)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame([*ROWS, LONE]), settings=settings)


@pytest.mark.parametrize(
    "question", ["which of them are from the 80s?", "ok and which of those swing?"]
)
def test_narrowing_keeps_to_the_rows_shown(graph, question) -> None:
    chat = Chat(graph)
    shown = hit_names(chat.say("disco loops"))
    assert 0 < len(shown) < 12  # more match than are shown
    out = chat.say(question)
    narrowed = hit_names(out)
    assert narrowed
    assert set(narrowed) <= set(shown)


def test_none_of_the_list_fits_says_what_it_measures(graph) -> None:
    chat = Chat(graph)
    assert hit_names(chat.say("electro loops")) == ["lone_electro_cut.wav"]
    said = answer(chat.say("and which of them swing?"))
    assert "lone_electro_cut.wav is straight at 51.6 % swing" in said
    assert "try a wider tempo range" not in said
