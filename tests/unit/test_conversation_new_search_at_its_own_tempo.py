"""Samples asked for at a tempo of their own start a new search when that tempo is far
from the band searched, or when the last search found nothing; and samples asked for by a
meter the last search did not have are a search of that meter (outside tester: "chill
reggae around 70" → "slower" → "any waltz loops?" → "ok drum breaks around 170 then"
searched reggae, chill and 3/4 at 170 and found nothing). A narrowing of a list that had
to show full mixes for a drums-only request keeps to what the list showed."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "7e5a"
ROWS = [
    numbered_loop(1, "soul", "70s", 80.0, "C major", tag=_TAG, vibe="mellow", meter=4),
    numbered_loop(2, "soul", "60s", 78.0, "A minor", tag=_TAG, vibe="mellow", meter=4),
    numbered_loop(3, "house", "90s", 128.0, "F minor", tag=_TAG, vibe="deep", meter=4),
    numbered_loop(4, "techno", "00s", 129.0, "G minor", tag=_TAG, vibe="dark", meter=4),
    numbered_loop(5, "jazz", "60s", 150.0, "D minor", tag=_TAG, vibe="smooth", meter=3),
    numbered_loop(6, "drum and bass", "90s", 160.0, "E minor", tag=_TAG, instrument="mix", meter=4),
    numbered_loop(7, "drum and bass", "00s", 161.0, "C minor", tag=_TAG, instrument="mix", meter=4),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_far_tempo_with_a_sample_noun_starts_over(graph) -> None:
    chat = Chat(graph, thread="soul-then-128")
    chat.say("mellow soul around 80")
    out = chat.say("what about grooves near 128")
    assert out["request"].genres == [], out["request"]
    assert out["request"].vibes == [], out["request"]
    assert {h.sample_id for h in out["hits"]} == {numbered_id(3, _TAG), numbered_id(4, _TAG)}


def test_a_move_of_the_last_tempo_still_narrows(graph) -> None:
    chat = Chat(graph, thread="soul-then-near")
    chat.say("mellow soul around 80")
    out = chat.say("loops near 78 instead")
    assert out["request"].genres == ["soul"], out["request"]


def test_meter_asked_with_a_sample_noun_is_its_own_search(graph) -> None:
    chat = Chat(graph, thread="soul-then-meter")
    chat.say("mellow soul around 80")
    out = chat.say("do you have loops in 3/4?")
    assert out["request"].meter == "3/4"
    assert out["request"].genres == [], out["request"]
    assert out["request"].bpm_min is None, out["request"]
    assert [h.sample_id for h in out["hits"]] == [numbered_id(5, _TAG)], answer(out)


def test_own_tempo_after_an_empty_search_starts_over(graph) -> None:
    chat = Chat(graph, thread="empty-then-drums")
    chat.say("deep house around 128")
    empty = chat.say("any of those in 3/4?")
    assert not empty["hits"], answer(empty)
    out = chat.say("fine, drum loops at 160 then")
    assert out["request"].meter is None, out["request"]
    assert out["request"].genres == [], out["request"]
    assert {h.sample_id for h in out["hits"]} == {numbered_id(6, _TAG), numbered_id(7, _TAG)}
    narrowed = chat.say("just the 00s ones")
    assert [h.sample_id for h in narrowed["hits"]] == [numbered_id(7, _TAG)], answer(narrowed)
