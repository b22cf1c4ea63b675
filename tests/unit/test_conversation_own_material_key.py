"""A user describing their own material by its key ("the vocal i got is in D major",
"my vocal's in G major", "the bassline I made is in A minor") beside a search:

* the key stated is the reference key of a mix search (keys that mix with it), not a
  key filter;
* the noun naming their material ("vocal", "bassline") is not the sound searched for;
* nothing is asked to be uploaded: the key was told, there is nothing to analyse.
"""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_frame, offline_graph
from tests.chat import Chat


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(catalog_frame(120), settings=settings)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            "need something for the warm-up, disco or house, 100 to 125, the vocal i got is in D major",
            "D major",
        ),
        ("funk loops around 100, my vocal's in G major", "G major"),
        ("the bassline i made is in A minor, find me soul loops", "A minor"),
    ],
)
def test_own_material_in_a_key_is_a_mix_search(graph, text, key) -> None:
    out = Chat(graph).say(text)
    assert out["plan"].specialists == ["discovery"]
    request = out["request"]
    assert request.keys == [key]
    assert request.compatible
    assert request.instrument is None
    assert out["hits"]
