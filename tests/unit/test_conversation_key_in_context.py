"""A key question that names no key ("what's the energy boost move from there?", "and its
relative major?", "energy boost from that key") is about the key the previous turn was
about when it named one and no sample: the key of the loops just searched, or of the key
question just answered (outside tester: after loops in A minor the energy boost was
explained in general and the relative major read as out of scope)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer

ROWS = [
    numbered_loop(n, "funk", "70s", 90.0 + 4 * n, key, tag="c7a1")
    for n, key in enumerate(("A minor", "A minor", "C major", "E minor", "D minor"), 1)
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


@pytest.mark.parametrize(
    "ask",
    [
        "what's the energy boost move from there?",
        "energy boost from that key?",
        "and the energy boost from this",
    ],
)
@pytest.mark.parametrize("before", ["funk loops in A minor", "what's A minor in camelot?"])
def test_energy_boost_from_the_key_last_talked_about(graph, before: str, ask: str) -> None:
    chat = Chat(graph)
    chat.say(before)
    out = chat.say(ask)
    said = answer(out)
    assert said.startswith("Energy boost from A minor (8A)")
    assert "E minor (9A)" in said
    assert "B minor (10A)" in said
    assert out["request"].specialists == ["compatibility"]


@pytest.mark.parametrize(
    "ask",
    [
        "and its relative major?",
        "relative major of it",
        "what's the relative key of that?",
        "what's its relative?",
    ],
)
@pytest.mark.parametrize("before", ["funk loops in A minor", "what's A minor in camelot?"])
def test_relative_major_of_the_key_last_talked_about(graph, before: str, ask: str) -> None:
    chat = Chat(graph)
    chat.say(before)
    out = chat.say(ask)
    assert out["request"].specialists == ["compatibility"]
    assert answer(out).startswith("The relative key of A minor (8A) is C major (8B)")


def test_a_sample_named_is_still_the_one_asked_about(graph) -> None:
    chat = Chat(graph)
    chat.say("funk loops in A minor")
    out = chat.say("relative major of E minor?")
    assert answer(out).startswith("The relative key of E minor (9A) is G major (9B)")


def test_a_relative_key_labelled_with_its_code_is_not_coded_twice(settings: Settings) -> None:
    # the relative of Eb minor comes labelled "F# major (2B)": the answer read
    # "is F# major (2B) (2B)" (outside tester)
    rows = [numbered_loop(1, "disco", "70s", 116.0, "Eb minor", tag="c7a2")]
    chat = Chat(offline_graph(pd.DataFrame(rows), settings=settings))
    chat.say("disco loops in Eb minor")
    said = answer(chat.say("whats the relative major of that"))
    assert said.startswith("The relative key of Eb minor (2A) is F# major (2B): same notes")
