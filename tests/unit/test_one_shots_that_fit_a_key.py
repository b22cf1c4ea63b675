"""Pitched one-shots asked for in a key ("808s in A minor"): what a producer can play in
that key — the ones on its tonic first, then the fifth, then the other roots of its scale
— each labelled with how its root sits in the key, and the answer says how many are on
the tonic. A note named alone ("an 808 in F") is still that root only."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import library_frame, offline_graph, one_shot_record
from tests.chat import Chat, answer, hit_names

SHOTS = [
    one_shot_record("5f1e00000000f001", "808_C2.wav", "bass", "C2", tag="bass"),
    one_shot_record("5f1e00000000f002", "808_A1.wav", "bass", "A1", tag="bass"),
    one_shot_record("5f1e00000000f003", "808_F#1.wav", "bass", "F#1", tag="bass"),
    one_shot_record("5f1e00000000f004", "808_E1.wav", "bass", "E1", tag="bass"),
    one_shot_record("5f1e00000000f005", "808_Bb1.wav", "bass", "Bb1", tag="bass"),
    one_shot_record("5f1e00000000f006", "808_G1.wav", "bass", "G1", tag="bass"),
    one_shot_record("5f1e00000000f007", "snare_dry.wav", "snare", tag="snare"),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame((), SHOTS), settings=settings)


@pytest.mark.parametrize("text", ["808s in A minor", "got any 808s that fit A minor?"])
def test_808s_in_a_key_list_the_tonic_then_the_roots_that_fit(graph, text: str) -> None:
    out = Chat(graph).say(text)
    # the tonic, the fifth, then the other notes of A minor; F# and Bb are not in it
    names = hit_names(out)
    assert names[:2] == ["808_A1.wav", "808_E1.wav"]
    assert set(names) == {"808_A1.wav", "808_E1.wav", "808_C2.wav", "808_G1.wav"}
    reasons = {h.path.rsplit("/", 1)[-1]: h.reason for h in out["hits"]}
    assert "on the tonic of A minor" in reasons["808_A1.wav"]
    assert "the fifth of A minor" in reasons["808_E1.wav"]
    assert "in the A minor scale" in reasons["808_C2.wav"]
    # the answer is honest about which one is the exact match
    text_out = answer(out)
    assert "1 on the tonic of A minor" in text_out
    assert "on the tonic of A minor" not in reasons["808_C2.wav"]


def test_with_none_on_the_tonic_the_answer_says_so(graph) -> None:
    out = Chat(graph).say("808s in D minor")
    # D minor: D E F G A Bb C — no D 808 here
    assert hit_names(out)[0] == "808_A1.wav"  # the fifth
    assert set(hit_names(out)) == {
        "808_A1.wav",
        "808_E1.wav",
        "808_C2.wav",
        "808_G1.wav",
        "808_Bb1.wav",
    }
    assert "none is on the tonic of d minor" in answer(out).lower()


def test_a_root_named_alone_is_that_root_only(graph) -> None:
    out = Chat(graph).say("an 808 in E")
    assert hit_names(out) == ["808_E1.wav"]


def test_with_no_root_in_the_key_the_answer_says_what_is_missing(settings: Settings) -> None:
    shots = [s for s in SHOTS if s.analysis.root_note in {"F#1", "Bb1"}]  # not in A minor
    graph = offline_graph(library_frame((), shots), settings=settings)
    out = Chat(graph).say("find me an 808 that fits a loop in A minor at 90")
    # the 808s are there, only their roots are outside the key: said so, not "nothing
    # tagged bass", and not dressed up as fitting
    assert set(hit_names(out)) == {"808_F#1.wav", "808_Bb1.wav"}
    text = answer(out)
    assert "no bass one-shot here has a root in the a minor scale" in text.lower()
    assert "nothing tagged" not in text.lower()
    assert "on the tonic" not in text
