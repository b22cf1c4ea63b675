"""A message of two parts asks both (set16, a DJ's terse two-part requests): a key or
tempo question and a search ("relative major of E minor? then loops in it round 120"),
history and a search ("90s house history plus a few deep ones from then"), a measurement
and a question about the past ("swing on this, and was that swing a 70s thing", "pocket
on this + who played like that back in the day") or a search ("whats the tempo on this
and is there a trap loop at double that"). Before, one part was dropped."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline
from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph
from tests.chat import Chat


def _read(text: str, attached: int = 0):  # type: ignore[no-untyped-def]
    return get_offline().understand(
        text, attached=["0a1b2c3d4e50"][:attached], conversation=Conversation()
    )


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("90s house history plus a few deep ones from then", {"era", "discovery"}),
        ("energy boost from 4A and any trap loops there", {"compatibility", "discovery"}),
        ("relative major of E minor? then loops in it round 120", {"compatibility", "discovery"}),
        ("stretch % from 120 to 126 and show me 126 house", {"compatibility", "discovery"}),
    ],
)
def test_both_parts_of_a_request_are_answered(text: str, want: set[str]) -> None:
    assert set(_read(text).specialists) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("swing on this, and was that swing a 70s thing", {"groove", "era"}),
        (
            "whats the tempo on this and is there a trap loop at double that",
            {"groove", "discovery"},
        ),
    ],
)
def test_a_measurement_and_another_ask_about_the_attached_loop(text: str, want: set[str]) -> None:
    assert set(_read(text, attached=1).specialists) == want


def test_history_alone_is_still_the_era_specialists() -> None:
    assert _read("90s house history").specialists == ["era"]


def test_a_question_about_a_decade_is_no_search() -> None:
    assert "discovery" not in _read("was that swing a 70s thing", attached=1).specialists


def test_who_played_like_that_is_no_search_by_pocket(settings: Settings) -> None:
    row = numbered_loop(1, "funk", "70s", 97.0, "E minor", tag="a11c")
    graph = offline_graph(library_frame([row]), settings=settings)
    out = Chat(graph).say(
        "pocket on this + who played like that back in the day", samples=[str(row["id"])]
    )
    assert sorted(out["plan"].specialists) == ["era", "groove"]
