"""An earlier list named by the style it was searched for ("the funk list") is that list,
not a later one whose search went on from it (outside tester: "hous loops at 124 in 8A" →
"and which of them swing?" (none) → "nah forget house, techno instead" → "back to the
house list - the A minor one?" analysed the A minor loop of the techno list)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "5b1c"
ROWS = [
    numbered_loop(1, "funk", "70s", 96.0, "E minor", tag=_TAG),
    numbered_loop(2, "funk", "70s", 98.0, "G major", tag=_TAG),
    numbered_loop(3, "disco", "70s", 97.0, "E minor", tag=_TAG),
    numbered_loop(4, "disco", "80s", 99.0, "C major", tag=_TAG),
    numbered_loop(5, "soul", "60s", 96.0, "E minor", tag=_TAG),
    numbered_loop(6, "soul", "60s", 97.5, "F major", tag=_TAG),
    numbered_loop(7, "reggae", "70s", 75.0, "D minor", tag=_TAG, swing_percent=52.0),
    numbered_loop(8, "dub", "80s", 76.0, "D minor", tag=_TAG, swing_percent=52.0),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def _analysed(out) -> list[str]:
    return list(out["request"].samples)


def test_the_first_style_of_three_lists(graph) -> None:
    chat = Chat(graph, thread="funk-disco-soul")
    chat.say("funk loops around 97")
    chat.say("what about disco instead")
    chat.say("and soul instead?")
    out = chat.say("go back to the funk list, the E minor one")
    assert _analysed(out) == [numbered_id(1, _TAG)], answer(out)


def test_a_one_loop_list_narrowed_to_nothing(graph) -> None:
    chat = Chat(graph, thread="reggae-then-dub")
    first = chat.say("reggae loops around 75")
    assert [h.sample_id for h in first["hits"]] == [numbered_id(7, _TAG)], answer(first)
    empty = chat.say("which of them are swung?")
    assert not empty["hits"], answer(empty)
    chat.say("forget reggae, dub instead")
    out = chat.say("back to the reggae list - the D minor one?")
    assert _analysed(out) == [numbered_id(7, _TAG)], answer(out)
