"""A loop whose key read was unsure names its runner-up in the answer ("G minor at
confidence 0.41 — it may be Bb major"); the user may then call it by that other key.
"The Bb major one" is that loop when no listed loop is in Bb major, and a search for
loops that mix with it mixes with Bb major, the key the user named (before, the phrase
named no listed hit and the turn ran nothing). A key no loop was read or doubted as still
names nothing."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

UNSURE = numbered_id(1, "c4d9")
ROWS = [
    numbered_loop(
        1, "dub", "80s", 74.0, "G minor", tag="c4d9", key_confidence=0.41, key_runner_up="Bb major"
    ),
    numbered_loop(2, "dub", "80s", 75.0, "A minor", tag="c4d9"),
    numbered_loop(3, "dub", "70s", 73.0, "E minor", tag="c4d9"),
    numbered_loop(4, "reggae", "70s", 76.0, "F major", tag="c4d9"),
    numbered_loop(5, "reggae", "80s", 72.0, "Eb major", tag="c4d9"),
    numbered_loop(6, "reggae", "70s", 74.0, "D minor", tag="c4d9"),
]
MIXES = set(compatible_camelots("Bb major"))


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    assert len(chat.say("dub at 74 or so")["hits"]) == 3
    assert "may be Bb major" in answer(chat.say("key of the top one?"))
    return chat


@pytest.mark.parametrize(
    "ask",
    ["ok, stuff that blends with the Bb major one", "what else goes with the Bb major one near 74"],
)
def test_loops_around_the_loop_named_by_its_doubted_key(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert "discovery" in out["plan"].specialists, answer(out)
    hits = out["hits"]
    assert hits, answer(out)
    assert {h.camelot for h in hits} <= MIXES, answer(out)
    assert UNSURE not in {h.sample_id for h in hits}, answer(out)


def test_a_key_nothing_was_read_as_names_nothing(chat: Chat) -> None:
    out = chat.say("stuff that blends with the C# major one")
    assert not out["hits"], answer(out)
