"""Pictures, sound and pages against a real ``groovegraph serve`` with API keys on
Postgres + Redis; the pages in headless Chromium (Debian's ``chromium``, driven by
playwright).

* plots, click track and mix preview over HTTP: content, cache, owners, bad ids, limits;
* ``/agent/playground/`` renders LangServe's chat playground, runs two turns on one
  thread with the key typed into the page, with no page error; without a key the page
  says so in words.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import time
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
    import uuid

    import psycopg
    import redis

    from tests.conftest import PG_ADMIN_URL

    # A database of this module's own: the page's library table lists every sample its
    # owner can see, so samples other modules uploaded must not be in it.
    own_db = f"gg_web_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{own_db}"')
    pg_url = pg_url.rsplit("/", 1)[0] + "/" + own_db

    from tests.conftest import REDIS_TEST_URL

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    data = tmp_path_factory.mktemp("web-ui") / "data"
    proc = ServerProcess(
        data_dir=data,
        env={
            "GROOVEGRAPH_DATABASE_URL": pg_url,
            "GROOVEGRAPH_REDIS_URL": REDIS_TEST_URL,
            "GROOVEGRAPH_API_KEYS": "alice-key:web-alice,bob-key:web-bob",
            "GROOVEGRAPH_RATE_LIMIT_PER_MINUTE": "10000",
            "GROOVEGRAPH_PREVIEW_MAX_S": "30",
        },
        ready_timeout_s=300,
    ).start()
    yield proc
    proc.stop()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{own_db}" WITH (FORCE)')


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
    page.get_by_text("Earl Young", exact=False).first.wait_for(timeout=120_000)
    send(page, "and what about 90s boom bap?")
    page.get_by_text("SP-1200", exact=False).first.wait_for(timeout=120_000)
    shot = tmp_path / "playground.png"
    page.screenshot(path=str(shot))
    assert_not_blank(shot)
    assert page.page_errors == []
    assert page.locator("#gg-error").inner_text() == ""

    # Both turns landed on one thread of alice's, once each; bob cannot see it.
    thread_id = page.evaluate("window.groovegraphThreadId")
    history = httpx.get(f"{server.url}/v1/threads/{thread_id}", headers=ALICE, timeout=30)
    assert history.status_code == 200, history.text
    humans = [m["content"] for m in history.json()["messages"] if m.get("type") == "human"]
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
    assert empty.status_code == 400  # as /agent answers an empty turn
    assert "at least one message" in empty.json()["error"]["message"]


def loop_wav(tempo_bpm: float, *, seconds: float = 8.0, seed: int = 7) -> bytes:
    import soundfile as sf

    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    y, _ = synthesize_groove(
        GrooveSpec(
            tempo_bpm=tempo_bpm,
            swing_percent=58.0,
            duration_s=seconds,
            sample_rate=22050,
            seed=seed,
        )
    )
    buf = io.BytesIO()
    sf.write(buf, y, 22050, format="WAV", subtype="PCM_16")
    return buf.getvalue()


@pytest.fixture(scope="module")
def loops(server: ServerProcess) -> dict[str, dict[str, Any]]:
    """Two of alice's loops (96 and 100 BPM), uploaded and analysed."""
    out: dict[str, dict[str, Any]] = {}
    for name, bpm, seed in (("a", 96.0, 7), ("b", 100.0, 11)):
        r = httpx.post(
            server.url + "/v1/samples",
            files={"file": (f"loop-{name}.wav", loop_wav(bpm, seed=seed), "audio/wav")},
            headers=ALICE,
            timeout=300,
        )
        assert r.status_code in (200, 201), r.text
        out[name] = r.json()
    return out


