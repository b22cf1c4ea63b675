"""A tempo or pitch question that names one sample of the pair just compared ("how far
would I need to pitch the soul one", "how much do I slow the funk one down") sets it
against the other one of that pair, as the mix check did: it is not a question with
nothing to compare; one naming a hit of a list searched to go with a sample ("would the top
one blend ok?") sets it against that sample. A question naming one sample with no pair
under discussion still asks for the other side."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

SOUL = "0000501000000001"
FUNK = "0000501000000002"
JAZZ = "0000501000000003"

ROWS = [
    loop_row(SOUL, "warm_soul_01", genre="soul", era="60s", vibe="warm", tempo_bpm=88.0,
             swing_percent=56.0, backbeat_lag_ms=4.0, key="D minor"),
    loop_row(FUNK, "gritty_funk_02", genre="funk", era="70s", vibe="gritty", tempo_bpm=99.0,
             swing_percent=58.0, backbeat_lag_ms=3.0, key="F major"),
    loop_row(JAZZ, "smooth_jazz_03", genre="jazz", era="50s", vibe="smooth", tempo_bpm=120.0,
             swing_percent=64.0, backbeat_lag_ms=6.0, key="Bb major"),
]  # fmt: skip


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "question",
    ["how far would I need to pitch the soul one", "what stretch would the funk one take"],
)
def test_one_sample_of_the_pair_is_set_against_the_other(graph, question: str) -> None:
    chat = Chat(graph)
    chat.say("do these two go together?", samples=[SOUL, FUNK])
    out = chat.say(question)
    req = out["request"]
    assert req.specialists == ["compatibility"]
    assert sorted(req.samples) == sorted([SOUL, FUNK])
    assert "warm_soul_01" in answer(out)
    assert "gritty_funk_02" in answer(out)
    assert "two things to compare" not in answer(out)


def test_one_sample_alone_still_asks_for_the_other_side(graph) -> None:
    chat = Chat(graph)
    chat.say("how swung is this?", samples=[JAZZ])
    out = chat.say("how far would I need to pitch it")
    assert out["request"].samples == [JAZZ]


def test_a_hit_of_a_search_made_for_a_sample_is_set_against_that_sample(graph) -> None:
    chat = Chat(graph)
    found = chat.say("find loops that would mix with this", samples=[SOUL])
    top = found["hits"][0].sample_id
    out = chat.say("would the top one blend ok?")
    req = out["request"]
    assert out["plan"].specialists == ["compatibility"]  # both analyses are known
    assert sorted(req.samples) == sorted([top, SOUL])
    assert "two things to compare" not in answer(out)
