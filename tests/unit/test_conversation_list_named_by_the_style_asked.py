"""A list named by the style the user asked for is that list, even when the library had
none of that style and showed another (outside tester: "techno" shown as breakbeat, then
"any of the techno ones in A minor?" searched techno again and found nothing). The style
words name the list shown; the key narrows it."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer

KEYS = ("D minor", "F major", "A minor", "E minor")
BREAKS = [
    numbered_loop(i, "breakbeat", ("90s", "00s")[i % 2], 126.0 + i, KEYS[i % 4], tag="e1ec")
    for i in range(1, 13)
]
OTHERS = [
    numbered_loop(30 + i, "funk", "70s", 100.0 + i, KEYS[i % 4], tag="e1ec") for i in range(1, 9)
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame([*BREAKS, *OTHERS]), settings=settings))


@pytest.mark.parametrize(
    "narrow",
    ["any of the electro ones in D minor?", "only those electro loops in D minor please"],
)
def test_substituted_style_names_the_list(chat: Chat, narrow: str) -> None:
    first = chat.say("some electro grooves")
    shown = {h.sample_id for h in first["hits"]}
    assert shown, answer(first)
    assert all(h.tags.genre == "breakbeat" for h in first["hits"]), answer(first)
    out = chat.say(narrow)
    hits = out["hits"]
    assert hits, answer(out)
    assert {h.sample_id for h in hits} <= shown, answer(out)
    assert all(h.key == "D minor" for h in hits), answer(out)


def test_left_out_style_names_the_list(chat: Chat) -> None:
    first = chat.say("got any techno loops?")
    shown = {h.sample_id for h in first["hits"]}
    assert shown, answer(first)
    out = chat.say("which of the techno ones are in F major?")
    hits = out["hits"]
    assert hits, answer(out)
    assert {h.sample_id for h in hits} <= shown, answer(out)
    assert all(h.key == "F major" for h in hits), answer(out)
