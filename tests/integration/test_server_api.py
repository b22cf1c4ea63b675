"""The HTTP API end to end: a real ``groovegraph serve`` on Postgres + Redis with two
API keys, driven by real clients (httpx, httpx-sse, langserve.RemoteRunnable)."""

from __future__ import annotations

import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf
from httpx_sse import connect_sse
from langchain_core.messages import HumanMessage
from langserve import RemoteRunnable

from tests.integration.server_proc import ServerProcess

pytestmark = pytest.mark.integration

ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"X-API-Key": "bob-key"}
MAX_UPLOAD = 2 * 1024 * 1024


def wav_bytes(
    *, seconds: float, tempo_bpm: float = 96.0, swing_percent: float = 58.0, sr: int = 22050
) -> bytes:
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    y, _ = synthesize_groove(
        GrooveSpec(
            tempo_bpm=tempo_bpm,
            swing_percent=swing_percent,
            duration_s=seconds,
            sample_rate=sr,
            seed=7,
        )
    )
    buf = io.BytesIO()
    sf.write(buf, y, sr, format="WAV", subtype="PCM_16")
    return buf.getvalue()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[ServerProcess]:
    import redis

    from tests.conftest import REDIS_TEST_URL

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    data = tmp_path_factory.mktemp("server-api") / "data"
    proc = ServerProcess(
        data_dir=data,
        env={
            "GROOVEGRAPH_DATABASE_URL": pg_url,
            "GROOVEGRAPH_REDIS_URL": REDIS_TEST_URL,
            "GROOVEGRAPH_API_KEYS": "alice-key:alice,bob-key:bob",
            "GROOVEGRAPH_MAX_UPLOAD_BYTES": str(MAX_UPLOAD),
            "GROOVEGRAPH_MAX_DURATION_S": "30",
            # 6 s of audio needs a yes: interrupts are reachable with small samples.
            "GROOVEGRAPH_CONFIRM_AUDIO_MINUTES": "0.1",
            "GROOVEGRAPH_RATE_LIMIT_PER_MINUTE": "10000",
            "GROOVEGRAPH_SSE_HEARTBEAT_S": "0.5",
        },
    ).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def new_thread(http: httpx.Client, headers: dict[str, str]) -> str:
    r = http.post("/v1/threads", headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["thread_id"])


