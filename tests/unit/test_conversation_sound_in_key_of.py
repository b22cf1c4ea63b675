"""A sound asked for "in the key of" a sample, or "for" a listed loop named by its tempo
alone ("a kick for the 108"), is a one-shot search keyed on that sample — not a groove
analysis of the sample (own data: electro loops and a few one-shots)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import (
    catalog_row,
    library_frame,
    numbered_loop,
    offline_graph,
    one_shot_record,
)
from tests.chat import Chat, hit_names


def _loop(n: int, name: str, bpm: float, key: str) -> dict:
    return numbered_loop(
        n,
        "electro",
        "80s",
        bpm,
        key,
        tag="cafe",
        name=name,
        swing_percent=51.0,
        backbeat_lag_ms=1.0,
    )


ROWS = [
    _loop(1, "electro_robot_108", 108.0, "G minor"),
    _loop(2, "electro_robot_116", 116.0, "D major"),
    _loop(3, "electro_robot_121", 121.0, "A major"),
]
MINE = catalog_row(
    id="77" * 8,
    path="/data/uploads/77/mine.wav",
    sha256="77" * 32,
    source="upload:my break.wav",
    tempo_bpm=96.0,
    swing_percent=55.0,
    backbeat_lag_ms=4.0,
    key="B minor",
)
SHOTS = [
    one_shot_record("e00d000000000001", "sub_G1.wav", "bass", "G1", tag="bass"),
    one_shot_record("e00d000000000002", "sub_D1.wav", "bass", "D1", tag="bass"),
    one_shot_record("e00d000000000003", "sub_C#1.wav", "bass", "C#1", tag="bass"),
    one_shot_record("e00d000000000004", "kick_thud.wav", "kick", tag="kick"),
    one_shot_record("e00d000000000005", "sub_F1.wav", "bass", "F1", tag="bass"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([*ROWS, MINE], SHOTS), settings=settings)


@pytest.mark.parametrize(
    "text",
    ["gimme an 808 in the key of the 108 one", "a bass one-shot in the same key as the 108 one"],
)
def test_a_sound_in_the_key_of_a_listed_hit_is_a_one_shot_search(graph, text) -> None:
    chat = Chat(graph)
    chat.say("electro loops")
    out = chat.say(text)
    req = out["request"]
    assert out["plan"].specialists == ["discovery"]
    assert (req.kind, req.instrument) == ("one_shot", "bass")
    assert req.for_sample == ROWS[0]["id"]
    # G minor: G, D and F are in its scale, C# is not
    assert set(hit_names(out)) <= {"sub_G1.wav", "sub_D1.wav", "sub_F1.wav"}
    assert hit_names(out)


def test_a_sound_in_the_key_of_my_attached_loop(graph) -> None:
    chat = Chat(graph)
    chat.say("how swung is my break?", samples=[MINE["id"]])
    out = chat.say("and an 808 in the key of my break")
    req = out["request"]
    assert out["plan"].specialists == ["discovery"]
    assert (req.kind, req.instrument) == ("one_shot", "bass")
    assert req.for_sample == MINE["id"]
    assert "sub_C#1.wav" in hit_names(out)  # B minor has C#, and F# but no F
    assert "sub_F1.wav" not in hit_names(out)


def test_a_kick_for_a_listed_loop_named_by_its_bare_tempo(graph) -> None:
    chat = Chat(graph)
    chat.say("electro loops")
    out = chat.say("ok and a kick for the 116")
    req = out["request"]
    assert out["plan"].specialists == ["discovery"]
    assert (req.kind, req.instrument) == ("one_shot", "kick")
    assert req.for_sample == ROWS[1]["id"]
    assert (req.bpm_min, req.bpm_max) == (None, None)  # the 116 named the loop
    assert hit_names(out) == ["kick_thud.wav"]


def test_a_kick_for_a_listed_loop_right_after_a_mix_check_is_still_a_search(graph) -> None:
    chat = Chat(graph)
    chat.say("electro loops")
    chat.say("the 108 one and the 121 one - do they mix together?")
    out = chat.say("cool, and a kick for the 116")
    assert out["plan"].specialists == ["discovery"]
    assert out["request"].for_sample == ROWS[1]["id"]
    assert hit_names(out) == ["kick_thud.wav"]
