"""After the key of an attached loop was asked ("what key is it in"), "whats that in
camelot", "what mixes with that key" and "what keys mix with it?" are about that loop's
key: its Camelot code and its neighbours on the wheel (outside testers: each asked for two
things to compare)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "funk", "70s", 96.0, "E minor", tag="c7b3", name="my_upload"),
    numbered_loop(2, "disco", "70s", 118.0, "A minor", tag="c7b3"),
]
UPLOAD = str(ROWS[0]["id"])


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("what key is it in", samples=[UPLOAD])
    return chat


@pytest.mark.parametrize(
    "ask",
    ["whats that in camelot", "what's that on the camelot wheel?", "what mixes with that key"],
)
def test_the_key_just_measured_on_the_wheel(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert out["request"].specialists == ["compatibility"]
    said = answer(out)
    assert "E minor is 9A on the Camelot wheel" in said
    assert "G major (9B)" in said  # its relative, one of the keys that mix


@pytest.mark.parametrize("ask", ["what keys mix with it?", "which keys would go with it"])
def test_the_keys_that_mix_with_the_loop(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    said = answer(out)
    assert "is 9A on the Camelot wheel" in said
    assert "G major (9B)" in said
    assert "two things to compare" not in said


def test_loops_in_those_keys_after_the_keys_of_a_picked_loop(settings: Settings) -> None:
    # "what keys can i blend it into" about a loop picked from a list, then "loops in those
    # keys from the 90s": the keys that mix with that loop's, in the 90s, not the list's
    # search narrowed (its style kept, no key)
    rows = [
        numbered_loop(1, "disco", "80s", 121.0, "C# minor", tag="c7b6"),
        numbered_loop(2, "disco", "80s", 118.0, "F major", tag="c7b6"),
        numbered_loop(3, "house", "90s", 124.0, "E major", tag="c7b6"),  # 12B, relative
        numbered_loop(4, "house", "90s", 126.0, "G# minor", tag="c7b6"),  # 1A, a step up
        numbered_loop(5, "house", "90s", 122.0, "D major", tag="c7b6"),  # clashes
    ]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings))
    chat.say("so show me 80s disco")
    chat.say("the C# minor one, exact bpm?")
    chat.say("what keys can i blend it into")
    out = chat.say("loops in those keys from the 90s")
    req = out["request"]
    assert (req.keys, req.compatible, req.eras, req.genres) == (["C# minor"], True, ["90s"], [])
    assert sorted(h.key for h in out["hits"]) == ["E major", "G# minor"]