def chat_events(
    http: httpx.Client, thread_id: str, body: dict[str, Any], headers: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    with connect_sse(
        http, "POST", f"/v1/threads/{thread_id}/chat", json=body, headers=headers
    ) as source:
        assert source.response.status_code == 200, source.response.read()
        assert source.response.headers["content-type"].startswith("text/event-stream")
        for event in source.iter_sse():
            events.append((event.event, json.loads(event.data)))
            if event.event == "end":
                break
    return events


def upload(
    http: httpx.Client, data: bytes, headers: dict[str, str], name: str = "loop.wav"
) -> httpx.Response:
    return http.post("/v1/samples", files={"file": (name, data, "audio/wav")}, headers=headers)


def assert_error(r: httpx.Response, status: int, code: str | None = None) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body


# --------------------------------------------------------------------------- operations


def test_health_and_readiness_with_postgres_and_redis(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    r = http.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"] == {"database": "ok", "redis": "ok", "startup": "ok"}


def test_request_id_is_echoed_or_created(http: httpx.Client) -> None:
    assert (
        http.get("/healthz", headers={"X-Request-ID": "req-123"}).headers["x-request-id"]
        == "req-123"
    )
    generated = http.get("/healthz").headers["x-request-id"]
    assert len(generated) >= 16


def test_openapi_documents_every_route(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/threads",
        "/v1/threads/{thread_id}",
        "/v1/threads/{thread_id}/history",
        "/v1/threads/{thread_id}/chat",
        "/v1/samples",
        "/v1/samples/{sample_id}",
        "/agent/invoke",
        "/agent/stream",
        "/agent/stream_events",
        "/agent/batch",
        "/agent/chat/invoke",
        "/agent/chat/stream_log",
        "/v1/samples/{sample_id}/plot",
        "/v1/samples/{sample_id}/audio",
        "/v1/mix-preview",
        "/healthz",
        "/readyz",
    ):
        assert path in paths, path
    upload_body = paths["/v1/samples"]["post"]["requestBody"]["content"]
    assert "file" in upload_body["multipart/form-data"]["schema"]["properties"]


# --------------------------------------------------------------------------- LangServe


def test_remote_runnable_invoke_then_stream_continue_one_thread(
    server: ServerProcess, http: httpx.Client
) -> None:
    agent = RemoteRunnable(server.url + "/agent", headers=ALICE, timeout=60)
    thread_id = f"rr-{uuid.uuid4()}"  # client-chosen id: claimed for alice on first use
    config = {"configurable": {"thread_id": thread_id}}
    first = agent.invoke(
        {"messages": [HumanMessage("what defined 70s funk drumming?")]}, config=config
    )
    assert [m.type for m in first["messages"]][:1] == ["human"]
    assert first["messages"][-1].type == "ai"
    assert first["messages"][-1].content

    chunks = list(
        agent.stream({"messages": [HumanMessage("find funk loops around 96 BPM")]}, config=config)
    )
    assert chunks, "stream yielded nothing"
    assert any(isinstance(c, dict) and c for c in chunks)

    state = http.get(f"/v1/threads/{thread_id}", headers=ALICE).json()
    humans = [m["content"] for m in state["messages"] if m["type"] == "human"]
    assert humans == ["what defined 70s funk drumming?", "find funk loops around 96 BPM"]
    listed = [t["thread_id"] for t in http.get("/v1/threads", headers=ALICE).json()["threads"]]
    assert thread_id in listed


def test_remote_runnable_answers_an_interrupt_with_resume(server: ServerProcess) -> None:
    path = library_file(server, f"rr-{uuid.uuid4().hex[:6]}.wav", seconds=8.0, tempo_bpm=100.0)
    agent = RemoteRunnable(server.url + "/agent", headers=ALICE, timeout=60)
    config = {"configurable": {"thread_id": f"rr-int-{uuid.uuid4()}"}}
    paused = agent.invoke(
        {"messages": [HumanMessage(f"what's the tempo of {path}?")]}, config=config
    )
    assert paused["interrupts"], paused
    assert paused["interrupts"][0]["value"]["type"] == "confirm_audio"
    done = agent.invoke({"resume": "yes"}, config=config)
    assert not done.get("interrupts")
    (analysis,) = done["analyses"].values()
    assert analysis["tempo_bpm"] == pytest.approx(100.0, rel=0.05)
    assert done["messages"][-1].type == "ai"


def test_agent_invoke_returns_the_new_turn_unless_asked_for_the_history(
    server: ServerProcess,
) -> None:
    agent = RemoteRunnable(server.url + "/agent", headers=ALICE, timeout=60)
    thread_id = f"turn-{uuid.uuid4()}"
    config = {"configurable": {"thread_id": thread_id}}
    agent.invoke({"messages": [HumanMessage("find me 70s funk loops near 96 BPM")]}, config=config)
    second = agent.invoke(
        {"messages": [HumanMessage("what defined Philly soul drumming?")]}, config=config
    )
    # only this turn: its human message and its answer, not the first turn again
    assert second["messages"][0].type == "human"
    assert second["messages"][0].content == "what defined Philly soul drumming?"
    assert sum(m.type == "human" for m in second["messages"]) == 1
    assert second["messages"][-1].type == "ai"
    full = agent.invoke(
        {"messages": [HumanMessage("thanks")]},
        config={"configurable": {"thread_id": thread_id, "history": "full"}},
    )
    humans = [m.content for m in full["messages"] if m.type == "human"]
    assert humans == [
        "find me 70s funk loops near 96 BPM",
        "what defined Philly soul drumming?",
        "thanks",
    ]


def test_agent_requires_a_thread_id(http: httpx.Client) -> None:
    r = http.post(
        "/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": "hi"}]}},
        headers=ALICE,
    )
    assert_error(r, 422, "thread_id_required")
    r = http.post(
        "/agent/invoke",
        json={
            "input": {"messages": [{"type": "human", "content": "hi"}]},
            "config": {"configurable": {"thread_id": "../etc"}},
        },
        headers=ALICE,
    )
    assert_error(r, 422, "invalid_thread_id")


async def test_stream_events_carries_node_events(server: ServerProcess) -> None:
    agent = RemoteRunnable(server.url + "/agent", headers=ALICE, timeout=60)
    config = {"configurable": {"thread_id": f"ev-{uuid.uuid4()}"}}
    names = set()
    kinds = set()
    async for event in agent.astream_events(
        {"messages": [HumanMessage("what defined Philly soul drumming?")]},
        config=config,
        version="v2",
    ):
        kinds.add(event["event"])
        names.add(event.get("name"))
    assert {"on_chain_start", "on_chain_end", "on_tool_start", "on_tool_end"} <= kinds
    assert {"supervisor", "era", "respond"} <= names


# --------------------------------------------------------------------------- SSE chat


def test_sse_chat_streams_route_tools_messages_and_end(http: httpx.Client) -> None:
    thread_id = new_thread(http, ALICE)
    events = chat_events(http, thread_id, {"message": "find me 70s funk loops near 96 BPM"}, ALICE)
    kinds = [k for k, _ in events]
    assert kinds[-1] == "end"
    assert events[-1][1]["thread_id"] == thread_id
    assert "route" in kinds
    route = next(d for k, d in events if k == "route")
    assert "discovery" in route["specialists"]
    assert "tool_start" in kinds
    assert "tool_end" in kinds
    assert kinds.index("tool_start") < kinds.index("tool_end")
    tool_end = next(d for k, d in events if k == "tool_end")
    assert tool_end["result"] is not None
    messages = [d for k, d in events if k == "message"]
    assert all(m["name"] for m in messages)
    # One answer, sent once (issue 10: the specialist's text came twice): with one
    # specialist its message is the answer.
    assert [m["name"] for m in messages] == ["discovery"]


