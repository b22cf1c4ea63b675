"""Right after a search that listed one loop and asked for no key ("a funk loop around 97,
just one"), "any 808s that fit that key?", "808s in that key", "an 808 in its key" search
the 808s whose root fits that loop's key, tonic first (outside tester: every 808 was
listed, unranked, the key ignored; "808s in that key" narrowed the loop list instead)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer, hit_names

_TAG = "808c"
LOOPS = [
    numbered_loop(1, "funk", "70s", 97.0, "E minor", tag=_TAG, name="funk_em_97"),
    numbered_loop(2, "funk", "70s", 120.0, "C major", tag=_TAG, name="funk_c_120"),
]
SHOTS = [
    one_shot_record("80f1" + "0" * 12, "808_F1.wav", "bass", "F1"),
    one_shot_record("80b1" + "0" * 12, "808_B1.wav", "bass", "B1"),
    one_shot_record("80e1" + "0" * 12, "808_E1.wav", "bass", "E1"),
    one_shot_record("80c2" + "0" * 12, "808_C#2.wav", "bass", "C#2"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))
    assert hit_names(chat.say("a funk loop around 97, just one")) == ["funk_em_97.wav"]
    return chat


@pytest.mark.parametrize(
    "ask", ["any 808s that fit that key?", "808s in that key", "got an 808 in its key?"]
)
def test_808s_that_fit_the_one_listed_loops_key(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    req = out["request"]
    assert req.kind == "one_shot"
    assert req.keys == ["E minor"]
    assert not req.refines
    assert out["plan"].specialists == ["discovery"]
    # the tonic first, then the fifth; F and C# are outside E minor
    assert hit_names(out) == ["808_E1.wav", "808_B1.wav"]
    said = answer(out)
    assert "on the tonic of E minor" in said
    assert "funk_em_97.wav" in said
