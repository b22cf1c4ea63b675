"""A file attached with "will it mix with that one" is checked against the loop picked
and analysed before it — "that one" is the earlier pick, "it" the upload (d27 tune set:
only the upload was analysed). After it, "the jazz one" that several listed loops fit is
the one of the pair just checked, not a question which (the turn was left unanswered)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat

LOOPS = [
    numbered_loop(1, "jazz", "60s", 104.0, "D minor", tag="5e2a"),
    numbered_loop(2, "jazz", "60s", 106.0, "F major", tag="5e2a"),
    numbered_loop(3, "jazz", "60s", 108.0, "B major", tag="5e2a"),
    numbered_loop(4, "dub", "80s", 75.0, "A minor", tag="5e2a"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    shots = [one_shot_record("00095e2a99990009", "clap_y.wav", "clap")]
    return Chat(offline_graph(library_frame(LOOPS, shots), settings=settings))


@pytest.mark.parametrize(
    "ask",
    [
        "made this one myself. does it gel with that one?",
        "here's my beat, would it work with that loop",
        "got this bounce of mine - would it blend with the other one?",
    ],
)
def test_upload_is_checked_against_the_earlier_pick(chat: Chat, ask: str) -> None:
    chat.say("60s jazz loops")
    chat.say("the F major one, how fast is it")
    out = chat.say(ask, samples=[str(LOOPS[3]["id"])])
    assert "compatibility" in out["plan"].specialists
    assert set(out["request"].samples) == {LOOPS[3]["id"], LOOPS[1]["id"]}


def test_a_style_naming_one_of_the_pair_just_checked(chat: Chat) -> None:
    chat.say("60s jazz loops")
    chat.say("the F major one, how fast is it")
    chat.say("made this one myself. does it gel with that one?", samples=[str(LOOPS[3]["id"])])
    out = chat.say("get me a clap that would sit on the jazz one")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].for_sample == LOOPS[1]["id"]
