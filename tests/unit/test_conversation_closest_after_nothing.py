""" "closest to 55 bpm" right after a search that matched nothing exactly asks by tempo now:
the style searched stays, the key, vibe, decade or swing that left that search empty go,
and the answer says which went. Before, "closest to 55 bpm" after "dark house in B minor"
(near matches only) kept every filter and answered "No sample in the catalog matches"
(outside tester)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(1, "house", "80s", 120.0, "F minor", tag="c7c1", vibe="warm"),
    numbered_loop(2, "house", "90s", 124.0, "A minor", tag="c7c1", vibe="deep"),
    numbered_loop(3, "house", "00s", 128.0, "C major", tag="c7c1", vibe="deep"),
    numbered_loop(4, "funk", "70s", 56.0, "E minor", tag="c7c1", vibe="dusty"),
    numbered_loop(5, "funk", "70s", 98.0, "E minor", tag="c7c1", vibe="dusty"),
]
HOUSE = ["house_80s_01.wav", "house_90s_02.wav", "house_00s_03.wav"]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    "first", ["dark house loops in B minor", "house from the 70s in D major", "house in G minor"]
)
@pytest.mark.parametrize("ask", ["closest to 55 bpm", "nearest to 55 bpm", "ok closest to 55 then"])
def test_closest_after_no_exact_match_keeps_the_style_only(
    chat: Chat, first: str, ask: str
) -> None:
    chat.say(first)
    out = chat.say(ask)
    said = answer(out)
    assert hit_names(out) == HOUSE  # every house loop, the nearest 55 first
    assert "matched nothing exactly" in said
    assert "keeps house" in said


def test_the_answer_names_what_was_dropped(chat: Chat) -> None:
    chat.say("dark house loops in B minor")
    said = answer(chat.say("closest to 125 bpm"))
    assert "key (B minor)" in said
    assert "vibe (dark)" in said


def test_a_key_said_with_the_tempo_stays(chat: Chat) -> None:
    chat.say("dark house loops in B minor")
    out = chat.say("closest to 125 bpm in A minor")
    assert hit_names(out) == ["house_90s_02.wav"]


def test_closest_after_an_exact_match_keeps_the_filters(chat: Chat) -> None:
    assert set(hit_names(chat.say("deep house loops"))) == {"house_90s_02.wav", "house_00s_03.wav"}
    out = chat.say("closest to 127 bpm")
    assert hit_names(out) == ["house_00s_03.wav", "house_90s_02.wav"]
    assert "matched nothing exactly" not in answer(out)


@pytest.mark.parametrize(
    "ask", ["what's nearest to 55 bpm?", "what's closest to 55 bpm?", "whats the nearest to 55 bpm"]
)
def test_closest_asked_as_a_question_is_a_search_too(chat: Chat, ask: str) -> None:
    # before, the question form was read as no request and answered with the help text
    chat.say("dark house loops in B minor")
    out = chat.say(ask)
    assert hit_names(out) == HOUSE
    assert "keeps house" in answer(out)
