"""Slots an outside tester found misread on the offline graph (issue 10), each as a
conversation over a small catalog, in wordings of our own: a tempo correction of the loop
just analysed, two sounds asked in one breath, a comparison of library loops with the
user's own, a one-shot "in" a note, a swing "like mine", and a question on tempo drift."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_row, numbered_loop, offline_graph, one_shot_record
from tests.chat import Chat, answer

OWN_ID = "3c" * 8
OWN = catalog_row(
    id=OWN_ID,
    path=f"/data/uploads/3c/{'3c' * 32}.wav",
    sha256="3c" * 32,
    source="upload:basement session.wav",
    tempo_bpm=172.0,
    tempo_stability=0.88,
    swing_percent=61.0,
    backbeat_lag_ms=7.0,
    key="G minor",
)


def _loop(n: int, bpm: float, swing: float, genre: str = "boom bap") -> dict:
    return numbered_loop(
        n,
        genre,
        "90s",
        bpm,
        "G minor",
        tag="c0de",
        name=f"crate_{genre.replace(' ', '')}_{n:02d}",
        sha256=f"{n + 7100:064x}",
        tempo_stability=0.99,
        swing_percent=swing,
        backbeat_lag_ms=5.0,
    )


LOOPS = [
    _loop(1, 88.0, 52.0),
    _loop(2, 90.0, 57.5),
    _loop(3, 86.0, 60.0),
    _loop(4, 91.0, 62.5),
    _loop(5, 87.0, 66.0),
    _loop(6, 124.0, 50.0, genre="house"),
]
SHOTS = [
    one_shot_record("4d1100000000a001", "thud_kick.wav", "kick", tag="kick"),
    one_shot_record("4d1100000000a002", "knock_kick.wav", "kick", tag="kick"),
    one_shot_record("4d1100000000a003", "low_808_F1.wav", "bass", "F1", tag="bass"),
    one_shot_record("4d1100000000a004", "low_808_G1.wav", "bass", "G1", tag="bass"),
    one_shot_record("4d1100000000a005", "low_808_C#1.wav", "bass", "C#1", tag="bass"),
]


@pytest.fixture
def graph(settings: Settings):
    frame = cat.concat_frames([pd.DataFrame([OWN, *LOOPS]), cat.records_to_frame(SHOTS)])
    return offline_graph(frame, settings=settings)


def _analysed(graph) -> Chat:
    chat = Chat(graph)
    chat.say("what's the tempo of this one?", samples=[OWN_ID])
    return chat


# ------------------------------------------------------------------ 6: tempo drift


@pytest.mark.parametrize(
    "text",
    [
        "does my basement session keep a constant tempo or does it fluctuate?",
        "is the timing even all the way through?",
    ],
)
def test_a_steadiness_question_is_answered_from_tempo_stability(graph, text) -> None:
    out = _analysed(graph).say(text)
    assert out["request"].samples == [OWN_ID]
    assert out["request"].specialists == ["groove"]
    said = answer(out)
    assert "Tempo drift:" in said
    assert "0.88" in said


# ------------------------------------------------------- 1: a tempo correction


@pytest.mark.parametrize(
    "text",
    [
        "wait, isn't that 86 bpm?",
        "the real tempo is 86",
        "nah it's closer to 86",
        # a bare "wrong" before the value, its apostrophe dropped or not
        "wrong, its 86",
        "nope that's off. wrong - it is 86",
    ],
)
def test_a_stated_tempo_after_an_analysis_corrects_that_loop(graph, text) -> None:
    out = _analysed(graph).say(text)
    req = out["request"]
    assert req.samples == [OWN_ID]
    assert req.specialists == ["groove"]
    assert not out["hits"]
    said = answer(out)
    assert "86 BPM as you say" in said
    assert "half of 172.0" in said


def test_a_tempo_named_in_a_search_is_no_correction(graph) -> None:
    out = _analysed(graph).say("find boom bap loops that sound like 86 bpm")
    assert "discovery" in out["request"].specialists
    assert "as you say" not in answer(out)


# ------------------------------------- 3 and 5: library loops against the user's loop


def test_library_loops_swinging_harder_than_mine_are_a_bounded_search(graph) -> None:
    out = _analysed(graph).say("which of those boom bap loops have more swing than my jam?")
    req = out["request"]
    assert req.specialists == ["discovery"]
    assert req.swing_min is not None
    assert req.swing_min > 61.0
    assert {h.swing_percent for h in out["hits"]} == {62.5, 66.0}
    assert OWN_ID not in {h.sample_id for h in out["hits"]}


def test_slower_than_mine_is_a_search_not_style_facts(graph) -> None:
    out = _analysed(graph).say("are any of the boom bap loops slower than mine?")
    assert out["request"].specialists == ["discovery"]
    assert out["hits"]
    assert all(h.tempo_bpm < 172.0 for h in out["hits"])


@pytest.mark.parametrize(
    "text",
    ["boom bap loops with roughly the same swing", "got boom bap with a swing close to mine?"],
)
def test_the_same_swing_is_a_window_around_the_loop_in_focus(graph, text) -> None:
    out = _analysed(graph).say(text)
    req = out["request"]
    assert req.swing_min is not None
    assert req.swing_max is not None
    assert req.swing_min < 61.0 < req.swing_max
    assert req.swing_max - req.swing_min <= 8.0
    assert {h.swing_percent for h in out["hits"]} == {60.0, 62.5}


def test_the_same_swing_narrows_a_list_just_shown(graph) -> None:
    chat = _analysed(graph)
    assert len(chat.say("boom bap loops please")["hits"]) == 5
    out = chat.say("only the ones with a similar swing")
    assert {h.swing_percent for h in out["hits"]} == {60.0, 62.5}


# ----------------------------------------------- 4: a one-shot "in" a note


@pytest.mark.parametrize("text", ["any 808s in G?", "a bass one shot on G please"])
def test_a_note_after_a_one_shot_is_its_root(graph, text) -> None:
    out = Chat(graph).say(text)
    req = out["request"]
    assert req.keys == []
    assert req.root_note == "G"
    assert [h.path.rsplit("/", 1)[-1] for h in out["hits"]] == ["low_808_G1.wav"]


def test_my_808_in_a_note_finds_loops_on_that_tonic(graph) -> None:
    out = Chat(graph).say("my 808 is in G, which boom bap loops fit it?")
    req = out["request"]
    assert req.keys == []
    assert req.tonic == "G"
    assert req.instrument is None
    assert "discovery" in req.specialists
    assert out["hits"]
    assert all(h.kind == "loop" and h.key and h.key.startswith("G ") for h in out["hits"])


def test_a_mode_word_still_makes_it_a_key(graph) -> None:
    req = Chat(graph).say("an 808 that sits in G minor")["request"]
    assert req.keys == ["G minor"]


# ------------------------------------------------- 2: two sounds in one request


def test_two_sounds_for_a_listed_loop_are_both_searched_in_its_key(graph) -> None:
    chat = Chat(graph)
    assert len(chat.say("boom bap loops please")["hits"]) == 5
    out = chat.say("need a kick hit and an 808 that go with the second one")
    req = out["request"]
    assert req.specialists == ["discovery"]
    assert req.instruments == ["kick", "bass"]
    assert req.keys == ["G minor"]
    names = {h.path.rsplit("/", 1)[-1] for h in out["hits"]}
    # the kicks (a drum hit has no key to match) and the 808s whose roots fit G minor,
    # the one on its tonic first
    assert names == {"thud_kick.wav", "knock_kick.wav", "low_808_G1.wav", "low_808_F1.wav"}
    bass = [h.path.rsplit("/", 1)[-1] for h in out["hits"] if h.instrument == "bass"]
    assert bass == ["low_808_G1.wav", "low_808_F1.wav"]


def test_two_sounds_without_a_reference_are_both_listed(graph) -> None:
    out = Chat(graph).say("find me an 808 and a kick")
    assert out["request"].instruments == ["bass", "kick"]
    kinds = {h.instrument for h in out["hits"]}
    assert kinds == {"bass", "kick"}


def test_one_sound_is_one_search(graph) -> None:
    out = Chat(graph).say("a kick with a lot of thump")
    assert out["request"].instruments == []
    assert {h.instrument for h in out["hits"]} == {"kick"}


def test_a_mix_check_of_a_one_shot_note_keeps_the_pair(graph) -> None:
    out = Chat(graph).say("will an 808 in F work with a loop in D minor")
    assert out["request"].specialists == ["compatibility"]
    assert len(out["request"].keys) == 2  # a verdict on the pair, not D minor's neighbours
    assert "Mix check:" in answer(out)
    assert "The keys around it" not in answer(out)


# ------------------------------------- "a 808" (the article users write) is the sound


@pytest.mark.parametrize(
    "text", ["get me a 808 that goes with both", "find a 808 that suits both of them"]
)
def test_a_808_after_two_uploads_is_a_bass_one_shot_search(graph, text) -> None:
    chat = _analysed(graph)
    chat.say("and this one too", samples=[LOOPS[0]["id"]])
    out = chat.say(text)
    assert out["request"].specialists == ["discovery"]
    assert out["hits"]
    assert {h.instrument for h in out["hits"]} == {"bass"}
