"""A history question that points back at a search ("who were the drummers that had that
kind of feel back in the day?", "how did they get that sound back then") is about the style
and decade searched. Before, it was asked of the whole library: the era answer listed
every genre's catalog numbers (lead's self-trial, after a search for 60s jazz)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat, answer


def _frame() -> pd.DataFrame:
    specs = [
        ("jazz", "60s", 104.0, "A major", 64.0),
        ("jazz", "60s", 112.0, "F minor", 66.0),
        ("trap", "10s", 142.0, "C minor", 52.0),
        ("disco", "70s", 118.0, "A minor", 52.0),
    ]
    return pd.DataFrame(
        [
            catalog_row(
                id=f"{i:04d}e7a0{i:08d}",
                path=f"/lib/{g}_{i:02d}.wav",
                sha256=f"{i + 31:064x}",
                genre=g,
                era=e,
                tempo_bpm=bpm,
                swing_percent=sw,
                timing_deviation_ms=9.0,
                backbeat_lag_ms=6.0,
                key=k,
            )
            for i, (g, e, bpm, k, sw) in enumerate(specs)
        ]
    )


@pytest.mark.parametrize(
    "question",
    [
        "who were the drummers that had that kind of feel back in the day",
        "how did they get that sound back then?",
        "what was going on at the time, who played like that",
        "tell me the history of that sound",
    ],
)
def test_a_history_question_after_a_search_is_about_the_style_searched(
    settings: Settings, question: str
) -> None:
    chat = Chat(offline_graph(_frame(), settings=settings))
    chat.say("60s jazz loops with lots of swing")
    out = chat.say(question)
    assert out["plan"].specialists == ["era"]
    # the style searched, or the listed loops themselves ("they": the two found)
    if not out["request"].samples:
        assert out["request"].genres == ["jazz"]
        assert out["request"].eras == ["60s"]
    said = answer(out)
    assert "jazz" in said.lower()
    assert "trap" not in said.lower()  # no other style's numbers
    assert "In your library:" not in said  # not the whole library, style by style


def test_a_history_question_naming_its_own_style_keeps_it(settings: Settings) -> None:
    chat = Chat(offline_graph(_frame(), settings=settings))
    chat.say("60s jazz loops with lots of swing")
    out = chat.say("and who were the big disco drummers back then")
    assert out["request"].genres == ["disco"]
