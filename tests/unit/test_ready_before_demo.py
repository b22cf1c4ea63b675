"""A first start is ready (accepting requests) before its demo library is built and
indexed; until it is, /healthz and /readyz show how far it has come, and what touches the
library answers from what is indexed so far and says so, instead of an error or silence.

The demo build here is a stand-in that reports progress and then waits for the test, so
each state is looked at while it lasts; the real build is tests/unit/test_demo.py's."""

from __future__ import annotations

import threading
import time
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from groovegraph.graph import build_graph
from groovegraph.persistence.catalog_store import CatalogStore
from groovegraph.server import wiring
from groovegraph.server.app import create_app
from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from groovegraph.tools.library_progress import LibraryProgress, library_progress, track, untrack
from tests.catalogs import catalog_row
from tests.chat import answer, run


def _wait_for(predicate: Any, what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def _soul_rows(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            catalog_row(
                id=f"{i:04d}beef{i:08d}",
                path=f"/lib/warm_soul_{i:02d}.wav",
                sha256=f"{i + 7:064x}",
                genre="soul",
                era="60s",
                tempo_bpm=82.0 + i,
                swing_percent=54.0,
                key="D minor",
                kind="loop",
                status="ok",
                size_bytes=1000,
                mtime=0.0,
            )
            for i in range(n)
        ]
    )


def test_ready_while_the_demo_library_is_indexed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow_demo(s: Settings, catalog: Any, progress: Any = None) -> None:
        calls.append(1)
        progress.update("building", 169, 169)
        progress.update("indexing", 40, 169)
        assert release.wait(60)
        rows = _soul_rows(3)
        catalog.upsert(cat.record_from_row(r) for r in rows.to_dict("records"))

    monkeypatch.setattr(wiring, "ensure_demo", slow_demo)
    with TestClient(create_app(settings, build_demo=True, warm_up=False)) as client:
        _wait_for(lambda: calls, "the demo build did not start")
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["library"] == "indexing 40/169"
        assert ready.json()["status"] == "ok"
        health = client.get("/healthz").json()
        assert health == {
            "status": "ok",
            "library": {"state": "indexing", "done": 40, "total": 169},
        }
        found = client.get("/v1/samples", params={"genre": "soul"})
        assert found.status_code == 200
        assert found.json()["hits"] == []
        assert "still being indexed (40 of 169 files analysed)" in found.json()["note"]
        missing = client.get("/v1/samples/0000beef00000000")
        assert missing.status_code == 404
        assert "still being indexed" in missing.json()["error"]["message"]
        assert missing.headers["retry-after"] == "2"

        release.set()
        _wait_for(
            lambda: client.get("/healthz").json()["library"] == {"state": "ready"},
            "the library never became ready",
        )
        assert client.get("/readyz").json()["checks"]["library"] == "ok"
        after = client.get("/v1/samples", params={"genre": "soul"}).json()
        assert len(after["hits"]) == 3
        assert after["note"] is None
        assert client.get("/v1/samples/0000beef00000000").status_code == 200
        unknown = client.get("/v1/samples/0000beef000000ff")  # indexed: a bare 404 now
        assert unknown.status_code == 404
        assert "retry-after" not in unknown.headers
        assert "indexed" not in unknown.json()["error"]["message"]


def test_a_failed_demo_build_leaves_the_server_ready_and_degraded(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_demo(s: Settings, catalog: Any, progress: Any = None) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(wiring, "ensure_demo", broken_demo)
    with TestClient(create_app(settings, build_demo=True, warm_up=False)) as client:
        _wait_for(
            lambda: client.get("/healthz").json()["library"]["state"] == "failed",
            "the failure was not reported",
        )
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["library"] == "error: OSError: disk full"


def test_no_demo_build_adds_nothing_to_health(settings: Settings) -> None:
    with TestClient(create_app(settings, build_demo=False, warm_up=False)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        _wait_for(lambda: client.get("/readyz").status_code == 200, "not ready")
        assert "library" not in client.get("/readyz").json()["checks"]
        assert client.get("/v1/samples").json()["note"] is None


def test_an_interrupted_demo_build_is_finished_on_the_next_start(settings: Settings) -> None:
    """The server can be stopped once ready, with its demo half indexed: the next start
    must finish it although the catalog is no longer empty."""
    with CatalogStore.open(settings) as store:
        assert wiring.demo_wanted(settings, store)  # a first start: empty catalog
        store.upsert(cat.record_from_row(r) for r in _soul_rows(2).to_dict("records"))
        assert not wiring.demo_wanted(settings, store)  # the user's own library, no demo
        (settings.demo_dir / "Funk").mkdir(parents=True)  # a build that began
        assert wiring.demo_wanted(settings, store)


def test_the_agent_says_its_library_answer_is_partial(settings: Settings) -> None:
    graph = build_graph(catalog=cat.FrameSource(_soul_rows(2)), settings=settings).compile()
    progress = track(settings)
    try:
        progress.update("indexing", 2, 9)
        text = answer(run(graph, "find me soul loops around 84 bpm", thread="a"))
        assert "still being indexed (2 of 9 files analysed)" in text
        progress.finish()
        text = answer(run(graph, "find me soul loops around 83 bpm", thread="b"))
        assert "still being" not in text
    finally:
        untrack(settings, progress)
    assert library_progress(settings) is None


def test_progress_texts() -> None:
    p = LibraryProgress()
    assert p.pending
    assert p.check() == "waiting"
    p.update("building", 10, 169)
    assert p.as_dict() == {"state": "building", "done": 10, "total": 169}
    assert p.check() == "building 10/169"
    assert "10 of 169 files written" in (p.note() or "")
    p.finish()
    assert not p.pending
    assert p.note() is None
    assert p.check() == "ok"
    assert p.as_dict() == {"state": "ready"}