def library_file(
    server: ServerProcess, name: str, seconds: float, tempo_bpm: float = 96.0, sr: int = 22050
) -> Path:
    """A loop inside the server's library root, not yet analysed (analysing it may need a yes)."""
    path = server.data_dir / "library" / "tests" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(seconds=seconds, tempo_bpm=tempo_bpm, sr=sr))
    return path


def test_sse_interrupt_then_resume(server: ServerProcess, http: httpx.Client) -> None:
    # 8 s of unanalysed audio is above the 6 s the server analyses without asking.
    path = library_file(server, f"break-{uuid.uuid4().hex[:6]}.wav", seconds=8.0)
    thread_id = new_thread(http, ALICE)
    events = chat_events(http, thread_id, {"message": f"what's the swing on {path}?"}, ALICE)
    kinds = [k for k, _ in events]
    assert "interrupt" in kinds, kinds
    question = next(d for k, d in events if k == "interrupt")["value"]
    assert question["type"] == "confirm_audio"
    assert events[-1][1]["interrupted"] is True
    state = http.get(f"/v1/threads/{thread_id}", headers=ALICE).json()
    assert state["interrupts"]
    assert state["next"]

    resumed = chat_events(http, thread_id, {"resume": "yes"}, ALICE)
    rkinds = [k for k, _ in resumed]
    assert "interrupt" not in rkinds
    assert "tool_end" in rkinds
    analysed = next(d for k, d in resumed if k == "tool_end")["result"]
    assert analysed["analyses"], analysed
    (only,) = analysed["analyses"].values()
    assert only["tempo_bpm"] == pytest.approx(96.0, rel=0.05)
    assert "message" in rkinds
    assert resumed[-1][1]["interrupted"] is False
    # Nothing left to resume.
    r = http.post(f"/v1/threads/{thread_id}/chat", json={"resume": "yes"}, headers=ALICE)
    assert_error(r, 409, "nothing_to_resume")


def test_busy_thread_gets_409_and_disconnect_cancels_the_run(
    server: ServerProcess, http: httpx.Client
) -> None:
    # ~14 minutes of unanalysed audio (8 kHz keeps the files small): seconds of work.
    paths = [
        library_file(
            server,
            f"long-{i}-{uuid.uuid4().hex[:6]}.wav",
            seconds=28.0,
            tempo_bpm=84 + i % 20,
            sr=8000,
        )
        for i in range(30)
    ]
    thread_id = new_thread(http, ALICE)
    message = "analyse " + " and ".join(str(p) for p in paths)
    first = chat_events(http, thread_id, {"message": message}, ALICE)
    assert first[-1][1]["interrupted"] is True
    streaming = threading.Event()
    release = threading.Event()

    def resume_and_drop() -> None:
        with (
            httpx.Client(base_url=http.base_url, timeout=60) as own,
            own.stream(
                "POST", f"/v1/threads/{thread_id}/chat", json={"resume": "yes"}, headers=ALICE
            ) as r,
        ):
            for line in r.iter_lines():
                if line.startswith(":"):  # a heartbeat: the run is under way
                    streaming.set()
                    release.wait(10)
                    break  # leaving the block closes the connection mid-run

    t = threading.Thread(target=resume_and_drop)
    t.start()
    try:
        assert streaming.wait(30), "no heartbeat while the run was busy"
        # The resumed run holds the thread: a second run is refused at once.
        r = http.post(f"/v1/threads/{thread_id}/chat", json={"message": "hello?"}, headers=ALICE)
        assert_error(r, 409, "run_in_progress")
        # LangServe's stream too: a real 409, not a 200 whose stream then breaks.
        busy = {
            "input": {"messages": [{"type": "human", "content": "hello?"}]},
            "config": {"configurable": {"thread_id": thread_id}},
        }
        for route in ("/agent/stream", "/agent/stream_events"):
            assert_error(http.post(route, json=busy, headers=ALICE), 409, "run_in_progress")
    finally:
        release.set()
        t.join(30)
    # The disconnect cancels the run and frees the thread within moments, long before
    # the analysis could have finished. Probe: with the lock free, an unknown sample is a
    # 404 (checked under the lock); while the run holds it, a 409.
    started = time.monotonic()
    while True:
        probe = http.post(
            f"/v1/threads/{thread_id}/chat",
            json={"message": "x", "samples": ["nope"]},
            headers=ALICE,
        )
        if probe.status_code != 409:
            break
        assert time.monotonic() - started < 2.0, "run still holds the thread after the disconnect"
        time.sleep(0.05)
    assert_error(probe, 404)
    # The cancelled run never got past the question: it is still pending.
    state = http.get(f"/v1/threads/{thread_id}", headers=ALICE).json()
    assert state["interrupts"], state
    assert not any(m["type"] == "ai" for m in state["messages"]), state["messages"]


