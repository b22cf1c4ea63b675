"""A search that names no style of its own, right after a question about a style ("what
set 80s house drums apart from disco?" → "ok let me hear some, 80s only"), is a search of
that style; the decade it names is the decade searched. After a search, or when the
search names its own style, nothing is carried."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names


def _loop(n: int, genre: str, era: str) -> dict:
    return numbered_loop(
        n,
        genre,
        era,
        120.0 + n,
        "A minor",
        tag="57a1",
        vibe="warm",
        swing_percent=52.0,
        backbeat_lag_ms=1.0,
    )


ROWS = [
    _loop(1, "house", "80s"),
    _loop(2, "house", "90s"),
    _loop(3, "disco", "80s"),
    _loop(4, "funk", "80s"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_a_search_after_a_style_question_searches_that_style(graph) -> None:
    chat = Chat(graph)
    first = chat.say("how did early house drum programming differ from the older styles?")
    assert first["request"].specialists == ["era"]
    out = chat.say("ok show me a few, 80s only")
    req = out["request"]
    assert req.specialists == ["discovery"]
    assert req.genres == ["house"]
    assert req.eras == ["80s"]
    assert hit_names(out) == ["house_80s_01.wav"]


def test_a_search_naming_its_own_style_keeps_it(graph) -> None:
    chat = Chat(graph)
    chat.say("how did early house drum programming differ from the older styles?")
    req = chat.say("ok show me some funk from the 80s")["request"]
    assert req.genres == ["funk"]
