""" "Slower"/"faster" moves from the loop in view: after a list of one, the band lies
below (above) that loop, so it is not shown again as the only match (outside tester:
"actually something slower" answered "Nothing new matches" with the same loop); after a
loop picked out of a list and analysed, the band lies below the picked loop and the
list's own filters (style, decade) stay, and the answer says what the tempo moved from."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "5c0d"
ROWS = [
    numbered_loop(1, "house", "90s", 122.0, "F minor", tag=_TAG, vibe="deep"),
    numbered_loop(2, "house", "90s", 116.0, "F minor", tag=_TAG, vibe="deep"),
    numbered_loop(3, "house", "90s", 127.0, "A minor", tag=_TAG, vibe="deep"),
    numbered_loop(4, "soul", "60s", 84.0, "D minor", tag=_TAG, vibe="warm"),
    numbered_loop(5, "soul", "60s", 88.0, "E minor", tag=_TAG, vibe="warm"),
    numbered_loop(6, "soul", "60s", 93.0, "G major", tag=_TAG, vibe="warm"),
    numbered_loop(7, "soul", "60s", 97.0, "C major", tag=_TAG, vibe="warm"),
    numbered_loop(8, "jazz", "50s", 85.0, "Bb major", tag=_TAG, vibe="smooth"),
    numbered_loop(9, "jazz", "50s", 89.0, "F major", tag=_TAG, vibe="smooth"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_slower_after_a_list_of_one_lies_below_that_loop(graph) -> None:
    chat = Chat(graph, thread="one-house")
    shown = chat.say("deep house in F minor around 126")
    assert [h.sample_id for h in shown["hits"]] == [numbered_id(1, _TAG)], answer(shown)
    out = chat.say("hmm, a touch slower maybe")
    assert out["request"].bpm_max is not None
    assert out["request"].bpm_max < 122.0
    assert [h.sample_id for h in out["hits"]] == [numbered_id(2, _TAG)], answer(out)


@pytest.mark.parametrize("move", ["anything a bit slower?", "got something quicker?"])
def test_a_move_after_a_pick_keeps_the_list_filters(graph, move: str) -> None:
    chat = Chat(graph, thread="soul-pick")
    listed = chat.say("60s soul loops")
    assert len(listed["hits"]) == 4, answer(listed)
    picked = next(h for h in listed["hits"] if h.sample_id == numbered_id(6, _TAG))
    rank = [h.sample_id for h in listed["hits"]].index(picked.sample_id) + 1
    ordinal = ("first", "second", "third", "fourth")[rank - 1]
    chat.say(f"how does the {ordinal} one groove?")
    out = chat.say(move)
    request = out["request"]
    assert request.genres == ["soul"], request
    assert request.eras == ["60s"], request
    slower = "slower" in move
    tempi = [h.tempo_bpm for h in out["hits"]]
    assert tempi, answer(out)
    assert all((t < 93.0) if slower else (t > 93.0) for t in tempi if t is not None), tempi
    said = answer(out)
    assert ("Slower than" if slower else "Faster than") in said, said
    assert "soul_60s_06.wav" in said, said
