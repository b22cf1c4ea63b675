"""One-shots in a conversation, as a blind user trial used them: a question about gear
history after a one-shot was discussed, and a second pitched one-shot request after a
first. Real offline graph over the blind-trial catalog."""

from __future__ import annotations

from tests.chat import Chat, answer
from tests.unit.test_graph_blind_trial import graph  # noqa: F401


def test_a_history_question_after_a_one_shot_is_not_answered_from_the_one_shot(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    chat.say("what's the root note of this one?", samples=["5b07000000000001"])
    out = chat.say("who made the TR-808 famous and when did it come out?")
    text = answer(out)
    assert "invalid_query" not in text
    assert "? BPM" not in text
    assert "swing ? %" not in text


def test_a_second_pitched_one_shot_request_replaces_the_root(graph) -> None:  # noqa: F811
    chat = Chat(graph)
    first = chat.say("I need a kick tuned to A")
    assert first["request"].root_note == "A"
    out = chat.say("and an 808 in F")
    assert out["request"].root_note == "F"
    assert [h.sample_id for h in out["hits"]] == ["5b07000000000005"]
