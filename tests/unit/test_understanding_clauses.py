"""Multi-part messages: each clause that asks something brings its own specialist, at
a clause cut chosen by leave-one-set-out rather than by hand (issue 10)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import CLAUSE_P, Conversation, get_offline
from groovegraph.graph.understanding import train as training


def test_the_best_candidate_wins_and_a_plateau_stays_near_the_old_value() -> None:
    assert training.best_nearest({0.5: 10, 0.7: 12, 0.9: 11}, prior=0.9) == 0.7
    # equal scores: the one nearest the value in use, so a flat stretch moves nothing
    assert training.best_nearest({0.5: 12, 0.6: 12, 0.9: 11}, prior=0.9) == 0.6
    assert training.best_nearest({0.5: 12, 0.9: 12}, prior=0.9) == 0.9


def test_the_clause_cut_is_below_the_old_hand_set_value() -> None:
    assert 0.5 <= CLAUSE_P < 0.9


@pytest.mark.parametrize(
    ("text", "attached", "want"),
    [
        # a question about a style's usual tempo and a search at it: both are answered
        (
            "how fast do dnb tunes usually run, and grab me a few dnb breaks at that speed",
            0,
            {"era", "discovery"},
        ),
        # a story around the file asks nothing more than the question about it
        ("I sampled this off an old vinyl, how swung is it", 1, {"groove"}),
        ("my mate sent me this, any idea of the tempo?", 1, {"groove"}),
    ],
)
def test_each_asking_clause_brings_its_specialist(text: str, attached: int, want: set[str]) -> None:
    got = get_offline().understand(
        text, attached=["0a1b2c3d4e50"][:attached], conversation=Conversation()
    )
    assert set(got.specialists) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "who made it? tell me. and what about 70s funk?? ok!",
            ["who made it?", " and what about 70s funk?"],
        ),
        ("no questions here. none at all!", []),
        ("just one?", ["just one?"]),
        ("?!.?", []),
    ],
)
def test_questions_are_the_runs_ending_in_a_question_mark(text: str, want: list[str]) -> None:
    from groovegraph.graph.understanding import _questions

    assert _questions(text) == want


def test_a_long_message_without_a_question_is_read_with_its_questions_none() -> None:
    # 20,000 characters with no "?" (a pasted set list): no question in it, whatever its
    # length; the former pattern re-scanned the rest of the text from every character
    from groovegraph.graph.understanding import _questions

    assert _questions("funk loop 92 bpm " * 1200) == []
