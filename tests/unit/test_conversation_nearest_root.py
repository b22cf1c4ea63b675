"""A one-shot asked at a pitch none of its kind is tuned to ("a kick tuned to A" where the
kicks' measured roots are A# and G) lists the ones whose root is nearest, nearest first,
and says so with how far each is (outside tester: "a kick tuned to A" found nothing and
said nothing was tagged kick, though the demo's kicks carry measured roots)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer, hit_names

SHOTS = [
    one_shot_record("c1c1" + "0" * 12, "kick_g.wav", "kick", "G1"),
    one_shot_record("c1c2" + "0" * 12, "kick_as.wav", "kick", "A#1"),
    one_shot_record("c1c3" + "0" * 12, "kick_e.wav", "kick", "E1"),
    one_shot_record("b0b1" + "0" * 12, "808_c2.wav", "bass", "C2"),
    one_shot_record("b0b2" + "0" * 12, "808_g1.wav", "bass", "G1"),
    one_shot_record("5a5a" + "0" * 12, "snare_1.wav", "snare"),
]
LOOPS = [numbered_loop(1, "funk", "70s", 97.0, "E minor", tag="c1c1")]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    return Chat(offline_graph(library_frame(LOOPS, SHOTS), settings=settings))


@pytest.mark.parametrize(
    ("ask", "names", "said"),
    [
        (
            "a kick tuned to A",
            ["kick_as.wav", "kick_g.wav", "kick_e.wav"],
            "No kick one-shot here is tuned to A; showing the nearest roots: A#1 (1 semitone "
            "above), G1 (2 semitones below)",
        ),
        (
            "an 808 tuned to B",
            ["808_c2.wav", "808_g1.wav"],
            "tuned to B; showing the nearest roots: C2 (1 semitone above), G1 (4 semitones below)",
        ),
    ],
)
def test_the_nearest_roots_when_none_is_on_the_pitch(
    chat: Chat, ask: str, names: list[str], said: str
) -> None:
    out = chat.say(ask)
    # the turn's request says what was searched: the pitch relaxed
    assert out["request"].root_note is None
    assert hit_names(out) == names
    assert said in answer(out)
    assert "Nothing tagged" not in answer(out)


def test_a_root_that_is_there_is_still_matched_exactly(chat: Chat) -> None:
    out = chat.say("a kick tuned to G")
    assert hit_names(out) == ["kick_g.wav"]
    assert "nearest" not in answer(out)


def test_a_follow_up_on_the_nearest_ones_does_not_ask_the_pitch_again(chat: Chat) -> None:
    chat.say("a kick tuned to A")
    out = chat.say("a kick one-shot")
    assert out["request"].root_note is None
    assert sorted(hit_names(out)) == ["kick_as.wav", "kick_e.wav", "kick_g.wav"]
