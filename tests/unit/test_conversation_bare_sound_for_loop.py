"""A sound asked for a loop at hand with no determiner before it ("snare that fits this
loop?", "808 in the key of my loop", "808s that fit it", "the 108 one. what 808 fits") is
a one-shot search keyed to that loop, as "a snare that fits this loop" is: not a groove
analysis of the loop again. The loop is measured first only when it was just attached."""

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
        tag="beef",
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
    id="78" * 8,
    path="/data/uploads/78/mine.wav",
    sha256="78" * 32,
    source="upload:my break.wav",
    tempo_bpm=96.0,
    swing_percent=55.0,
    backbeat_lag_ms=4.0,
    key="B minor",
)
SHOTS = [
    one_shot_record("e00e000000000001", "sub_G1.wav", "bass", "G1", tag="bass"),
    one_shot_record("e00e000000000002", "sub_D1.wav", "bass", "D1", tag="bass"),
    one_shot_record("e00e000000000003", "sub_C#1.wav", "bass", "C#1", tag="bass"),
    one_shot_record("e00e000000000004", "snare_crack.wav", "snare", tag="snare"),
    one_shot_record("e00e000000000005", "sub_F1.wav", "bass", "F1", tag="bass"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([*ROWS, MINE], SHOTS), settings=settings)


def test_a_bare_sound_for_the_attached_loop_measures_it_and_searches(graph) -> None:
    out = Chat(graph).say("snare that fits this loop?", samples=[MINE["id"]])
    assert sorted(out["plan"].specialists) == ["discovery", "groove"]
    assert (out["request"].kind, out["request"].instrument) == ("one_shot", "snare")
    assert hit_names(out) == ["snare_crack.wav"]


@pytest.mark.parametrize(
    "text", ["808 in the key of my loop", "808s that fit it", "808 that sits in the key of this"]
)
def test_a_bare_808_for_the_loop_in_focus_is_a_one_shot_search(graph, text) -> None:
    chat = Chat(graph)
    chat.say("how swung is my loop?", samples=[MINE["id"]])
    out = chat.say(text)
    req = out["request"]
    assert out["plan"].specialists == ["discovery"]
    assert (req.kind, req.instrument) == ("one_shot", "bass")
    assert req.for_sample == MINE["id"]
    assert "sub_C#1.wav" in hit_names(out)  # B minor has C#, and F# but no F
    assert "sub_F1.wav" not in hit_names(out)


@pytest.mark.parametrize("text", ["the 108 one. what 808 fits", "the 108 one. 808 that fits"])
def test_a_bare_808_for_a_listed_loop_named_first(graph, text) -> None:
    chat = Chat(graph)
    chat.say("electro loops")
    out = chat.say(text)
    assert out["plan"].specialists in (["discovery"], ["groove", "discovery"])
    assert out["request"].instrument == "bass"
    # G minor: G, D and F are in its scale, C# is not
    assert set(hit_names(out)) <= {"sub_G1.wav", "sub_D1.wav", "sub_F1.wav"}
    assert hit_names(out)


@pytest.mark.parametrize("text", ["is this in the key of my loop", "does it fit"])
def test_a_question_about_the_loop_is_no_sound_search(graph, text) -> None:
    chat = Chat(graph)
    chat.say("how swung is my loop?", samples=[MINE["id"]])
    out = chat.say(text)
    assert "discovery" not in out["plan"].specialists
