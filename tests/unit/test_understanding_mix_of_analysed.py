"""A mixing question about samples already analysed in the thread is answered from
those analyses: compatibility alone, no new groove analysis (issue 10)."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline
from groovegraph.state import Analysis


def _analysis(name: str, bpm: float, key: str, camelot: str) -> Analysis:
    return Analysis(
        file=f"{name}.wav",
        sha256=name[0] * 64,
        duration_s=8.0,
        sample_rate=44100,
        tempo_bpm=bpm,
        key=key,
        camelot=camelot,
        beats_s=[0.0, 0.6],
        rms_db=-12.0,
        onset_rate_hz=4.0,
    )


PAIR = Conversation(
    focus=["s1", "s2"],
    analyses={
        "s1": _analysis("soul_loop", 88.0, "D minor", "7A"),
        "s2": _analysis("house_loop", 122.0, "F major", "7B"),
    },
)


@pytest.mark.parametrize(
    "text",
    [
        "how far apart are they in bpm, is it a big stretch?",
        "will they clash if I layer them",
    ],
)
def test_a_mix_question_about_the_analysed_pair_is_compatibility_alone(text: str) -> None:
    read = get_offline().understand(text, attached=[], conversation=PAIR)
    assert read.specialists == ["compatibility"]
    assert set(read.samples) == {"s1", "s2"}


def test_a_measurement_asked_beside_the_mix_keeps_the_groove_specialist() -> None:
    read = get_offline().understand(
        "how swung is the second one, and will they clash?", attached=[], conversation=PAIR
    )
    assert "groove" in read.specialists


def test_they_of_people_is_no_sample_reference() -> None:
    read = get_offline().understand(
        "what drum machines would they use in 80s house", attached=[], conversation=PAIR
    )
    assert not read.samples
