"""Wording that must follow the numbers: a tempo correction calls the earlier reading
"another level" only when the two stand in a metrical ratio (half, double, ×1.5, ×2/3),
and a verdict with no stretch shown (a loop against a one-shot) does not point at "the
stretch above"."""

from __future__ import annotations

import pytest

from groovegraph.settings import Settings
from groovegraph.state import Analysis
from groovegraph.tools.harmony import compatibility
from tests.catalogs import library_frame, offline_graph, one_shot_record, upload_row
from tests.chat import Chat, answer

LOOP = upload_row(0x51, "late night groove.wav", 80.0, "F minor", 54.0)


@pytest.mark.parametrize(
    ("said", "level"), [("85", False), ("77", False), ("120", True), ("160", True)]
)
def test_a_corrected_tempo_is_another_level_only_at_a_metrical_ratio(
    settings: Settings, said: str, level: bool
) -> None:
    chat = Chat(offline_graph(library_frame([LOOP]), settings=settings), thread="fix")
    chat.say("what's the tempo of this?", samples=[LOOP["id"]])
    out = chat.say(f"nah, it's {said} bpm, I made it")
    text = answer(out)
    assert f"is {said} BPM as you say" in text
    assert ("another level" in text or "level." in text) == level, text


def test_a_loop_against_a_one_shot_names_no_stretch_above() -> None:
    shaky = Analysis(
        file="/u/groove.wav",
        sha256="ab" * 32,
        duration_s=8.0,
        sample_rate=44100,
        kind="loop",
        tempo_bpm=93.0,
        tempo_confidence=0.3,
        key="F minor",
        camelot="4A",
        key_confidence=0.9,
        rms_db=-14.0,
        onset_rate_hz=5.0,
    )
    sub = one_shot_record("d00d0000000000b1", "sub_F1.wav", "bass", "F1")
    report = compatibility(shaky, sub)
    assert not any("stretch above" in r for r in report.reasons), report.reasons
