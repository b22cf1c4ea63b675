"""A question about the conversation in the passive or contracted ("what's been covered so
far in this chat?", "what've we looked at", "what have we checked so far") is a recap
answered from the thread's memory, with no specialist: it analysed the loop in focus again
(outside tester)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "funk", "70s", 96.0, "A minor", tag="c7a3", name="my_take"),
    numbered_loop(2, "funk", "70s", 100.0, "C major", tag="c7a3"),
    numbered_loop(3, "soul", "70s", 92.0, "E minor", tag="c7a3"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "text",
    [
        "what's been covered so far in this chat?",
        "what has been discussed?",
        "what've we looked at",
        "what have we checked so far",
        "recap please",
    ],
)
def test_a_recap_in_other_words_answers_from_the_thread(graph, text: str) -> None:
    chat = Chat(graph)
    chat.say("tempo and key of this?", samples=[ROWS[0]["id"]])
    chat.say("soul loops")
    chat.say("whats the energy boost from A minor?")
    out = chat.say(text)
    assert out["request"].recap
    assert out["plan"].specialists == []
    said = answer(out)
    assert said.startswith("Here is what we covered in this conversation:")
    assert "my_take.wav" in said  # the file analysed
    assert "soul" in said  # the search made
    assert "A minor × E minor" in said  # the keys talked about
