"""A one-shot search's pitch filter follows what the user says now (outside tester):

* "808s that fit A minor" right after "need an 808 in F": the key stated replaces the
  root note F (before: "Nothing new… same list again", still filtered to F);
* "any kicks?" after 808s in A minor: a drum hit's root is no filter carried from a
  pitched sound (before: the A minor root filter hid 2 of the 3 kicks), nor is the mode.
"""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer, hit_names

SHOTS = [
    one_shot_record("e10d000000000001", "sub_F1.wav", "bass", "F1", tag="bass"),
    one_shot_record("e10d000000000002", "sub_A1.wav", "bass", "A1", tag="bass"),
    one_shot_record("e10d000000000003", "sub_E1.wav", "bass", "E1", tag="bass"),
    one_shot_record("e10d000000000004", "sub_C2.wav", "bass", "C2", tag="bass"),
    one_shot_record("e10d000000000005", "kick_thud.wav", "kick", tag="kick"),
    one_shot_record("e10d000000000006", "kick_punch.wav", "kick", tag="kick"),
    one_shot_record("e10d000000000007", "kick_tuned_A.wav", "kick", "A1", tag="kick"),
]
ROWS = [numbered_loop(1, "trap", "10s", 140.0, "A minor", tag="e10d")]
KICKS = ["kick_punch.wav", "kick_thud.wav", "kick_tuned_A.wav"]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(ROWS, SHOTS), settings=settings))


@pytest.mark.parametrize("ask", ["808s that fit A minor", "what about 808s in A minor"])
def test_a_stated_key_replaces_the_root_note(chat: Chat, ask: str) -> None:
    assert hit_names(chat.say("need an 808 in F")) == ["sub_F1.wav"]
    out = chat.say(ask)
    assert out["request"].root_note is None
    assert out["request"].keys == ["A minor"]
    assert hit_names(out)[0] == "sub_A1.wav"
    assert len(hit_names(out)) > 1
    assert "Nothing new" not in answer(out)


@pytest.mark.parametrize("ask", ["any kicks?", "kicks?", "got any kicks"])
def test_a_kick_search_drops_the_key_of_the_808s(chat: Chat, ask: str) -> None:
    chat.say("808s in A minor")
    out = chat.say(ask)
    assert out["request"].keys == []
    assert sorted(hit_names(out)) == KICKS
    assert "keys only" not in answer(out)


def test_a_snare_search_drops_the_mode_of_the_808s(chat: Chat) -> None:
    chat.say("808s in A minor")
    out = chat.say("any snares")
    assert "keys only" not in answer(out)


def test_a_kick_tuned_to_a_note_keeps_it(chat: Chat) -> None:
    chat.say("808s in A minor")
    out = chat.say("a kick tuned to A")
    assert hit_names(out) == ["kick_tuned_A.wav"]
