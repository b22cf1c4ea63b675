""" "What blends with it at 92?" about a sent loop asks for library loops: one search
around that tempo in keys that mix with the loop, with no "92 BPM × <loop>" verdict printed
before it (d27mix's leftover: the verdict was dropped only for a sample noun with "that mix
with"). A yes/no question about the loop at a tempo keeps its verdict."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

DEMO_TAKE = upload_row(0x5E, "porch_take.wav", 95.0, "D minor", 54.0)
KEYS = ("D minor", "F major", "A minor", "G minor", "C# minor", "B major")
SHELF = [
    numbered_loop(i, ("funk", "soul")[i % 2], "70s", 86.0 + i, KEYS[i % 6], tag="5eed")
    for i in range(1, 15)
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame([DEMO_TAKE, *SHELF]), settings=settings))


@pytest.mark.parametrize("ask", ["what blends with it at 92", "what else works with it around 92?"])
def test_what_goes_with_a_sent_loop_at_a_tempo_is_one_search(chat: Chat, ask: str) -> None:
    chat.say("whats the key of this", samples=[DEMO_TAKE["id"]])
    out = chat.say(ask)
    said = answer(out)
    assert "Mix check" not in said, said
    assert "×" not in said, said
    assert out["hits"], said
    assert all(abs(h.tempo_bpm - 92.0) <= 92.0 * 0.05 for h in out["hits"]), said
    assert {h.camelot for h in out["hits"]} <= set(compatible_camelots("D minor")), said


def test_a_yes_no_question_at_a_tempo_keeps_its_verdict(chat: Chat) -> None:
    chat.say("whats the key of this", samples=[DEMO_TAKE["id"]])
    out = chat.say("would it work at 92 bpm?")
    assert "Mix check" in answer(out), answer(out)
