""" "Does the tempo drift?" about the loop in focus is answered from its measured tempo
stability (a live take that wanders is told to warp, a programmed one is steady), and a
compatibility note written with no search in the turn never claims "the search lists only
keys that mix" (own data: a wobbly drummer take and a drum-machine loop)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph import offline
from groovegraph.settings import Settings
from groovegraph.state import ParsedRequest
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _loop(i: int, name: str, stability: float) -> dict:
    return numbered_loop(
        i,
        "rock",
        "70s",
        112.0,
        "E minor",
        id=f"d71f{i:012d}",
        name=name,
        tempo_stability=stability,
        swing_percent=51.0,
        backbeat_lag_ms=4.0,
    )


LIVE = _loop(1, "garage_drummer_take", 0.91)
MACHINE = _loop(2, "drum_machine_pattern", 0.997)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame([LIVE, MACHINE]), settings=settings)


def test_drift_of_the_loop_in_focus_is_read_from_its_stability(graph) -> None:
    chat = Chat(graph)
    chat.say("here's a take", samples=[LIVE["id"]])
    said = answer(chat.say("does the tempo drift?"))
    assert "Tempo drift:" in said
    assert "0.91" in said
    assert "it drifts" in said
    assert "search lists only" not in said


def test_a_steady_loop_is_said_to_be_steady(graph) -> None:
    said = answer(Chat(graph).say("is this one steady or does it drift?", samples=[MACHINE["id"]]))
    assert "steady: no drift" in said


def test_no_search_note_without_a_search() -> None:
    req = ParsedRequest(
        text="does it work with mine", samples=["x"], compatible=True, specialists=["groove"]
    )
    note = offline.compose_note(
        "compatibility", request=req, analyses={}, hits=[], reports=[], era=None, errors=[]
    )
    assert "search lists only" not in note
