"""A tempo bound said as "under / below / less than N" leaves N out, as "over / above N"
does on the other side; "up to N", "N or less", "at least N" keep it (outside tester:
"only the ones under 100 bpm" listed a loop at 100.0 BPM first)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "b40d"
ROWS = [
    numbered_loop(1, "funk", "70s", 100.0, "E minor", tag=_TAG),
    numbered_loop(2, "funk", "70s", 97.0, "G major", tag=_TAG),
    numbered_loop(3, "funk", "70s", 94.0, "A minor", tag=_TAG),
    numbered_loop(4, "funk", "70s", 110.0, "C major", tag=_TAG),
    numbered_loop(5, "funk", "70s", 113.0, "D minor", tag=_TAG),
    numbered_loop(6, "funk", "70s", 105.0, "F major", tag=_TAG),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def _tempi(out) -> list[float]:
    return sorted(h.tempo_bpm for h in out["hits"])


def test_beneath_a_tempo_narrowing_leaves_that_tempo_out(graph) -> None:
    chat = Chat(graph, thread="below-a-hundred")
    chat.say("funk loops")
    out = chat.say("just the ones below 100 bpm please")
    assert _tempi(out) == [94.0, 97.0], answer(out)


def test_above_a_tempo_leaves_it_out_and_at_least_keeps_it(graph) -> None:
    above = Chat(graph, thread="more-than-105").say("funk loops faster than 105 bpm")
    assert _tempi(above) == [110.0, 113.0], answer(above)
    least = Chat(graph, thread="at-least-105").say("funk loops at least 105 bpm")
    assert _tempi(least) == [105.0, 110.0, 113.0], answer(least)


def test_a_tempo_or_less_keeps_that_tempo(graph) -> None:
    out = Chat(graph, thread="hundred-or-less").say("funk loops 100 bpm or less")
    assert _tempi(out) == [94.0, 97.0, 100.0], answer(out)
