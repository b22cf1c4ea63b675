"""When nothing matches every filter, one coherent answer: it says so and offers the
nearest matches, relaxing one constraint and naming it (outside trial: "chill reggae loop
in D minor at 70" said nothing matched, then gave a verdict anyway)."""

from __future__ import annotations

import pandas as pd
import pytest

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, offline_graph
from tests.chat import answer, run

REGGAE_DM, HOUSE_DM, REGGAE_FSM = "7e6600000000d001", "40e500000000d002", "7e6600000000f003"


@pytest.fixture
def graph(settings: Settings):
    rows = [
        (REGGAE_DM, "chill_reggae_04_70bpm_Dm.wav", 70.0, "D minor", "reggae", "chill"),
        (HOUSE_DM, "deep_house_13_124bpm_Dm.wav", 124.0, "D minor", "house", "deep"),
        (REGGAE_FSM, "deep_reggae_11_74bpm_F#m.wav", 74.0, "F# minor", "reggae", "deep"),
    ]
    frame = pd.DataFrame(
        [
            catalog_row(
                id=sid,
                path=f"/lib/{name}",
                sha256=sid * 4,
                genre=genre,
                era="70s",
                vibe=vibe,
                tempo_bpm=bpm,
                swing_percent=53.0,
                backbeat_lag_ms=5.0,
                key=key,
            )
            for sid, name, bpm, key, genre, vibe in rows
        ]
    )
    return offline_graph(frame, settings=settings)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        (
            "chill house loop in D minor at 70",
            "Nothing tagged house matches exactly; showing other genres",
        ),
        (
            "chill reggae loop in A minor at 70",
            "Nothing in A minor matches exactly; showing keys that mix with A minor",
        ),
        ("reggae loop in D minor at 90", "matches exactly; showing the closest tempos"),
    ],
)
def test_nothing_exact_offers_the_nearest_relaxing_one_constraint(
    graph, text: str, note: str
) -> None:
    out = run(graph, text, thread=text)
    assert [h.sample_id for h in out["hits"]][:1] == [REGGAE_DM]
    said = answer(out)
    assert note in said
    assert "near match(es) instead" in said
    assert "No sample in the catalog matches" not in said
    assert "**" not in said  # no mix verdict was asked for


def test_a_key_against_a_bare_tempo_is_not_an_error(graph) -> None:
    out = run(graph, "chill reggae loop in F minor at 70 that mixes with 8A", thread="pairs")
    said = answer(out)
    assert "(!)" not in said
    assert "need two keys or two tempi" not in said
