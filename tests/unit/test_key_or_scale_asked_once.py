"""A key or scale asked for ("the safest key to rap over my loop", "which scale for a
flute line over this") is read by one pattern, vocab.KEY_OR_SCALE_ASKED: the part asked
against the loop (KEY_FOR_A_PART_RE) and the keys asked instead of library loops
(offline.asks_what_mixes) both take it, so neither misses a word the other knows."""

from __future__ import annotations

import re

import pytest

from groovegraph.graph.offline import asks_what_mixes
from groovegraph.state import ParsedRequest
from groovegraph.tools import vocab


@pytest.mark.parametrize(
    "ask",
    [
        "any suggestions for the safest key to rap over my loop?",
        "recommend the ideal scale to play a flute line over this",
        "what would be the safest scale to solo in over my beat",
    ],
)
def test_a_key_asked_for_a_part_is_no_library_search(ask: str) -> None:
    assert vocab.KEY_FOR_A_PART_RE.search(ask)
    assert re.search(vocab.KEY_OR_SCALE_ASKED, ask, re.IGNORECASE)
    request = ParsedRequest(text=ask, specialists=["groove", "compatibility"], samples=["mine"])
    assert not asks_what_mixes(request)
