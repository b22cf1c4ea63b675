"""A sound asked for a listed loop named by its rank — "a snare one-shot for the first
one", "an 808 for the second one", "a kick for the 3rd loop" — searches that sound for that
loop (an 808 in its key), as "a snare one-shot for the disco one" does (outside tester: the
loop was analysed instead and no one-shot was searched)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer, hit_names

_TAG = "5f0a"
LOOPS = [
    numbered_loop(1, "funk", "70s", 97.0, "E minor", tag=_TAG, name="funk_em"),
    numbered_loop(2, "funk", "70s", 98.0, "A minor", tag=_TAG, name="funk_am"),
    numbered_loop(3, "funk", "70s", 99.0, "C major", tag=_TAG, name="funk_c"),
]
SHOTS = [
    one_shot_record("5a4e" + "0" * 12, "snare_01.wav", "snare"),
    one_shot_record("5a4f" + "0" * 12, "kick_01.wav", "kick"),
    one_shot_record("808e" + "0" * 12, "808_E1.wav", "bass", "E1"),
    one_shot_record("808a" + "0" * 12, "808_A1.wav", "bass", "A1"),
    one_shot_record("808c" + "0" * 12, "808_C2.wav", "bass", "C2"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    chat = Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))
    assert hit_names(chat.say("funk loops around 97")) == [
        "funk_em.wav",
        "funk_am.wav",
        "funk_c.wav",
    ]
    return chat


@pytest.mark.parametrize(
    ("ask", "loop", "found"),
    [
        ("a snare one-shot for the first one", "funk_em.wav", "snare_01.wav"),
        ("got a kick for the 3rd loop?", "funk_c.wav", "kick_01.wav"),
        ("an 808 for the second one", "funk_am.wav", "808_A1.wav"),
    ],
)
def test_a_sound_for_a_ranked_hit_is_searched_for_it(
    chat: Chat, ask: str, loop: str, found: str
) -> None:
    out = chat.say(ask)
    assert out["plan"].specialists == ["discovery"]
    req = out["request"]
    assert req.kind == "one_shot"
    assert req.for_sample == next(r["id"] for r in LOOPS if r["path"].endswith(loop))
    assert hit_names(out)[0] == found
    assert f"For {loop}" in answer(out)
    assert "Groove analysis" not in answer(out)
