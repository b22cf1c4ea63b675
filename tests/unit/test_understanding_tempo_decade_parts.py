""" "The low 90s", "mid 80s", "high 70s" in a talk about tempo (a search in BPM just made,
or "tempo"/"bpm" or a range in the same message) are the low, middle or high part of
those ten tempos, as "the high 120s" is; with no tempo in play, or said as a time ("from
the mid 70s", "that decade"), they stay a decade. Before, "mid 90s" after a search at
85-100 BPM searched 1993-1996."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

ROWS = [
    numbered_loop(n, genre, era, bpm, "C minor", tag="b0a7")
    for n, (genre, era, bpm) in enumerate(
        [
            ("funk", "70s", 86.0),
            ("funk", "70s", 91.0),
            ("funk", "80s", 95.0),
            ("funk", "90s", 98.0),
            ("soul", "70s", 78.0),
            ("soul", "70s", 88.0),
        ],
        start=1,
    )
]


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("what's there with a tempo in the mid 90s", (93.0, 97.0)),
        ("bpm somewhere in the high 70s", (75.0, 79.0)),
    ],
)
def test_tempo_words_make_the_part_a_band(text: str, band) -> None:
    req = parse_request(text)
    assert (req.bpm_min, req.bpm_max) == band
    assert req.eras == []


@pytest.mark.parametrize("text", ["boom bap in the mid 90s", "90s boom bap", "the low 80s"])
def test_with_no_tempo_talk_it_is_a_decade(text: str) -> None:
    req = parse_request(text)
    assert req.eras
    assert req.bpm_min is None


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    ("text", "band"),
    [("and in the low 90s?", (90.0, 94.0)), ("what about the high 90s", (95.0, 99.0))],
)
def test_after_a_search_in_bpm_it_is_a_band(chat: Chat, text: str, band) -> None:
    chat.say("funk grooves from 84 to 100 bpm")
    out = chat.say(text)
    req = out["request"]
    assert (req.bpm_min, req.bpm_max) == band
    assert req.eras == []
    assert req.years == []
    assert req.genres == ["funk"]


def test_a_time_after_a_search_in_bpm_stays_a_decade(chat: Chat) -> None:
    chat.say("funk grooves from 84 to 100 bpm")
    out = chat.say("ok now soul from the mid 70s")
    assert out["request"].eras == ["70s"]


def test_a_part_far_from_the_band_in_play_stays_a_decade(chat: Chat) -> None:
    chat.say("funk grooves around 100 bpm")
    out = chat.say("any mid 70s ones?")
    assert out["request"].eras == ["70s"]
