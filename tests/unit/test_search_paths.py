"""One ranking rule for a catalog search, whoever asks: ``groovegraph search``, the
HTTP API (``GET /v1/samples``) and the agent's search tool list the same samples in the
same order, because the rule lives in ``tools.catalog.search`` and nowhere else."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from groovegraph import cli
from groovegraph.graph import build_graph
from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.settings import Settings, get_settings
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_row
from tests.chat import run


def _library() -> pd.DataFrame:
    """Funk loops near 90 BPM, their double-time twins (more confident, so they would
    rank among them), and a soul loop that no funk search may list."""
    rows = []
    for i, (bpm, conf) in enumerate(
        [
            (88.5, 0.6),
            (90.0, 0.7),
            (91.5, 0.5),
            (93.0, 0.65),
            (177.0, 1.0),
            (180.0, 1.0),
            (183.0, 0.95),
            (186.0, 1.0),
            (90.5, 0.9),
        ]
    ):
        rows.append(
            catalog_row(
                id=f"{i:04d}cafe{i:08d}",
                path=f"/lib/loop_{i:02d}.wav",
                sha256=f"{i + 1:064x}",
                genre="soul" if i == 8 else "funk",
                era="70s",
                tempo_bpm=bpm,
                tempo_confidence=conf,
                swing_percent=55.0,
                backbeat_lag_ms=5.0,
                key="A minor",
                kind="loop",
                status="ok",
                size_bytes=1000,
                mtime=0.0,
            )
        )
    return pd.DataFrame(rows)


def test_cli_http_and_agent_list_a_tempo_search_alike(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = _library()
    monkeypatch.setenv("GROOVEGRAPH_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    with CatalogStore.open(settings) as store:
        store.upsert(cat.record_from_row(r) for r in frame.to_dict("records"))

    assert cli.main(["search", "--bpm", "85-95", "--genre", "funk", "--json"]) == 0
    by_cli = [json.loads(line)["sample_id"] for line in capsys.readouterr().out.splitlines()]

    from groovegraph.server.app import create_app

    with TestClient(create_app(settings, build_demo=False, warm_up=False)) as client:
        r = client.get("/v1/samples", params={"bpm": "85-95", "genre": "funk"})
        assert r.status_code == 200, r.text
        by_http = [h["sample_id"] for h in r.json()["hits"]]

    graph = build_graph(catalog=cat.FrameSource(frame), settings=settings).compile()
    by_agent = [h.sample_id for h in run(graph, "find funk loops between 85 and 95 bpm")["hits"]]

    at_tempo = set(frame[(frame.tempo_bpm <= 95) & (frame.genre == "funk")].id)
    assert by_cli == by_http == by_agent
    assert set(by_cli) == at_tempo  # the double-time twins only when nothing is at 85-95


def test_half_and_double_time_stand_in_only_when_nothing_is_at_the_tempo() -> None:
    frame = _library()
    query = cat.CatalogQuery(bpm_min=85, bpm_max=95, genre="funk")
    assert all(85 <= h.tempo_bpm <= 95 for h in cat.search(frame, query))
    fast = frame[frame.tempo_bpm > 95]
    twins = cat.search(fast, query)
    assert {h.tempo_bpm for h in twins} == {177.0, 180.0, 183.0, 186.0}
    assert not any(cat.at_tempo(h, query) for h in twins)
    assert all("double time" in h.reason for h in twins)


def test_twins_rank_beside_the_tempo_only_when_asked() -> None:
    """``tempo_first=False`` (the agent's "closest tempos" band) lets a nearer twin
    rank beside a loop at its own tempo; the default keeps the twin out."""
    frame = _library()
    query = cat.CatalogQuery(bpm_min=84, bpm_max=94, target_bpm=89.0, genre="funk")
    assert {h.tempo_bpm for h in cat.search(frame, query)} == {88.5, 90.0, 91.5, 93.0}
    mixed = cat.search(frame, query.model_copy(update={"tempo_first": False}))
    assert {h.tempo_bpm for h in mixed} == {88.5, 90.0, 91.5, 93.0, 177.0, 180.0, 183.0, 186.0}
