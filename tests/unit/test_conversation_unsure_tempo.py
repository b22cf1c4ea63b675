"""A tempo or key read below the README's "not sure" line (0.6) is quoted with that doubt
and the other reading, in the groove answer and in a mix verdict built on it; a tempo
the user then states for that sample is used for it in the thread's later mix checks
(own data: a drumless bass riff whose beat may be counted at half time)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, loop_row, offline_graph
from tests.chat import Chat, answer

RIFF_ID = "7b" * 8
RIFF = catalog_row(
    id=RIFF_ID,
    path=f"/data/uploads/7b/{'7b' * 32}.wav",
    sha256="7b" * 32,
    source="upload:rubber bass riff.wav",
    tempo_bpm=150.0,
    tempo_confidence=0.48,
    swing_percent=51.0,
    key="G minor",
    key_confidence=0.52,
    key_runner_up="A# major",
)
SHUFFLE_ID = "0003feed00000003"
ROWS = [
    RIFF,
    loop_row(
        SHUFFLE_ID,
        "rolling_shuffle",
        genre="funk",
        era="70s",
        tempo_bpm=96.0,
        swing_percent=58.0,
        backbeat_lag_ms=3.0,
        key="G minor",
    ),
]


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame(ROWS), settings=settings)


def test_an_unsure_tempo_and_key_say_so_with_the_other_reading(graph) -> None:
    text = answer(Chat(graph).say("what's the groove of my rubber bass riff?"))
    assert "Not sure of rubber bass riff.wav" in text
    assert "75.0 BPM" in text  # the half-time reading of 150
    assert "A# major" in text  # the key's runner-up


def test_a_mix_verdict_on_an_unsure_tempo_carries_the_doubt(graph) -> None:
    out = Chat(graph).say(f"will sample {RIFF_ID} mix with sample {SHUFFLE_ID}?")
    (report,) = out["reports"]
    doubts = [r for r in report.reasons if r.startswith("not sure of")]
    assert any("tempo" in r and "stretch" in r for r in doubts)
    assert "not sure of" in answer(out)


def test_a_sure_tempo_has_no_doubt(graph) -> None:
    text = answer(Chat(graph).say(f"what's the groove of sample {SHUFFLE_ID}?"))
    assert "not sure" not in text.lower()


def test_a_tempo_the_user_states_is_used_in_later_mix_checks(graph) -> None:
    chat = Chat(graph)
    chat.say("what's the groove of my rubber bass riff?")
    fix = answer(chat.say("hmm are you sure about the riff's tempo? i made it at 96"))
    assert "do not change between turns" not in fix
    assert "96 BPM" in fix
    out = chat.say(f"will sample {RIFF_ID} mix with sample {SHUFFLE_ID}?")
    (report,) = out["reports"]
    assert report.tempo is not None
    assert report.tempo.bpm_a == pytest.approx(96.0)
    assert abs(report.tempo.stretch_percent) < 0.5
    assert not any("tempo" in r and r.startswith("not sure") for r in report.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "would my rubber bass riff work in a 120 bpm set? i think it would",
        "can my rubber bass riff be sped up to 160 without sounding wrong?",
        "my rubber bass riff, i think it should sit at 140 in my set",
    ],
)
def test_a_tempo_to_play_at_is_not_taken_as_the_samples_tempo(graph, text) -> None:
    chat = Chat(graph)
    chat.say("what's the groove of my rubber bass riff?")
    assert "as you say" not in answer(chat.say(text))
    out = chat.say(f"will sample {RIFF_ID} mix with sample {SHUFFLE_ID}?")
    (report,) = out["reports"]
    assert report.tempo is not None
    assert report.tempo.bpm_a == pytest.approx(150.0)


@pytest.mark.parametrize("text", ["actually it's 96 bpm", "no, it's 96", "i think it's 96"])
def test_other_ways_of_stating_the_tempo_are_used(graph, text) -> None:
    chat = Chat(graph)
    chat.say("what's the groove of my rubber bass riff?")
    assert "96 BPM as you say" in answer(chat.say(f"my rubber bass riff? {text}"))
