"""Three-letter slips: a word too short for the one-edit rule is still read when it is its
target with two neighbours swapped ("hte" for "the") or with a doubled letter typed once
("jaz" for "jazz"); other short words stay as typed."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding.spelling import correct


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("hte Eb one pls", "the Eb one pls"),
        ("any jaz breaks around 88", "any jazz breaks around 88"),
        ("play it back wiht a pad", "play it back with a pad"),
    ],
)
def test_a_short_slip_is_read_as_its_word(typed: str, read: str) -> None:
    assert correct(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "dnb at 174",
        "lofi hop",
        "a sub hit",
        "the dub ones",
        "an 808 pls",
        "bpm of the pad",
        "fav set",
    ],
)
def test_short_words_that_are_no_slip_stay(typed: str) -> None:
    assert correct(typed) == typed
