"""A style the vocabulary has no tag for, asked of samples ("cumbia grooves near 96",
"got any tango breaks?"), is said to be unknown and nothing is searched in its place:
the search left the word out and listed loops of other styles as if they matched, and its
recap named only the tempo. A library whose loops carry that tag is searched by it (as
the search API accepts a genre some sample has); a known genre misspelt, a known genre
and ordinary describing words are still searched as before."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer

KEYS = ("C minor", "Eb major", "G minor", "F minor")
SHELF = [
    numbered_loop(i, ("funk", "breakbeat", "soul")[i % 3], "70s", 90.0 + i, KEYS[i % 4], tag="5e1f")
    for i in range(1, 19)
]
FORRO = [numbered_loop(40 + i, "forro", "80s", 94.0 + i, "A minor", tag="5e1f") for i in range(3)]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(SHELF), settings=settings))


@pytest.mark.parametrize(
    ("ask", "style"),
    [
        ("cumbia grooves near 96", "cumbia"),
        ("got any tango breaks?", "tango"),
        ("find me some bluegrass loops from the 70s", "bluegrass"),
    ],
)
def test_an_untagged_style_is_said_and_nothing_else_listed(
    chat: Chat, ask: str, style: str
) -> None:
    out = chat.say(ask)
    said = answer(out)
    assert not out["hits"], said
    assert f"“{style}”" in said, said
    assert "don't know" in said, said
    assert "Found" not in said, said


def test_an_untagged_style_after_a_search_lists_nothing(chat: Chat) -> None:
    assert chat.say("funk near 95")["hits"]
    out = chat.say("and cumbia grooves near 96?")
    assert not out["hits"], answer(out)
    assert "“cumbia”" in answer(out), answer(out)


def test_a_style_the_library_tags_is_searched(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame([*SHELF, *FORRO]), settings=settings))
    out = chat.say("forro loops near 96")
    assert out["hits"], answer(out)
    assert {h.tags.genre for h in out["hits"]} == {"forro"}, answer(out)


@pytest.mark.parametrize(
    ("ask", "genres"),
    [
        ("funkk loops near 96", {"funk"}),
        ("soul loops near 96", {"soul"}),
        ("any breaks near 96?", {"breakbeat"}),
        ("nice loops near 96", {"funk", "soul", "breakbeat"}),
        ("chopped loops near 96", {"funk", "soul", "breakbeat"}),
    ],
)
def test_known_styles_and_plain_words_still_search(chat: Chat, ask: str, genres: set) -> None:
    out = chat.say(ask)
    assert out["hits"], answer(out)
    assert {h.tags.genre for h in out["hits"]} <= genres, answer(out)
    assert "don't know" not in answer(out), answer(out)
