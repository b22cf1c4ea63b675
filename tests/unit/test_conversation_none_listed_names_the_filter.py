"""When none of the list shown meets a narrowing ("which of those were from the 80s?"),
the reason given is what each listed one is for the filter asked (its era), not its tempo
(outside tester: "None of the 2 listed match: … is 96.0 BPM" after an era question)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "soul", "70s", 96.0, "A minor", tag="5e80"),
    numbered_loop(2, "soul", "70s", 98.0, "C major", tag="5e80"),
    numbered_loop(3, "soul", "80s", 120.0, "A minor", tag="5e80"),
    numbered_loop(4, "funk", "80s", 97.0, "D minor", tag="5e80"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    assert len(chat.say("soul loops around 97 bpm")["hits"]) == 2
    return chat


@pytest.mark.parametrize(
    ("narrow", "reason"),
    [
        ("which of those were from the 80s?", "soul_70s_01.wav is from the 70s"),
        ("any of them from the eighties?", "soul_70s_02.wav is from the 70s"),
    ],
)
def test_the_reason_names_the_era_asked(chat: Chat, narrow: str, reason: str) -> None:
    out = chat.say(narrow)
    said = answer(out)
    assert out["hits"] == []
    assert reason in said
    assert "is 96.0 BPM" not in said
    assert "is 98.0 BPM" not in said
