"""The demo library: its plan, deterministic build, indexing and search against its truth."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools.catalog import search
from groovegraph.tools.demo import (
    build_demo,
    demo_items,
    demo_one_shots,
    describe_manifest,
    ensure_demo_library,
    load_manifest,
)
from groovegraph.tools.library import name_tags

#: What the ``mini`` fixture yields: settings, the store and the demo summary.
Mini = tuple[Settings, CatalogStore, dict[str, Any]]


def test_plan_covers_genres_eras_and_typical_ranges() -> None:
    items = demo_items()
    assert len(items) >= 150
    genres = Counter(i.genre for i in items)
    assert len(genres) >= 8
    assert len({i.era for i in items}) >= 5
    by = {g: [i.spec for i in items if i.genre == g] for g in genres}
    assert all(85 <= s["tempo_bpm"] <= 95 and s["swing_percent"] >= 60 for s in by["boom bap"])
    assert all(120 <= s["tempo_bpm"] <= 128 and s["swing_percent"] <= 52 for s in by["house"])
    assert all(170 <= s["tempo_bpm"] <= 176 for s in by["drum and bass"])
    assert all(95 <= s["tempo_bpm"] <= 110 and 54 <= s["swing_percent"] <= 60 for s in by["funk"])
    assert demo_items() == items  # deterministic


def test_file_names_carry_the_truth() -> None:
    for item in demo_items(per_genre=3):
        tags = name_tags(item.relative)
        assert (tags.genre, tags.era, tags.vibe) == (item.genre, item.era, item.vibe)
        assert tags.bpm_hint == item.spec["tempo_bpm"]
        assert tags.key_hint == item.spec["key"]


@pytest.fixture(scope="module")
def mini(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Mini]:
    data = tmp_path_factory.mktemp("demo-data")
    settings = Settings(data_dir=data, workers=2)
    settings.ensure_dirs()
    store = CatalogStore.open(settings)
    summary = ensure_demo_library(settings, store, per_genre=2, duration_s=6.0)
    assert summary is not None
    assert summary.added == 20 + len(demo_one_shots())
    assert summary.failed == 0
    manifest = load_manifest(settings.demo_dir)
    assert manifest is not None
    yield settings, store, manifest
    store.close()


def test_build_is_byte_identical_and_reuses_files(mini: Mini, tmp_path: Path) -> None:
    settings, _, manifest = mini
    other = build_demo(dest=tmp_path / "again", per_genre=2, duration_s=6.0, workers=1)
    assert [s["sha256"] for s in other["samples"]] == [s["sha256"] for s in manifest["samples"]]
    first = settings.demo_dir / manifest["samples"][0]["path"]
    before = os.stat(first).st_mtime_ns
    build_demo(dest=settings.demo_dir, per_genre=2, duration_s=6.0, workers=1)
    assert os.stat(first).st_mtime_ns == before


def test_ensure_is_a_no_op_when_indexed(mini: Mini) -> None:
    settings, store, _ = mini
    assert ensure_demo_library(settings, store, per_genre=2, duration_s=6.0) is None


def test_ids_tags_and_search_against_truth(mini: Mini) -> None:
    _settings, store, manifest = mini
    df = store.frame()
    assert set(df["id"]) == {s["id"] for s in [*manifest["samples"], *manifest["one_shots"]]}
    truth = {s["id"]: s for s in manifest["samples"]}
    df = df[df["kind"] == "loop"]
    for row in df.itertuples():
        assert (row.genre, row.era) == (
            truth[row.id]["tags"]["genre"],
            truth[row.id]["tags"]["era"],
        )
    # genre filter is exact (tags come from folder names)
    for genre in {s["tags"]["genre"] for s in manifest["samples"]}:
        hits = search(df, CatalogQuery(genre=genre, limit=50))
        assert {h.sample_id for h in hits} == {
            i for i, s in truth.items() if s["tags"]["genre"] == genre
        }
    # each loop is found by its true tempo (±4 %, half/double allowed) within its genre
    found = 0
    for sid, s in truth.items():
        bpm = s["truth"]["tempo_bpm"]
        q = CatalogQuery(
            bpm_min=bpm * 0.96,
            bpm_max=bpm * 1.04,
            target_bpm=bpm,
            genre=s["tags"]["genre"],
            limit=5,
        )
        found += sid in {h.sample_id for h in search(df, q)}
    assert found >= 0.8 * len(truth)


def test_ranking_puts_the_true_tempo_first(mini: Mini) -> None:
    _, store, manifest = mini
    df = store.frame()
    straight = [
        s for s in manifest["samples"] if s["tags"]["genre"] in {"house", "disco", "breakbeat"}
    ]
    top_ok = 0
    for s in straight:
        hits = search(
            df, CatalogQuery(target_bpm=s["truth"]["tempo_bpm"], half_double=False, limit=3)
        )
        top_ok += abs(hits[0].tempo_bpm - s["truth"]["tempo_bpm"]) <= 1.5
    assert top_ok >= 0.8 * len(straight)


def test_demo_one_shots_are_indexed_as_their_truth(mini: Mini) -> None:
    _, store, manifest = mini
    shots = manifest["one_shots"]
    assert len(shots) == len(demo_one_shots())
    assert {s["truth"]["instrument"] for s in shots} == {"kick", "snare", "clap", "hat", "bass"}
    df = store.frame().set_index("id")
    for s in shots:
        row = df.loc[s["id"]]
        assert row["kind"] == "one_shot", s["path"]
        assert row["instrument"] == s["truth"]["instrument"], s["path"]
        if s["truth"]["root_note"] is not None:
            assert row["root_note"] == s["truth"]["root_note"], s["path"]
        assert pd.isna(row["tempo_bpm"])  # no tempo for a one-shot
        assert pd.isna(row["genre"])  # "One-shots/Kicks" is how a pack is sorted, not a genre
    kicks = search(store.frame(), CatalogQuery(kind="one_shot", instrument="kick", limit=50))
    assert len(kicks) == 3
    in_f = search(store.frame(), CatalogQuery(kind="one_shot", key="F minor", limit=50))
    assert [h.root_note for h in in_f] == ["F1"]


def test_the_demo_summary_counts_every_file_it_indexes() -> None:
    """Outside trial: `groovegraph demo` said it built 150 loops, then indexing reported
    169 files, the 19 one-shots unexplained. The summary counts loops and one-shots."""
    items, shots = demo_items(), demo_one_shots()
    manifest = {
        "samples": [{"path": i.relative} for i in items],
        "one_shots": [{"path": s.relative, "tags": {"instrument": s.instrument}} for s in shots],
        "genres": sorted({i.genre for i in items}),
        "eras": sorted({i.era for i in items}),
    }
    line = describe_manifest(manifest)
    assert line.startswith(f"{len(items) + len(shots)} files: {len(items)} loops")
    assert f"and {len(shots)} one-shots (" in line
    assert line == (
        "169 files: 150 loops (10 genres, 7 eras) and 19 one-shots "
        "(3 kicks, 3 snares, 2 claps, 3 hats, 8 808s)"
    )
