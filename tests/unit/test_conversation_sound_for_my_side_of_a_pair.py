"""A sound "that fits" after a mix check of a listed loop against the user's own loop is
for the user's loop, the track it is wanted for (outside tester: "actualy give me an 808
that fits" after "will the first one mix with my loop?" fitted the 808s to the library
loop's A minor, not their D minor keys loop)."""

from __future__ import annotations

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_id, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer, hit_names

_TAG = "f17e"
MINE = numbered_id(9, _TAG)
LOOPS = [
    numbered_loop(1, "soul", "70s", 88.0, "B minor", tag=_TAG),
    numbered_loop(2, "soul", "70s", 90.0, "D major", tag=_TAG),
    numbered_loop(9, "soul", "70s", 89.0, "E minor", tag=_TAG, name="my_guitar_idea"),
]
SHOTS = [
    one_shot_record("b0b1" + "0" * 12, "808_B1.wav", "bass", "B1"),
    one_shot_record("b0e1" + "0" * 12, "808_E1.wav", "bass", "E1"),
    one_shot_record("b0f1" + "0" * 12, "808_F#1.wav", "bass", "F#1"),
]


def test_a_bass_that_fits_after_checking_a_hit_against_mine(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))
    chat.say("what key is my guitar idea in?", samples=[MINE])
    chat.say("soul loops near 89")
    pair = chat.say("does the B minor one work with my loop?")
    assert set(pair["request"].samples) == {numbered_id(1, _TAG), MINE}, answer(pair)
    out = chat.say("cool, now an 808 that fits")
    assert out["request"].for_sample == MINE, out["request"]
    assert hit_names(out)[:1] == ["808_E1.wav"], answer(out)
