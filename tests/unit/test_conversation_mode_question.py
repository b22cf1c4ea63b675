"""A church-mode question after a key answer ("is it dorian?") is answered honestly from
what the key estimate has (major or minor only): what the reading means for the mode asked
and the note that would tell them apart; "mixolydian" is no mixing word (own data: an A
minor guitar loop)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

GUITAR = loop_row(
    "0d0d000000000001",
    "nylon_guitar_vamp",
    genre="latin",
    era="70s",
    tempo_bpm=104.0,
    swing_percent=52.0,
    backbeat_lag_ms=3.0,
    key="A minor",
)


@pytest.fixture
def chat(settings: Settings) -> Chat:
    c = Chat(offline_graph(pd.DataFrame([GUITAR]), settings=settings))
    c.say("which key is my guitar vamp in?", samples=[GUITAR["id"]])
    return c


def test_dorian_is_answered_from_the_minor_reading(chat: Chat) -> None:
    said = answer(chat.say("is it dorian?"))
    assert "major or minor only" in said
    assert "A minor" in said
    assert "F# (dorian) or F (plain minor)" in said


def test_a_major_mode_against_a_minor_reading(chat: Chat) -> None:
    out = chat.say("or is it more mixolydian?")
    said = answer(out)
    assert "does not point to it" in said
    assert "compatibility" not in out["request"].specialists
