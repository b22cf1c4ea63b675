"""A style stated with its own key and tempo after a search of another kind starts over
(final outside tester): "any waltz loops?" then "chill reggae in F minor at 70" kept the
3/4 of the waltz search and found nothing, though the library has a chill reggae loop in
F minor at 70 (in 4/4). "what about reggae instead" (no key, no tempo) still swaps the style
and keeps the rest."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "3a4f"
ROWS = [
    numbered_loop(1, "jazz", "60s", 100.0, "A minor", tag=_TAG, meter=3),
    numbered_loop(2, "reggae", "70s", 70.0, "F minor", tag=_TAG, vibe="chill", meter=4),
    numbered_loop(3, "reggae", "70s", 72.0, "D minor", tag=_TAG, vibe="chill", meter=4),
    numbered_loop(4, "reggae", "70s", 98.0, "C major", tag=_TAG, meter=3),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_style_key_and_tempo_after_a_waltz_search(graph) -> None:
    chat = Chat(graph, thread="waltz-then-reggae")
    waltz = chat.say("any waltz loops?")
    assert waltz["request"].meter == "3/4"
    chat.say("what keys mix with A minor?")
    out = chat.say("chill reggae in F minor at 70")
    assert out["request"].meter is None
    assert [h.sample_id for h in out["hits"]][:1] == [numbered_id(2, _TAG)], answer(out)


def test_style_swap_alone_keeps_the_meter(graph) -> None:
    chat = Chat(graph, thread="waltz-swap")
    chat.say("any waltz loops?")
    out = chat.say("what about reggae instead")
    assert out["request"].meter == "3/4"
    assert [h.sample_id for h in out["hits"]] == [numbered_id(4, _TAG)], answer(out)
