"""'is the A# one in the scale?' (or 'does the A# one fit?') about an 808 of a list searched
for a listed loop ('snare for the 108 one', 'and an 808 in its key') is a mix check of that
808 against the loop it was searched for — a loop the thread only read off the list, not
analysed — not a groove analysis of the 808 alone."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer

_TAG = "d22e"
LOOPS = [
    numbered_loop(1, "funk", "70s", 108.0, "Eb minor", tag=_TAG),
    numbered_loop(2, "disco", "70s", 112.0, "C major", tag=_TAG),
    numbered_loop(3, "funk", "80s", 110.0, "A minor", tag=_TAG),
]
SHOTS = [
    one_shot_record("00000000d22e0a01", "808_Eb1_01.wav", "bass", "D#1", tag="bass"),
    one_shot_record("00000000d22e0a02", "808_A#1_08.wav", "bass", "A#1", tag="bass"),
    one_shot_record("00000000d22e0a03", "808_F1_04.wav", "bass", "F1", tag="bass"),
    one_shot_record("00000000d22e0a05", "snare_01.wav", "snare", None, tag="snare"),
    one_shot_record("00000000d22e0a06", "snare_02.wav", "snare", None, tag="snare"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(LOOPS, SHOTS), settings=settings)


@pytest.mark.parametrize("text", ["is the A# one in the scale?", "does the A# one fit?"])
def test_a_listed_808_against_the_loop_it_was_found_for(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("funk and disco loops 108-113")
    chat.say("snare for the 108 one")
    chat.say("and an 808 in its key")
    out = chat.say(text)
    assert out["plan"].specialists == ["compatibility"]
    assert sorted(out["request"].samples) == sorted([SHOTS[1].id, str(LOOPS[0]["id"])])
    assert "808_A#1_08.wav" in answer(out)
    assert "funk_70s_01.wav" in answer(out)
