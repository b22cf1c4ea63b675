"""A style the vocabulary has no tag for, asked with no sample noun ("anything zydeco
around 118?", "got some cumbia at 96?", "polka at 120 maybe") after a search, takes that
search's genre's place: said to be unknown (nothing of the old style listed in its
place), or searched by its tag when the library has one. Before, the word was dropped
and the turn narrowed the earlier search, listing its old style without a word."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools import vocab
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer

SHELF = [
    numbered_loop(i, ("funk", "house")[i % 2], "80s", 94.0 + 3 * i, "D minor", tag="f0b3")
    for i in range(1, 13)
]
CUMBIA = [numbered_loop(30 + i, "cumbia", "90s", 95.0 + i, "G major", tag="f0b3") for i in range(3)]


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("anything zydeco around 118?", "zydeco"),
        ("got some cumbia at 96?", "cumbia"),
        ("polka at 120 maybe", "polka"),
        ("any fado?", "fado"),
        ("my country is far away", None),
        ("some classical music theory please", None),
    ],
)
def test_the_style_is_read_without_a_noun(text: str, style: str | None) -> None:
    assert vocab.find_other_style(text) == style


@pytest.mark.parametrize("text", ["anything zydeco around 118?", "any zydeco at 118 then"])
def test_an_untagged_style_replaces_the_old_one(settings: Settings, text: str) -> None:
    chat = Chat(offline_graph(library_frame(SHELF), settings=settings))
    assert chat.say("funk loops around 100")["hits"]
    out = chat.say(text)
    said = answer(out)
    assert not out["hits"], said
    assert "“zydeco”" in said, said


def test_a_tagged_style_replaces_the_old_one(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame([*SHELF, *CUMBIA]), settings=settings))
    assert chat.say("funk loops around 100")["hits"]
    out = chat.say("got some cumbia at 96?")
    assert out["hits"], answer(out)
    assert {h.tags.genre for h in out["hits"]} == {"cumbia"}, answer(out)
