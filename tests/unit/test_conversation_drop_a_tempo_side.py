"""A tempo side the user takes off the list shown ("drop anything under 100", "lose the
ones below 95", "get rid of everything over 104") keeps the other side, as "nothing under
100" already did. Before, the bound word was read as it stands: "drop anything under 100"
narrowed 90-110 BPM funk to 90-100, the very loops the user asked to drop (an outside
tester's conversation)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools import vocab
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

BPMS = (91.0, 93.0, 96.0, 98.0, 100.5, 102.0, 104.5, 107.0, 109.0)
ROWS = [numbered_loop(i, "funk", "70s", bpm, "A minor", tag="d70b") for i, bpm in enumerate(BPMS)]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("drop anything under 100", 100.0, 110.0),
        ("lose the ones below 95", 95.0, 110.0),
        ("get rid of everything over 104", 90.0, 104.0),
        ("ok remove the loops that are faster than 101", 90.0, 101.0),
        ("nothing under 100 please", 100.0, 110.0),  # read so before
        ("just the ones under 100", 90.0, 100.0),  # a side kept, not dropped
    ],
)
def test_a_dropped_tempo_side_keeps_the_other(graph, text: str, lo: float, hi: float) -> None:
    chat = Chat(graph)
    chat.say("funk loops between 90 and 110 bpm")
    out = chat.say(text)
    tempos = [h.tempo_bpm for h in out["hits"]]
    assert tempos, text
    assert all(lo <= t <= hi for t in tempos), (text, tempos)
    # every loop of the library on the kept side is still listed
    assert len(tempos) == sum(lo <= b <= hi for b in BPMS), (text, tempos)


def test_removal_words_are_rewritten_only_before_a_bound() -> None:
    assert vocab.removed_bounds_as_nothing("drop anything under 100") == "nothing under 100"
    assert vocab.removed_bounds_as_nothing("no loops faster than 120") == "nothing faster than 120"
    for text in ("drop the slow ones", "lose the vocals", "no swing please", "under 100"):
        assert vocab.removed_bounds_as_nothing(text) == text
