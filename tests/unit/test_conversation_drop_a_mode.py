"""A mode taken off the list ("drop the major ones", "no minor ones", "lose the minor
ones") leaves the other mode, as "not 70s" rules a decade out: before, "drop the major
ones" kept only the major ones (set16)."""

from __future__ import annotations

import pytest

from groovegraph.graph.followups import find_mode
from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(n, "reggae", "70s", bpm, key, tag="d40d")
    for n, bpm, key in [
        (1, 74.0, "Bb minor"),
        (2, 74.0, "D minor"),
        (3, 73.0, "Db major"),
        (4, 75.0, "B minor"),
        (5, 76.0, "G major"),
    ]
]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("drop the major ones", "minor"),
        ("no major ones", "minor"),
        ("lose the minor ones pls", "major"),
        ("just the minor ones", "minor"),
        ("minor ones only", "minor"),
    ],
)
def test_the_mode_asked_for(text: str, mode: str) -> None:
    assert find_mode(text) == mode


def test_dropping_the_major_ones_keeps_the_minor_ones(settings: Settings) -> None:
    chat = Chat(offline_graph(library_frame(ROWS), settings=settings))
    chat.say("reggae around 74")
    out = chat.say("drop the major ones")
    assert out["request"].mode == "minor"
    assert sorted(hit_names(out)) == ["reggae_70s_01.wav", "reggae_70s_02.wav", "reggae_70s_04.wav"]
