"""A DJ asking what can follow the track playing: the tracks that can (a search) and how
they mix; asking where the key can go is a mixing question alone (issue 10)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


def _read(text: str, attached: int = 0):  # type: ignore[no-untyped-def]
    return get_offline().understand(
        text, attached=["0a1b2c3d4e50"][:attached], conversation=Conversation()
    )


@pytest.mark.parametrize(
    "text",
    [
        "what could we drop next after a 122 house tune in F minor",
        "playing a 96 bpm funk track in 6A, what should I bring in after it",
        "next tune after a D minor disco loop at 118? disco again please",
    ],
)
def test_what_can_follow_a_track_is_a_compatible_search(text: str) -> None:
    read = _read(text)
    assert set(read.specialists) == {"compatibility", "discovery"}
    assert read.compatible


def test_what_can_follow_the_attached_track_also_analyses_it() -> None:
    read = _read("what else can I play after this one", attached=1)
    assert set(read.specialists) == {"compatibility", "discovery", "groove"}


@pytest.mark.parametrize(
    "text", ["currently on 3B, where could I go", "what's a safe key to close the set on from 7A"]
)
def test_where_the_key_can_go_is_a_mixing_question(text: str) -> None:
    assert _read(text).specialists == ["compatibility"]


def test_where_to_go_for_samples_is_no_key_move() -> None:
    assert "compatibility" not in _read("where can i go to get more jungle breaks").specialists


@pytest.mark.parametrize(
    "text",
    [
        "this is my opener. what can follow it",
        "what would follow this one in a set",
        "what follows my loop",
    ],
)
def test_what_can_follow_it_names_the_track_after_the_verb(text: str) -> None:
    read = _read(text, attached=1)
    assert set(read.specialists) == {"compatibility", "discovery", "groove"}
    assert read.compatible