# --------------------------------------------------------------------------- ownership


def test_two_owners_never_see_each_other(server: ServerProcess, http: httpx.Client) -> None:
    thread_id = new_thread(http, ALICE)
    chat_events(http, thread_id, {"message": "what defined Philly soul drumming?"}, ALICE)
    sample_id = upload(http, wav_bytes(seconds=4.0, tempo_bpm=101), ALICE).json()["id"]
    bob_thread = new_thread(http, BOB)

    assert thread_id not in [
        t["thread_id"] for t in http.get("/v1/threads", headers=BOB).json()["threads"]
    ]
    assert_error(http.get(f"/v1/threads/{thread_id}", headers=BOB), 404, "thread_not_found")
    assert_error(http.get(f"/v1/threads/{thread_id}/history", headers=BOB), 404, "thread_not_found")
    assert_error(http.delete(f"/v1/threads/{thread_id}", headers=BOB), 404, "thread_not_found")
    assert_error(
        http.post(f"/v1/threads/{thread_id}/chat", json={"message": "hi"}, headers=BOB), 404
    )
    assert_error(http.get(f"/v1/samples/{sample_id}", headers=BOB), 404)
    assert_error(
        http.post(
            f"/v1/threads/{bob_thread}/chat",
            json={"message": "swing?", "samples": [sample_id]},
            headers=BOB,
        ),
        404,
    )
    assert sample_id not in [
        h["sample_id"] for h in http.get("/v1/samples?limit=200", headers=BOB).json()["hits"]
    ]

    body = {
        "input": {"messages": [{"type": "human", "content": "what did I say?"}]},
        "config": {"configurable": {"thread_id": thread_id}},
    }
    for route in ("/agent/invoke", "/agent/stream", "/agent/stream_events"):
        assert_error(http.post(route, json=body, headers=BOB), 404, "thread_not_found")
    batch = {"inputs": [body["input"]], "config": body["config"]}
    assert_error(http.post("/agent/batch", json=batch, headers=BOB), 404, "thread_not_found")

    # Alice's thread is untouched and still hers.
    state = http.get(f"/v1/threads/{thread_id}", headers=ALICE).json()
    assert [m["content"] for m in state["messages"] if m["type"] == "human"] == [
        "what defined Philly soul drumming?"
    ]
    assert http.get(f"/v1/samples/{sample_id}", headers=ALICE).status_code == 200


def test_missing_or_wrong_key_is_401_everywhere(http: httpx.Client) -> None:
    for method, route in (
        ("GET", "/v1/threads"),
        ("POST", "/v1/threads"),
        ("GET", "/v1/samples"),
        ("POST", "/agent/invoke"),
        ("POST", "/agent/stream"),
        ("GET", "/agent/input_schema"),
    ):
        for headers in (
            {},
            {"Authorization": "Bearer nope"},
            {"X-API-Key": "alice-key-but-longer"},
        ):
            r = http.request(method, route, headers=headers, json={})
            assert_error(r, 401, "unauthorized")
    assert http.get("/healthz").status_code == 200  # health needs no key


def test_delete_removes_thread_and_checkpoints(http: httpx.Client) -> None:
    thread_id = new_thread(http, ALICE)
    chat_events(http, thread_id, {"message": "hello"}, ALICE)
    assert http.get(f"/v1/threads/{thread_id}/history", headers=ALICE).json()["checkpoints"]
    assert http.delete(f"/v1/threads/{thread_id}", headers=ALICE).status_code == 204
    assert_error(http.get(f"/v1/threads/{thread_id}", headers=ALICE), 404)


# --------------------------------------------------------------------------- uploads


def test_upload_analyses_and_dedupes(http: httpx.Client) -> None:
    data = wav_bytes(seconds=6.0, tempo_bpm=96.0)
    first = upload(http, data, ALICE, name="break.wav")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["analysis"]["tempo_bpm"] == pytest.approx(96.0, rel=0.05)
    assert body["filename"] == "break.wav"
    again = upload(http, data, ALICE, name="same-bytes.wav")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    got = http.get(f"/v1/samples/{body['id']}", headers=ALICE).json()
    assert got["analysis"]["tempo_bpm"] == body["analysis"]["tempo_bpm"]
    # Named as it was uploaded (the first time), not by the hash it is stored under.
    assert got["filename"] == "break.wav"
    found = http.get("/v1/samples", params={"bpm": "90-100", "limit": 50}, headers=ALICE).json()[
        "hits"
    ]
    assert body["id"] in [h["sample_id"] for h in found]
    # One typed tempo means ±4 % around it (as the CLI's --bpm), not exactly that number.
    one = http.get("/v1/samples", params={"bpm": "96", "limit": 50}, headers=ALICE)
    assert body["id"] in [h["sample_id"] for h in one.json()["hits"]]


