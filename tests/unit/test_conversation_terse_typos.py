"""Terse, misspelt follow-ups read as what they stand for: "majr only", "fastr", "3rd one
tempo?", "kiks", a bare "swing" after an analysis, "the 140 one, half time is ok" (own
data and wording)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding.spelling import correct, edit_distance
from groovegraph.settings import Settings
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat


def _loop(n: int, genre: str, bpm: float, key: str, swing: float = 55.0) -> dict:
    return numbered_loop(
        n,
        genre,
        "70s",
        bpm,
        key,
        tag="7e05",
        name=f"{genre}_{n:02d}_{int(bpm)}",
        vibe="warm",
        swing_percent=swing,
        backbeat_lag_ms=1.0,
    )


ROWS = [
    _loop(1, "soul", 90.0, "C major"),
    _loop(2, "soul", 91.0, "A minor"),
    _loop(3, "soul", 92.0, "F major"),
    _loop(4, "soul", 89.0, "D minor"),
    _loop(5, "soul", 98.0, "G major", swing=60.0),
    _loop(6, "soul", 99.0, "E minor", swing=58.0),
    _loop(7, "soul", 100.0, "Bb major", swing=57.0),
    _loop(8, "dub", 70.0, "B minor"),
    _loop(9, "dub", 72.0, "E minor"),
]


KICKS = [
    one_shot_record("00007e05ab000001", "kick_01.wav", "kick"),
    one_shot_record("00007e05ab000002", "kick_02.wav", "kick"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(ROWS, KICKS), settings=settings)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("majr only", "major only"),
        ("mnior pls", "minor pls"),
        ("fastr?", "faster?"),
        ("3rd one tempo?", "3rd one tempo?"),
        ("thrid one, swign?", "third one, swing?"),
        ("min only", "minor only"),
        ("a 5 min loop", "a 5 min loop"),
        ("does it go w/ the pad", "does it go with the pad"),
        ("this slaps", "this slaps"),
        ("mix w soul_02_91?", "mix with soul_02_91?"),
        ("recorded w/o a click", "recorded without a click"),
        ("grimy loops that blends", "grimy loops that blends"),
        ("is that doable", "is that doable"),
        ("what Camelot code", "what Camelot code"),
    ],
)
def test_request_words_are_read_through_typos(typed, read) -> None:
    assert correct(typed) == read


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("tmepo", "tempo") == 1
    assert edit_distance("slowr", "slower") == 1
    assert edit_distance("abcdef", "uvwxyz") == 3


def test_misspelt_mode_and_tempo_move_narrow_the_list(graph) -> None:
    chat = Chat(graph)
    first = chat.say("soul loops around 91")
    assert len(first["hits"]) == 4
    out = chat.say("majr only")
    assert out["request"].specialists == ["discovery"]
    assert {h.key for h in out["hits"]} == {"C major", "F major"}
    faster = chat.say("fastr")
    assert faster["request"].specialists == ["discovery"]
    assert faster["hits"]
    assert all(h.tempo_bpm > 91.0 for h in faster["hits"])
    assert {h.key for h in faster["hits"]} <= {"F major", "G major", "Bb major"}
    pick = chat.say("2nd one swign?")
    assert pick["request"].samples == [faster["hits"][1].sample_id]


def test_misspelt_drum_hit_is_searched(graph) -> None:
    out = Chat(graph).say("kiks")
    assert out["request"].specialists == ["discovery"]
    assert {h.sample_id for h in out["hits"]} == {k.id for k in KICKS}


def test_a_bare_measure_word_asks_it_of_the_sample_in_focus(graph) -> None:
    chat = Chat(graph)
    sid = ROWS[5]["id"]
    chat.say(f"tempo of sample {sid}")
    out = chat.say("key")
    assert out["request"].samples == [sid]
    assert out["request"].specialists == ["groove"]


def test_a_tempo_named_at_double_time_finds_the_half_time_loops(graph) -> None:
    chat = Chat(graph)
    chat.say("dub loops")
    out = chat.say("closest to 142, double time's fine")
    assert {h.tempo_bpm for h in out["hits"]} == {70.0, 72.0}
