"""One tempo said to be half or double another ("is 145 half time of 72?"), and the
relative key of a sample ("what's the relative major of it"): mixing questions answered
with the one relation asked, also beside a search in the same message (own wording)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import loop_row, offline_graph, upload_row
from tests.chat import Chat, answer, hit_names

TRAP = [
    loop_row(
        f"{i:04d}beef{i:08d}",
        f"trap_{i}",
        genre="trap",
        era="10s",
        tempo_bpm=140.0 + i,
        swing_percent=51.0,
        backbeat_lag_ms=1.0,
        key="F minor",
    )
    for i in range(6)
]
KEYS = upload_row(0x61, "rhodes idea.wav", 96.0, "E minor", 52.0)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame([*TRAP, KEYS]), settings=settings)


@pytest.mark.parametrize(
    "text", ["is 145 half time of 72?", "would 70 be double time of 140 or not quite"]
)
def test_a_tempo_said_to_be_half_or_double_another_is_one_tempo_check(graph, text) -> None:
    out = Chat(graph).say(text)
    assert out["plan"].specialists == ["compatibility"]
    (report,) = out["reports"]  # one pair, however often a tempo was read
    assert report.tempo is not None
    assert re.search(r"only at (?:double|half) time", answer(out))


def test_a_search_and_a_half_time_question_in_one_message_get_both(graph) -> None:
    out = Chat(graph).say("anything in trap around 143, and is 143 half time of like 72?")
    assert set(out["plan"].specialists) == {"compatibility", "discovery"}
    assert len(out["reports"]) == 1
    assert hit_names(out)


@pytest.mark.parametrize(
    "text", ["what key?? and whats the relative major of it", "what's its relative major"]
)
def test_the_relative_key_of_a_sample_is_named(graph, text) -> None:
    out = Chat(graph).say(text, samples=[KEYS["id"]])
    assert "compatibility" in out["plan"].specialists
    said = answer(out)
    assert "rhodes idea.wav" in said
    assert "E minor (9A) → G major (9B): relative major/minor" in said


def test_a_one_shot_search_beside_a_tempo_question_keeps_no_tempo(settings: Settings) -> None:
    # "any 808 on E? and is 145 half time of 72?": the tempo belongs to the mix question;
    # a one-shot has none, so the search for the 808 must not filter by it
    from tests.catalogs import library_frame, one_shot_record

    shots = [one_shot_record("beaf0000000000e1", "808_E1.wav", "bass", "E1", tag="bass")]
    graph = offline_graph(library_frame(TRAP, shots), settings=settings)
    out = Chat(graph).say("any 808 on E? and is 145 half time of 72?")
    assert hit_names(out) == ["808_E1.wav"]
    assert len(out["reports"]) == 1
