"""'What else goes with it' about a loop picked from a list asks for other loops: a
search around that loop (keys that mix with its key, the tempo stated as the band),
not a mix check of the loop alone (before, the listed loop being the only sample named
and no find verb dropped the search, and the answer checked the loop against the
tempo stated). A narrower follow-up keeps the loop's key as the reference."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "techno", "90s", 131.0, "G minor", tag="e7a1"),
    numbered_loop(2, "techno", "90s", 130.0, "E major", tag="e7a1"),
    numbered_loop(3, "house", "00s", 129.0, "Bb major", tag="e7a1"),
    numbered_loop(4, "disco", "80s", 132.0, "D minor", tag="e7a1"),
    numbered_loop(5, "house", "90s", 130.0, "C minor", tag="e7a1"),
    numbered_loop(6, "house", "80s", 128.0, "A major", tag="e7a1"),
]
MIXES = set(compatible_camelots("G minor"))


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    assert len(chat.say("techno near 130")["hits"]) == 2
    chat.say("the G minor one - analyse it")
    return chat


@pytest.mark.parametrize(
    "ask",
    ["what goes with it at about 130", "and what else blends with that one, roughly 130"],
)
def test_what_goes_with_a_picked_loop_searches(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert "discovery" in out["plan"].specialists, answer(out)
    hits = out["hits"]
    assert len(hits) >= 2, answer(out)
    assert {h.camelot for h in hits} <= MIXES, answer(out)
    assert ROWS[0]["id"] not in {h.sample_id for h in hits}, answer(out)
    narrowed = chat.say("house only")
    assert narrowed["hits"], answer(narrowed)
    assert {h.camelot for h in narrowed["hits"]} <= MIXES, answer(narrowed)
    assert all(h.tags.genre == "house" for h in narrowed["hits"]), answer(narrowed)
