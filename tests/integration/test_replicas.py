"""Two ``groovegraph serve`` replicas on one Postgres and one Redis, as compose.yaml runs
them: whatever a user starts on replica A, replica B continues.

Both replicas share the data folder (in production: a shared volume holding uploads and
the library), the database (threads, checkpoints, catalog) and Redis (rate limits, run
locks). A request may land on either, as behind a load balancer.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.server_proc import ServerProcess
from tests.integration.test_server_api import (
    assert_error,
    chat_events,
    new_thread,
    upload,
    wav_bytes,
)

pytestmark = pytest.mark.integration

ALICE = {"Authorization": "Bearer alice-key"}
CAROL = {"Authorization": "Bearer carol-key"}  # only the rate-limit test spends carol's budget
RATE_LIMIT = 40


@pytest.fixture(scope="module")
def replicas(
    tmp_path_factory: pytest.TempPathFactory, pg_url: str
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    import redis

    from tests.conftest import REDIS_TEST_URL

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    shared = tmp_path_factory.mktemp("replicas") / "data"
    env = {
        "GROOVEGRAPH_DATABASE_URL": pg_url,
        "GROOVEGRAPH_REDIS_URL": REDIS_TEST_URL,
        "GROOVEGRAPH_API_KEYS": "alice-key:alice,carol-key:carol",
        # 6 s of audio needs a yes: interrupts are reachable with small files.
        "GROOVEGRAPH_CONFIRM_AUDIO_MINUTES": "0.1",
        "GROOVEGRAPH_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
        "GROOVEGRAPH_SSE_HEARTBEAT_S": "0.5",
    }
    pair = (
        ServerProcess(data_dir=shared, env=env, ready_timeout_s=300),
        ServerProcess(data_dir=shared, env=env, ready_timeout_s=300),
    )
    # One after the other: replicas that compile numba's kernels at the same moment into
    # one cache folder can tear its index and data files (a segfault at the next load).
    try:
        for p in pair:
            p.start()
        yield pair
    finally:
        for p in pair:
            p.stop()


@pytest.fixture
def clients(
    replicas: tuple[ServerProcess, ServerProcess],
) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    a, b = replicas
    with (
        httpx.Client(base_url=a.url, timeout=120) as ca,
        httpx.Client(base_url=b.url, timeout=120) as cb,
    ):
        yield ca, cb


def _library_file(
    data_dir: Path, name: str, *, seconds: float, sr: int = 22050, bpm: float = 96.0
) -> Path:
    path = data_dir / "library" / "replicas" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(seconds=seconds, tempo_bpm=bpm, sr=sr))
    return path


def _humans(client: httpx.Client, thread_id: str) -> list[str]:
    r = client.get(f"/v1/threads/{thread_id}", headers=ALICE)
    assert r.status_code == 200, r.text
    return [m["content"] for m in r.json()["messages"] if m["type"] == "human"]


def test_a_thread_made_on_a_continues_on_b(
    clients: tuple[httpx.Client, httpx.Client],
) -> None:
    ca, cb = clients
    thread_id = new_thread(ca, ALICE)
    first = chat_events(ca, thread_id, {"message": "find funk loops around 100 bpm"}, ALICE)
    assert first[-1][0] == "end"
    assert first[-1][1]["ok"] is True
    second = chat_events(cb, thread_id, {"message": "and slower ones, around 90?"}, ALICE)
    assert second[-1][1]["ok"] is True
    expected = ["find funk loops around 100 bpm", "and slower ones, around 90?"]
    assert _humans(ca, thread_id) == expected
    assert _humans(cb, thread_id) == expected


def test_an_interrupt_raised_on_a_is_resumed_on_b(
    replicas: tuple[ServerProcess, ServerProcess], clients: tuple[httpx.Client, httpx.Client]
) -> None:
    ca, cb = clients
    # 8 s of unanalysed audio is above the 6 s the replicas analyse without asking.
    path = _library_file(replicas[0].data_dir, f"break-{uuid.uuid4().hex[:6]}.wav", seconds=8.0)
    thread_id = new_thread(ca, ALICE)
    asked = chat_events(ca, thread_id, {"message": f"what's the swing on {path}?"}, ALICE)
    question = next(d for k, d in asked if k == "interrupt")["value"]
    assert question["type"] == "confirm_audio"
    assert cb.get(f"/v1/threads/{thread_id}", headers=ALICE).json()["interrupts"]

    resumed = chat_events(cb, thread_id, {"resume": "yes"}, ALICE)
    kinds = [k for k, _ in resumed]
    assert "interrupt" not in kinds
    (only,) = next(d for k, d in resumed if k == "tool_end")["result"]["analyses"].values()
    assert only["tempo_bpm"] == pytest.approx(96.0, rel=0.05)
    assert resumed[-1][1]["interrupted"] is False
    # answered on B: nothing is left to resume on A either
    assert_error(
        ca.post(f"/v1/threads/{thread_id}/chat", json={"resume": "yes"}, headers=ALICE),
        409,
        "nothing_to_resume",
    )


def test_simultaneous_turns_on_a_and_b_give_one_run_and_one_409(
    replicas: tuple[ServerProcess, ServerProcess], clients: tuple[httpx.Client, httpx.Client]
) -> None:
    ca, cb = clients
    # ~5 minutes of unanalysed audio at 8 kHz: seconds of work for whichever replica wins,
    # far longer than the two requests can be apart.
    paths = [
        _library_file(
            replicas[0].data_dir,
            f"long-{i}-{uuid.uuid4().hex[:6]}.wav",
            seconds=28.0,
            sr=8000,
            bpm=84 + i,
        )
        for i in range(10)
    ]
    thread_id = new_thread(ca, ALICE)
    asked = chat_events(
        ca, thread_id, {"message": "analyse " + " and ".join(map(str, paths))}, ALICE
    )
    assert asked[-1][1]["interrupted"] is True

    barrier = threading.Barrier(2)
    got: dict[str, tuple[int, list[str], str]] = {}

    def resume(label: str, client: httpx.Client) -> None:
        barrier.wait(10)
        with client.stream(
            "POST", f"/v1/threads/{thread_id}/chat", json={"resume": "yes"}, headers=ALICE
        ) as r:
            body = "".join(r.iter_text())
            kinds = [line[7:] for line in body.splitlines() if line.startswith("event: ")]
            got[label] = (r.status_code, kinds, body)

    runs = [threading.Thread(target=resume, args=(k, c)) for k, c in (("a", ca), ("b", cb))]
    for t in runs:
        t.start()
    for t in runs:
        t.join(180)
    statuses = sorted(status for status, _, _ in got.values())
    assert statuses == [200, 409], got
    (winner,) = (kinds for status, kinds, _ in got.values() if status == 200)
    (loser,) = (body for status, _, body in got.values() if status == 409)
    assert "run_in_progress" in loser
    assert "tool_end" in winner
    assert winner[-1] == "end"
    # one run: one answer after the question, the analyses of every file in it
    state = ca.get(f"/v1/threads/{thread_id}", headers=ALICE).json()
    assert not state["interrupts"]
    assert [m["type"] for m in state["messages"]].count("ai") >= 1
    assert _humans(cb, thread_id) == _humans(ca, thread_id)


def test_rate_limits_are_shared(clients: tuple[httpx.Client, httpx.Client]) -> None:
    ca, cb = clients
    spent_on_a = RATE_LIMIT - 5
    for _ in range(spent_on_a):
        r = ca.get("/v1/samples", params={"limit": 1}, headers=CAROL)
        assert r.status_code == 200, r.text
    # B knows what A let through: its first answer to carol leaves about 4, not 39
    r = cb.get("/v1/samples", params={"limit": 1}, headers=CAROL)
    assert r.status_code == 200, r.text
    assert int(r.headers["X-RateLimit-Remaining"]) <= 5
    refused = None
    for i in range(10):
        r = cb.get("/v1/samples", params={"limit": 1}, headers=CAROL)
        if r.status_code == 429:
            refused = i
            break
    assert refused is not None, "B never refused carol"
    assert refused <= 5
    assert_error(r, 429, "rate_limited")
    assert_error(ca.get("/v1/samples", params={"limit": 1}, headers=CAROL), 429, "rate_limited")


def test_a_sample_uploaded_on_a_is_searchable_on_b(
    clients: tuple[httpx.Client, httpx.Client],
) -> None:
    ca, cb = clients
    r = upload(ca, wav_bytes(seconds=5.0, tempo_bpm=117.0), ALICE, name="replica-117.wav")
    assert r.status_code in (200, 201), r.text
    sample_id = r.json()["id"]
    found = cb.get("/v1/samples", params={"bpm": "114-120", "limit": 50}, headers=ALICE)
    assert found.status_code == 200, found.text
    assert sample_id in [hit["sample_id"] for hit in found.json()["hits"]]
    # and B serves the sample itself (the file is on the shared volume)
    one = cb.get(f"/v1/samples/{sample_id}", headers=ALICE)
    assert one.status_code == 200, one.text
    assert one.json()["analysis"]["tempo_bpm"] == pytest.approx(117.0, rel=0.05)
