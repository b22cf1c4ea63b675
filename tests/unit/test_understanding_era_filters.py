"""A decade or style named in a search filters it; only a question about the past,
people, gear or norms of that style brings the era specialist (issue 10)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, _asks_about_history, get_offline


def _read(text: str) -> list[str]:
    return list(
        get_offline().understand(text, attached=[], conversation=Conversation()).specialists
    )


@pytest.mark.parametrize(
    "text",
    [
        "smooth soul out of the 60s?",
        "is my groove quantized? want some straight funk loops to go with it too",
        "which of my library's styles come out of the 80s and at what tempos",
    ],
)
def test_a_decade_that_only_filters_a_search_adds_no_era(text: str) -> None:
    assert "era" not in _read(text)
    assert "discovery" in _read(text)


@pytest.mark.parametrize(
    "text",
    [
        "who made 80s house drums so famous, and pull some 80s house for me",
        "how did dub engineers use delay, then show me reggae from the 70s",
        "was jungle bigger in 94 or 95? and list my jungle breaks",
        "what bpm is trap normally at, and find trap loops near it",
    ],
)
def test_a_question_about_a_styles_past_keeps_the_era_specialist(text: str) -> None:
    assert _asks_about_history(text)
    assert {"era", "discovery"} <= set(_read(text))


@pytest.mark.parametrize(
    ("text", "history"),
    [
        ("70s disco loops around 118", False),
        ("i'm building a 90s set tonight. find me 90s house", False),
        ("what gear did 70s funk bands record breaks on", True),
        ("loops that sound like dilla would have chopped them", True),
    ],
)
def test_asks_about_history(text: str, history: bool) -> None:
    assert _asks_about_history(text) is history
