"""A style asked for again at a tempo of its own far from the band just searched (half of
it, say) is a fresh search with only this message's style and tempo, not a narrowing that
keeps the earlier key (outside tester: "reggae at 150 in F# major" → near matches in keys
that mix with F# major → "ok then reggae around 75" kept those keys and listed the same
loops again, though a dozen reggae loops lay at 70–80 BPM)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat, answer

_TAG = "b7c2"
ROWS = [
    numbered_loop(1, "funk", "70s", 100.0, "A major", tag=_TAG),
    numbered_loop(2, "funk", "70s", 98.0, "Eb minor", tag=_TAG),
    numbered_loop(3, "funk", "70s", 101.0, "C minor", tag=_TAG),
    numbered_loop(4, "funk", "80s", 102.0, "Bb major", tag=_TAG),
    numbered_loop(5, "funk", "80s", 97.0, "Ab major", tag=_TAG),
    numbered_loop(6, "house", "90s", 124.0, "F minor", tag=_TAG),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize("follow", ["alright, funk near 100 then", "fine - funk at about 100"])
def test_the_style_at_half_the_tempo_drops_the_earlier_key(graph, follow: str) -> None:
    chat = Chat(graph, thread="funk-half")
    chat.say("funk at 200 in A major")
    out = chat.say(follow)
    assert out["request"].genres == ["funk"], out["request"]
    assert out["request"].keys == [], out["request"]
    assert not out["request"].compatible, out["request"]
    found = {h.sample_id for h in out["hits"]}
    assert {numbered_id(n, _TAG) for n in range(1, 6)} <= found, answer(out)
