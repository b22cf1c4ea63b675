"""Slots an outside tester found misread on the offline graph (issue 10), each as a
conversation over a small catalog, in wordings of our own: a tempo correction of the loop
just analysed, two sounds asked in one breath, a comparison of library loops with the
user's own, a one-shot "in" a note, a swing "like mine", and a question on tempo drift."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_row, offline_graph, one_shot_record
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
    return catalog_row(
        id=f"{n:04d}c0de{n:08d}",
        path=f"/lib/crate_{genre.replace(' ', '')}_{n:02d}.wav",
        sha256=f"{n + 7100:064x}",
        genre=genre,
        era="90s",
        tempo_bpm=bpm,
        tempo_stability=0.99,
        swing_percent=swing,
        backbeat_lag_ms=5.0,
        key="G minor",
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
