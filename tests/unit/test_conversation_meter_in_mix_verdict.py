"""A mix check between a loop in three and one in four is not judged on tempo alone: the
verdict says the bars do not line up and is lowered; the same tempo and key in the same
meter is not (own data: a 3/4 folk strum and a 4/4 soul groove, both 100 BPM in G major)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools import harmony
from tests.catalogs import numbered_loop, offline_graph
from tests.chat import Chat, answer


def _loop(i: int, name: str, meter: int) -> dict:
    return numbered_loop(
        i,
        "folk",
        "00s",
        100.0,
        "G major",
        id=f"e3e3{i:012d}",
        name=name,
        swing_percent=50.0,
        backbeat_lag_ms=0.0,
        meter=meter,
    )


STRUM = _loop(1, "folk_strum_in_three", 3)
SOUL = _loop(2, "soul_groove_in_four", 4)
ORGAN = _loop(3, "organ_bed_in_four", 4)


@pytest.fixture
def graph(settings: Settings):
    return offline_graph(pd.DataFrame([STRUM, SOUL, ORGAN]), settings=settings)


def test_a_loop_in_three_against_one_in_four_is_warned_and_lowered(graph) -> None:
    out = Chat(graph).say(f"will sample {STRUM['id']} mix with sample {SOUL['id']}?")
    (report,) = out["reports"]
    same = harmony.compatibility(key_a="G major", key_b="G major", bpm_a=100.0, bpm_b=100.0)
    assert report.score < same.score
    assert report.verdict != "great"
    assert any(r.startswith("meter:") and "3/4" in r and "4/4" in r for r in report.reasons)
    assert "bars do not line up" in answer(out)


def test_the_same_meter_has_no_meter_warning(graph) -> None:
    out = Chat(graph).say(f"will sample {SOUL['id']} mix with sample {ORGAN['id']}?")
    (report,) = out["reports"]
    assert report.verdict == "great"
    assert not any(r.startswith("meter:") for r in report.reasons)
