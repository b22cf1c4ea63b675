"""A style put in place of another right after a one-shot search ("what about disco
instead", "swap to house" after kicks) when no one-shot carries a style tag (the demo's
do not): the README's swap replaces the genre and keeps the rest, and no kick can be
disco, so it lists that style's loops and says why; the next follow-up narrows those
loops. A one-shot asked with a style ("a disco kick") keeps the sound and says the style is
left out (outside tester: the swap kept searching kicks and found nothing)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer, hit_names

_TAG = "d15c"
LOOPS = [
    numbered_loop(1, "disco", "70s", 118.0, "A minor", tag=_TAG, name="disco_118"),
    numbered_loop(2, "disco", "80s", 124.0, "C major", tag=_TAG, name="disco_124"),
    numbered_loop(3, "house", "90s", 125.0, "F minor", tag=_TAG, name="house_125"),
    numbered_loop(4, "funk", "70s", 97.0, "E minor", tag=_TAG, name="funk_97"),
]
SHOTS = [
    one_shot_record("d1c1" + "0" * 12, "kick_1.wav", "kick", "G1"),
    one_shot_record("d1c2" + "0" * 12, "kick_2.wav", "kick", "A#1"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))
    assert sorted(hit_names(chat.say("a kick one-shot"))) == ["kick_1.wav", "kick_2.wav"]
    return chat


@pytest.mark.parametrize("ask", ["what about disco instead", "swap to disco"])
def test_a_style_swap_after_kicks_lists_that_styles_loops(chat: Chat, ask: str) -> None:
    out = chat.say(ask)
    assert sorted(hit_names(out)) == ["disco_118.wav", "disco_124.wav"]
    said = answer(out)
    assert "No one-shot here is tagged disco, so these are disco loops instead of kick" in said
    assert out["request"].kind == "loop"
    # the next follow-up narrows the loops listed, not kicks
    fastest = chat.say("which one is the fastest?")
    assert hit_names(fastest) == ["disco_124.wav"]


def test_a_one_shot_asked_with_a_style_keeps_the_sound(chat: Chat) -> None:
    out = chat.say("a disco kick")
    assert sorted(hit_names(out)) == ["kick_1.wav", "kick_2.wav"]
    assert "No one-shot here is tagged disco, so the style is left out" in answer(out)