def test_plots(server: ServerProcess, loops: dict[str, dict[str, Any]]) -> None:
    sample = loops["a"]
    url = f"{server.url}/v1/samples/{sample['id']}/plot"
    grid = httpx.get(url, params={"kind": "grid", "format": "svg"}, headers=ALICE, timeout=120)
    assert grid.status_code == 200, grid.text
    assert grid.headers["content-type"].startswith("image/svg+xml")
    beats = sample["analysis"]["beats_s"]
    assert len(beats) >= 10
    assert len(re.findall(r'id="beat-\d+"', grid.text)) == len(beats)
    assert len(re.findall(r'id="downbeat-\d+"', grid.text)) == len(
        sample["analysis"]["downbeats_s"]
    )
    for kind in ("pocket", "swing", "key"):
        r = httpx.get(url, params={"kind": kind, "format": "png"}, headers=ALICE, timeout=120)
        assert r.status_code == 200, (kind, r.text)
        assert r.headers["content-type"] == "image/png"
        assert r.content[:8] == b"\x89PNG\r\n\x1a\n"
    pocket = httpx.get(url, params={"kind": "pocket"}, headers=ALICE, timeout=120)
    assert pocket.status_code == 200
    assert 'id="hits-kick"' in pocket.text
    assert 'id="hits-snare"' in pocket.text

    # Served from the cache: same bytes, fast, and a 304 for a client that has it.
    with httpx.Client(headers=ALICE, timeout=30) as client:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            again = client.get(url, params={"kind": "grid", "format": "svg"})
            timings.append(time.perf_counter() - started)
            assert again.content == grid.content
    # The bar is 50 ms on a quiet machine; CI shares its cores with the other tests.
    assert min(timings) < 0.25, timings
    etag = again.headers["etag"]
    same = httpx.get(
        url, params={"kind": "grid"}, headers={**ALICE, "If-None-Match": etag}, timeout=30
    )
    assert same.status_code == 304

    assert httpx.get(url, params={"kind": "grid"}, headers=BOB, timeout=30).status_code == 404
    missing = httpx.get(f"{server.url}/v1/samples/0123456789abcdef/plot", headers=ALICE, timeout=30)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert httpx.get(url, params={"kind": "pie"}, headers=ALICE, timeout=30).status_code == 422
    assert httpx.get(url, params={"format": "gif"}, headers=ALICE, timeout=30).status_code == 422
    assert httpx.get(url, timeout=30).status_code == 401


def test_click_track(server: ServerProcess, loops: dict[str, dict[str, Any]]) -> None:
    import numpy as np
    import soundfile as sf

    sample = loops["a"]
    url = f"{server.url}/v1/samples/{sample['id']}/audio"
    r = httpx.get(url, params={"click": "true"}, headers=ALICE, timeout=120)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "audio/wav"
    y, sr = sf.read(io.BytesIO(r.content))
    assert abs(len(y) / sr - sample["analysis"]["duration_s"]) < 0.05
    plain = httpx.get(url, headers=ALICE, timeout=60)
    assert plain.status_code == 200
    assert plain.content == loop_wav(96.0, seed=7)
    original, _ = sf.read(io.BytesIO(plain.content))

    def accent(x: np.ndarray, at_s: float) -> float:
        """Share of the 1.4-1.6 kHz band (the bar-start click) in 50 ms from at_s."""
        w = x[int(at_s * sr) : int(at_s * sr) + 1024]
        spec = np.abs(np.fft.rfft(w * np.hanning(w.size))) ** 2
        freqs = np.fft.rfftfreq(w.size, 1 / sr)
        return float(spec[(freqs > 1400) & (freqs < 1600)].sum() / spec.sum())

    # Every bar start carries the accent click the original does not have.
    for bar in sample["analysis"]["downbeats_s"]:
        assert accent(y, bar) > 5 * accent(original, bar) + 0.01, bar
    assert httpx.get(url, params={"click": "true"}, headers=BOB, timeout=30).status_code == 404
    assert (
        httpx.get(f"{server.url}/v1/samples/nope/audio", headers=ALICE, timeout=30).status_code
        == 404
    )


