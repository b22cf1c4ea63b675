"""Samples of one sound asked for at a tempo of their own, opening the message ("ok drum
breaks around 100 then", "bass loops near 98" after "80s boom bap around 92"), are a new
search: that sound near that tempo, not the last search's style and decade narrowed to it
(it kept boom bap and the 80s and found no drum break, though the library has drums-only
loops near 100). The plain noun ("breaks around 100") already started over; a style swap
("what about soul instead") and a pointer at the list ("those at 100") still carry on."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer

BOOM = [
    numbered_loop(i, "boom bap", "80s", 88.0 + i, ("D minor", "F major")[i % 2], tag="b00b")
    for i in range(1, 9)
]
# drums only (no key), other styles and decades, near 100
KITS = [
    numbered_loop(20 + i, ("funk", "soul")[i % 2], "70s", 97.0 + i, None, tag="b00b")
    for i in range(6)
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    c = Chat(offline_graph(library_frame([*BOOM, *KITS]), settings=settings))
    assert c.say("80s boom bap around 92")["hits"]
    return c


@pytest.mark.parametrize("ask", ["ok drum breaks around 100 then", "drum loops near 100"])
def test_drums_at_their_own_tempo_leave_the_style_and_decade(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    request = out["request"]
    assert not request.eras, request
    assert not request.genres, request
    hits = out["hits"]
    assert hits, answer(out)
    assert {h.sample_id for h in hits} <= {k["id"] for k in KITS}, answer(out)


def test_a_list_pointer_at_a_tempo_still_narrows(chat: Chat) -> None:
    out = chat.say("those at 95")
    assert out["request"].genres == ["boom bap"], out["request"]
