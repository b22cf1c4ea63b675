"""``/readyz`` is about serving: it waits for the analysis warm-up (numba's kernels, or
the first upload would wait seconds for them), not for the plots' warm-up, which runs
after readiness in the background."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from groovegraph.server import wiring
from groovegraph.server.app import create_app
from groovegraph.settings import Settings
from tests.integration.server_proc import serve_in_thread

pytestmark = pytest.mark.integration


def test_ready_before_the_plots_are_warm(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    started = threading.Event()
    real = wiring.warm_up_plots

    def slow_plots_warm_up() -> None:
        started.set()
        release.wait(60)  # a warm-up that takes as long as the test needs
        real()

    monkeypatch.setattr(wiring, "warm_up_plots", slow_plots_warm_up)
    app = create_app(settings, build_demo=False, warm_up=True)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        deadline = time.monotonic() + 120
        while (r := http.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, r.text
            time.sleep(0.1)
        assert r.json()["checks"]["startup"] == "ok"
        # Ready while the plot warm-up is still running.
        assert started.wait(30)
        assert not release.is_set()
        release.set()
