"""Conversation defects an outside tester found with their own uploads (own wording and
own files here, not the tester's): uploads named in prose by words of the names they
were sent with, a measured value of a named upload asked again, a sound for a named
loop while a library hit is in focus, a recap of the thread with its mix verdicts, and
a loop's feel described by the instruments in it."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from tests.catalogs import (
    library_frame,
    numbered_loop,
    offline_graph,
    one_shot_record,
    upload_row,
)
from tests.chat import Chat, answer, hit_names


def _upload(n: int, sent_as: str, bpm: float, key: str | None, swing: float) -> dict:
    return upload_row(n, sent_as, bpm, key, swing, lag_ms=7.0)


def _loop(n: int, name: str, genre: str, bpm: float, key: str, swing: float) -> dict:
    return numbered_loop(n, genre, "80s", bpm, key, tag="beef", name=name, swing_percent=swing)


TAPE = _upload(0x3C, "tape drums take 2.wav", 87.0, None, 63.5)  # drums only
RHODES = _upload(0x5D, "late rhodes chords.wav", 87.0, "E minor", 52.0)
ROWS = [
    TAPE,
    RHODES,
    _loop(1, "electro_groove_a", "electro", 110.0, "B minor", 50.5),
    _loop(2, "electro_groove_b", "electro", 112.0, "F major", 51.0),
    _loop(3, "electro_groove_c", "electro", 108.0, "B minor", 52.5),
    _loop(4, "roller_disco_shuffle", "disco", 118.0, "A major", 56.0),
    _loop(5, "roller_disco_strut", "disco", 121.0, "D major", 54.0),
]
SHOTS = [
    one_shot_record("d00d000000000001", "sub_E1.wav", "bass", "E1", tag="bass"),
    one_shot_record("d00d000000000002", "sub_B0.wav", "bass", "B0", tag="bass"),
    one_shot_record("d00d000000000003", "open_hat_bright.wav", "hat", tag="hat"),
]
GROOVE = _upload(0x6E, "electro groove.wav", 111.0, "B minor", 50.0)
ROWS.append(GROOVE)
TAPE_ID, RHODES_ID = TAPE["id"], RHODES["id"]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame(ROWS, SHOTS), settings=settings)


@pytest.mark.parametrize(
    "text",
    [
        "do the late rhodes chords work with my tape drums?",
        "can my tape drums take 2 go under the late rhodes chords",
    ],
)
def test_two_uploads_named_by_words_of_their_names_get_a_verdict(graph, text) -> None:
    # uploaded over HTTP and never attached in this thread
    out = Chat(graph).say(text)
    assert set(out["request"].samples) == {TAPE_ID, RHODES_ID}
    assert "compatibility" in out["plan"].specialists
    assert "era" not in out["plan"].specialists
    assert out["reports"]
    said = answer(out)
    assert "late rhodes chords.wav" in said
    assert "tape drums take 2.wav" in said


def test_uploads_attached_earlier_named_by_their_words_get_a_verdict(graph) -> None:
    chat = Chat(graph)
    chat.say("how swung is this?", samples=[TAPE_ID])
    chat.say("key of this one?", samples=[RHODES_ID])
    chat.say("electro loops")  # a library list is shown now
    out = chat.say("would the rhodes chords sit on top of my tape drums?")
    assert set(out["request"].samples) == {TAPE_ID, RHODES_ID}
    assert out["plan"].specialists == ["compatibility"]  # both analyses reused
    assert out["reports"]


def test_a_measured_value_of_a_named_upload_is_read_back_not_a_style_question(graph) -> None:
    chat = Chat(graph)
    chat.say("what's the groove on this like?", samples=[TAPE_ID])
    chat.say("and this one?", samples=[RHODES_ID])
    chat.say("disco loops")
    out = chat.say("remind me, how much swing did my tape drums have?")
    assert out["request"].samples == [TAPE_ID]
    assert out["plan"].specialists == ["groove"]
    assert "63.5 %" in answer(out)


def test_a_named_loop_is_the_reference_of_a_sound_over_the_hit_in_focus(graph) -> None:
    chat = Chat(graph)
    chat.say("what key?", samples=[RHODES_ID])  # E minor
    hits = chat.say("electro loops in B minor")["hits"]
    chat.say("how swung is the first one?")  # a B minor hit is in focus
    assert hits[0].key == "B minor"
    out = chat.say("gimme a bass note that fits the late rhodes chords")
    req = out["request"]
    assert (req.kind, req.instrument) == ("one_shot", "bass")
    assert req.for_sample == RHODES_ID
    # on the rhodes' tonic first, then on its fifth
    assert hit_names(out) == ["sub_E1.wav", "sub_B0.wav"]


def test_a_named_upload_never_attached_is_the_reference_of_a_sound(graph) -> None:
    chat = Chat(graph)
    chat.say("electro loops in B minor")
    chat.say("tempo of the first one?")
    out = chat.say("find a bass one-shot that fits the late rhodes chords")
    assert out["request"].for_sample == RHODES_ID
    # on the rhodes' tonic first, then on its fifth
    assert hit_names(out) == ["sub_E1.wav", "sub_B0.wav"]


@pytest.mark.parametrize(
    "text", ["show me the electro groove loops", "any of the electro ones from the 80s?"]
)
def test_a_search_for_a_style_an_upload_is_named_after_is_still_a_search(graph, text) -> None:
    out = Chat(graph).say(text)
    assert out["request"].samples == []
    assert out["plan"].specialists == ["discovery"]
    assert out["hits"]


@pytest.mark.parametrize(
    "text",
    ["recap what we did so far", "what did we do so far?", "remind me which ones we checked"],
)
def test_a_recap_lists_the_mix_verdicts_given(graph, text) -> None:
    chat = Chat(graph)
    chat.say("would the late rhodes chords sit well with my tape drums?")
    chat.say("show me some disco loops")
    out = chat.say(text)
    assert out["request"].recap
    said = answer(out)
    assert "Mix verdicts" in said
    assert "late rhodes chords.wav" in said
    assert "tape drums take 2.wav" in said


def test_a_recap_says_which_search_was_for_minor_keys(graph) -> None:
    chat = Chat(graph)
    chat.say("electro loops")
    chat.say("only minor ones")
    out = chat.say("and remind me which ones we said were minor")
    assert out["request"].recap
    assert "minor keys" in answer(out)


@pytest.mark.parametrize(
    "text",
    [
        "disco loops with off-beat open hats",
        "some disco grooves that have a bright open hat on the offbeat",
    ],
)
def test_a_loop_described_by_its_hats_is_no_hat_search(graph, text) -> None:
    out = Chat(graph).say(text)
    req = out["request"]
    assert req.kind == "loop"
    assert req.instrument is None
    assert set(hit_names(out)) == {
        "roller_disco_shuffle.wav",
        "roller_disco_strut.wav",
    }


def test_a_hat_sound_is_still_a_hat_search(graph) -> None:
    out = Chat(graph).say("an open hat one-shot")
    assert (out["request"].kind, out["request"].instrument) == ("one_shot", "hat")
