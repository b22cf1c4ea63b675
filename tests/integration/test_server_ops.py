"""Operations of a running server: per-owner rate limits through Redis, Redis dying
mid-run (the server keeps answering, /readyz says why it is degraded), and the
``groovegraph chat`` terminal client against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from httpx_sse import connect_sse

from tests.integration.server_proc import ServerProcess, private_redis_server
from tests.integration.test_server_api import wav_bytes

pytestmark = pytest.mark.integration

LIMIT = 8
KEYS = {"limited": "key-limited", "survivor": "key-survivor", "cli": "key-cli"}


@pytest.fixture(scope="module")
def private_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of our own on a free port; the shared Redis is never stopped."""
    with private_redis_server() as server:
        yield server


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    pg_url: str,
    private_redis: tuple[str, subprocess.Popen[bytes]],
) -> Iterator[ServerProcess]:
    data = tmp_path_factory.mktemp("server-ops") / "data"
    proc = ServerProcess(
        data_dir=data,
        env={
            "GROOVEGRAPH_DATABASE_URL": pg_url,
            "GROOVEGRAPH_REDIS_URL": private_redis[0],
            "GROOVEGRAPH_API_KEYS": ",".join(f"{k}:{o}" for o, k in KEYS.items()),
            "GROOVEGRAPH_RATE_LIMIT_PER_MINUTE": str(LIMIT),
            "GROOVEGRAPH_CONFIRM_AUDIO_MINUTES": "0.1",
        },
    ).start()
    yield proc
    proc.stop()


def auth(owner: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[owner]}"}


def test_rate_limit_is_429_with_retry_after(
    server: ServerProcess, private_redis: tuple[str, subprocess.Popen[bytes]]
) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        ok = [http.get("/v1/threads", headers=auth("limited")) for _ in range(LIMIT)]
        assert [r.status_code for r in ok] == [200] * LIMIT
        assert ok[0].headers["X-RateLimit-Limit"] == str(LIMIT)
        refused = http.get("/v1/threads", headers=auth("limited"))
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 120
        # The limit is per owner, and health checks are never limited.
        assert http.get("/v1/threads", headers=auth("survivor")).status_code == 200
        assert http.get("/healthz").status_code == 200
    # The log lives in Redis (shared by every replica), not only in the process: the
    # requests let through, not the refused one.
    shared = redis.Redis.from_url(private_redis[0])
    assert shared.zcard("gg:rlog:limited") == LIMIT


def test_redis_dying_degrades_but_never_fails(
    server: ServerProcess, private_redis: tuple[str, subprocess.Popen[bytes]]
) -> None:
    _, proc = private_redis
    with httpx.Client(base_url=server.url, timeout=30) as http:
        assert http.get("/readyz").json()["checks"]["redis"] == "ok"
        thread_id = http.post("/v1/threads", headers=auth("survivor")).json()["thread_id"]
        proc.kill()
        proc.wait(5)
        # Chat still works end to end (locks and limits fall back to in-process).
        kinds = []
        with connect_sse(
            http,
            "POST",
            f"/v1/threads/{thread_id}/chat",
            json={"message": "what defined Philly soul drumming?"},
            headers=auth("survivor"),
        ) as source:
            assert source.response.status_code == 200
            for event in source.iter_sse():
                kinds.append(event.event)
                if event.event == "end":
                    assert json.loads(event.data)["ok"] is True
                    break
        assert "message" in kinds
        assert http.get(f"/v1/threads/{thread_id}", headers=auth("survivor")).status_code == 200
        # Still serving: in rotation, and saying why it is degraded.
        ready = http.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert ready.json()["checks"] == {"database": "ok", "redis": "unreachable", "startup": "ok"}
        assert http.get("/healthz").status_code == 200


def run_cli(server: ServerProcess, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROOVEGRAPH_")}
    env.update(
        {
            "GROOVEGRAPH_DATA_DIR": str(data_dir),
            "GROOVEGRAPH_API_KEY": KEYS["cli"],
            "COLUMNS": "200",
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "groovegraph.cli", "chat", "--url", server.url, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_chat_streams_keeps_the_thread_and_resumes(
    server: ServerProcess, tmp_path: Path
) -> None:
    first = run_cli(server, tmp_path, "find me 70s funk loops near 96 BPM")
    assert first.returncode == 0, first.stderr
    thread_id = (tmp_path / "last_thread").read_text().strip()
    assert f"thread {thread_id}" in first.stderr
    assert "search_catalog" in first.stderr  # the tool step, shown as it happened
    assert first.stdout.strip()  # the answer

    second = run_cli(server, tmp_path, "--thread", "last", "what defined Philly soul drumming?")
    assert second.returncode == 0, second.stderr
    assert "Philly" in second.stdout or "philly" in second.stdout
    with httpx.Client(base_url=server.url, headers=auth("cli")) as http:
        state = http.get(f"/v1/threads/{thread_id}").json()
    assert [m["content"] for m in state["messages"] if m["type"] == "human"] == [
        "find me 70s funk loops near 96 BPM",
        "what defined Philly soul drumming?",
    ]

    loop = server.data_dir / "library" / "cli" / f"break-{uuid.uuid4().hex[:6]}.wav"
    loop.parent.mkdir(parents=True, exist_ok=True)
    loop.write_bytes(wav_bytes(seconds=8.0, tempo_bpm=92.0))
    asked = run_cli(server, tmp_path, f"what's the swing on {loop}?")
    assert asked.returncode == 0, asked.stderr
    assert "Analyse" in asked.stderr
    assert "--resume" in asked.stderr
    answered = run_cli(server, tmp_path, "--resume", "yes")
    assert answered.returncode == 0, answered.stderr
    assert "analyze_samples" in answered.stderr
    assert "92" in answered.stdout or "91" in answered.stdout or "93" in answered.stdout

    bad = run_cli(server, tmp_path, "--thread", "not-a-thread-of-mine", "hello")
    assert bad.returncode == 1
    assert "thread_not_found" in bad.stderr
