"""A first-message mix question with one reference suggests library loops (outside
trial: "what would mix with a 124 bpm loop in A minor?" and "what goes with my loop" with
the loop attached suggested nothing from the library)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from groovegraph.tools.harmony import compatible_camelots
from groovegraph.tools.keys import camelot
from tests.catalogs import catalog_frame, offline_graph
from tests.chat import answer, run


@pytest.fixture
def frame() -> pd.DataFrame:
    return catalog_frame(n=120)


@pytest.fixture
def graph(settings: Settings, frame: pd.DataFrame):
    return offline_graph(frame, settings=settings)


def _fits(bpm: float, target: float, tol: float) -> bool:
    return any(abs(bpm * m - target) <= target * tol for m in (1.0, 2.0, 0.5))


def test_what_mixes_with_a_key_and_tempo_lists_library_loops(graph) -> None:
    out = run(graph, "what would mix with a 124 bpm loop in A minor?", thread="key-tempo")
    assert out["plan"].specialists == ["compatibility", "discovery"]
    hits = out["hits"]
    assert hits
    mixes = set(compatible_camelots("A minor"))
    for h in hits:
        assert h.camelot in mixes, h
        assert h.tempo_bpm is not None
        assert _fits(h.tempo_bpm, 124.0, 0.05), h
    text = answer(out)
    assert f"Found {len(hits)} matching sample(s)" in text
    assert "keys that mix with A minor" in text


def test_what_goes_with_my_attached_loop_lists_library_loops(graph, frame) -> None:
    row = frame.iloc[5]
    out = run(graph, "what goes with my loop", thread="attached", samples=[row["id"]])
    # (a catalog sample's stored analysis is used as it is: groove need not run)
    assert out["plan"].specialists[-2:] == ["compatibility", "discovery"]
    hits = out["hits"]
    assert hits
    assert row["id"] not in {h.sample_id for h in hits}
    mixes = set(compatible_camelots(row["key"]))
    assert all(h.camelot in mixes for h in hits)
    assert all(_fits(h.tempo_bpm, row["tempo_bpm"], 0.09) for h in hits)
    assert "Found" in answer(out)


@pytest.mark.parametrize(
    "text",
    [
        "what keys mix with A minor?",
        "what's the Camelot code for A minor and its neighbours?",
        "going from 10A — what's a safe next key",
    ],
)
def test_asking_for_the_keys_lists_keys_only(graph, text: str) -> None:
    out = run(graph, text, thread=f"keys-{text}")
    assert "discovery" not in out["plan"].specialists
    assert out["reports"]


def test_a_sample_against_a_key_is_still_a_verdict(graph, frame) -> None:
    row = frame.iloc[2]
    out = run(
        graph,
        "will it mix with something in A minor?",
        thread="verdict",
        samples=[row["id"]],
    )
    assert "discovery" not in out["plan"].specialists
    (report,) = out["reports"]
    assert report.key is not None
    assert report.key.camelot_b == camelot("A minor")
