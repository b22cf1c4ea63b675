"""A key lifted while a mode is named with the style ("forget the key, only major
house") keeps that mode: the mode word before a style is a mode asked for, not lost with
the key. Before, "minor"/"major" before a genre was no mode at all, so lifting the key
listed both modes (set25)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.followups import find_mode
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(n, "house", "90s", bpm, key, tag="b7c2")
    for n, bpm, key in [
        (1, 122.0, "C major"),
        (2, 124.0, "F minor"),
        (3, 125.0, "A major"),
        (4, 126.0, "B minor"),
        (5, 123.0, "D major"),
    ]
]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("some major house", "major"),
        ("forget the key, only minor funk", "minor"),
        ("A minor house", None),
        ("got any F# major disco", None),
    ],
)
def test_a_mode_word_before_a_style(text: str, mode: str | None) -> None:
    assert find_mode(text) == mode


def test_lifting_the_key_keeps_the_mode_said_with_the_style(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("house in E minor")
    out = chat.say("forget about the key, only major house")
    assert out["request"].keys == []
    assert out["request"].mode == "major"
    assert sorted(hit_names(out)) == ["house_90s_01.wav", "house_90s_03.wav", "house_90s_05.wav"]
