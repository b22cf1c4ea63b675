"""Samples asked for by a quality the sample at hand has ("loops with the same laid back
feel as this", "breaks with a similar vibe to mine"), or by a feel alone ("loops with a
laid back feel"), are a search: the sample at hand is measured first, not the only
thing answered."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


def _read(text: str, attached: int = 0):  # type: ignore[no-untyped-def]
    return get_offline().understand(
        text, attached=["0a1b2c3d4e50"][:attached], conversation=Conversation()
    )


@pytest.mark.parametrize(
    "text",
    [
        "loops with the same laid back feel as this",
        "breaks with a similar swing to this",
        "loops with the same groove as it",
    ],
)
def test_samples_sharing_a_quality_of_the_attached_one_are_a_search(text: str) -> None:
    assert set(_read(text, attached=1).specialists) == {"discovery", "groove"}


def test_samples_described_by_a_feel_alone_are_a_search() -> None:
    assert _read("loops with a laid back feel").specialists == ["discovery"]


def test_the_same_feel_asked_of_the_sample_itself_is_no_search() -> None:
    read = _read("does this have the same feel as a dilla beat", attached=1)
    assert "discovery" not in read.specialists
