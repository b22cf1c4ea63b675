"""A search for loops that a limited time-stretch brings to a tempo ("funk I could speed up
to 100-102, 3 % at most") looks below that tempo by the stretch allowed, not only at it."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


def _read(text: str):
    return get_offline().understand(text, attached=[], conversation=Conversation())


@pytest.mark.parametrize(
    "text",
    [
        "funk loops i can speed up to 100-102 with no more than 3 percent of stretch",
        "give me funk loops to push up to 100 to 102, within 3%",
    ],
)
def test_pushed_up_search_starts_below_the_tempo(text) -> None:
    r = _read(text)
    assert "discovery" in r.specialists
    assert r.bpm_min == pytest.approx(100 / 1.03, abs=0.1)
    assert r.bpm_max == pytest.approx(102.0)


def test_slowed_down_search_reaches_above_the_tempo() -> None:
    r = _read("house loops i could slow down to 120 without going over 5 percent")
    assert r.bpm_min == pytest.approx(120.0)
    assert r.bpm_max == pytest.approx(120 / 0.95, abs=0.1)


def test_no_limit_stated_keeps_the_tempo_asked() -> None:
    r = _read("house loops i could slow down to 120")
    assert r.bpm_max is None or r.bpm_max < 126
