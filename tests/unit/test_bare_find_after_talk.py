"""A search with nothing named ("show me some", "got any?", "ok give me a few then") right
after a question about a style is a search for that style. Before, "show me some" after
"whats a good bpm for dnb" was read as off-topic ("outside what I do") and "give me a few
then" after a question on 90s boom bap likewise (lead's self-trial)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat


def _frame() -> pd.DataFrame:
    specs = [("drum and bass", "90s", 172.0), ("boom bap", "90s", 92.0), ("disco", "70s", 118.0)]
    return pd.DataFrame(
        [
            catalog_row(
                id=f"{i:04d}b4ae{i:08d}",
                path=f"/lib/loop_{i}.wav",
                sha256=f"{i + 15:064x}",
                genre=g,
                era=e,
                tempo_bpm=b,
                swing_percent=51.0,
                timing_deviation_ms=5.0,
                backbeat_lag_ms=2.0,
                key="A minor",
            )
            for i, (g, e, b) in enumerate(specs)
        ]
    )


@pytest.mark.parametrize(
    ("question", "genre"),
    [("whats a good bpm for dnb", "drum and bass"), ("what defined 90s boom bap", "boom bap")],
)
@pytest.mark.parametrize(
    "ask", ["show me some", "ok give me a few then", "got any?", "any examples?"]
)
def test_a_bare_search_after_a_style_question_searches_that_style(
    settings: Settings, question: str, genre: str, ask: str
) -> None:
    chat = Chat(offline_graph(_frame(), settings=settings))
    chat.say(question)
    out = chat.say(ask)
    assert out["plan"].specialists == ["discovery"]
    assert [h.tags.genre for h in out["hits"]] == [genre]


def test_a_bare_search_with_nothing_talked_about_searches_nothing(settings: Settings) -> None:
    out = Chat(offline_graph(_frame(), settings=settings)).say("show me some")
    assert out["plan"].specialists == []
