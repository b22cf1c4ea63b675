"""Two readings after a search or a key answer:

- "and 172 at half time, could I put that under a 86 bpm soul loop?" right after a
  search: two tempi set against each other (a clause between them) is a mixing question,
  not the search again with the tempo and style named;
- "ok what's in 3A around 120" right after a key-mixing answer: the samples in that key,
  a search, not another key question."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, hit_names

ROWS = [
    numbered_loop(1, "drum and bass", "90s", 172, "G minor", tag="7a3c"),
    numbered_loop(2, "drum and bass", "00s", 173, "D minor", tag="7a3c"),
    numbered_loop(3, "soul", "70s", 86, "G minor", tag="7a3c"),
    numbered_loop(4, "house", "90s", 120, "Bb minor", tag="7a3c"),
    numbered_loop(5, "house", "90s", 124, "A minor", tag="7a3c"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))


@pytest.mark.parametrize(
    "ask",
    [
        "and 172 at half time, could i put that under a 86 bpm soul loop",
        "172 in half time, could i layer it with an 86 bpm soul loop?",
    ],
)
def test_two_tempi_after_a_search_are_a_mix_question(chat: Chat, ask: str) -> None:
    chat.say("dnb loops around 172")
    out = chat.say(ask)
    assert out["plan"].specialists == ["compatibility"]
    assert not out["hits"]


@pytest.mark.parametrize("ask", ["ok whats in 3A near 120", "whats in 3A at 120"])
def test_whats_in_a_key_after_a_key_answer_is_a_search(chat: Chat, ask: str) -> None:
    chat.say("house 118-126")
    chat.say("what's the energy boost from 2A")
    out = chat.say(ask)
    assert out["plan"].specialists == ["discovery"]
    assert hit_names(out) == ["house_90s_04.wav"]
