"""'an 808 taht fits it', 'find trap loops taht mix w it': the slip of 'that' is read as
'that', so the sound (or loops) wanted for the sample analysed is searched for, not the
sample analysed again; 'thatd' ('that'd') and 'thats' are left as they are."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding.spelling import correct
from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat

_TAG = "d22a"
LOOPS = [
    numbered_loop(1, "trap", "10s", 146.0, "E minor", tag=_TAG),
    numbered_loop(2, "trap", "10s", 141.0, "E minor", tag=_TAG),
]
SHOTS = [
    one_shot_record("00000000d22a0b01", "808_E1_01.wav", "bass", "E1", tag="bass"),
    one_shot_record("00000000d22a0b02", "808_B1_02.wav", "bass", "B1", tag="bass"),
]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("an 808 taht fits it", "an 808 that fits it"),
        ("thta one", "that one"),
        ("find boom bap thatd mix with it", "find boom bap thatd mix with it"),
        ("thats the one", "thats the one"),
    ],
)
def test_that_misspelt(typed: str, read: str) -> None:
    assert correct(typed) == read


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(LOOPS, SHOTS), settings=settings)


def test_an_808_taht_fits_it_is_searched(graph) -> None:
    chat = Chat(graph)
    loop = LOOPS[0]["id"]
    chat.say("wat key is ths", samples=[str(loop)])
    out = chat.say("an 808 taht fits it")
    assert out["plan"].specialists == ["discovery"]
    assert out["hits"]
    assert all(h.instrument == "bass" for h in out["hits"])
