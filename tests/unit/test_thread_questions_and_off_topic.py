"""Questions about the conversation itself are answered from the thread's own messages,
and a message that is no task of the assistant's gets a short "outside what I do" with
one line of what it does — not the capabilities blurb, and never a "same answer" lead
because the blurb was given before."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools.vocab import asked_before
from tests.catalogs import catalog_frame, offline_graph
from tests.chat import Chat, answer


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(catalog_frame(40), settings=settings))


@pytest.mark.parametrize(
    ("text", "nth"),
    [
        ("hey, what was the very first thing I asked?", 0),
        ("what was my second question", 1),
        ("what did I say just now? what did I type before", -1),
        ("what was the last message I sent", -1),
        ("what did i ask you at the start", 0),
        ("what is the second one in the list?", None),
        ("what was the first loop you found", None),
        ("how's the traffic looking?", None),
    ],
)
def test_which_earlier_message_is_asked_about(text: str, nth: int | None) -> None:
    assert asked_before(text) == nth


def test_history_questions_quote_the_thread(chat: Chat) -> None:
    chat.say("any disco loops near 120 bpm?")
    chat.say("and which of them are in a minor key")
    first = answer(chat.say("remind me, what was the first thing I asked you?"))
    assert "“any disco loops near 120 bpm?”" in first
    assert "I can analyse" not in first
    last = answer(chat.say("and what did I ask just before that?"))
    assert "“remind me, what was the first thing I asked you?”" in last


def test_a_history_question_opening_a_thread_says_there_is_nothing_before(chat: Chat) -> None:
    said = answer(chat.say("what did I ask you before?"))
    assert "first thing you've asked" in said


def test_off_topic_is_declined_briefly_even_after_the_blurb(chat: Chat) -> None:
    assert "I can analyse" in answer(chat.say("hello"))
    said = answer(chat.say("can you book me a table for two tonight?"))
    assert "outside what I do" in said
    assert "same answer" not in said
    assert "nothing new to look up" not in said
    assert "I can analyse" not in said  # one line of what it does, not the blurb
    assert said.count(".") <= 3
    other = answer(chat.say("who wins the league this year, do you think?"))
    assert "outside what I do" in other
    assert "same answer" not in other
