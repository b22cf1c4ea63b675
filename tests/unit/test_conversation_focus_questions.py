"""A groove or mix question that names no sample, in a conversation about analysed
samples, is about them (lead's self-trial, full demo library, offline):

- "is the snare behind the beat" after a loop was analysed is a groove question about
  that loop (its backbeat lag), not "I couldn't work out what to look up";
- "how much would I need to speed up the slower one" after two loops were analysed is a
  mix check of those two, the slower picked by its measured tempo and stretched onto the
  faster one's ("to check a mix I need two things" before);
- "ok what about in half time" right after is the same tempo question at half time, and
  a message that is not thanks is never answered "you're welcome" (it was, for any
  message starting with "ok").
"""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer

FAST = loop_row(
    "fa57000000000001",
    "tight_funk_break",
    key="E minor",
    genre="funk",
    era="70s",
    tempo_bpm=97.0,
    swing_percent=52.0,
    backbeat_lag_ms=1.5,
)
SLOW = loop_row(
    "510e000000000002",
    "lazy_boombap_loop",
    key="A minor",
    genre="hip hop",
    era="90s",
    tempo_bpm=90.0,
    swing_percent=61.0,
    backbeat_lag_ms=16.0,
)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame([FAST, SLOW]), settings=settings)


def _one(graph, loop: dict) -> Chat:
    chat = Chat(graph)
    chat.say("have a listen to this", samples=[str(loop["id"])])
    return chat


def _pair(graph) -> Chat:
    chat = Chat(graph)
    out = chat.say("here are two of mine, would they mix?", samples=[FAST["id"], SLOW["id"]])
    assert "compatibility" in out["plan"].specialists
    return chat


@pytest.mark.parametrize(
    "text",
    [
        "does the kick drag at all",
        "is the backbeat late?",
        "how far back does the snare sit",
        "so is the snare sitting behind the grid",
        "is the clap laid back",
    ],
)
def test_groove_question_is_about_the_loop_in_focus(graph, text) -> None:
    out = _one(graph, SLOW).say(text)
    assert out["plan"].specialists == ["groove"]
    assert out["request"].samples == [SLOW["id"]]
    said = answer(out)
    assert "+16.0 ms" in said
    assert "couldn't work out" not in said


@pytest.mark.parametrize(
    ("loop", "text", "first"),
    [
        (SLOW, "is the snare dragging?", "Yes:"),
        (FAST, "is the snare dragging?", "No:"),
        (FAST, "are the hats rushing ahead of the beat", "No:"),
    ],
)
def test_pocket_question_is_answered_first(graph, loop, text, first) -> None:
    said = answer(_one(graph, loop).say(text))
    assert said.startswith(first)
    assert f"{loop['backbeat_lag_ms']:+.1f} ms" in said.splitlines()[0]


def test_a_search_for_that_feel_is_still_a_search(graph) -> None:
    out = _one(graph, SLOW).say("find me some loops where the snare drags")
    assert "discovery" in out["plan"].specialists


@pytest.mark.parametrize(
    ("text", "order", "pct"),
    [
        ("by what percent do I have to push up the slower loop", [FAST, SLOW], "7.8 %"),
        ("what stretch would the slower one need to line up with the other", [FAST, SLOW], "7.8 %"),
        ("how much do I have to slow down the quicker one", [SLOW, FAST], "7.2 %"),
        ("how far should I bring the faster loop down", [SLOW, FAST], "7.2 %"),
        ("how much would I need to speed it up to match the faster one", [FAST, SLOW], "7.8 %"),
    ],
)
def test_stretch_between_the_analysed_pair(graph, text, order, pct) -> None:
    out = _pair(graph).say(text)
    assert out["plan"].specialists == ["compatibility"]
    assert out["request"].samples == [o["id"] for o in order]
    said = answer(out)
    first = said.splitlines()[0]
    assert pct in first
    moved = order[1]
    assert first.index(str(moved["path"]).rsplit("/", 1)[-1]) < first.index(
        str(order[0]["path"]).rsplit("/", 1)[-1]
    )
    assert "need two things" not in said


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("and at half time?", "48.5 BPM"),
        ("ok so what if I play it in half-time", "48.5 BPM"),
        ("how about double time then", "180.0 BPM"),
    ],
)
def test_half_or_double_time_continues_the_tempo_question(graph, text, counted) -> None:
    chat = _pair(graph)
    chat.say("by what percent do I have to push up the slower loop")
    out = chat.say(text)
    assert out["plan"].specialists == ["compatibility"]
    assert set(out["request"].samples) == {FAST["id"], SLOW["id"]}
    said = answer(out)
    assert counted in said.splitlines()[0]
    assert "welcome" not in said.lower()


@pytest.mark.parametrize(
    "text",
    ["ok and what else can you tell me", "okay, what now", "cool so where do we go from here"],
)
def test_no_welcome_for_what_is_not_thanks(graph, text) -> None:
    said = answer(Chat(graph).say(text))
    assert "welcome" not in said.lower()


@pytest.mark.parametrize("text", ["thanks a lot", "cheers mate!", "ok cool, ty"])
def test_welcome_for_thanks(graph, text) -> None:
    said = answer(_one(graph, SLOW).say(text))
    assert "You're welcome" in said
