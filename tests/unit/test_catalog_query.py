"""Catalog search and stats over a frame whose values are the demo library's exact truth.

The frame is built from the demo plan (no audio), so every expectation can be computed
from the truth independently of the search code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from groovegraph.state import CatalogQuery, SampleRecord, SampleTags
from groovegraph.tools.catalog import (
    FrameSource,
    SampleSource,
    normalize_era,
    normalize_tag,
    records_to_frame,
    search,
    stats_by,
)
from groovegraph.tools.demo import demo_items
from groovegraph.tools.errors import InvalidQueryError, NotFoundError
from groovegraph.tools.harmony import key_relation
from groovegraph.tools.keys import parse_key


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    rows = []
    for i, item in enumerate(demo_items()):
        key = parse_key(item.spec["key"])
        rows.append(
            {
                "id": f"{i:016x}",
                "owner": None,
                "path": f"/lib/{item.relative}",
                "sha256": f"{i:064x}",
                "size_bytes": 1,
                "mtime": 0.0,
                "status": "ok",
                "genre": item.genre,
                "era": item.era,
                "vibe": item.vibe,
                "instrument": None,
                "source": None,
                "duration_s": item.spec["duration_s"],
                "sample_rate": 22050,
                "tempo_bpm": item.spec["tempo_bpm"],
                "tempo_confidence": 0.9,
                "swing_percent": item.spec["swing_percent"],
                "swing_ratio": 1.0,
                "timing_deviation_ms": item.spec["jitter_ms"],
                "backbeat_lag_ms": item.spec["backbeat_lag_ms"],
                "key": key.name,
                "camelot": key.camelot,
                "key_confidence": 0.8,
                "rms_db": -12.0,
                "onset_rate_hz": 4.0,
            }
        )
    return pd.DataFrame(rows)


def _ids(hits: list) -> set[str]:
    return {h.sample_id for h in hits}


def test_bpm_range_filter_matches_truth_exactly(truth: pd.DataFrame) -> None:
    hits = search(truth, CatalogQuery(bpm_min=95, bpm_max=100, half_double=False, limit=200))
    want = truth[(truth.tempo_bpm >= 95) & (truth.tempo_bpm <= 100)]
    assert _ids(hits) == set(want.id)
    assert want.shape[0] > 0


def test_half_and_double_time_are_matched_when_asked(truth: pd.DataFrame) -> None:
    q = CatalogQuery(bpm_min=84, bpm_max=90, limit=200)
    t = truth.tempo_bpm
    at_tempo = (t >= 84) & (t <= 90)
    # loops at the tempo itself come first: with any of them, the twins stay out
    assert _ids(search(truth, q)) == set(truth[at_tempo].id)
    # without them, the half- and double-time matches stand in
    others = truth[~at_tempo]
    hits = search(others, q)
    t = others.tempo_bpm
    want = others[((t * 2 >= 84) & (t * 2 <= 90)) | ((t / 2 >= 84) & (t / 2 <= 90))]
    assert _ids(hits) == set(want.id)
    dnb = {h.sample_id for h in hits if h.tags.genre == "drum and bass"}
    assert dnb, "drum & bass at 170-176 is double time of 85-88"
    assert any("double time" in h.reason for h in hits if h.sample_id in dnb)


def test_ranking_by_tempo_distance(truth: pd.DataFrame) -> None:
    hits = search(truth, CatalogQuery(target_bpm=124, half_double=False, limit=20))
    dist = [abs(h.tempo_bpm - 124) for h in hits]
    assert dist == sorted(dist)
    assert all(0 <= h.score <= 1 for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_key_and_compatible_keys(truth: pd.DataFrame) -> None:
    exact = search(truth, CatalogQuery(key="A minor", limit=200))
    assert _ids(exact) == set(truth[truth.camelot == "8A"].id)
    # the keys that mix: the standard harmonic moves (same, relative, one step either way)
    mixes = search(truth, CatalogQuery(compatible_with="Am", limit=200))
    near = {"8A", "8B", "7A", "9A"} & set(truth.camelot)
    assert _ids(mixes) == set(truth[truth.camelot.isin(near)].id)
    # a lower score asked for also admits the diagonal and the energy moves
    compat = search(truth, CatalogQuery(compatible_with="Am", key_min_score=0.5, limit=200))
    ok = {c for c in truth.camelot.unique() if key_relation("8A", c).score >= 0.5}
    assert ok == {"8A", "8B", "7A", "9A", "9B", "10A", "6A"} & set(truth.camelot)
    assert _ids(compat) == set(truth[truth.camelot.isin(ok)].id)
    # same key ranks above relative/adjacent, which rank above the energy moves
    by_rel = {}
    for h in compat:
        by_rel.setdefault(key_relation("8A", h.camelot).relation, []).append(h.score)
    assert min(by_rel["same"]) > max(by_rel["energy_boost"])
    assert all("8A" not in h.reason or "= same" in h.reason for h in compat if h.camelot == "8A")


def test_swing_genre_era_and_vibe_filters(truth: pd.DataFrame) -> None:
    hits = search(truth, CatalogQuery(swing_min=60, swing_max=70, genre="Boom-Bap", limit=200))
    want = truth[
        (truth.swing_percent >= 60) & (truth.swing_percent <= 70) & (truth.genre == "boom bap")
    ]
    assert _ids(hits) == set(want.id)
    assert len(want) > 5
    seventies = search(truth, CatalogQuery(era="1970s", genre="FUNK", limit=200))
    assert _ids(seventies) == set(truth[(truth.era == "70s") & (truth.genre == "funk")].id)
    dusty = search(truth, CatalogQuery(vibe="dusty", limit=200))
    assert _ids(dusty) == set(truth[truth.vibe == "dusty"].id)
    dnb = search(truth, CatalogQuery(genre="DnB", limit=200))
    assert len(dnb) == (truth.genre == "drum and bass").sum()


def test_the_producer_query_funk_near_96_that_mixes_with_a_minor(truth: pd.DataFrame) -> None:
    q = CatalogQuery(
        bpm_min=92, bpm_max=100, target_bpm=96, compatible_with="A minor", genre="funk", limit=5
    )
    hits = search(truth, q)
    for h in hits:
        assert h.tags.genre == "funk"
        assert 92 <= h.tempo_bpm <= 100
        assert key_relation("8A", h.camelot).score >= 0.5
    pool = truth[
        (truth.genre == "funk")
        & truth.tempo_bpm.between(92, 100)
        & truth.camelot.map(lambda c: key_relation("8A", c).score >= 0.5)
    ]
    assert len(hits) == min(5, len(pool))


def test_exclusions_duration_limit_and_empty_results(truth: pd.DataFrame) -> None:
    first = search(truth, CatalogQuery(target_bpm=90, limit=3))
    again = search(truth, CatalogQuery(target_bpm=90, limit=3, exclude_ids=[first[0].sample_id]))
    assert first[0].sample_id not in _ids(again)
    assert search(truth, CatalogQuery(duration_min_s=30)) == []
    assert len(search(truth, CatalogQuery(limit=7))) == 7
    assert search(truth.iloc[0:0], CatalogQuery()) == []


def test_bad_queries_are_typed_errors(truth: pd.DataFrame) -> None:
    with pytest.raises(InvalidQueryError):
        search(truth, CatalogQuery(key="H minor"))
    with pytest.raises(InvalidQueryError):
        search(truth, CatalogQuery(bpm_min=120, bpm_max=90))


def test_search_is_vectorised_on_100k_rows(truth: pd.DataFrame) -> None:
    big = pd.concat([truth] * 700, ignore_index=True)
    big["id"] = [f"{i:016x}" for i in range(len(big))]
    big["path"] = big["path"] + "#" + big.index.astype(str)
    hits = search(
        big, CatalogQuery(bpm_min=92, bpm_max=100, compatible_with="Am", genre="funk", limit=10)
    )
    assert len(hits) == 10


def test_stats_by_era_and_genre(truth: pd.DataFrame) -> None:
    stats = stats_by(truth, ("era", "genre"))
    row = stats[(stats.era == "90s") & (stats.genre == "boom bap")].iloc[0]
    sub = truth[(truth.era == "90s") & (truth.genre == "boom bap")]
    assert row["count"] == len(sub)
    assert row["median_bpm"] == pytest.approx(sub.tempo_bpm.median())
    assert row["median_swing_percent"] == pytest.approx(sub.swing_percent.median())
    top = sub.key.value_counts()
    assert row["common_keys"][0] in set(top[top == top.max()].index)
    by_era = stats_by(truth, "era", genre="funk")
    assert set(by_era.era) == set(truth[truth.genre == "funk"].era)
    assert by_era["count"].sum() == (truth.genre == "funk").sum()
    with pytest.raises(InvalidQueryError):
        stats_by(truth, "tempo_bpm")


def test_normalisation() -> None:
    assert (
        normalize_tag("Drum & Bass")
        == normalize_tag("drum and bass")
        == normalize_tag("DnB")
        == "drum and bass"
    )
    assert normalize_tag("Hip-Hop") == "hip hop"
    assert normalize_tag(float("nan")) is None
    assert normalize_era("1970s") == normalize_era("70's") == normalize_era("1975") == "70s"
    assert normalize_era("2000s") == "00s"


def test_frame_source_scopes_owners_and_gets_records() -> None:
    def rec(i: int, owner: str | None, status: str = "ok") -> SampleRecord:
        return SampleRecord(
            id=f"{i:016x}",
            owner=owner,
            path=f"/x/{i}.wav",
            sha256=f"{i:064x}",
            size_bytes=1,
            mtime=0.0,
            status=status,
            tags=SampleTags(genre="funk"),
        )

    src = FrameSource(
        records_to_frame([rec(1, None), rec(2, "alice"), rec(3, "bob"), rec(4, None, "gone")])
    )
    assert isinstance(src, SampleSource)
    assert set(src.frame()["id"]) == {f"{1:016x}"}
    assert set(src.frame("alice")["id"]) == {f"{1:016x}", f"{2:016x}"}
    assert src.get(f"{2:016x}", "alice").owner == "alice"
    with pytest.raises(NotFoundError):
        src.get(f"{2:016x}", "bob")
    assert np.all(src.frame("bob")["status"] == "ok")


def test_invalid_query_from_validation_names_each_field() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as info:
        CatalogQuery(swing_min=200, swing_max=300, limit=0)
    err = InvalidQueryError.from_validation(info.value)
    # Not pydantic's "3 validation errors for CatalogQuery" headline.
    assert "validation errors for" not in err.message
    assert "swing_min: Input should be less than or equal to 100" in err.message
    assert "limit: Input should be greater than or equal to 1" in err.message
    assert err.code == "invalid_query"
