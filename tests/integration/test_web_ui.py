"""The pages in a real browser: headless Chromium (Debian's ``chromium``, driven by
playwright) against a real ``groovegraph serve`` with API keys on Postgres + Redis.

* ``/agent/playground/`` renders LangServe's chat playground, runs two turns on one
  thread with the key typed into the page, with no page error;
* without a key the page says so in words.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import IN_CI
from tests.integration.server_proc import ServerProcess

pytestmark = pytest.mark.integration

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ALICE = {"X-API-Key": "alice-key"}
BOB = {"X-API-Key": "bob-key"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[ServerProcess]:
    import redis

    from tests.conftest import REDIS_TEST_URL

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    data = tmp_path_factory.mktemp("web-ui") / "data"
    proc = ServerProcess(
        data_dir=data,
        env={
            "GROOVEGRAPH_DATABASE_URL": pg_url,
            "GROOVEGRAPH_REDIS_URL": REDIS_TEST_URL,
            "GROOVEGRAPH_API_KEYS": "alice-key:alice,bob-key:bob",
            "GROOVEGRAPH_RATE_LIMIT_PER_MINUTE": "10000",
        },
    ).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        msg = "chromium is not installed (scripts/ensure-services.sh installs it)"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    pg = context.new_page()
    pg.page_errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda err: pg.page_errors.append(str(err)))
    yield pg
    context.close()


def assert_not_blank(path: Path) -> None:
    """A screenshot with real content: many distinct colours, not one flat fill."""
    from PIL import Image

    with Image.open(path) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, f"{path} looks blank ({len(colours)} colours)"


def send(page: Any, text: str) -> None:
    box = page.get_by_placeholder("Send a message...")
    box.fill(text)
    box.press("Enter")


def test_playground_runs_a_conversation_on_a_thread(
    server: ServerProcess, page: Any, tmp_path: Path
) -> None:
    page.goto(server.url + "/agent/playground/")
    assert page.url.endswith("/agent/chat/playground/")
    page.locator("#gg-api-key").fill("alice-key")
    page.locator("#gg-api-key").dispatch_event("change")
    send(page, "what defined Philly soul drumming?")
    page.get_by_text("Earl Young", exact=False).first.wait_for(timeout=60_000)
    send(page, "and what about 90s boom bap?")
    page.get_by_text("SP-1200", exact=False).first.wait_for(timeout=60_000)
    shot = tmp_path / "playground.png"
    page.screenshot(path=str(shot))
    assert_not_blank(shot)
    assert page.page_errors == []
    assert page.locator("#gg-error").inner_text() == ""

    # Both turns landed on one thread of alice's, once each; bob cannot see it.
    thread_id = page.evaluate("window.groovegraphThreadId")
    history = httpx.get(f"{server.url}/v1/threads/{thread_id}", headers=ALICE, timeout=30)
    assert history.status_code == 200, history.text
    humans = [
        m["content"]
        for m in history.json()["values"]["messages"]
        if m.get("type") == "human"
    ]
    assert humans == ["what defined Philly soul drumming?", "and what about 90s boom bap?"]
    other = httpx.get(f"{server.url}/v1/threads/{thread_id}", headers=BOB, timeout=30)
    assert other.status_code == 404


def test_playground_without_a_key_says_so(server: ServerProcess, page: Any) -> None:
    page.goto(server.url + "/agent/playground/")
    page.evaluate("localStorage.removeItem('groovegraph.apiKey')")
    send(page, "hello")
    error = page.locator("#gg-error")
    error.filter(has_text="API key").wait_for(timeout=30_000)
    assert "missing API key" in error.inner_text()
    assert page.page_errors == []


def test_chat_route_contract(server: ServerProcess) -> None:
    """``/agent/chat``: a conversation in, the answer as text out; the thread is required
    and owned like ``/agent``'s."""
    url = server.url + "/agent/chat"
    body = {
        "input": {"messages": [{"type": "human", "content": "what defined Philly soul drumming?"}]},
        "config": {"configurable": {"thread_id": "web-chat-contract"}},
    }
    assert httpx.post(url + "/invoke", json=body, timeout=60).status_code == 401
    no_thread = httpx.post(
        url + "/invoke", json={"input": body["input"]}, headers=ALICE, timeout=60
    )
    assert no_thread.status_code == 422
    assert no_thread.json()["error"]["code"] == "thread_id_required"
    ok = httpx.post(url + "/invoke", json=body, headers=ALICE, timeout=60)
    assert ok.status_code == 200, ok.text
    assert "Earl Young" in ok.json()["output"]
    stolen = httpx.post(url + "/invoke", json=body, headers=BOB, timeout=60)
    assert stolen.status_code == 404
    empty = httpx.post(
        url + "/invoke",
        json={"input": {"messages": []}, "config": body["config"]},
        headers=ALICE,
        timeout=60,
    )
    assert empty.status_code == 422