def test_mix_preview(server: ServerProcess, loops: dict[str, dict[str, Any]]) -> None:
    import soundfile as sf

    url = server.url + "/v1/mix-preview"
    body = {"a": loops["a"]["id"], "b": loops["b"]["id"], "seconds": 6}
    r = httpx.post(url, json=body, headers=ALICE, timeout=180)
    assert r.status_code == 200, r.text
    y, sr = sf.read(io.BytesIO(r.content))
    assert abs(len(y) / sr - 6.0) < 0.01
    plan = json.loads(r.headers["x-mix-plan"])
    tempo_a = loops["a"]["analysis"]["tempo_bpm"]
    tempo_b = loops["b"]["analysis"]["tempo_bpm"]
    assert plan["stretch_rate"] == pytest.approx(tempo_a / tempo_b, rel=1e-3)
    assert plan["verdict"] in ("great", "good", "workable", "poor")
    # The header never mixes the pair as it is with the pair after the shift: the top
    # level is as it is, "after" is once B is stretched and shifted.
    from groovegraph.tools.harmony import key_relation, verdict_for

    key_a, key_b = loops["a"]["analysis"]["key"], loops["b"]["analysis"]["key"]
    if key_a and key_b:
        assert plan["key_relation"] == key_relation(key_a, key_b).relation
    assert plan["after"]["verdict"] == verdict_for(plan["after"]["score"])
    assert plan["verdict"] == verdict_for(plan["score"])

    too_long = httpx.post(url, json={**body, "seconds": 31}, headers=ALICE, timeout=30)
    assert too_long.status_code == 422
    assert "at most 30" in too_long.json()["error"]["message"]
    huge = httpx.post(
        url,
        content=json.dumps({**body, "pad": "x" * (2 * 1024 * 1024)}),
        headers={**ALICE, "Content-Type": "application/json"},
        timeout=30,
    )
    assert huge.status_code == 413
    assert httpx.post(url, json=body, headers=BOB, timeout=30).status_code == 404
    bad = httpx.post(url, json={**body, "b": "nope"}, headers=ALICE, timeout=30)
    assert bad.status_code == 404
    assert httpx.post(url, json={"a": body["a"]}, headers=ALICE, timeout=30).status_code == 422


def test_previews_sound_like_the_upload(server: ServerProcess) -> None:
    """A stereo 44.1 kHz loop's click track and mix preview come back in stereo at 44.1
    kHz (an outside trial got 22.05 kHz mono). Bob's loops: alice's library stays as the
    page tests expect it."""
    import numpy as np
    import soundfile as sf

    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    ids = []
    for bpm, seed in ((96.0, 21), (100.0, 22)):
        y, _ = synthesize_groove(
            GrooveSpec(tempo_bpm=bpm, duration_s=8.0, sample_rate=44100, seed=seed)
        )
        buf = io.BytesIO()
        sf.write(buf, np.stack([y, 0.6 * y], axis=1), 44100, format="WAV", subtype="PCM_16")
        r = httpx.post(
            server.url + "/v1/samples",
            files={"file": (f"stereo-{seed}.wav", buf.getvalue(), "audio/wav")},
            headers=BOB,
            timeout=300,
        )
        assert r.status_code in (200, 201), r.text
        ids.append(r.json()["id"])
    click = httpx.get(
        f"{server.url}/v1/samples/{ids[0]}/audio",
        params={"click": "true"},
        headers=BOB,
        timeout=120,
    )
    assert click.status_code == 200, click.text
    info = sf.info(io.BytesIO(click.content))
    assert (info.samplerate, info.channels) == (44100, 2)
    assert abs(info.duration - 8.0) < 0.05
    mix = httpx.post(
        server.url + "/v1/mix-preview",
        json={"a": ids[0], "b": ids[1], "seconds": 5},
        headers=BOB,
        timeout=180,
    )
    assert mix.status_code == 200, mix.text
    info = sf.info(io.BytesIO(mix.content))
    assert (info.samplerate, info.channels) == (44100, 2)
    assert abs(info.duration - 5.0) < 0.01


