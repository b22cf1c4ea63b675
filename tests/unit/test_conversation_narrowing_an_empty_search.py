"""A search that found nothing, with no list shown before it, is what "any of them …"
narrows: its filters stay (the answer still says none, and which filter to drop), no
constraint is silently dropped (outside tester: "any waltz loops?" → none → "any of those
from the 90s?" listed 90s loops in 4/4). A style asked for with a tempo of its own is a
new search, not the last one's other filters ("hip hop at 140" after drum breaks near 170
kept the drums filter)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

_TAG = "e3f7"
ROWS = [
    numbered_loop(1, "disco", "80s", 118.0, "A minor", tag=_TAG, vibe="glossy", meter=4),
    numbered_loop(2, "disco", "80s", 120.0, "C major", tag=_TAG, vibe="glossy", meter=4),
    numbered_loop(3, "house", "90s", 124.0, "F minor", tag=_TAG, vibe="deep", meter=4),
    numbered_loop(4, "house", "90s", 126.0, "G minor", tag=_TAG, vibe="deep", meter=4),
    numbered_loop(5, "soul", "70s", 80.0, "D minor", tag=_TAG, vibe="warm", meter=4),
    numbered_loop(6, "soul", "70s", 83.0, "E minor", tag=_TAG, vibe="warm", meter=4),
    numbered_loop(7, "jazz", "60s", 150.0, "Bb major", tag=_TAG, vibe="smooth", meter=4),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_narrowing_the_first_empty_search_keeps_its_meter(graph) -> None:
    chat = Chat(graph, thread="three-four")
    first = chat.say("got any loops in 3/4?")
    assert not first["hits"], answer(first)
    out = chat.say("any of them from the 80s?")
    assert out["request"].meter == "3/4", out["request"]
    assert out["request"].eras == ["80s"], out["request"]
    assert not hit_names(out), answer(out)
    assert "meter" in answer(out), answer(out)


def test_a_new_sound_and_tempo_after_the_narrowed_empty_search_starts_over(graph) -> None:
    chat = Chat(graph, thread="three-four-then-house")
    chat.say("got any loops in 3/4?")
    chat.say("any of them from the 80s?")
    out = chat.say("alright, loops near 125 then")
    assert out["request"].meter is None, out["request"]
    assert out["request"].eras == [], out["request"]
    assert {numbered_id(3, _TAG), numbered_id(4, _TAG)} <= {h.sample_id for h in out["hits"]}


@pytest.mark.parametrize("text", ["soul at 82", "ok, soul around 82 bpm"])
def test_a_style_with_a_tempo_of_its_own_is_a_new_search(graph, text: str) -> None:
    chat = Chat(graph, thread="house-then-soul")
    listed = chat.say("deep 90s house loops around 125")
    assert hit_names(listed), answer(listed)
    out = chat.say(text)
    assert out["request"].genres == ["soul"], out["request"]
    assert out["request"].eras == [], out["request"]
    assert out["request"].vibes == [], out["request"]
    assert {h.sample_id for h in out["hits"]} == {numbered_id(5, _TAG), numbered_id(6, _TAG)}
