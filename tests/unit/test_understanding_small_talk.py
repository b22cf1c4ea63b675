"""Thanks, praise, goodbyes, questions about the assistant and questions back about the
chat itself need no specialist (issue 10)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


def _read(text: str):  # type: ignore[no-untyped-def]
    return get_offline().understand(text, attached=[], conversation=Conversation())


@pytest.mark.parametrize(
    "text",
    [
        "this assistant is fire",
        "mate this tool is sick",
        "who are u",
        "ta pal, spot on",
        "sweet, that's amazing, see ya",
    ],
)
def test_small_talk_and_questions_about_the_assistant_ask_for_nothing(text: str) -> None:
    assert _read(text).specialists == []


@pytest.mark.parametrize(
    "text",
    [
        "perfect, now some dusty soul around 90",
        "thanks, dig up some jungle breaks too",
        "amazing, is it swung?",
        "great, tell me about 70s funk",
        "sick, more like the second one",
    ],
)
def test_thanks_beside_a_request_keeps_the_request(text: str) -> None:
    assert _read(text).specialists != []


@pytest.mark.parametrize(
    "text",
    [
        "what did we finally settle on for the transition?",
        "what breaks did you give me before?",
    ],
)
def test_a_question_back_about_the_chat_is_a_recap(text: str) -> None:
    read = _read(text)
    assert read.recap
    assert read.specialists == []


def test_asking_for_a_listed_sample_is_no_recap() -> None:
    read = _read("which loops did you find in A minor")
    assert not read.recap


@pytest.mark.parametrize("text", ["ah forget it", "nvm mate", "no worries, never mind"])
def test_a_request_called_off_asks_for_nothing(text: str) -> None:
    assert _read(text).specialists == []


def test_calling_off_one_thing_for_another_keeps_the_new_request() -> None:
    assert _read("never mind, show me some jungle breaks").specialists == ["discovery"]
