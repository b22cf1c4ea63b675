"""A sound asked for with the loop it is for only described ("an 808 that fits a loop in A
minor at 90"): the sound named first is what is searched for; the loop, its key and its
tempo, are the search's reference, not the kind of sample wanted."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.tools import vocab
from tests.catalogs import library_frame, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer


def _loop(i: int, bpm: float, key: str | None, instrument: str | None = None) -> dict:
    return numbered_loop(
        i,
        "boom bap",
        "90s",
        bpm,
        key,
        id=f"5f0d{i:012d}",
        name=f"loop_{i:02d}_{round(bpm)}",
        sha256=f"{i + 4400:064x}",
        swing_percent=58.0,
        backbeat_lag_ms=4.0,
        **({"instrument": instrument} if instrument else {}),
    )


LOOPS = [
    _loop(1, 90.0, "A minor"),
    _loop(2, 91.0, "A minor", instrument="bass"),
    _loop(3, 89.0, None, instrument="drums"),
    _loop(4, 140.0, "D minor"),
    _loop(5, 97.0, "E minor", instrument="bass"),
]
SHOTS = [
    one_shot_record("5f0d00000000f001", "808_A1.wav", "bass", "A1", tag="bass"),
    one_shot_record("5f0d00000000f002", "808_E1.wav", "bass", "E1", tag="bass"),
    one_shot_record("5f0d00000000f003", "808_D2.wav", "bass", "D2", tag="bass"),
    one_shot_record("5f0d00000000f004", "kick_punchy.wav", "kick", tag="kick"),
    one_shot_record("5f0d00000000f005", "snare_dry.wav", "snare", tag="snare"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(LOOPS, SHOTS), settings=settings)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("find me an 808 that fits a loop in A minor at 90", "A minor"),
        ("i need an 808 to go with a loop in E minor", "E minor"),
        ("an 808 for a beat in D minor at 140", "D minor"),
        ("got any 808 that works with a track in A minor around 90?", "A minor"),
    ],
)
def test_an_808_for_a_described_loop_is_a_one_shot_search(graph, text: str, key: str) -> None:
    out = Chat(graph).say(text)
    request = out["request"]
    assert request.kind == "one_shot"
    assert request.instrument == "bass"
    assert request.keys == [key]
    # one search, no mix check of the reference's key against nothing
    assert request.specialists == ["discovery"]
    assert out["hits"]
    assert all(h.kind == "one_shot" and h.instrument == "bass" for h in out["hits"])
    # the 808 on the reference's tonic comes first, and nothing had to be relaxed
    assert out["hits"][0].root_note[:1] == key[:1]
    assert "relaxed" not in answer(out)
    assert "Mix check" not in answer(out)


@pytest.mark.parametrize(
    ("text", "instrument"),
    [
        ("got a snare that fits a loop at 90?", "snare"),
        ("need a kick that'd work with a beat at 140", "kick"),
    ],
)
def test_a_drum_hit_for_a_described_loop_is_a_one_shot_search(
    graph, text: str, instrument: str
) -> None:
    out = Chat(graph).say(text)
    assert out["request"].kind == "one_shot"
    assert out["request"].specialists == ["discovery"]
    assert [h.instrument for h in out["hits"]] == [instrument]


def test_a_question_whether_an_808_fits_a_loop_stays_a_mix_check(graph) -> None:
    # no sound asked for: whether the 808 fits is the question
    out = Chat(graph).say("does an 808 on E fit a loop in C major")
    assert "compatibility" in out["request"].specialists
    assert "discovery" not in out["request"].specialists


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("an 808 that fits a loop in A minor", "one_shot"),
        ("a snare to match a 90 bpm break", "one_shot"),
        ("an 808 that suits a beat in F", "one_shot"),
        ("808 loops in A minor", "loop"),
        ("bass loops for a beat in A minor", "loop"),
        ("a kick loop", "loop"),
    ],
)
def test_the_kind_is_the_sound_named_not_the_loop_it_is_for(text: str, kind: str) -> None:
    assert vocab.find_kind(text, instrument=vocab.find_instrument(text)) == kind
