"""A key or scale asked for a part still to be made against the loop at hand ("a good key to
rap over it", "which scale should I improvise in over this groove") is a key-mixing
question about that loop: compatibility answers it with the keys around the loop's key on
the Camelot wheel, not a groove analysis alone (outside tester: such questions about an
attached or analysed loop were read as "what key is it" and answered "Groove analysis:").
"What key is this one in" stays a groove question."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph, upload_row
from tests.chat import Chat, answer

MINE = upload_row(0x73, "rhodes take.wav", 101.0, "D minor", 54.0)
ROWS = [
    numbered_loop(1, "soul", "70s", 100, "F major", tag="c7a1", vibe="warm"),
    numbered_loop(2, "house", "90s", 122, "G minor", tag="c7a1", vibe="deep"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame([*ROWS, MINE]), settings=settings))


@pytest.mark.parametrize(
    "ask",
    [
        "which scale should I improvise in over this groove",
        "what key harmonizes with this drum take",
        "right key to write a string part in for this",
    ],
)
def test_key_for_a_part_over_an_attached_loop(chat: Chat, ask: str) -> None:
    out = chat.say(ask, samples=[MINE["id"]])
    assert sorted(out["plan"].specialists) == ["compatibility", "groove"]


@pytest.mark.parametrize(
    "ask",
    [
        "good key to rap over it?",
        "what scale do I write the strings in for my loop",
        "which keys could I modulate into from this loop",
    ],
)
def test_key_for_a_part_after_an_analysis(chat: Chat, ask: str) -> None:
    chat.say("check this one", samples=[MINE["id"]])
    out = chat.say(ask)
    assert out["plan"].specialists == ["compatibility"]
    text = answer(out)
    assert "7A" in text  # D minor on the wheel, and the keys around it follow
    assert "two things" not in text


def test_its_own_key_stays_a_groove_question(chat: Chat) -> None:
    out = chat.say("what key is this one in", samples=[MINE["id"]])
    assert out["plan"].specialists == ["groove"]
