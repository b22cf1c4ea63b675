"""What goes with the user's keys loop when their files' names say nothing (outside
tester, README-only): a keys loop (D minor, 100 BPM) and a break sent together as
``loop1.wav`` and ``loop2.wav`` with "will it mix with my break?", then "what goes with my
keys loop" answered "To check a mix I need two things to compare" with no search, as "my
keys loop" named neither file. A pitched instrument ("keys", "rhodes", "pad") describes
no drums-only sample, so beside a break it is the one pitched sample of theirs: the
README's "what goes with my keys loop" lists library loops in the keys that mix with it,
near its tempo; "just two, a bit faster" narrows that mix search, and "find me some like
that" after a recap repeats it."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

KEYS_LOOP = upload_row(0x73, "loop1.wav", 100.0, "D minor", 50.0)
BREAK = upload_row(0x74, "loop2.wav", 98.0, None, 56.0)
KEYS = ("D minor", "F major", "A minor", "G minor", "E major", "C# minor")
LOOPS = [
    numbered_loop(i, ("funk", "soul", "disco")[i % 3], "70s", 92.0 + i, KEYS[i % 6], tag="7b7c")
    for i in range(1, 25)
]
MIXES = set(compatible_camelots("D minor"))


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame([KEYS_LOOP, BREAK, *LOOPS]), settings=settings))


@pytest.mark.parametrize("ask", ["what goes with my keys loop", "what mixes with my rhodes loop?"])
def test_my_keys_loop_beside_a_break_is_the_pitched_one(chat: Chat, ask: str) -> None:
    chat.say("will it mix with my break?", samples=[KEYS_LOOP["id"], BREAK["id"]])
    out = chat.say(ask)
    assert "discovery" in out["plan"].specialists, answer(out)
    hits = out["hits"]
    assert len(hits) >= 3, answer(out)
    assert {h.camelot for h in hits} <= MIXES
    assert all(abs(h.tempo_bpm - 100.0) <= 9.0 for h in hits)
    assert "loop1.wav" in answer(out)
    narrowed = chat.say("just two, a bit faster")
    assert len(narrowed["hits"]) == 2, answer(narrowed)
    assert {h.camelot for h in narrowed["hits"]} <= MIXES
    assert all(h.tempo_bpm > 100.0 for h in narrowed["hits"])
    chat.say("what were we talking about?")
    again = chat.say("find me some like that")
    assert again["hits"], answer(again)
    assert {h.camelot for h in again["hits"]} <= MIXES


def test_a_drum_word_names_no_pitched_loop(chat: Chat) -> None:
    chat.say("will it mix with my break?", samples=[KEYS_LOOP["id"], BREAK["id"]])
    out = chat.say("what goes with my drum loop")
    assert "Reference loop1.wav" not in answer(out)
