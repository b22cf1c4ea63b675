""" "<key> or close to it" asks for that key and the keys that mix with it — "it" is the
key, not a sample in focus (own data)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat


def _loop(n: int, key: str) -> dict:
    return numbered_loop(
        n,
        "soul",
        "70s",
        90.0 + n,
        key,
        tag="abba",
        name=f"lush_soul_{n:02d}",
        swing_percent=54.0,
        backbeat_lag_ms=3.0,
    )


ROWS = [
    _loop(1, "A minor"),
    _loop(2, "E minor"),
    _loop(3, "C major"),
    _loop(4, "D minor"),
    _loop(5, "F# major"),
    _loop(6, "Eb minor"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "text",
    ["soul loops in A minor or close to it", "got soul in A minor or something near?"],
)
def test_a_key_or_close_to_it_is_the_keys_that_mix_with_it(graph, text) -> None:
    chat = Chat(graph)
    chat.say("how swung is this one?", samples=[ROWS[5]["id"]])  # a sample in focus
    out = chat.say(text)
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].compatible
    keys = {h.key for h in out["hits"]}
    assert {"A minor", "E minor", "C major", "D minor"} <= keys
    assert not keys & {"F# major", "Eb minor"}
