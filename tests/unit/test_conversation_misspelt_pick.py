"""A pick from the list shown, typed with a slip ("wich is the brightest"): read as the
spelling corrector reads it, as the same question spelt right is."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

KEYS = ["A minor", "C major", "F minor", "Bb major", "E minor", "D major"]
ROWS = [numbered_loop(i, "house", "90s", 120.0 + i, key) for i, key in enumerate(KEYS, 1)]


@pytest.mark.parametrize(
    ("text", "picked", "said"),
    [
        ("wich is the brightest", "house_90s_06.wav", "Brightest key of the 6 listed"),
        ("wich one is the fastest", "house_90s_06.wav", "Fastest of the 6 listed"),
        ("wich is the darkest", "house_90s_03.wav", "Darkest key of the 6 listed"),
    ],
)
def test_a_misspelt_which_picks_from_the_list(
    settings: Settings, text: str, picked: str, said: str
) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    chat.say("90s house loops")
    out = chat.say(text)
    assert hit_names(out)[:1] == [picked]
    assert answer(out).startswith(said)
