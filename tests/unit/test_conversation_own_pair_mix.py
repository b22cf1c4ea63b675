"""A mixing question about the user's own samples sent earlier in the thread, naming the
pair by a plural ("are they gonna mix?", "do my 2 samples go together?"), by "the other
one", or by two mentions ("does the sub sit in key with the loop?"), is a verdict on those
two samples: not a library search and not "nothing to compare" (own wording and files)."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.state import SampleTags
from tests.catalogs import (
    library_frame,
    loop_row,
    offline_graph,
    one_shot_record,
    upload_row,
)
from tests.chat import Chat, answer

PADS = upload_row(0x41, "warm pads 88.wav", 88.0, "G minor", 53.0)
KIT = upload_row(0x42, "live kit take.wav", 86.0, None, 60.0)
_SUB = one_shot_record("4343434343434343", "sub.wav", "bass", "D1", tag="808")
_SUB_PATH = "/data/uploads/43/" + "43" * 32 + ".wav"
SUB = _SUB.model_copy(
    update={
        "path": _SUB_PATH,
        "tags": SampleTags(instrument="808", source="upload:low sub.wav"),
        "analysis": _SUB.analysis.model_copy(update={"file": _SUB_PATH}) if _SUB.analysis else None,
    }
)
LIBRARY = [
    loop_row(
        f"{i:04d}cafe{i:08d}",
        f"library_groove_{i}",
        genre="funk",
        era="70s",
        tempo_bpm=84.0 + 2 * i,
        swing_percent=55.0,
        backbeat_lag_ms=2.0,
        key=key,
    )
    for i, key in enumerate(("G minor", "D minor", "C minor", "A# major"))
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([PADS, KIT, *LIBRARY], [SUB]), settings=settings)


def _two_loops_sent(graph) -> Chat:
    chat = Chat(graph)
    chat.say("tempo and key please", samples=[PADS["id"]])
    chat.say("what's the swing on this one", samples=[KIT["id"]])
    return chat


@pytest.mark.parametrize(
    "text",
    [
        "are they gonna mix?",
        "do my 2 samples go together?",
        "would it blend with my other loop",
        "can my warm pads sit over the other one?",
    ],
)
def test_a_mix_question_about_two_uploads_is_a_verdict_on_them(graph, text) -> None:
    out = _two_loops_sent(graph).say(text)
    assert set(out["request"].samples) == {PADS["id"], KIT["id"]}
    assert out["plan"].specialists == ["compatibility"]  # no search, no new analysis
    assert len(out["reports"]) == 1
    said = answer(out)
    assert "warm pads 88.wav" in said
    assert "live kit take.wav" in said
    assert "two things to compare" not in said


@pytest.mark.parametrize("loop_first", [True, False])
@pytest.mark.parametrize(
    "text",
    [
        "does the sub sit in key with the loop?",
        "will my 808 work in my warm pads?",
        "does it fit with my warm pads?",
    ],
)
def test_a_root_and_a_loop_sent_earlier_get_a_key_verdict(graph, text, loop_first) -> None:
    chat = Chat(graph)
    turns = [("what key is this?", PADS["id"]), ("and the note of this hit?", SUB.id)]
    for said, sid in turns if loop_first else turns[::-1]:
        chat.say(said, samples=[sid])
    out = chat.say(text)
    assert set(out["request"].samples) == {PADS["id"], SUB.id}
    assert "compatibility" in out["plan"].specialists
    assert len(out["reports"]) == 1
    # D is G minor's fifth: the root fits the key
    assert "fifth" in answer(out)


def test_one_upload_and_a_mix_question_still_asks_for_the_other_side(graph) -> None:
    chat = Chat(graph)
    chat.say("tempo and key please", samples=[PADS["id"]])
    out = chat.say("will they mix?")
    assert out["request"].samples in ([PADS["id"]], [])
    assert not out["reports"]


@pytest.mark.parametrize(
    "fix",
    [
        "hold on, my warm pads are actually in G major, not minor",
        "wrong key i think, it's G major",
        "the key should be G major",
    ],
)
def test_a_key_the_user_states_is_used_in_later_mix_checks(graph, fix) -> None:
    chat = _two_loops_sent(graph)
    out = chat.say(fix)
    assert out["request"].samples == [PADS["id"]]
    assert out["plan"].specialists == ["groove"]  # no search
    assert not out["hits"]
    said = answer(out)
    assert "G major as you say" in said
    assert "do not change between turns" not in said
    out = chat.say("will my warm pads mix with sample 0001cafe00000001?")  # D minor
    (report,) = out["reports"]
    assert report.key is not None
    assert "G major" in answer(out)
    assert "G minor" not in answer(out)


def test_a_key_named_in_a_search_is_no_correction(graph) -> None:
    chat = _two_loops_sent(graph)
    out = chat.say("actually find me funk loops in G major")
    assert "discovery" in out["plan"].specialists
    assert "as you say" not in answer(out)


@pytest.mark.parametrize("text", ["ok these two", "here you go", "these"])
def test_two_files_sent_after_asking_how_to_check_a_mix_get_the_mix_check(graph, text) -> None:
    # The agent answered the general question by asking for two things to compare; the
    # files sent next with no question of their own are those two things.
    chat = Chat(graph)
    first = chat.say("how can i tell if 2 loops will work together?")
    assert "compatibility" in first["plan"].specialists
    out = chat.say(text, samples=[PADS["id"], KIT["id"]])
    assert "compatibility" in out["plan"].specialists
    assert len(out["reports"]) == 1
    said = answer(out)
    assert "warm pads 88.wav" in said
    assert "live kit take.wav" in said


def test_two_files_and_a_question_about_their_numbers_after_a_mix_question(graph) -> None:
    # ... but "what key are these" asks their numbers, not the mix
    chat = Chat(graph)
    chat.say("how can i tell if 2 loops will work together?")
    out = chat.say("what key are these?", samples=[PADS["id"], KIT["id"]])
    assert out["plan"].specialists == ["groove"]
