"""A bare note asked about on the wheel is that major key (d19-c27, tune): "whats the camelot
for Db" read no key at all, so the answer had nothing to say and the next "loops there
under 110" had no key to point at. A note after "camelot (code) for/of" or before "in
camelot" / "on the wheel" is read as the major key, as after "in" ("loops in Db")."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.graph.parser import parse_request
from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("whats the camelot for Db", "Db major"),
        ("camelot code for Eb?", "Eb major"),
        ("what is Db in camelot", "Db major"),
        ("where is F# on the wheel", "F# major"),
        ("the camelot for A minor", "A minor"),
    ],
)
def test_a_bare_note_on_the_wheel_is_its_major_key(text: str, key: str) -> None:
    assert parse_request(text).keys == [key]


@pytest.mark.parametrize("text", ["Camelot for a beginner", "what does camelot for dummies say"])
def test_words_after_camelot_are_no_key(text: str) -> None:
    assert parse_request(text).keys == []


def test_camelot_of_a_bare_note_then_loops_there(settings: Settings) -> None:
    rows = [
        numbered_loop(1, "jazz", "60s", 100.0, "Db major"),
        numbered_loop(2, "jazz", "60s", 104.0, "Db major"),
        numbered_loop(3, "jazz", "60s", 102.0, "E minor"),
        numbered_loop(4, "funk", "70s", 120.0, "Db major"),
    ]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings), thread="db")
    first = chat.say("whats the camelot for Db")
    assert "3B" in answer(first)
    out = chat.say("loops there under 110")
    assert out["hits"], answer(out)
    assert {h.key for h in out["hits"]} == {"Db major"}
    assert all((h.tempo_bpm or 0) < 110 for h in out["hits"])
