"""A listed hit named by its key written tersely ("the Ebm one", "the C#m loop") is the
hit in that key, whatever its file is called: the short spelling is the key, no tag or
file-name word the hit must also carry (before, "the Ebm one" matched only a file whose
name held "Ebm", and named nothing among loops called otherwise)."""

from __future__ import annotations

import pytest

from groovegraph.graph.followups import find_attribute_refs
from groovegraph.state import CatalogHit, SampleTags


def _loop(sid: str, key: str, bpm: float) -> CatalogHit:
    return CatalogHit(
        sample_id=sid,
        path=f"/lib/take_{sid}.wav",
        score=0.9,
        reason="",
        tempo_bpm=bpm,
        key=key,
        kind="loop",
        tags=SampleTags(genre="techno", era="90s"),
    )


HITS = [
    _loop("a1", "Eb minor", 131.0),
    _loop("b2", "C# minor", 129.0),
    _loop("c3", "F major", 130.0),
]


@pytest.mark.parametrize(
    ("said", "picked"),
    [
        ("how swung is the Ebm one", "a1"),
        ("the C#m loop, what tempo", "b2"),
        ("and the C#m one?", "b2"),
    ],
)
def test_terse_key_names_the_listed_hit(said: str, picked: str) -> None:
    refs = find_attribute_refs(said, hits=HITS)
    assert refs.ids == [picked], refs
    assert not refs.unresolved, refs
