"""The user's own uploads of a thread, as an outside tester talked about them (own
files and wording here, on the real offline graph):

* "my two loops" / "both loops" are the loops sent, never an 808 one-shot sent since;
* a loop attached to the very turn that asks whether "my two loops" mix is one of them;
* "the pad" names the upload whose name (or analysis) says pad, with no noun after it;
* "no, the pad is 100 bpm" corrects that upload's tempo, and a correction never runs a
  search, also while a library list is shown; no answer text repeats within a turn;
* a tempo the user gave is shown as theirs, not as a measured "confidence 1.00".
"""

from __future__ import annotations

import re

import pytest

from groovegraph.settings import Settings
from groovegraph.state import SampleTags
from tests.catalogs import library_frame, loop_row, offline_graph, one_shot_record, upload_row
from tests.chat import Chat, answer

PAD = {**upload_row(0x61, "velvet_pad_loop.wav", 94.0, "D minor", 51.0), "instrument": "pad"}
KEYS = {**upload_row(0x62, "wurli keys 2.wav", 96.0, "F major", 55.0), "instrument": "keys"}
BREAK = upload_row(0x63, "crusty break 4.wav", 172.0, None, 59.0)
_HIT = one_shot_record("6464646464646464", "x.wav", "bass", "A1", tag="808")
_HIT_PATH = "/data/uploads/64/" + "64" * 32 + ".wav"
BOOM = _HIT.model_copy(
    update={
        "path": _HIT_PATH,
        "tags": SampleTags(instrument="808", source="upload:boomy 808.wav"),
        "analysis": _HIT.analysis.model_copy(update={"file": _HIT_PATH}) if _HIT.analysis else None,
    }
)
LIBRARY = [
    loop_row(
        f"{i:04d}f00d{i:08d}",
        f"soul_cut_{i}",
        genre="soul",
        era="70s",
        tempo_bpm=82.0 + 3 * i,
        swing_percent=56.0,
        backbeat_lag_ms=3.0,
        key=key,
    )
    for i, key in enumerate(("D minor", "F major", "A minor"))
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(library_frame([PAD, KEYS, BREAK, *LIBRARY], [BOOM]), settings=settings)


def _sent(graph, *ids: str) -> Chat:
    chat = Chat(graph)
    for sid in ids:
        chat.say("have a listen to this", samples=[sid])
    return chat


def _no_repeated_paragraph(text: str) -> None:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    assert len(paragraphs) == len(set(paragraphs)), text


@pytest.mark.parametrize("text", ["do both of my loops go together?", "are my 2 loops compatible?"])
def test_my_loops_are_the_loops_not_a_one_shot_sent_since(graph, text) -> None:
    chat = _sent(graph, PAD["id"], KEYS["id"], BOOM.id)
    out = chat.say(text)
    assert set(out["request"].samples) == {PAD["id"], KEYS["id"]}
    assert "compatibility" in out["plan"].specialists
    (_report,) = out["reports"]
    said = answer(out)
    assert "velvet_pad_loop.wav" in said
    assert "wurli keys 2.wav" in said
    assert "boomy 808.wav" not in said


def test_a_loop_sent_with_the_question_is_one_of_my_two(graph) -> None:
    chat = _sent(graph, PAD["id"])
    out = chat.say("so do my two loops work together?", samples=[KEYS["id"]])
    assert set(out["request"].samples) == {PAD["id"], KEYS["id"]}
    assert out["reports"]
    said = answer(out)
    assert "two things to compare" not in said
    assert "velvet_pad_loop.wav" in said
    assert "wurli keys 2.wav" in said


@pytest.mark.parametrize("text", ["is the pad swung at all?", "what key is the pad in"])
def test_the_pad_is_the_upload_named_pad(graph, text) -> None:
    chat = _sent(graph, PAD["id"], KEYS["id"])
    out = chat.say(text)
    assert out["request"].samples == [PAD["id"]]
    assert out["plan"].specialists == ["groove"]


def test_the_pad_against_the_keys_loop_under_a_library_list(graph) -> None:
    chat = _sent(graph, PAD["id"], KEYS["id"])
    chat.say("some 70s soul loops")  # a list of library loops is shown
    out = chat.say("would the pad sit ok with the keys loop?")
    assert set(out["request"].samples) == {PAD["id"], KEYS["id"]}
    assert out["reports"]


@pytest.mark.parametrize("fix", ["no, the pad is 100 bpm", "hmm the pad's actually 100 bpm"])
def test_a_tempo_stated_for_the_named_upload_corrects_it(graph, fix) -> None:
    chat = _sent(graph, PAD["id"], KEYS["id"])  # the keys loop is the latest
    out = chat.say(fix)
    assert out["request"].samples == [PAD["id"]]
    assert out["plan"].specialists == ["groove"]
    assert not out["hits"]
    said = answer(out)
    assert "velvet_pad_loop.wav" in said
    assert "100 BPM as you say" in said


@pytest.mark.parametrize("list_first", [False, True])
def test_a_correction_of_my_break_runs_no_search(graph, list_first) -> None:
    chat = _sent(graph, BREAK["id"], PAD["id"])
    if list_first:
        chat.say("any soul loops from the 70s?")
    out = chat.say("nah the break is 86 bpm really")
    assert out["request"].samples == [BREAK["id"]]
    assert "discovery" not in out["plan"].specialists
    assert not out["hits"]
    said = answer(out)
    assert "86 BPM as you say" in said
    assert "soul_cut" not in said
    _no_repeated_paragraph(said)


def test_a_stated_tempo_is_shown_as_the_users_figure(graph) -> None:
    chat = _sent(graph, BREAK["id"])
    chat.say("no, it's 86 bpm")
    out = chat.say("what are its tempo and swing again?")
    said = answer(out)
    assert "86.0 BPM (your figure, not measured)" in said
    assert "confidence 1.00" not in said
    said = answer(chat.say("so how fast is it?"))
    assert "86.0 BPM (your figure, not measured)" in said


WALTZ = {**upload_row(0x65, "porch take 5.wav", 126.0, "C major", 50.0), "meter": 3}


@pytest.fixture
def graph3(settings: Settings):
    rows = [PAD, KEYS, BREAK, WALTZ, *LIBRARY]
    return offline_graph(library_frame(rows, [BOOM]), settings=settings)


def test_my_waltz_is_the_loop_in_three_after_a_check_of_two_others(graph3) -> None:
    chat = Chat(graph3)
    for sid in (PAD["id"], KEYS["id"], WALTZ["id"]):  # the waltz is sent last
        chat.say("what's in this one", samples=[sid])
    chat.say("would the pad sit ok with the keys loop?")  # the focus is that pair now
    out = chat.say("hmm my waltz should be 63 bpm")
    assert out["request"].samples == [WALTZ["id"]]
    said = answer(out)
    assert "porch take 5.wav" in said
    assert "63 BPM as you say" in said


def test_a_pair_checked_both_ways_is_one_verdict_in_the_recap(graph) -> None:
    chat = _sent(graph, PAD["id"], KEYS["id"])
    chat.say("does my velvet pad sit ok with my keys loop?")
    chat.say("some 70s soul loops")
    chat.say("does my keys loop sit ok with my velvet pad?")  # the other way round
    out = chat.say("what have we got so far?")
    assert out["request"].recap
    said = answer(out)
    verdicts = said.split("Mix verdicts:", 1)[1]
    assert verdicts.count("velvet_pad_loop.wav") == 1, said


@pytest.mark.parametrize("text", ["is that one swung more than mine?", "how fast is the first one"])
def test_that_one_after_a_search_that_found_nothing(graph, text) -> None:
    chat = _sent(graph, BREAK["id"])
    assert not chat.say("disco loops in G# major from the 50s")["hits"]
    out = chat.say(text)
    assert not out["reports"]
    said = answer(out)
    assert "listed nothing" in said
    assert "crusty break 4.wav" not in said


def test_nothing_is_said_twice_within_one_answer() -> None:
    from groovegraph.graph.repeats import once_each

    listing = "Found 2:\n1. `a.wav` [0000cafe00000001] — 90.0 BPM, A minor\n2. `b.wav` [0000cafe00000002] — 92.0 BPM, C major"
    text = f"Noted: your loop is 80 BPM.\n\n{listing}\n\n{listing}"
    once = once_each(text)
    assert once.count("a.wav") == 1
    assert once.count("Noted") == 1
    assert once_each("plain answer\n\n\nwith gaps") == "plain answer\n\n\nwith gaps"


@pytest.mark.parametrize("before", ["any pad loops like the pad?", "soul loops from the 70s"])
def test_the_pads_tempo_stated_after_a_search_is_a_correction(graph, before) -> None:
    chat = _sent(graph, PAD["id"], KEYS["id"])
    chat.say(before)
    out = chat.say("nope, the pad's 100")
    assert out["request"].samples == [PAD["id"]]
    assert "discovery" not in out["plan"].specialists
    assert "100 BPM as you say" in answer(out)


def test_a_sound_for_my_waltz_under_a_list_is_still_a_search(graph3) -> None:
    chat = Chat(graph3)
    for sid in (PAD["id"], WALTZ["id"]):
        chat.say("what's in this one", samples=[sid])
    chat.say("some 70s soul loops")
    chat.say("tempo of the second one?")  # a library hit is in focus
    out = chat.say("a bass hit for my waltz")
    assert "discovery" in out["plan"].specialists
    assert out["request"].instrument == "bass"
