"""A narrowing of a list that a search found by relaxing its tempo ("the closest tempos")
filters the list shown: the tempo band the search relaxed stays relaxed, as a relaxed vibe
does (README: a narrowing keeps what the list met). Before, "some breaks around 170" showed
the nearest breakbeats at 136-138 BPM and "but not the 90s ones" searched 161.5-178.5 BPM
again and found nothing; "dusty jazz loops ~ 85bpm" showed two 100 BPM jazz loops of any
vibe, and "any major-ish ones" (after a question about the list) put back "dusty" and
80.8-89.2 BPM (outside tester)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer, hit_names

ROWS = [
    numbered_loop(1, "breakbeat", "90s", 138.0, "F# major", tag="b7ea", name="breaks_90s_01"),
    numbered_loop(2, "breakbeat", "90s", 136.0, "Bb major", tag="b7ea", name="breaks_90s_02"),
    numbered_loop(3, "breakbeat", "00s", 136.0, "Bb major", tag="b7ea", name="breaks_00s_03"),
    numbered_loop(4, "jazz", "60s", 100.0, "F major", tag="b7ea", name="smooth_jazz_04"),
    numbered_loop(5, "jazz", "60s", 100.0, "Db major", tag="b7ea", name="smooth_jazz_05"),
    numbered_loop(6, "jazz", "60s", 101.0, "D minor", tag="b7ea", name="smooth_jazz_06"),
    numbered_loop(7, "house", "90s", 124.0, "A minor", tag="b7ea", name="house_90s_07"),
]


@pytest.fixture
def chat(settings: Settings) -> Chat:
    frame = pd.DataFrame([{**r, "vibe": "smooth"} for r in ROWS])
    return Chat(offline_graph(frame, settings=settings))


def test_excluding_a_decade_keeps_the_closest_tempos_shown(chat: Chat) -> None:
    first = chat.say("some breaks around 170")
    assert sorted(hit_names(first)) == [
        "breaks_00s_03.wav",
        "breaks_90s_01.wav",
        "breaks_90s_02.wav",
    ]
    out = chat.say("but not the 90s ones")
    assert hit_names(out) == ["breaks_00s_03.wav"]
    assert "No sample" not in answer(out)


def test_a_mode_after_a_question_about_the_list_keeps_the_relaxed_tempo_and_vibe(
    chat: Chat,
) -> None:
    first = chat.say("gimme sum dusty jazz loopz ~ 85bpm")
    assert set(hit_names(first)) >= {"smooth_jazz_04.wav", "smooth_jazz_05.wav"}
    chat.say("wat key is the 5th one")
    out = chat.say("any major-ish ones")
    assert out["request"].vibes == []
    assert sorted(hit_names(out)) == ["smooth_jazz_04.wav", "smooth_jazz_05.wav"]
