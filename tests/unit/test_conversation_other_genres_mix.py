"""A search around a listed loop "from other genres" ("show me stuff from other genres
that mixes with it", "loops from a different style that go with it"):

* the loop's own genre is left out (not_genres), none of its hits is of that genre;
* its key is still the reference (keys that mix with it), but its tempo band is not:
  a loop of another style far from its tempo is found.
"""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, loop_row, offline_graph
from tests.chat import Chat, hit_names

REGGAE = [
    loop_row(
        f"{i:04d}beef{i:08d}",
        f"chill_reggae_{i:02d}",
        key=key,
        genre="reggae",
        era="70s",
        tempo_bpm=66.0 + i,
        swing_percent=54.0,
        backbeat_lag_ms=5.0,
    )
    for i, key in enumerate(("G major", "A minor", "D major", "E minor", "C major"))
]
OTHERS = [
    loop_row(
        f"{i:04d}cafe{i:08d}",
        f"other_{genre}_{i:02d}",
        key=key,
        genre=genre,
        era="90s",
        tempo_bpm=80.0 + 7 * i,
        swing_percent=54.0,
        backbeat_lag_ms=5.0,
    )
    for i, (genre, key) in enumerate(
        (("funk", "G major"), ("soul", "E minor"), ("house", "D major"), ("jazz", "F# minor"))
    )
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([*REGGAE, *OTHERS]), settings=settings)


@pytest.mark.parametrize(
    "text",
    [
        "show me stuff from other genres that mixes with it",
        "any loops from a different style that go with it?",
    ],
)
def test_other_genres_around_a_picked_loop(graph, text) -> None:
    chat = Chat(graph)
    chat.say("reggae under 70")
    chat.say("the one in G, what keys does it mix with")
    out = chat.say(text)
    assert "discovery" in out["plan"].specialists
    assert out["request"].not_genres == ["reggae"]
    names = hit_names(out)
    assert not any("reggae" in n for n in names)
    assert {"other_funk_00.wav", "other_soul_01.wav", "other_house_02.wav"} <= set(names)
    assert "other_jazz_03.wav" not in names
