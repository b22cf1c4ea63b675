"""A condition before an ask, a sample's key in Camelot notation, and a machine's name
used for a pitched sound (issue 10)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import (
    Conversation,
    _asks,
    _asks_about_history,
    get_offline,
    parse_request,
)

ONE = ["0a1b2c3d4e50"]


def _read(text: str, attached: list[str] | None = None) -> list[str]:
    read = get_offline().understand(text, attached=attached or [], conversation=Conversation())
    return list(read.specialists)


@pytest.mark.parametrize(
    "clause",
    [
        "if it drags, tell me which drummers played like that",
        "when you have the tempo, find me a few soul loops near it",
        "if it's swung then explain where that shuffle comes from",
    ],
)
def test_a_condition_before_the_ask_is_read_past(clause: str) -> None:
    assert _asks(clause, parse_request(clause))


def test_a_condition_alone_asks_nothing() -> None:
    clause = "if I ever get round to finishing the track"
    assert not _asks(clause, parse_request(clause))


def test_a_conditional_history_question_about_the_sample_keeps_era() -> None:
    got = _read(
        "check the swing on this, and if it's heavy tell me which 70s drummers were known for it",
        ONE,
    )
    assert set(got) == {"groove", "era"}


@pytest.mark.parametrize(
    "text", ["camelot code + key of this one please", "what's this loop in camelot notation"]
)
def test_the_camelot_code_of_a_sample_is_its_analysis(text: str) -> None:
    assert _read(text, ONE) == ["groove"]


@pytest.mark.parametrize(
    "text",
    [
        "what's the camelot of this and what could I go to next",
        "camelot code of this one, and its neighbours on the wheel",
    ],
)
def test_a_camelot_move_from_the_sample_is_a_mix_question(text: str) -> None:
    assert "compatibility" in _read(text, ONE)


def test_a_machine_named_for_a_tuned_sound_is_no_gear_question() -> None:
    assert not _asks_about_history("got an 808 tuned to F#?")
    assert _asks_about_history("who first used the 808 on a record?")
