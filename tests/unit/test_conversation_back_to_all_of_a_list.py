"""A pointer back to an earlier list with "all" before it ("go back to all the minor
ones", "nvm go back to all the 172+ ones, which is in the darkest key", a tempo bound
written "172+" describing it) reaches that list and its search, not the narrowed list
shown last with its key filter kept; "undo that" before it asks nothing more."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat

_TAG = "d22b"
ROWS = [
    numbered_loop(1, "house", "90s", 124.0, "F# minor", tag=_TAG, vibe="warm"),
    numbered_loop(2, "house", "90s", 125.0, "D minor", tag=_TAG, vibe="deep"),
    numbered_loop(3, "house", "00s", 123.0, "A minor", tag=_TAG, vibe="deep"),
    numbered_loop(4, "house", "00s", 126.0, "C major", tag=_TAG, vibe="warm"),
    numbered_loop(5, "house", "80s", 122.0, "E minor", tag=_TAG, vibe="deep"),
    numbered_loop(6, "house", "80s", 127.0, "F# minor", tag=_TAG, vibe="warm"),
    numbered_loop(11, "drum and bass", "90s", 174.0, "G minor", tag=_TAG, vibe="dark"),
    numbered_loop(12, "drum and bass", "90s", 175.0, "G minor", tag=_TAG, vibe="dark"),
    numbered_loop(13, "drum and bass", "00s", 174.0, "Eb minor", tag=_TAG, vibe="deep"),
    numbered_loop(14, "drum and bass", "00s", 176.0, "E major", tag=_TAG, vibe="deep"),
    numbered_loop(15, "drum and bass", "90s", 173.0, "D minor", tag=_TAG, vibe="dark"),
]  # fmt: skip


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "text", ["hmm undo that, go back to all the minor ones", "go back to all of the minor ones"]
)
def test_back_to_all_the_minor_ones_drops_the_key(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("house loops around 124 bpm")
    minor = chat.say("ok only the minor ones")
    chat.say("now just 11A")
    out = chat.say(text)
    assert out["request"].keys == []
    assert {h.sample_id for h in out["hits"]} == {h.sample_id for h in minor["hits"]}
    deep = chat.say("only the deep ones out of those")
    assert len(deep["hits"]) == 3
    assert all(h.tags.vibe == "deep" and h.key.endswith("minor") for h in deep["hits"])


def test_back_to_all_the_172_plus_ones_picks_from_that_list(graph) -> None:
    chat = Chat(graph)
    chat.say("dnb loops over 172 bpm")
    chat.say("only the dark ones")
    chat.say("which of them are in G minor")
    out = chat.say("nvm go back to all the 172+ ones, which is in the darkest key")
    assert [h.key for h in out["hits"]] == ["Eb minor"]


def test_back_to_all_the_172_plus_ones_after_a_mix_check(graph) -> None:
    chat = Chat(graph)
    chat.say("dnb loops over 172 bpm")
    chat.say("only the dark ones")
    chat.say("which of them are in G minor")
    chat.say("do the two of them mix")
    out = chat.say("nvm go back to all the 172+ ones, which is in the darkest key")
    assert [h.key for h in out["hits"]] == ["Eb minor"]
