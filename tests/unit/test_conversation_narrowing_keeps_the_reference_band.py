"""A narrowing of a list found around the user's loop keeps the tempo band that search
applied (outside tester: "what goes with it from the library?" about a 100 BPM D minor
keys loop, then "only the minor ones" kept the mixing minor keys but listed a 175 BPM loop
at +75 %)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "ba2d"
OWN = numbered_id(9, _TAG)
ROWS = [
    numbered_loop(1, "soul", "70s", 84.0, "G minor", tag=_TAG),  # 6A, same
    numbered_loop(2, "funk", "70s", 86.0, "Bb major", tag=_TAG),  # 6B, relative
    numbered_loop(3, "jazz", "60s", 79.0, "Bb major", tag=_TAG),  # 6B too
    numbered_loop(4, "house", "90s", 124.0, "Bb major", tag=_TAG),
    numbered_loop(5, "techno", "00s", 130.0, "Eb major", tag=_TAG),
    numbered_loop(6, "drum and bass", "90s", 172.0, "F major", tag=_TAG),
    numbered_loop(7, "disco", "70s", 118.0, "G minor", tag=_TAG),
    numbered_loop(9, "soul", "60s", 82.0, "G minor", tag=_TAG, name="my_organ_take"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_major_only_stays_near_my_loop(graph) -> None:
    chat = Chat(graph, thread="organ")
    chat.say("how swung is my organ take?", samples=[OWN])
    first = chat.say("anything in the library that goes with it?")
    assert {h.sample_id for h in first["hits"]} >= {numbered_id(2, _TAG)}, answer(first)
    out = chat.say("just the major ones")
    ids = {h.sample_id for h in out["hits"]}
    assert ids == {numbered_id(2, _TAG), numbered_id(3, _TAG)}, answer(out)
