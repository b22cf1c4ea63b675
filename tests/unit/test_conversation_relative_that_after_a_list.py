"""A search for loops that mix with the user's own loop, asked while a list is shown
(outside tester, README phrase): "loops that mix with my keys loop at 100 bpm" after a
list of boom bap loops took every listed loop as a sample and answered with mix checks
between them. The user's loop named by a nickname ("my keys loop") is read as its id,
and "loops that mix with sample <id>" read "that mix with sample" as "the mix sample":
the listed loops all carry the instrument tag "mix" (full mixes, as the demo's do). A
relative "that" after a noun ("loops that …", "anything that …") opens a clause, never
a listed hit named by attribute, and "that mix with" (a verb and its preposition) is no
attribute either."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

PIANO = upload_row(0x5A, "late night piano.wav", 76.0, "E minor", 51.0)
# a loop of their library the user attaches and calls their own
TAKE = numbered_loop(99, "soul", "70s", 76.0, "E minor", tag="7e1a", name="take_two")
KEYS = ("E minor", "G major", "B minor", "A minor", "F major", "C# minor")
GROOVES = [
    numbered_loop(
        i,
        ("hip hop", "funk", "soul")[i % 3],
        ("90s", "80s")[i % 2],
        84.0 + i,
        KEYS[i % 6],
        tag="7e1a",
        instrument="mix",
        swing_percent=60.0,
    )
    for i in range(1, 31)
]
MIXES = set(compatible_camelots("E minor"))


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame([PIANO, TAKE, *GROOVES]), settings=settings))


@pytest.mark.parametrize("mine", [PIANO["id"], TAKE["id"]])
@pytest.mark.parametrize(
    "ask",
    [
        "grooves that mix with my piano loop around 104 bpm",
        "any breaks that mix with my piano loop at 104?",
    ],
)
def test_search_for_my_loop_is_not_the_list(chat: Chat, ask: str, mine: str) -> None:
    chat.say("dusty hip hop grooves near 88 bpm")
    chat.say("here's my piano loop, which key is it in?", samples=[mine])
    out = chat.say(ask)
    request = out["request"]
    assert request.samples == [mine], request
    assert "discovery" in out["plan"].specialists, answer(out)
    assert "Mix check" not in answer(out), answer(out)
    hits = out["hits"]
    assert hits, answer(out)
    assert {h.camelot for h in hits} <= MIXES
    assert all(abs(h.tempo_bpm - 104.0) <= 9.0 for h in hits)
