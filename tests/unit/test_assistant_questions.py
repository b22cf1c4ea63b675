"""A question about what the assistant does with a sample ("what can you actually tell me
about a loop", "what can u measure in a sample?") is answered with what it can do. Before,
it went to the era specialist, which listed the whole library's catalog numbers style by
style (lead's self-trial). A question naming a style or a sample is still a real one."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, offline_graph
from tests.chat import Chat, answer


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            catalog_row(
                id="0000a55e00000000",
                path="/lib/funky_00.wav",
                sha256=f"{91:064x}",
                genre="funk",
                era="70s",
                tempo_bpm=97.0,
                swing_percent=57.0,
                timing_deviation_ms=5.0,
                backbeat_lag_ms=6.0,
                key="E minor",
            )
        ]
    )


@pytest.mark.parametrize(
    "text",
    [
        "what can you actually tell me about a loop",
        "what can u measure in a sample?",
        "so what can you analyse",
        "what else can you tell me about my beats?",
        "ok and what else can you tell me",
        "what else can u do?",
    ],
)
def test_what_the_assistant_does_is_the_help(settings: Settings, text: str) -> None:
    out = Chat(offline_graph(_frame(), settings=settings)).say(text)
    assert out["plan"].specialists == []
    said = answer(out)
    assert "analyse" in said
    assert "In your library" not in said


def test_a_style_named_is_a_real_question(settings: Settings) -> None:
    out = Chat(offline_graph(_frame(), settings=settings)).say(
        "what can you tell me about 70s funk"
    )
    assert out["plan"].specialists == ["era"]
