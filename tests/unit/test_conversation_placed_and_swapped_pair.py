"""Mix questions phrased without a mixing verb: "bassline over the rhodes, work?" and "the
top one into <another listed loop>, any good?" check that pair; "what about <another
sample> instead" right after a mix check runs it again with the new sample in place of
the one asked about (own data and wording)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat


def _loop(n: int, name: str, bpm: float, key: str) -> dict:
    return numbered_loop(
        n, "soul", "70s", bpm, key, tag="9a1e", name=name, vibe="warm", backbeat_lag_ms=1.0
    )


LOOPS = [
    _loop(1, "rhodes_chords_90", 90.0, "A minor"),
    _loop(2, "dusty_break_92", 92.0, "C major"),
    _loop(3, "soul_strings_91", 91.0, "E minor"),
    _loop(4, "soul_horns_89", 89.0, "F major"),
]
SHOTS = [
    one_shot_record("00009a1eab000001", "808_A1.wav", "bass", root="A1"),
    one_shot_record("00009a1eab000002", "808_F1.wav", "bass", root="F1"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(LOOPS, SHOTS), settings=settings)


@pytest.mark.parametrize(
    "text", ["808 over the rhodes, work?", "the 808 under the rhodes - any good?"]
)
def test_one_sample_placed_under_another_is_a_mix_check(graph, text) -> None:
    chat = Chat(graph)
    chat.say("here's my 808", samples=[SHOTS[0].id])
    chat.say("and the rhodes loop", samples=[LOOPS[0]["id"]])
    out = chat.say(text)
    assert out["request"].specialists == ["compatibility"]
    assert out["request"].samples == [SHOTS[0].id, LOOPS[0]["id"]]


def test_a_listed_hit_placed_into_another_is_a_mix_check(graph) -> None:
    chat = Chat(graph)
    listed = chat.say("soul loops around 90")["hits"]
    assert len(listed) == 4
    out = chat.say(f"top one into sample {listed[2].sample_id}, any good?")
    assert "compatibility" in out["request"].specialists
    assert "discovery" not in out["request"].specialists
    assert out["request"].samples == [listed[0].sample_id, listed[2].sample_id]


def test_another_sample_instead_repeats_the_mix_check(graph) -> None:
    chat = Chat(graph)
    first = chat.say(f"does sample {SHOTS[0].id} fit with sample {LOOPS[0]['id']}?")
    assert "compatibility" in first["request"].specialists
    out = chat.say(f"what about sample {SHOTS[1].id} instead")
    assert "compatibility" in out["request"].specialists
    assert out["request"].samples == [SHOTS[1].id, LOOPS[0]["id"]]
