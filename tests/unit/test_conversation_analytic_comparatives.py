"""Comparatives and superlatives said with "more"/"most"/"less" on a plain adjective, as
many non-native speakers say them ("which of those is the most quick?", "which one is
more slow", "anything less fast?"): they pick or move as "quickest", "slower" and
"slower" do, instead of repeating the list (or searching the whole library)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools import vocab
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer

BPMS = (92.0, 96.0, 99.0, 102.0, 105.0, 108.0)
LOOPS = [
    numbered_loop(i, "soul", "60s", bpm, "D minor", tag="c0c0", swing_percent=50.0 + 3 * i)
    for i, bpm in enumerate(BPMS, start=1)
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(LOOPS), settings=settings)


@pytest.mark.parametrize(
    ("ask", "want"),
    [
        ("which one of those is the most quick?", 108.0),
        ("ok and which of these is more fast", 108.0),
        ("which of them is the least fast?", 92.0),
        ("which one is more slow", 92.0),
    ],
)
def test_a_pick_said_with_more_or_most(graph, ask: str, want: float) -> None:
    chat = Chat(graph)
    assert len(chat.say("60s soul loops")["hits"]) == len(BPMS)
    out = chat.say(ask)
    assert [h.tempo_bpm for h in out["hits"]] == [want], answer(out)


def test_a_tempo_move_said_with_more() -> None:
    from groovegraph.graph.followups import tempo_move

    assert tempo_move("anything more slow?") == -1
    assert tempo_move("got some a bit more quick") == 1
    assert any(rx.search("which has the most tight timing") for rx, *_ in vocab.SUPERLATIVES)
