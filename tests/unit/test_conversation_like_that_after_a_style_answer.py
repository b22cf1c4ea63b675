"""Samples asked "like that" right after an answer about a style's history are of the
style that answer was about (the library's stand-in styles for it), at the tempo stated;
the search before the answer does not lend its filters (outside tester: a swung hip hop
search → "what was philly soul about?" → "loops like that around 100" searched swung hip
hop and found nothing)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "c41d"
ROWS = [
    numbered_loop(1, "boom bap", "90s", 90.0, "A minor", tag=_TAG, swing_percent=62.0),
    numbered_loop(2, "boom bap", "90s", 92.0, "D minor", tag=_TAG, swing_percent=61.0),
    numbered_loop(3, "funk", "70s", 104.0, "E minor", tag=_TAG, swing_percent=51.0),
    numbered_loop(4, "funk", "70s", 106.0, "G major", tag=_TAG, swing_percent=51.5),
    numbered_loop(5, "soul", "60s", 80.0, "C major", tag=_TAG, swing_percent=51.0),
    numbered_loop(6, "house", "90s", 124.0, "F minor", tag=_TAG),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize("ask", ["some like that near 105?", "grooves like that at about 105"])
def test_like_that_follows_the_style_answer_not_the_search(graph, ask: str) -> None:
    chat = Chat(graph, thread="boombap-then-gogo")
    listed = chat.say("swung boom bap grooves please")
    assert listed["hits"], answer(listed)
    talk = chat.say("what was go go all about?")
    assert not talk.get("hits"), answer(talk)
    out = chat.say(ask)
    req = out["request"]
    assert "boom bap" not in req.genres, req
    assert req.swing_min is None, req
    found = {h.sample_id for h in out["hits"]}
    assert {numbered_id(3, _TAG), numbered_id(4, _TAG)} <= found, answer(out)