def test_a_drum_loop_uploads_with_a_null_key(http: httpx.Client) -> None:
    # Drum breaks are uploaded all the time: nothing pitched means no key, not a refusal.
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    spec = GrooveSpec(
        tempo_bpm=92.0, swing_percent=62.0, pattern="rock", mix="drums_only", duration_s=8.0,
        sample_rate=22050, seed=3,
    )  # fmt: skip
    y, _ = synthesize_groove(spec)
    buf = io.BytesIO()
    sf.write(buf, y, spec.sample_rate, format="WAV", subtype="PCM_16")
    r = upload(http, buf.getvalue(), ALICE, name="drum break.wav")
    assert r.status_code == 201, r.text
    analysis = r.json()["analysis"]
    assert analysis["tempo_bpm"] == pytest.approx(92.0, rel=0.03)
    assert analysis["swing_percent"] == pytest.approx(62.0, abs=3.0)
    # The contract keeps the key fields, as null.
    assert analysis["key"] is None
    assert analysis["camelot"] is None
    assert analysis["key_confidence"] == 0.0
    sample_id = r.json()["id"]
    assert http.get(f"/v1/samples/{sample_id}", headers=ALICE).json()["analysis"]["key"] is None
    params: dict[str, str | int] = {"bpm": "88-96", "limit": 200}
    found = http.get("/v1/samples", params=params, headers=ALICE).json()["hits"]
    assert sample_id in [h["sample_id"] for h in found]
    keyed = http.get("/v1/samples", params={**params, "key": "A minor"}, headers=ALICE)
    assert keyed.status_code == 200
    assert sample_id not in [h["sample_id"] for h in keyed.json()["hits"]]


