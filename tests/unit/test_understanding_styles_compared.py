"""Two styles set side by side ("garage versus 2-step", "house vs techno drums, diff?") or
one explained ("motown drumming explained") is a question for the era specialist, not a
library search for the styles named (outside tester: "breakbeat vs big beat whats the
diff" listed breakbeat loops). A search, a sample, keys or tempi keep their readings."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


def _read(text: str):
    return get_offline().understand(text, attached=[], conversation=Conversation())


@pytest.mark.parametrize(
    "text",
    [
        "garage versus 2-step",
        "house vs techno drums, diff?",
        "motown drumming explained",
        "jungle versus drum and bass - same thing?",
        "diff between trap and drill hats",
        "soul vs funk whats the diff",
    ],
)
def test_styles_compared_or_explained_are_an_era_question(text: str) -> None:
    read = _read(text)
    assert read.specialists == ["era"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("find me house vs techno loops around 125", ["discovery"]),
        ("B minor vs D major, will they blend", ["compatibility"]),
        ("is 128 vs 124 too big a jump in a mix", ["compatibility"]),
    ],
)
def test_a_search_or_a_mix_stays_what_it_was(text: str, want: list[str]) -> None:
    assert _read(text).specialists == want
