"""A recap typed the way chat is typed — a dropped or swapped letter ("what were we talkin
about", "talkng"), a dropped g with its apostrophe and "bout", "covred" — is still a
question about the conversation, answered from the thread's memory (outside tester:
"what were we talkin about" was answered as out of scope)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(1, "funk", "70s", 96.0, "A minor", tag="7a1c"),
    numbered_loop(2, "soul", "70s", 92.0, "E minor", tag="7a1c"),
]


@pytest.mark.parametrize(
    "text",
    [
        "what were we talkin about",
        "what were we talkng about?",
        "wat were we talkin' bout",
        "what are we chattin about",
        "what have we covred so far",
    ],
)
def test_a_misspelt_recap_answers_from_the_thread(settings: Settings, text: str) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("soul loops")
    out = chat.say(text)
    assert out["request"].recap
    assert out["plan"].specialists == []
    said = answer(out)
    assert "outside what I do" not in said
    assert "Here is what we covered in this conversation:" in said
    assert "soul" in said
