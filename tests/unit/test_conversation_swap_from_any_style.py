"""A style swapped in for a search of every style ("deep stuff, any genre, 120ish" then
"swap to disco, keep the tempo") is a new list, as a swap from another style is: a feel
the new style has none of gives way, said so, instead of the swap finding nothing (it was
read as a narrowing of the list shown). A swap whose style has the feel keeps it."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(
        n, genre, era, bpm, "A minor", tag="5a9f", name=f"{vibe}_{genre}_{n:02d}", vibe=vibe
    )
    for n, genre, vibe, era, bpm in (
        (1, "house", "deep", "80s", 121.0),
        (2, "soul", "deep", "80s", 119.0),
        (3, "disco", "groovy", "80s", 120.0),
        (4, "disco", "uplifting", "80s", 118.5),
        (5, "reggae", "deep", "80s", 120.5),
    )
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_a_swap_from_any_style_relaxes_a_feel_the_new_style_lacks(graph) -> None:
    chat = Chat(graph)
    chat.say("deep stuff, any genre, 120ish")
    out = chat.say("swap to disco, keep the tempo")
    assert out["request"].genres == ["disco"]
    assert sorted(hit_names(out)) == ["groovy_disco_03.wav", "uplifting_disco_04.wav"]
    assert "relaxed" in answer(out)


def test_a_swap_keeps_a_feel_the_new_style_has(graph) -> None:
    chat = Chat(graph)
    chat.say("deep stuff, any genre, 120ish")
    out = chat.say("swap to reggae")
    assert hit_names(out) == ["deep_reggae_05.wav"]