def chat_events(server: ServerProcess, thread: str, body: dict[str, Any]) -> list[tuple[str, Any]]:
    from httpx_sse import connect_sse

    events: list[tuple[str, Any]] = []
    with (
        httpx.Client(base_url=server.url, headers=ALICE, timeout=300) as client,
        connect_sse(client, "POST", f"/v1/threads/{thread}/chat", json=body) as source,
    ):
        assert source.response.status_code == 200
        events.extend((e.event, json.loads(e.data)) for e in source.iter_sse())
    return events


def test_a_groove_answer_links_its_plot(
    server: ServerProcess, loops: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """The SSE ``message`` of a groove answer links the loop's grid plot, which its owner
    can open (and nobody else); the thread's state has the same link; ``groovegraph chat``
    prints it."""
    sample = loops["a"]["id"]
    thread = httpx.post(server.url + "/v1/threads", headers=ALICE, timeout=30).json()["thread_id"]
    events = chat_events(
        server, thread, {"message": "what's the swing on this loop?", "samples": [sample]}
    )
    messages = [data for kind, data in events if kind == "message"]
    answer = messages[-1]
    assert answer["plots"] == [
        {
            "sample_id": sample,
            "kind": "grid",
            "label": "loop-a.wav",
            "url": f"/v1/samples/{sample}/plot?kind=grid&format=svg",
        }
    ]
    svg = httpx.get(server.url + answer["plots"][0]["url"], headers=ALICE, timeout=60)
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert len(re.findall(r'id="beat-\d+"', svg.text)) == len(loops["a"]["analysis"]["beats_s"])
    assert (
        httpx.get(server.url + answer["plots"][0]["url"], headers=BOB, timeout=60).status_code
        == 404
    )

    state = httpx.get(f"{server.url}/v1/threads/{thread}", headers=ALICE, timeout=30).json()
    assert state["messages"][-1]["plots"] == answer["plots"]

    # A search answer shows no plot.
    search = chat_events(server, thread, {"message": "find loops around 96 bpm"})
    assert all(not data["plots"] for kind, data in search if kind == "message")

    import io

    from rich.console import Console

    from groovegraph.server.client import run_chat
    from groovegraph.settings import Settings

    out = io.StringIO()
    status = run_chat(
        settings=Settings(data_dir=tmp_path),
        message="how does this one swing?",
        url=server.url,
        api_key="alice-key",
        samples=[loops["b"]["id"]],
        out=Console(file=out, width=300),
        err=Console(file=io.StringIO(), width=300),
    )
    assert status == 0
    link = f"{server.url}/v1/samples/{loops['b']['id']}/plot?kind=grid&format=svg"
    assert f"plot (grid, loop-b.wav): {link}" in out.getvalue()


def test_agent_protocol_answer_shows_the_plot_as_an_image_block(
    server: ServerProcess, loops: dict[str, dict[str, Any]]
) -> None:
    """For Agent Chat UI and Studio: the answer about a loop carries its grid plot as a
    base64 PNG image block, in the run's streamed values, in runs/wait and in the
    thread's state; the checkpoint keeps only the reference."""
    import base64

    from httpx_sse import connect_sse

    sample = loops["b"]["id"]

    def image_blocks(values: dict[str, Any]) -> list[dict[str, Any]]:
        content = values["messages"][-1]["content"]
        return [b for b in content if isinstance(b, dict) and b.get("type") == "image"]

    with httpx.Client(base_url=server.url, headers=ALICE, timeout=300) as client:
        thread = client.post("/threads", json={}).json()["thread_id"]
        turn = {
            "assistant_id": "groovegraph",
            "input": {
                "messages": [
                    {
                        "type": "human",
                        "content": "what's the pocket like on this one?",
                        "additional_kwargs": {"samples": [sample]},
                    }
                ]
            },
        }
        done = client.post(f"/threads/{thread}/runs/wait", json=turn)
        assert done.status_code == 200, done.text
        (block,) = image_blocks(done.json())
        assert block["mime_type"] == block["mimeType"] == "image/png"
        assert base64.b64decode(block["data"])[:8] == b"\x89PNG\r\n\x1a\n"
        assert block["metadata"]["url"] == f"/v1/samples/{sample}/plot?kind=grid&format=svg"
        assert done.json()["messages"][-1]["content"][0]["type"] == "text"

        state = client.get(f"/threads/{thread}/state").json()
        assert image_blocks(state["values"]) == [block]

        turn["stream_mode"] = ["values"]
        with connect_sse(client, "POST", f"/threads/{thread}/runs/stream", json=turn) as source:
            values = [json.loads(e.data) for e in source.iter_sse() if e.event == "values"]
        assert image_blocks(values[-1]) == [block]

    # /v1 shows the same answer as text with a link: the pictures are not stored.
    v1 = httpx.get(f"{server.url}/v1/threads/{thread}", headers=ALICE, timeout=30).json()
    assert isinstance(v1["messages"][-1]["content"], str)
    assert v1["messages"][-1]["plots"][0]["url"] == block["metadata"]["url"]


def test_page_analyses_a_dropped_loop(
    server: ServerProcess, browser: Any, tmp_path: Path, loops: dict[str, dict[str, Any]]
) -> None:
    """At 375 px: key typed in, a rendered loop uploaded → numbers, the grid plot with
    as many beats as the loop has, play with click; the library filters narrow the table;
    two ticked loops give a mix preview."""
    import soundfile as sf

    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    spec = GrooveSpec(
        tempo_bpm=92.0, swing_percent=60.0, duration_s=8.0, sample_rate=22050, seed=5, start_s=0.3
    )
    y, truth = synthesize_groove(spec)
    wav = tmp_path / "dropped-loop.wav"
    sf.write(wav, y, 22050, subtype="PCM_16")
    # The first beat at 0.3 s: no beat sits on the clip's edge.
    expected_beats = len(truth.beats_s)
    assert expected_beats == 12

    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    started = time.perf_counter()
    page.goto(server.url + "/")
    page.wait_for_load_state("load")
    first_load = time.perf_counter() - started
    page.locator("#api-key").fill("alice-key")
    page.locator("#api-key").dispatch_event("change")
    page.locator("#samples tbody tr").first.wait_for(timeout=30_000)

    page.locator("#file").set_input_files(str(wav))
    beats = page.locator("#plot-grid svg [id^='beat-']")
    beats.first.wait_for(state="attached", timeout=120_000)
    assert beats.count() == expected_beats
    assert "92" in page.locator("#numbers").inner_text()
    page.locator("#plot-key img[src^='blob:']").wait_for(timeout=60_000)

    page.locator("#play-click").click()
    page.wait_for_function(
        "() => { const p = document.querySelector('#player'); return p.src && p.readyState >= 1 && p.duration > 7; }",
        timeout=60_000,
    )
    # The page fits a phone: nothing wider than the viewport but the table's own scroller.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot = tmp_path / "page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert_not_blank(shot)

    # Filters narrow the table: all three loops, then only the one near 100 BPM.
    rows = page.locator("#samples tbody tr")
    page.wait_for_function("() => document.querySelectorAll('#samples tbody tr').length >= 3")
    page.locator("#filters input[name=bpm]").fill("99-101")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_function("() => document.querySelectorAll('#samples tbody tr').length === 1")
    assert rows.first.get_attribute("data-id") == loops["b"]["id"]
    page.locator("#filters input[name=bpm]").fill("")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_function("() => document.querySelectorAll('#samples tbody tr').length >= 3")

    # Mix preview of the two uploaded loops.
    page.locator(f"#samples tr[data-id='{loops['a']['id']}'] input.pick").check()
    page.locator(f"#samples tr[data-id='{loops['b']['id']}'] input.pick").check()
    page.locator("#mix-button").click()
    page.locator("#mix-plan", has_text="verdict").wait_for(timeout=120_000)
    page.wait_for_function(
        "() => { const p = document.querySelector('#mix-player'); return p.src && p.readyState >= 1; }",
        timeout=30_000,
    )
    assert errors == []
    assert first_load < 5.0, first_load

    # An error from the API in words: a wrong key.
    page.locator("#api-key").fill("wrong-key")
    page.locator("#api-key").dispatch_event("change")
    page.locator("#error", has_text="invalid API key").wait_for(timeout=30_000)
    context.close()


def test_page_map_and_chat_at_phone_width(
    server: ServerProcess, browser: Any, tmp_path: Path, loops: dict[str, dict[str, Any]]
) -> None:
    """At 375 px: the map has one point per loop of the library and a click plays it; a
    chat turn about that loop streams an answer with its grid plot inline; the thread is
    listed and comes back with its plot after a reload; a wrong key is an error in words."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(server.url + "/")
    page.locator("#api-key").fill("alice-key")
    page.locator("#api-key").dispatch_event("change")
    page.locator("#samples tbody tr").first.wait_for(timeout=30_000)

    hits = httpx.get(server.url + "/v1/samples?limit=50", headers=ALICE, timeout=30).json()["hits"]
    placed = [h for h in hits if h["tempo_bpm"] is not None and h["swing_percent"] is not None]
    assert placed
    page.wait_for_function(
        f"() => document.querySelectorAll('#map-svg circle.pt').length === {len(placed)}"
    )
    assert sorted(
        page.locator("#map-svg circle.pt").evaluate_all("ps => ps.map(p => p.dataset.id)")
    ) == sorted(h["sample_id"] for h in placed)
    page.locator(f"#map-svg circle.pt[data-id='{loops['a']['id']}']").click()
    page.wait_for_function(
        "() => { const p = document.querySelector('#player'); return p.src && p.readyState >= 1 && p.duration > 7; }",
        timeout=60_000,
    )
    page.locator("#result-name", has_text="loop-a.wav").wait_for(timeout=30_000)

    # A chat turn about the loop shown: the answer streams in with the grid plot inline.
    page.locator("#chat-attach").check()
    page.locator("#chat-input").fill("what's the swing on this loop?")
    page.locator("#chat-send").click()
    plot = page.locator("#chat-log li.ai .chat-plots figure[data-kind='grid'] img[src^='blob:']")
    plot.first.wait_for(timeout=120_000)
    assert plot.count() == 1
    figure = page.locator("#chat-log .chat-plots figure").first
    assert figure.get_attribute("data-url") == (
        f"/v1/samples/{loops['a']['id']}/plot?kind=grid&format=svg"
    )
    assert page.evaluate("document.querySelector('#chat-log .chat-plots img').naturalWidth") > 100
    answer = page.locator("#chat-log li.ai").last.inner_text()
    assert "swing" in answer
    current = page.locator("#threads button[aria-current='true']")
    current.wait_for(timeout=30_000)
    assert "swing" in current.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot = tmp_path / "chat.png"
    page.screenshot(path=str(shot), full_page=True)
    assert_not_blank(shot)

    # After a reload the thread is open again, its answer with the plot.
    page.reload()
    page.locator("#chat-log li.human", has_text="what's the swing on this loop?").wait_for(
        timeout=30_000
    )
    page.locator("#chat-log .chat-plots img[src^='blob:']").first.wait_for(timeout=60_000)
    assert errors == []

    # Errors in words: a wrong key.
    page.locator("#api-key").fill("wrong-key")
    page.locator("#api-key").dispatch_event("change")
    page.locator("#chat-input").fill("hello")
    page.locator("#chat-send").click()
    page.locator("#chat-log li.error", has_text="invalid API key").wait_for(timeout=30_000)
    context.close()
