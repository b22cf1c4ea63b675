"""A superlative asked of several ("which ones are the most swung", "which of them are the
fastest") keeps the first few of the list by that value, not one: the next question
("which is in the darkest key?") still ranks several. Before, the plural question left a
list of one and the next pick answered "The list has only one" (an outside tester's
conversation on the demo library)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph import followups
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

KEYS = ("A minor", "C major", "E minor", "F major", "D minor", "G major", "B minor", "Bb major")
ROWS = [
    numbered_loop(i, "boom bap", "90s", 86.0 + i, key, tag="b0a3", swing_percent=52.0 + 1.5 * i)
    for i, key in enumerate(KEYS)
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("which ones are the most swung", "swing_percent"),
        ("which of them are the fastest?", "tempo_bpm"),
    ],
)
def test_a_plural_superlative_keeps_the_first_few(graph, text: str, field: str) -> None:
    chat = Chat(graph)
    shown = chat.say("boom bap loops")
    assert len(shown["hits"]) == len(ROWS)
    out = chat.say(text)
    best = sorted((getattr(h, field) for h in shown["hits"]), reverse=True)
    kept = sorted((getattr(h, field) for h in out["hits"]), reverse=True)
    assert kept == best[: followups.PLURAL_PICK_COUNT], (text, kept)
    said = answer(chat.say("which is in the darkest key?"))
    assert "only one" not in said, said


def test_a_singular_superlative_still_picks_one(graph) -> None:
    chat = Chat(graph)
    chat.say("boom bap loops")
    assert len(chat.say("which is the most swung")["hits"]) == 1
