""" "Does the E 808 work on it?" after a list of 808s and then a list of loops with one
loop picked: "the E 808" names a one-shot by its root and its sound (no "one" after it),
found in the earlier list of 808s, and "it" is the loop picked — a mix check of the two,
not a style question about the loop nor a groove analysis of the 808 alone."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_id, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat

LOOPS = [
    numbered_loop(1, "boom bap", "80s", 90, "A minor", tag="e808"),
    numbered_loop(2, "boom bap", "90s", 93, "A minor", tag="e808"),
]
SHOTS = [
    one_shot_record(f"e808b000000000{i:02d}", f"808_{root}1_{i:02d}.wav", "bass", f"{root}1")
    for i, root in enumerate(["A", "E", "C", "G"], 1)
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))


@pytest.mark.parametrize(
    ("ask", "shot"),
    [
        ("does the E 808 work on it or does it clash", "e808b00000000002"),
        ("would the G 808 go with that loop?", "e808b00000000004"),
    ],
)
def test_a_sound_by_its_root_from_an_earlier_list(chat: Chat, ask: str, shot: str) -> None:
    chat.say("808s that fit A minor")
    chat.say("now some boom bap loops in A minor")
    picked = chat.say("the one from the 90s - is it swung?")
    assert picked["request"].samples == [numbered_id(2, "e808")]
    out = chat.say(ask)
    assert out["plan"].specialists == ["compatibility"]
    assert set(out["request"].samples) == {numbered_id(2, "e808"), shot}
