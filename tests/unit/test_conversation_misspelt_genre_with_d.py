""" "sould loops arond 80 plz": a genre with a stray letter is read as that genre. The
corrector took "sould" for "soul" + the ending "d" (an inflected English word, left
alone), so the search ran with no genre and listed reggae beside the soul. A bare "d"
ends an inflected word only after an "e" ("tuned", "used")."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding.spelling import correct
from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

TAG = "e21d"
ROWS = [
    numbered_loop(1, "soul", "60s", 80.0, "E major", tag=TAG),
    numbered_loop(2, "soul", "60s", 81.0, "A major", tag=TAG),
    numbered_loop(3, "reggae", "80s", 78.0, "C minor", tag=TAG),
    numbered_loop(4, "reggae", "80s", 77.0, "B major", tag=TAG),
]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("sould loops arond 80 plz", "soul loops"),
        ("the tuned 808s", "the tuned 808s"),
        ("i used the kick", "i used the kick"),
    ],
)
def test_a_stray_d_is_no_inflection(typed: str, read: str) -> None:
    assert correct(typed).startswith(read)


def test_the_misspelt_genre_is_searched(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    out = chat.say("sould loops arond 80 plz")
    assert sorted(hit_names(out)) == ["soul_60s_01.wav", "soul_60s_02.wav"]
    assert "genre soul" in answer(out)
