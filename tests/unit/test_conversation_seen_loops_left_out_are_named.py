"""A follow-up search that leaves out loops because an earlier list showed them says so and
names them; it never drops them silently (outside tester: "something slower" listed one
loop while four more in the new band met every filter but had been listed before)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

_TAG = "5e3a"
ROWS = [
    numbered_loop(1, "latin", "70s", 91.0, "D minor", tag=_TAG),
    numbered_loop(2, "latin", "70s", 96.0, "E minor", tag=_TAG),
    numbered_loop(3, "latin", "70s", 97.0, "G major", tag=_TAG),
    numbered_loop(4, "latin", "80s", 98.0, "A minor", tag=_TAG),
    numbered_loop(5, "latin", "80s", 100.0, "C major", tag=_TAG),
    numbered_loop(6, "latin", "80s", 103.0, "F major", tag=_TAG),
    numbered_loop(7, "house", "90s", 124.0, "F minor", tag=_TAG),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize("follow", ["a touch slower maybe?", "got anything slower than those"])
def test_seen_loops_in_the_new_band_are_named(graph, follow: str) -> None:
    chat = Chat(graph, thread="latin-slower")
    first = chat.say("latin grooves near 100 bpm")
    shown = set(hit_names(first))
    assert {"latin_70s_02.wav", "latin_70s_03.wav", "latin_80s_04.wav"} <= shown, answer(first)
    out = chat.say(follow)
    assert hit_names(out) == ["latin_70s_01.wav"], answer(out)
    text = answer(out)
    assert "listed before" in text, text
    for name in ("latin_70s_02.wav", "latin_70s_03.wav", "latin_80s_04.wav"):
        assert name in text, text
