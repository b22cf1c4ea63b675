"""A mix question whose two references are one file (a listed hit by its rank and the
same file by its name) says they are the same file (outside trial: "Nothing to compare
yet")."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph
from tests.chat import Chat, answer, hit_names


def _library() -> pd.DataFrame:
    return pd.DataFrame(
        [
            loop_row(
                f"{i:016x}",
                f"velvet_disco_{i:02d}",
                key="F major",
                genre="disco",
                era="70s",
                tempo_bpm=118.0 + i,
                swing_percent=52.0,
                backbeat_lag_ms=2.0,
            )
            for i in range(4)
        ]
    )


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(_library(), settings=settings))


@pytest.mark.parametrize("rank", ["first", "second"])
def test_a_hit_and_its_own_name_are_one_file(chat: Chat, rank: str) -> None:
    names = hit_names(chat.say("disco loops near 120 bpm in F major"))
    stem = names[["first", "second"].index(rank)].removesuffix(".wav")
    out = chat.say(f"would the {rank} one blend with {stem}?")
    said = answer(out)
    assert "same file" in said
    assert stem in said
    assert "Nothing to compare" not in said
    assert not out["reports"]


def test_two_different_files_are_still_compared(chat: Chat) -> None:
    names = hit_names(chat.say("disco loops near 120 bpm in F major"))
    out = chat.say(f"would the first one blend with {names[1].removesuffix('.wav')}?")
    assert "same file" not in answer(out)
    assert len(out["reports"]) == 1
