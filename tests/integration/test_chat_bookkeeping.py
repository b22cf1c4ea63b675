"""The thread's bookkeeping write (``updated_at``, title) runs beside a chat turn, not
ahead of it: the graph starts while it is in flight, and it is done before ``end``."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from groovegraph.server.app import create_app
from groovegraph.server.thread_store import ThreadStore
from groovegraph.settings import Settings
from tests.integration.server_proc import serve_in_thread

pytestmark = pytest.mark.integration

SLOW_S = 2.0


def _turn(http: httpx.Client, thread_id: str, message: str) -> dict[str, float]:
    """Time each event kind was first seen."""
    seen: dict[str, float] = {}
    with connect_sse(
        http, "POST", f"/v1/threads/{thread_id}/chat", json={"message": message}
    ) as source:
        for event in source.iter_sse():
            seen.setdefault(event.event, time.perf_counter())
            if event.event == "end":
                assert json.loads(event.data)["ok"] is True
                break
    return seen


def test_the_thread_is_touched_beside_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_touch = ThreadStore.touch
    done: list[float] = []

    async def slow_touch(self: ThreadStore, **kwargs: Any) -> None:
        await asyncio.sleep(SLOW_S)
        await real_touch(self, **kwargs)
        done.append(time.perf_counter())

    monkeypatch.setattr(ThreadStore, "touch", slow_touch)
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings, build_demo=False, warm_up=False)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        _turn(http, http.post("/v1/threads").json()["thread_id"], "hello")  # loads the models
        done.clear()
        thread_id = http.post("/v1/threads").json()["thread_id"]
        seen = _turn(http, thread_id, "will 8A and 9A mix?")
        # the graph routed the turn while the slow write was still in flight ...
        assert len(done) == 1
        assert seen["route"] < done[0]
        # ... and the write was done before the client heard the run was over
        assert done[0] <= seen["end"]
        listed = http.get(f"/v1/threads/{thread_id}").json()
        assert listed["title"] == "will 8A and 9A mix?"
