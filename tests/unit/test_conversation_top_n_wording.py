""" "ok the top two pls" and "just the best 2" after a search are that search's best two.
Before, "ok the top two pls" (no digit, no music word) was read as off topic and answered
with the help text, and "just the best 2" lost its count ("best" was no count word) and
listed the whole search again (outside tester)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(1, "house", "80s", 120.0, "F minor", tag="c8a1"),
    numbered_loop(2, "house", "90s", 124.0, "A minor", tag="c8a1"),
    numbered_loop(3, "house", "00s", 128.0, "C major", tag="c8a1"),
    numbered_loop(4, "funk", "70s", 98.0, "E minor", tag="c8a1"),
]


@pytest.mark.parametrize(
    "top", ["ok the top two pls", "just the best 2", "the best two please", "gimme the top 2"]
)
def test_top_n_in_other_words_is_the_first_n_listed(settings: Settings, top: str) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings), thread=top)
    shown = hit_names(chat.say("house loops"))
    assert len(shown) == 3
    assert hit_names(chat.say(top)) == shown[:2]


def test_the_best_with_a_tempo_is_no_count() -> None:
    from groovegraph.graph.parser import parse_request

    request = parse_request("the best 95 bpm loop")
    assert request.limit is None
    assert request.target_bpm == 95.0
