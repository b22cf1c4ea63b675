"""Others like a listed hit named by its rank ("more like the second one", "loops like
the 2nd", "something like the last one"): a search like that hit (it is the reference
and is not listed again), not an analysis of it. Asking how it sounds stays an
analysis."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_frame, offline_graph
from tests.chat import Chat


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(catalog_frame(120), settings=settings)


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("more like the second one", 1),
        ("loops like the 2nd", 1),
        ("something like the last one", -1),
    ],
)
def test_more_like_a_ranked_hit_searches_like_it(graph, text, rank) -> None:
    chat = Chat(graph)
    listed = chat.say("funk loops around 100")["hits"]
    out = chat.say(text)
    ref = listed[rank].sample_id
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].samples == [ref]
    assert out["hits"]
    assert ref not in {h.sample_id for h in out["hits"]}


def test_how_a_ranked_hit_sounds_stays_an_analysis(graph) -> None:
    chat = Chat(graph)
    chat.say("funk loops around 100")
    out = chat.say("what does the second one sound like")
    assert "discovery" not in out["plan"].specialists
