"""A listed loop named first and a sound wanted for it after — "the C major one: got a
clap for it?", "second one, a snare for that", "the 128 one - rimshot for it?" — is a
search for that sound for the loop named, as "a clap for the C major one" is (d27 tune
set: "<the pick> - 808 for it" was read as a groove question about the pick, and a sound
for the pick right after a different list was searched for the loop analysed before)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat

LOOPS = [
    numbered_loop(n, "house", "90s", bpm, key, tag="5e1f")
    for n, (bpm, key) in enumerate([(124.0, "G minor"), (126.0, "E minor"), (128.0, "C major")])
]
SHOTS = [
    one_shot_record("00015e1f99990001", "clap_x.wav", "clap"),
    one_shot_record("00025e1f99990002", "snare_x.wav", "snare"),
    one_shot_record("00035e1f99990003", "sub_C2.wav", "bass", "C2"),
    one_shot_record("00045e1f99990004", "sub_E1.wav", "bass", "E1"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))


@pytest.mark.parametrize(
    ("ask", "loop"),
    [
        ("the C major one: got a clap for it?", 2),
        ("second one, a snare for that", 1),
        ("the 128 one - sub bass one shot for it?", 2),
        ("ok the E minor one. 808 to go under it", 1),
    ],
)
def test_a_sound_for_a_pick_named_first(chat: Chat, ask: str, loop: int) -> None:
    chat.say("90s house loops")
    out = chat.say(ask)
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].kind == "one_shot"
    assert out["request"].for_sample == LOOPS[loop]["id"]


def test_a_sound_for_the_pair_just_checked(chat: Chat) -> None:
    chat.say("90s house loops")
    chat.say("do the first two mix")
    out = chat.say("snare that cracks for those")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].instrument == "snare"
    assert out["request"].for_sample in {LOOPS[0]["id"], LOOPS[1]["id"]}