def test_bad_uploads_are_4xx_never_500(server: ServerProcess, http: httpx.Client) -> None:
    # Oversized, declared in Content-Length: refused before the body is read.
    assert_error(upload(http, b"\0" * (MAX_UPLOAD + 200_000), ALICE), 413, "file_too_large")

    # Oversized without Content-Length (chunked): refused while streaming.
    def chunks() -> Iterator[bytes]:
        boundary = b"xyz"
        yield (
            b"--"
            + boundary
            + b'\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n\r\n'
        )
        for _ in range(40):
            yield b"\0" * 100_000
        yield b"\r\n--" + boundary + b"--\r\n"

    r = http.post(
        "/v1/samples",
        content=chunks(),
        headers={**ALICE, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert_error(r, 413, "file_too_large")
    assert_error(upload(http, b"", ALICE), 422, "empty_audio")
    full = wav_bytes(seconds=3.0)
    cut_short = full[: len(full) // 3]
    r = upload(http, cut_short, ALICE)
    assert 400 <= r.status_code < 500, r.text
    assert r.status_code == 422
    # A refused upload leaves nothing on disk.
    import hashlib

    digest = hashlib.sha256(cut_short).hexdigest()
    assert not list((server.data_dir / "uploads").rglob(f"{digest}*"))
    # Two files in one upload: refused as such (not as "too large").
    r = http.post(
        "/v1/samples",
        files=[("file", ("a.wav", full, "audio/wav")), ("file", ("b.wav", full, "audio/wav"))],
        headers=ALICE,
    )
    assert_error(r, 422, "bad_upload")
    assert "one file per upload" in r.json()["error"]["message"]
    assert_error(
        upload(http, b"this is a text file, not a loop\n" * 50, ALICE, name="notes.wav"), 415
    )
    # 40 s of (quiet) audio at 8 kHz: small, but longer than MAX_DURATION_S=30.
    long = io.BytesIO()
    sf.write(long, np.zeros(8000 * 40, dtype=np.float32), 8000, format="WAV", subtype="PCM_16")
    assert_error(upload(http, long.getvalue(), ALICE), 413, "audio_too_long")
    # No 'file' field / not multipart.
    assert_error(http.post("/v1/samples", files={"other": ("a", b"x")}, headers=ALICE), 422)
    # Audio under another field name: the message says which name to use.
    r = http.post("/v1/samples", files={"audio": ("a.wav", full, "audio/wav")}, headers=ALICE)
    assert_error(r, 422, "bad_upload")
    assert "'audio'" in r.json()["error"]["message"]
    assert "named 'file'" in r.json()["error"]["message"]
    # A body cut off mid-file (no closing boundary) is refused, not analysed as whole.
    cut = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n' + full
    r = http.post(
        "/v1/samples",
        content=cut,
        headers={**ALICE, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert_error(r, 422, "bad_upload")
    assert_error(http.post("/v1/samples", json={"file": "x"}, headers=ALICE), 415)


# --------------------------------------------------------------------------- bad input


def test_malformed_and_mistyped_requests_are_4xx_json(http: httpx.Client) -> None:
    thread_id = new_thread(http, ALICE)
    h = {**ALICE, "Content-Type": "application/json"}
    assert_error(
        http.post(f"/v1/threads/{thread_id}/chat", content=b"{not json", headers=h),
        422,
        "validation_error",
    )
    assert_error(
        http.post(f"/v1/threads/{thread_id}/chat", json={"message": 123}, headers=ALICE), 422
    )
    assert_error(http.post(f"/v1/threads/{thread_id}/chat", json={}, headers=ALICE), 422)
    assert_error(
        http.post(
            f"/v1/threads/{thread_id}/chat", json={"message": "x", "bogus": 1}, headers=ALICE
        ),
        422,
    )
    assert_error(
        http.post(
            f"/v1/threads/{thread_id}/chat", json={"message": "x", "samples": "abc"}, headers=ALICE
        ),
        422,
    )
    assert_error(
        http.post("/v1/threads/does-not-exist/chat", json={"message": "x"}, headers=ALICE), 404
    )
    assert_error(http.get("/v1/threads/does-not-exist", headers=ALICE), 404, "thread_not_found")
    assert_error(http.post("/agent/invoke", content=b"{oops", headers=h), 422)
    assert_error(
        http.post(
            "/agent/invoke",
            json={"input": "just a string", "config": {"configurable": {"thread_id": "t-1"}}},
            headers=ALICE,
        ),
        422,
    )
    assert_error(
        http.get("/v1/samples", params={"bpm": "fast"}, headers=ALICE), 422, "invalid_query"
    )
    assert_error(http.get("/v1/samples", params={"limit": 0}, headers=ALICE), 422)
    r = http.get("/v1/samples", params={"swing": "200-300"}, headers=ALICE)
    assert_error(r, 422, "invalid_query")
    assert "swing: Input should be less than or equal to 100" in r.json()["error"]["message"]
    # A reversed range is refused with the same message the CLI prints.
    r = http.get("/v1/samples", params={"bpm": "100-90"}, headers=ALICE)
    assert_error(r, 422, "invalid_query")
    assert "reversed" in r.json()["error"]["message"]
    assert_error(http.get("/v1/samples", params={"key": "H major"}, headers=ALICE), 422)
    assert_error(http.get("/v1/samples/unknown-id", headers=ALICE), 404)
    # Echoed input is cut short: a huge id does not come back whole.
    r = http.get("/v1/samples/" + "a" * 5000, headers=ALICE)
    assert_error(r, 404)
    assert len(r.json()["error"]["message"]) <= 500
    assert_error(http.get("/v1/nothing-here", headers=ALICE), 404)
    assert_error(http.put("/v1/threads", headers=ALICE), 405)


def test_agent_bad_input_is_4xx_before_any_stream_starts(http: httpx.Client) -> None:
    config = {"configurable": {"thread_id": f"bad-input-{uuid.uuid4().hex[:8]}"}}
    h = {**ALICE, "Content-Type": "application/json"}
    # A message without 'type' (was a TypeError inside LangServe: 500).
    for route in ("/agent/invoke", "/agent/stream", "/agent/batch"):
        body: dict[str, Any] = (
            {"inputs": [{"messages": [{"content": "hi"}]}], "config": config}
            if route == "/agent/batch"
            else {"input": {"messages": [{"content": "hi"}]}, "config": config}
        )
        assert_error(http.post(route, json=body, headers=ALICE), 422, "validation_error")
    # LangServe's batch does not catch its own input validation (was a 500).
    r = http.post(
        "/agent/batch", json={"inputs": ["just a string"], "config": config}, headers=ALICE
    )
    assert_error(r, 422, "validation_error")
    # More turns in one batch than the cap: refused before any runs (fifty long turns
    # held the server for minutes).
    many = [{"messages": [{"type": "human", "content": f"loop {i}"}]} for i in range(17)]
    for route in ("/agent/batch", "/agent/chat/batch"):
        r = http.post(route, json={"inputs": many, "config": config}, headers=ALICE)
        assert_error(r, 422, "validation_error")
        assert "at most 16 turns per batch (17 sent)" in r.json()["error"]["message"]
    # JSON nested thousands deep (was a RecursionError in json.loads: 500).
    deep = b'{"input":' + b"[" * 5000 + b"]" * 5000 + b"}"
    for route in ("/agent/invoke", "/agent/stream", "/agent/batch"):
        r = http.post(route, content=deep, headers=h)
        assert_error(r, 422, "validation_error")
        assert "nested too deeply" in r.json()["error"]["message"]
    # Bodies over 1 MiB (outside uploads) are a JSON 413, declared or chunked; LangServe
    # had no bound (a 50 MB message was run and checkpointed).
    huge = {"input": {"messages": [{"type": "human", "content": "x" * 2_000_000}]}}
    r = http.post("/agent/invoke", json={**huge, "config": config}, headers=ALICE)
    assert_error(r, 413, "request_too_large")
    chunked = iter([json.dumps({"message": "x", "samples": ["a"] * 400_000}).encode()])
    r = http.post(f"/v1/threads/{new_thread(http, ALICE)}/chat", content=chunked, headers=h)
    assert_error(r, 413, "request_too_large")
    # Resume with nothing pending: a 409 like the SSE route, not a silent rerun, and on
    # the stream a real status rather than a 500 error event after a 200.
    for route in ("/agent/invoke", "/agent/stream", "/agent/stream_events"):
        r = http.post(route, json={"input": {"resume": "yes"}, "config": config}, headers=ALICE)
        assert_error(r, 409, "nothing_to_resume")
    r = http.post(
        "/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": "hi"}]}, "config": config},
        headers=ALICE,
    )
    assert r.status_code == 200, r.text


def _local_port(r: httpx.Response) -> int:
    """The client-side port of the TCP connection ``r`` came on (same port: reused)."""
    stream = r.extensions["network_stream"]
    return int(stream.get_extra_info("client_addr")[1])


def test_issue13_bad_input_is_4xx_and_keeps_the_connection(server: ServerProcess) -> None:
    """Each input that was a 500 (and dropped the keep-alive connection): now a 4xx with
    the JSON error body, answered on a connection the next request reuses."""
    h = {**ALICE, "Content-Type": "application/json"}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        thread_id = new_thread(client, ALICE)
        config = {"configurable": {"thread_id": thread_id}}
        hi = {"messages": [{"type": "human", "content": "hi"}]}
        cases: list[tuple[str, str, dict[str, Any], int]] = []
        # One invalid UTF-8 byte (UnicodeDecodeError in json.loads).
        for route in ("invoke", "stream", "stream_events", "batch"):
            cases.append(("POST", f"/agent/{route}", {"content": b"\xff", "headers": h}, 422))
        # "config": null (TypeError in LangServe's config unpacking).
        for route in ("invoke", "stream", "stream_events"):
            body = {"input": hi, "config": None}
            cases.append(("POST", f"/agent/{route}", {"json": body, "headers": ALICE}, 422))
        # A list of configs with "inputs": null (TypeError in LangServe's batch; found
        # by schemathesis), on the agent and on its playground's conversation runnable.
        for route in ("/agent/batch", "/agent/chat/batch"):
            body = {"config": [], "inputs": None, "kwargs": {}}
            cases.append(("POST", route, {"json": body, "headers": ALICE}, 422))
        # Nothing to run: refused before the stream's 200, as invoke does.
        for route in ("stream", "stream_events"):
            for empty in ({}, {"messages": []}, {"resume": None}):
                body = {"input": empty, "config": config}
                cases.append(("POST", f"/agent/{route}", {"json": body, "headers": ALICE}, 400))
        # An offset past bigint; a NUL in a sample id (path and chat body).
        for offset in ("9223372036854775808", "1000001"):
            cases.append(("GET", f"/v1/threads?offset={offset}", {"headers": ALICE}, 422))
        cases.append(("GET", "/v1/samples/%00", {"headers": ALICE}, 404))
        chat = {"message": "hi", "samples": ["\u0000"]}
        cases.append(
            ("POST", f"/v1/threads/{thread_id}/chat", {"json": chat, "headers": ALICE}, 422)
        )
        for method, url, kwargs, status in cases:
            r = client.request(method, url, **kwargs)
            assert_error(r, status)
            assert r.headers.get("connection", "").lower() != "close", (url, r.headers)
            port = _local_port(r)
            ok = client.get("/v1/threads", headers=ALICE)
            assert ok.status_code == 200, ok.text
            assert _local_port(ok) == port, f"connection dropped after {method} {url}"
        # The thread was never run: the stream routes refused before starting a run.
        state = client.get(f"/v1/threads/{thread_id}", headers=ALICE).json()
        assert state["messages"] == []


def test_nul_in_any_url_is_4xx_and_keeps_the_connection(server: ServerProcess) -> None:
    """A NUL in a path or query reached the SQL of every id-taking route (found by
    benchmarks.fuzz_api: GET /threads/{id}/runs/%00 and /state/%00 were 500s that dropped
    the connection); now a 404 (path) or 422 (query) at the edge, on a kept connection."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        tid = client.post("/threads", json={}, headers=ALICE).json()["thread_id"]
        cases = [
            ("GET", f"/threads/{tid}/runs/%00", 404),
            ("GET", f"/threads/{tid}/runs/%00/join", 404),
            ("GET", f"/threads/{tid}/runs/%00/stream", 404),
            ("POST", f"/threads/{tid}/runs/%00/cancel", 404),
            ("GET", f"/threads/{tid}/state/%00", 404),
            ("GET", "/threads/%00/state", 404),
            ("DELETE", "/v1/threads/a%00b", 404),
            ("GET", "/v1/samples/%00/plot", 404),
            ("GET", "/v1/samples?genre=funk%00", 422),
            ("GET", "/v1/threads?offset=1%00", 422),
        ]
        for method, url, status in cases:
            r = client.request(method, url, headers=ALICE)
            assert_error(r, status)
            port = _local_port(r)
            ok = client.get("/v1/threads", headers=ALICE)
            assert ok.status_code == 200, ok.text
            assert _local_port(ok) == port, f"connection dropped after {method} {url}"
        assert client.get(f"/threads/{tid}", headers=ALICE).status_code == 200


def test_upload_file_name_keeps_no_path_or_control_characters(http: httpx.Client) -> None:
    # A NUL in the multipart file name went into the catalog's text column: a 500
    # (found by benchmarks.fuzz_api).
    # The body is built by hand: httpx percent-encodes control characters in file names,
    # other clients (urllib3, curl) send them raw.
    # each name with its own audio: a repeated upload reports the name stored first
    for tempo, (sent, kept) in zip(
        (117, 119, 121),
        (
            (b"a\x00b.wav", "ab.wav"),
            (b"../../etc/\x1b[31mred.wav", "[31mred.wav"),
            (b"/abs/path/c.wav", "c.wav"),
        ),
        strict=True,
    ):
        wav = wav_bytes(seconds=2.0, tempo_bpm=tempo)
        body = (
            b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="'
            + sent
            + b'"\r\nContent-Type: audio/wav\r\n\r\n'
            + wav
            + b"\r\n--xyz--\r\n"
        )
        r = http.post(
            "/v1/samples",
            content=body,
            headers={**ALICE, "Content-Type": "multipart/form-data; boundary=xyz"},
        )
        assert r.status_code in (200, 201), r.text
        assert r.json()["filename"] == kept
        assert not r.json()["analysis"]["file"].startswith("/")


def test_odd_agent_inputs_are_422_and_chat_streams_end_with_error_then_end(
    http: httpx.Client,
) -> None:
    """Found by benchmarks.fuzz_api with /agent bodies given a thread: an AIMessageChunk
    whose invalid_tool_calls carry 'extras' was a TypeError inside LangServe's input
    validation (500); a chat conversation ending with an AI message failed its run after
    the 200 and the stream was cut (no error, no end)."""
    config = {"configurable": {"thread_id": f"odd-{uuid.uuid4().hex[:8]}"}}
    chunk = {
        "type": "AIMessageChunk",
        "content": [],
        "invalid_tool_calls": [
            {"type": "invalid_tool_call", "args": None, "error": None, "extras": {}, "index": ""}
        ],
    }
    for route in ("/agent/invoke", "/agent/stream", "/agent/stream_events"):
        r = http.post(route, json={"input": {"messages": [chunk]}, "config": config}, headers=ALICE)
        assert_error(r, 422, "validation_error")
    r = http.post(
        "/agent/batch", json={"inputs": [{"messages": [chunk]}], "config": config}, headers=ALICE
    )
    assert_error(r, 422, "validation_error")
    body = {"input": {"messages": [{"type": "ai", "content": ""}]}, "config": config}
    for route in ("/agent/chat/stream", "/agent/chat/stream_log", "/agent/chat/invoke"):
        assert_error(http.post(route, json=body, headers=ALICE), 422, "validation_error")
    # A chat stream that runs ends with end (and an error, if any, before it).
    busy = {"messages": [{"type": "human", "content": "what defined Motown drumming?"}]}
    for route in ("/agent/chat/stream", "/agent/chat/stream_log"):
        r = http.post(route, json={"input": busy, "config": config}, headers=ALICE)
        assert r.status_code < 500, r.text
        if r.status_code != 200:
            continue
        names = [
            line.split(":", 1)[1].strip()
            for line in r.text.replace("\r\n", "\n").split("\n")
            if line.startswith("event:")
        ]
        assert names, route
        assert names[-1] == "end", (route, names)
        if "error" in names:
            assert names.index("error") < len(names) - 1


def test_overlong_path_in_chat_is_a_tool_error_not_a_failed_run(http: httpx.Client) -> None:
    thread_id = new_thread(http, ALICE)
    events = chat_events(http, thread_id, {"message": "analyze " + "x" * 300 + ".wav"}, ALICE)
    names = [name for name, _ in events]
    assert "error" not in names, events  # was run_failed (OSError: name too long)
    assert names[-1] == "end"
    answer = [data for name, data in events if name == "message"][-1]
    assert "too long" in answer["content"]
