"""With two of the user's loops in the thread, "loops that go with my first loop" or
"anything that blends with my first one?" asks for library loops around that one:
a search in the keys that mix with its key, not a mix check of the user's two loops
(before, two samples of theirs and a mixing verb made the turn a pair verdict, and it
listed nothing). "Does my first loop go with my second one" is still that verdict."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from tests.catalogs import library_frame, numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "jazz", "60s", 92.0, "Eb major", tag="a2b7"),
    numbered_loop(2, "dub", "80s", 70.0, "F# minor", tag="a2b7"),
    numbered_loop(3, "jazz", "70s", 94.0, "Bb major", tag="a2b7"),
    numbered_loop(4, "jazz", "60s", 90.0, "C minor", tag="a2b7"),
    numbered_loop(5, "funk", "70s", 93.0, "Ab major", tag="a2b7"),
    numbered_loop(6, "jazz", "70s", 91.0, "E major", tag="a2b7"),
]
FIRST, SECOND = numbered_id(1, "a2b7"), numbered_id(2, "a2b7")
MIXES = set(compatible_camelots("Eb major"))


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    chat.say("here's a groove of mine, what tempo is it", samples=[FIRST])
    chat.say("and another one, would these two work together?", samples=[SECOND])
    return chat


@pytest.mark.parametrize(
    "ask",
    ["loops that go with my first loop, jazz only", "anything that blends with my first one?"],
)
def test_loops_around_one_of_two_own_loops(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert "discovery" in out["plan"].specialists, answer(out)
    hits = out["hits"]
    assert hits, answer(out)
    assert {h.camelot for h in hits} <= MIXES, answer(out)
    assert not {FIRST, SECOND} & {h.sample_id for h in hits}, answer(out)
    if "jazz" in ask:
        assert all(h.tags.genre == "jazz" for h in hits), answer(out)


def test_two_own_loops_named_are_still_a_pair(chat: Chat) -> None:
    out = chat.say("does my first loop go with my second one")
    assert out["plan"].specialists == ["compatibility"], answer(out)
    assert set(out["request"].samples) == {FIRST, SECOND}
