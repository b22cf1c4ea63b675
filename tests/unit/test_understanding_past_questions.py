"""A question about the past of a sound — where a feel or machine came from, who played
on the records, what year or decade — goes to the era specialist alone, even right after
an analysis or a search; it is neither a new measurement nor a narrower list, unless it
also asks for samples or numbers."""

from __future__ import annotations

import pytest

from groovegraph.graph.parser import ParsedRequest
from groovegraph.graph.understanding import Conversation, get_offline
from groovegraph.state import Analysis, CatalogHit, SampleTags


def _analysis(name: str) -> Analysis:
    return Analysis(
        file=f"{name}.wav",
        sha256=name[0] * 64,
        duration_s=8.0,
        sample_rate=44100,
        tempo_bpm=93.0,
        key="C minor",
        camelot="5A",
        beats_s=[0.0, 0.6],
        rms_db=-12.0,
        onset_rate_hz=4.0,
    )


ANALYSED = Conversation(
    focus=["b1"],
    analyses={"b1": _analysis("dusty_break")},
    previous=ParsedRequest(text="how swung is it", specialists=["groove"], samples=["b1"]),
)


def _hit(i: int, bpm: float, era: str) -> CatalogHit:
    return CatalogHit(
        sample_id=f"h{i}",
        path=f"Soul/{era}/warm_soul_{i:02d}_{int(bpm)}bpm_C.wav",
        score=0.9,
        reason="",
        tempo_bpm=bpm,
        key="C major",
        camelot="8B",
        tags=SampleTags(genre="soul", era=era),
    )


SEARCH = ParsedRequest(
    text="some soul loops", genres=["soul"], intents=["find"], specialists=["discovery"]
)
LISTED = Conversation(
    listed_hits=[_hit(1, 84.0, "60s"), _hit(2, 88.0, "70s"), _hit(3, 92.0, "60s")],
    fresh=True,
    listed_request=SEARCH,
    previous=SEARCH,
)


def _read(text: str, conv: Conversation) -> list[str]:
    return list(get_offline().understand(text, attached=[], conversation=conv).specialists)


@pytest.mark.parametrize(
    "text",
    [
        "nice. where does that kind of shuffle originally come from, who pioneered it?",
        "and what year did the sp1200 come out",
        "who was playing drums on that sort of record back then",
    ],
)
def test_the_past_of_an_analysed_sound_is_an_era_question_alone(text: str) -> None:
    assert _read(text, ANALYSED) == ["era"]


def test_a_measurement_asked_beside_the_past_keeps_the_analysis() -> None:
    assert set(_read("how swung is it exactly? and who made that swing famous", ANALYSED)) == {
        "groove",
        "era",
    }


def test_who_played_on_the_listed_records_is_no_narrower_list() -> None:
    assert _read("who were the session players on most of those soul records", LISTED) == ["era"]


def test_picking_from_the_list_by_decade_is_still_a_narrowing() -> None:
    assert _read("which of those are from the 60s", LISTED) == ["discovery"]
