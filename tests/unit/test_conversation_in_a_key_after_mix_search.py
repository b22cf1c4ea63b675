"""After a search for keys that mix with one ("house that mixes with 4A"), "ok show me the
ones in 5A" asks for loops in 5A itself: a key stated with "in" is matched exactly, the
mixing of the earlier search is not carried onto it. A new key said without "in" ("what
about 9A") still reads as the key to mix with."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, hit_names


def _loop(n: int, key: str) -> dict:
    return loop_row(
        f"{n:04d}c5aa{n:08d}",
        f"house_{key.replace(' ', '_')}_{n:02d}",
        genre="house",
        era="90s",
        vibe="deep",
        tempo_bpm=124.0 + n / 2,
        swing_percent=51.0,
        backbeat_lag_ms=1.0,
        key=key,
    )


ROWS = [
    _loop(1, "F minor"),  # 4A
    _loop(2, "C minor"),  # 5A
    _loop(3, "Eb major"),  # 5B: mixes with 5A
    _loop(4, "G minor"),  # 6A: mixes with 5A
    _loop(5, "Bb minor"),  # 3A
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize("ask", ["ok show me the ones in 5A", "just the ones in C minor"])
def test_the_ones_in_a_key_after_a_mix_search_are_in_that_key(graph, ask: str) -> None:
    chat = Chat(graph)
    first = chat.say("house loops around 126 that mix with 4A")
    assert "house_C_minor_02.wav" in hit_names(first)
    out = chat.say(ask)
    assert out["request"].keys == ["C minor"]
    assert hit_names(out) == ["house_C_minor_02.wav"]


def test_the_ones_that_mix_with_a_new_key_still_mix(graph) -> None:
    chat = Chat(graph)
    chat.say("house loops around 126 that mix with 4A")
    out = chat.say("and the ones that mix with 5A")
    assert sorted(hit_names(out)) == [
        "house_C_minor_02.wav",
        "house_Eb_major_03.wav",
        "house_F_minor_01.wav",
        "house_G_minor_04.wav",
    ]
