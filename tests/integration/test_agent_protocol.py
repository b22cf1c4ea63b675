"""The Agent Protocol subset end to end: a real ``groovegraph serve`` on Postgres + Redis
with two API keys, driven by the unmodified ``langgraph_sdk`` client (as Agent Chat UI
and Studio drive LangGraph Server)."""

from __future__ import annotations

import io
import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import soundfile as sf
from langgraph_sdk import get_sync_client
from langgraph_sdk.errors import ConflictError, NotFoundError
from langgraph_sdk.schema import Command

from tests.integration.server_proc import ServerProcess

# Starting the server warms up audio analysis: minutes on a loaded machine.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

ALICE_KEY, BOB_KEY = "alice-key", "bob-key"
ORIGIN = "http://localhost:3000"


def wav_bytes(seconds: float, tempo_bpm: float = 96.0, sr: int = 22050) -> bytes:
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    y, _ = synthesize_groove(
        GrooveSpec(
            tempo_bpm=tempo_bpm, swing_percent=58.0, duration_s=seconds, sample_rate=sr, seed=7
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
    data = tmp_path_factory.mktemp("agent-protocol") / "data"
    proc = ServerProcess(
        data_dir=data,
        env={
            "GROOVEGRAPH_DATABASE_URL": pg_url,
            "GROOVEGRAPH_REDIS_URL": REDIS_TEST_URL,
            "GROOVEGRAPH_API_KEYS": f"{ALICE_KEY}:alice,{BOB_KEY}:bob",
            "GROOVEGRAPH_MAX_DURATION_S": "30",
            # 6 s of audio needs a yes: interrupts are reachable with small samples.
            "GROOVEGRAPH_CONFIRM_AUDIO_MINUTES": "0.1",
            "GROOVEGRAPH_RATE_LIMIT_PER_MINUTE": "10000",
            # Time travel reaches back past the last few checkpoints (as for Studio).
            "GROOVEGRAPH_CHECKPOINT_KEEP_TURNS": "0",
            "GROOVEGRAPH_CORS_ORIGINS": ORIGIN,
        },
        # Warm-up compiles librosa's kernels; slow on a loaded machine.
        ready_timeout_s=600.0,
    ).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def alice(server: ServerProcess) -> Any:
    return get_sync_client(url=server.url, api_key=ALICE_KEY, timeout=60)


@pytest.fixture(scope="module")
def bob(server: ServerProcess) -> Any:
    # The other way to present a key: Authorization: Bearer.
    return get_sync_client(
        url=server.url, api_key=None, headers={"Authorization": f"Bearer {BOB_KEY}"}, timeout=60
    )


def human(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


def library_file(server: ServerProcess, name: str, seconds: float) -> Path:
    path = server.data_dir / "library" / "protocol" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(seconds))
    return path


def stream(
    client: Any, thread_id: str, **kwargs: Any
) -> tuple[list[tuple[str, Any]], dict[str, str]]:
    created: dict[str, str] = {}
    parts = [
        (p.event, p.data)
        for p in client.runs.stream(
            thread_id, "groovegraph", on_run_created=created.update, **kwargs
        )
    ]
    return parts, created


def status_of(call: Any) -> int:
    """The HTTP status a client call failed with (``runs.wait`` raises plain httpx
    errors, the other calls the SDK's typed ones; both are ``HTTPStatusError``)."""
    try:
        call()
    except httpx.HTTPStatusError as err:
        return err.response.status_code
    return 200


def messages(values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["type"], m["content"]) for m in values.get("messages", [])]


# ------------------------------------------------------------------------------- tests


def test_info_assistants_graph_and_schemas(server: ServerProcess, alice: Any) -> None:
    assert httpx.get(server.url + "/ok").json() == {"ok": True}
    info = alice.http.get("/info")
    assert info["version"]
    assert info["flags"]["assistants"] is True
    (assistant,) = alice.assistants.search(graph_id="groovegraph")
    assert assistant["graph_id"] == "groovegraph"
    assert alice.assistants.search(graph_id="not-ours") == []
    assert alice.assistants.get(assistant["assistant_id"]) == assistant
    assert alice.assistants.get("groovegraph") == assistant
    with pytest.raises(NotFoundError):
        alice.assistants.get(str(uuid.uuid4()))
    graph = alice.assistants.get_graph(assistant["assistant_id"], xray=True)
    nodes = {n["id"] for n in graph["nodes"]}
    assert {"__start__", "supervisor", "groove", "discovery", "respond"} <= nodes
    assert graph["edges"]
    schemas = alice.assistants.get_schemas(assistant["assistant_id"])
    assert "messages" in schemas["input_schema"]["properties"]
    assert "messages" in schemas["state_schema"]["properties"]
    assert "result_count" in schemas["context_schema"]["properties"]


def test_unauthenticated_requests_are_refused(server: ServerProcess) -> None:
    r = httpx.post(server.url + "/threads/search", json={})
    assert r.status_code == 401
    r = httpx.post(server.url + "/threads/search", json={}, headers={"x-api-key": "nope"})
    assert r.status_code == 401


def test_cors_preflight_and_exposed_headers(server: ServerProcess) -> None:
    r = httpx.options(
        server.url + "/threads/x/runs/stream",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key,authorization",
        },
    )
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == ORIGIN
    allowed = r.headers["access-control-allow-headers"].lower()
    assert {"content-type", "x-api-key", "authorization"} <= {h.strip() for h in allowed.split(",")}
    r = httpx.post(
        server.url + "/threads", json={}, headers={"Origin": ORIGIN, "x-api-key": ALICE_KEY}
    )
    assert r.status_code == 200
    assert "content-location" in r.headers["access-control-expose-headers"].lower()
    r = httpx.options(
        server.url + "/threads",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in r.headers


def test_conversation_streams_messages_tuple_and_values(alice: Any) -> None:
    thread = alice.threads.create(metadata={"purpose": "conversation"})
    tid = thread["thread_id"]
    assert thread["status"] == "idle"
    assert thread["metadata"]["purpose"] == "conversation"

    parts, created = stream(
        alice,
        tid,
        input=human("what defined 70s funk drumming?"),
        stream_mode=["messages-tuple", "values"],
    )
    events = [e for e, _ in parts]
    assert events[0] == "metadata", events
    assert events[-1] == "end", events
    run_id = parts[0][1]["run_id"]
    assert parts[0][1]["attempt"] == 1
    assert created == {"run_id": run_id, "thread_id": tid}  # from Content-Location
    assert "messages" in events
    assert "values" in events
    tuples = [d for e, d in parts if e == "messages"]
    for chunk, meta in tuples:
        assert chunk["type"], chunk
        assert chunk["id"], chunk
        assert meta["langgraph_node"], meta
    final = [d for e, d in parts if e == "values"][-1]
    (human_msg, answer) = [m for m in final["messages"]]
    assert human_msg["type"] == "human"
    assert answer["type"] == "ai"
    assert answer["content"]
    # The answer streamed under the id it is stored with (stable message ids).
    streamed = {c["id"] for c, _ in tuples if c["type"].startswith("ai")}
    assert answer["id"] in streamed

    # Second turn, the thread remembers the first.
    parts, _ = stream(
        alice, tid, input=human("find funk loops around 96 BPM"), stream_mode="values"
    )
    final = [d for e, d in parts if e == "values"][-1]
    humans = [c for t, c in messages(final) if t == "human"]
    assert humans == ["what defined 70s funk drumming?", "find funk loops around 96 BPM"]
    state = alice.threads.get_state(tid)
    assert state["values"]["messages"] == final["messages"]
    assert state["next"] == []
    assert state["checkpoint"]["thread_id"] == tid

    runs = alice.runs.list(tid)
    assert len(runs) == 2
    assert all(r["status"] == "success" for r in runs)
    assert runs[1]["run_id"] == run_id  # newest first
    assert alice.runs.get(tid, run_id)["status"] == "success"

    # runs/wait answers the final values.
    done = alice.runs.wait(tid, "groovegraph", input=human("and what about the 80s?"))
    assert [t for t, _ in messages(done)].count("human") == 3


def test_updates_mode_and_unknown_mode(alice: Any) -> None:
    tid = alice.threads.create()["thread_id"]
    parts, _ = stream(
        alice, tid, input=human("what defined 70s funk drumming?"), stream_mode="updates"
    )
    updates = [d for e, d in parts if e == "updates"]
    assert any("supervisor" in u for u in updates), updates
    # The older "messages" mode: metadata once per message, then the message.
    parts, _ = stream(alice, tid, input=human("what about philly soul?"), stream_mode="messages")
    kinds = [e for e, _ in parts]
    assert "messages/metadata" in kinds, kinds
    whole = [d[0] for e, d in parts if e in ("messages/partial", "messages/complete")]
    assert any(m["type"] == "ai" and m["content"] for m in whole), whole
    with pytest.raises(httpx.HTTPStatusError) as err:
        stream(alice, tid, input=human("hi"), stream_mode="events")
    assert err.value.response.status_code == 422


def test_thread_search_lists_own_threads_including_v1(
    server: ServerProcess, alice: Any, bob: Any
) -> None:
    v1 = httpx.post(server.url + "/v1/threads", headers={"x-api-key": ALICE_KEY}).json()[
        "thread_id"
    ]
    tagged = alice.threads.create(metadata={"project": "crates"})["thread_id"]
    plain = alice.threads.create()["thread_id"]
    bobs = bob.threads.create(metadata={"project": "crates"})["thread_id"]

    found = {
        t["thread_id"]
        for t in alice.threads.search(metadata={"graph_id": "groovegraph"}, limit=1000)
    }
    assert {v1, tagged, plain} <= found
    assert bobs not in found
    assert [t["thread_id"] for t in alice.threads.search(metadata={"project": "crates"})] == [
        tagged
    ]
    assert [t["thread_id"] for t in bob.threads.search(metadata={"project": "crates"})] == [bobs]
    by_ids = alice.threads.search(ids=[v1, plain, bobs], sort_by="created_at", sort_order="asc")
    assert [t["thread_id"] for t in by_ids] == [v1, plain]
    page = alice.threads.search(
        ids=[v1, plain, tagged], limit=1, offset=1, sort_by="created_at", sort_order="asc"
    )
    assert [t["thread_id"] for t in page] == [tagged]
    idle = alice.threads.search(ids=[v1, tagged], status="idle")
    assert {t["thread_id"] for t in idle} == {v1, tagged}
    assert alice.threads.search(ids=[v1], status="busy") == []
    slim = alice.threads.search(ids=[v1], select=["thread_id", "metadata"])
    assert set(slim[0]) == {"thread_id", "metadata"}

    # A /v1 thread is a protocol thread: runs there, and /v1 sees the result.
    stream(alice, v1, input=human("what defined 70s funk drumming?"))
    v1_state = httpx.get(server.url + f"/v1/threads/{v1}", headers={"x-api-key": ALICE_KEY}).json()
    assert [m["content"] for m in v1_state["messages"] if m["type"] == "human"] == [
        "what defined 70s funk drumming?"
    ]
    assert alice.threads.get(v1)["values"]["messages"]

    alice.threads.update(tagged, metadata={"rating": 5})
    assert alice.threads.get(tagged)["metadata"]["rating"] == 5
    alice.threads.delete(plain)
    with pytest.raises(NotFoundError):
        alice.threads.get(plain)


def _two_turns(alice: Any) -> str:
    tid = alice.threads.create()["thread_id"]
    alice.runs.wait(tid, "groovegraph", input=human("what defined 70s funk drumming?"))
    alice.runs.wait(tid, "groovegraph", input=human("what about philly soul?"))
    return tid


def test_history_newest_first_with_parents(alice: Any) -> None:
    tid = _two_turns(alice)
    history = alice.threads.get_history(tid, limit=100)
    assert len(history) > 4
    steps = [h["metadata"]["step"] for h in history]
    assert steps == sorted(steps, reverse=True)
    for newer, older in itertools.pairwise(history):
        assert newer["parent_checkpoint"]["checkpoint_id"] == older["checkpoint"]["checkpoint_id"]
    assert history[0]["values"] == alice.threads.get_state(tid)["values"]
    assert history[-1]["parent_checkpoint"] is None
    for h in history:
        assert set(h) >= {
            "values",
            "next",
            "tasks",
            "metadata",
            "created_at",
            "checkpoint",
            "parent_checkpoint",
        }
    # limit and before page through it.
    first = alice.threads.get_history(tid, limit=2)
    assert [h["checkpoint"] for h in first] == [h["checkpoint"] for h in history[:2]]
    after = alice.threads.get_history(tid, limit=2, before=first[-1]["checkpoint"])
    assert [h["checkpoint"] for h in after] == [h["checkpoint"] for h in history[2:4]]
    # the state at a past checkpoint
    old = history[len(history) // 2]
    at = alice.threads.get_state(tid, checkpoint_id=old["checkpoint"]["checkpoint_id"])
    assert at["values"] == old["values"]


def test_fork_from_a_past_checkpoint_keeps_the_original_branch(alice: Any) -> None:
    tid = _two_turns(alice)
    head = alice.threads.get_state(tid)
    original = messages(head["values"])
    assert len(original) == 4
    history = alice.threads.get_history(tid, limit=100)
    # "Edit and regenerate" the second question: run from the checkpoint that ended turn 1.
    before_turn_2 = next(
        h for h in history if len(h["values"].get("messages", [])) == 2 and not h["next"]
    )
    forked = alice.runs.wait(
        tid,
        "groovegraph",
        input=human("find funk loops around 96 BPM"),
        checkpoint=before_turn_2["checkpoint"],
    )
    fork_msgs = messages(forked)
    assert fork_msgs[:2] == original[:2]
    assert fork_msgs[2] == ("human", "find funk loops around 96 BPM")
    assert len(fork_msgs) == 4
    # The thread's head is the fork; the original branch is still there, whole.
    assert messages(alice.threads.get_state(tid)["values"]) == fork_msgs
    kept = alice.threads.get_state(tid, checkpoint_id=head["checkpoint"]["checkpoint_id"])
    assert messages(kept["values"]) == original
    old_branch = alice.threads.get_history(tid, limit=100, checkpoint=head["checkpoint"])
    assert old_branch
    assert messages(old_branch[0]["values"]) == original

    # Studio's fork: update the state as a node at a past checkpoint.
    update = alice.threads.update_state(
        tid,
        {"messages": [{"type": "human", "content": "edited question", "id": "edited-1"}]},
        as_node="__start__",
        checkpoint_id=before_turn_2["checkpoint"]["checkpoint_id"],
    )
    assert update["checkpoint"]["checkpoint_id"]
    edited = alice.threads.get_state(tid, checkpoint_id=update["checkpoint"]["checkpoint_id"])
    assert messages(edited["values"])[-1] == ("human", "edited question")
    assert (
        edited["parent_checkpoint"]["checkpoint_id"] == before_turn_2["checkpoint"]["checkpoint_id"]
    )
    # ... and run it on from there (input None continues from the checkpoint).
    done = alice.runs.wait(tid, "groovegraph", input=None, checkpoint=update["checkpoint"])
    assert messages(done)[2] == ("human", "edited question")
    assert messages(done)[3][0] == "ai"
    assert (
        messages(
            alice.threads.get_state(tid, checkpoint_id=head["checkpoint"]["checkpoint_id"])[
                "values"
            ]
        )
        == original
    )


def test_interrupt_is_resumed_with_command(server: ServerProcess, alice: Any) -> None:
    path = library_file(server, f"brk-{uuid.uuid4().hex[:6]}.wav", seconds=8.0)
    tid = alice.threads.create()["thread_id"]
    parts, _ = stream(alice, tid, input=human(f"what's the swing on {path}?"), stream_mode="values")
    paused = [d for e, d in parts if e == "values" and "__interrupt__" in d]
    assert paused, [e for e, _ in parts]
    (question,) = paused[-1]["__interrupt__"]
    assert question["value"]["type"] == "confirm_audio"
    assert question["id"]
    thread = alice.threads.get(tid)
    assert thread["status"] == "interrupted"
    assert [i["id"] for ints in thread["interrupts"].values() for i in ints] == [question["id"]]
    state = alice.threads.get_state(tid)
    assert state["next"]
    assert state["tasks"][0]["interrupts"][0]["value"]["type"] == "confirm_audio"

    parts, _ = stream(alice, tid, command=Command(resume="yes"), stream_mode=["updates", "values"])
    assert not [d for e, d in parts if e == "values" and "__interrupt__" in d]
    final = [d for e, d in parts if e == "values"][-1]
    (analysis,) = final["analyses"].values()
    assert analysis["tempo_bpm"] == pytest.approx(96.0, rel=0.05)
    assert alice.threads.get(tid)["status"] == "idle"
    # Nothing left to resume: 409, as on /v1.
    assert (
        status_of(lambda: alice.runs.wait(tid, "groovegraph", command=Command(resume="yes"))) == 409
    )


def test_cancel_a_running_run_and_busy_thread_is_409(server: ServerProcess, alice: Any) -> None:
    files = [
        library_file(server, f"long-{uuid.uuid4().hex[:6]}-{i}.wav", seconds=25.0) for i in range(3)
    ]
    tid = alice.threads.create()["thread_id"]
    alice.runs.wait(
        tid,
        "groovegraph",
        input=human("what's the tempo of " + " and ".join(map(str, files)) + "?"),
    )
    assert alice.threads.get(tid)["status"] == "interrupted"

    # The resumed run analyses 75 s of audio (seconds of work): cancel it meanwhile.
    seen: list[str] = []
    run_id = None
    for part in alice.runs.stream(
        tid, "groovegraph", command=Command(resume="yes"), stream_mode="values"
    ):
        seen.append(part.event)
        if part.event == "metadata":
            run_id = part.data["run_id"]
            assert alice.runs.get(tid, run_id)["status"] in ("pending", "running")
            assert alice.threads.get(tid)["status"] == "busy"
            # One run per thread: a second one is refused straight away.
            busy = lambda: alice.runs.wait(  # noqa: E731
                tid, "groovegraph", input=human("hello?"), multitask_strategy="reject"
            )
            assert status_of(busy) == 409
            alice.runs.cancel(tid, run_id, wait=True)
    assert seen[-1] == "end"
    assert run_id is not None
    assert alice.runs.get(tid, run_id)["status"] == "interrupted"
    # The cancelled resume left the thread as it was: still waiting for its answer.
    state = alice.threads.get_state(tid)
    assert state["tasks"][0]["interrupts"][0]["value"]["type"] == "confirm_audio"
    joined = alice.runs.join(tid, run_id)
    assert joined.pop("__interrupt__")[0]["value"]["type"] == "confirm_audio"
    assert joined == state["values"]
    # The thread is free again: answer "no" this time.
    done = alice.runs.wait(tid, "groovegraph", command=Command(resume="no"))
    assert "__interrupt__" not in done
    assert messages(done)[-1][0] == "ai"
    assert alice.threads.get(tid)["status"] == "idle"


def test_join_a_background_run(alice: Any) -> None:
    tid = alice.threads.create()["thread_id"]
    run = alice.runs.create(tid, "groovegraph", input=human("what defined 70s funk drumming?"))
    assert run["status"] == "pending"
    assert run["thread_id"] == tid
    values = alice.runs.join(tid, run["run_id"])
    assert messages(values)[-1][0] == "ai"
    assert alice.runs.get(tid, run["run_id"])["status"] == "success"


def test_another_owner_gets_404_everywhere(alice: Any, bob: Any) -> None:
    tid = alice.threads.create(metadata={"secret": True})["thread_id"]
    run = alice.runs.wait(tid, "groovegraph", input=human("what defined 70s funk drumming?"))
    assert run
    (last_run,) = alice.runs.list(tid)
    rid = last_run["run_id"]
    checkpoint = alice.threads.get_state(tid)["checkpoint"]

    calls = {
        "get thread": lambda: bob.threads.get(tid),
        "state": lambda: bob.threads.get_state(tid),
        "state at checkpoint": lambda: bob.threads.get_state(
            tid, checkpoint_id=checkpoint["checkpoint_id"]
        ),
        "update state": lambda: bob.threads.update_state(tid, {"messages": []}),
        "history": lambda: bob.threads.get_history(tid),
        "stream": lambda: list(bob.runs.stream(tid, "groovegraph", input=human("hi"))),
        "wait": lambda: bob.runs.wait(tid, "groovegraph", input=human("hi")),
        "fork": lambda: bob.runs.wait(tid, "groovegraph", input=human("hi"), checkpoint=checkpoint),
        "resume": lambda: bob.runs.wait(tid, "groovegraph", command=Command(resume="yes")),
        "create run": lambda: bob.runs.create(tid, "groovegraph", input=human("hi")),
        "list runs": lambda: bob.runs.list(tid),
        "get run": lambda: bob.runs.get(tid, rid),
        "cancel": lambda: bob.runs.cancel(tid, rid),
        "join": lambda: bob.runs.join(tid, rid),
        "join stream": lambda: list(bob.runs.join_stream(tid, rid)),
        "patch": lambda: bob.threads.update(tid, metadata={"x": 1}),
        "delete": lambda: bob.threads.delete(tid),
    }
    statuses = {name: status_of(call) for name, call in calls.items()}
    assert statuses == dict.fromkeys(calls, 404)
    assert tid not in {t["thread_id"] for t in bob.threads.search(limit=1000)}
    # Creating a thread under alice's id does not hand it over either.
    with pytest.raises(ConflictError):
        bob.threads.create(thread_id=tid)
    # ... and alice's thread is untouched.
    assert alice.threads.get(tid)["metadata"]["secret"] is True
    assert len(alice.runs.list(tid)) == 1


def test_nul_in_history_filters_and_checkpoints_is_422(server: ServerProcess, alice: Any) -> None:
    """A NUL in a history metadata filter (a key or a value), in ``before`` or in a body
    checkpoint reached Postgres and came back as a 500 (found by benchmarks.fuzz_api)."""
    tid = alice.threads.create()["thread_id"]
    alice.runs.wait(tid, "groovegraph", input=human("what defined Motown drumming?"))
    h = {"X-API-Key": ALICE_KEY}
    with httpx.Client(base_url=server.url, timeout=60, headers=h) as http:
        for path, body in (
            (f"/threads/{tid}/history", {"metadata": {"^": [{"\u0000": None}]}}),
            (f"/threads/{tid}/history", {"metadata": {"step": "a\u0000b"}}),
            (f"/threads/{tid}/history", {"before": "x\u0000"}),
            (f"/threads/{tid}/history", {"checkpoint": {"checkpoint_id": "\u0000"}}),
            (f"/threads/{tid}/state/checkpoint", {"checkpoint": {"checkpoint_id": "\u0000"}}),
        ):
            r = http.post(path, json=body)
            assert r.status_code == 422, (path, body, r.status_code, r.text)
        # the connection and the thread are fine afterwards
        ok = http.post(f"/threads/{tid}/history", json={"limit": 2})
        assert ok.status_code == 200, ok.text
        assert len(ok.json()) == 2


def test_thread_search_by_ids_no_thread_can_have(server: ServerProcess, alice: Any) -> None:
    """An id with a NUL (or anything no thread id can be) reached Postgres from
    ``/threads/search`` and ``/threads/count`` and came back as a 500 (found by
    schemathesis in CI). Such an id matches nothing; the well-formed ids still match."""
    tid = alice.threads.create()["thread_id"]
    ids = ["\u0000", "x\u0000y", "", "a b", tid + "\n", tid]
    h = {"X-API-Key": ALICE_KEY}
    with httpx.Client(base_url=server.url, timeout=60, headers=h) as http:
        found = http.post("/threads/search", json={"ids": ids})
        assert found.status_code == 200, found.text
        assert [t["thread_id"] for t in found.json()] == [tid]
        counted = http.post("/threads/count", json={"ids": ids[:-1]})
        assert counted.status_code == 200, counted.text
        assert counted.json() == 0


def test_bad_state_updates_are_422_and_leave_the_thread_as_it_was(
    server: ServerProcess, alice: Any
) -> None:
    """Values LangGraph's reducers could not apply were 500s (found by
    benchmarks.fuzz_api: a list for values, an unknown as_node, a message of an unknown
    type); values of the wrong type were written and broke the next turn."""
    tid = alice.threads.create()["thread_id"]
    alice.runs.wait(tid, "groovegraph", input=human("what defined Motown drumming?"))
    before = alice.threads.get_state(tid)
    h = {"X-API-Key": ALICE_KEY}
    with httpx.Client(base_url=server.url, timeout=60, headers=h) as http:
        for body in (
            {"values": []},
            {"values": [{"x": []}]},
            {"values": {"messages": []}, "as_node": "no-such-node"},
            {"values": {"messages": [{"type": "zzz", "content": "x"}]}},
            {"values": {"messages": [1, 2]}},
            {"values": {"bogus": 1}},
            {"values": {"focus": 5}},
            {"values": {"turn_usage": "x"}},
            {"values": {"analyses": {"a.wav": {"tempo_bpm": "fast"}}}},
            {"values": {"request": [1]}},
        ):
            r = http.post(f"/threads/{tid}/state", json=body)
            assert r.status_code == 422, (body, r.status_code, r.text)
            assert r.json()["error"]["code"] in ("invalid_update", "validation_error"), r.text
        after = alice.threads.get_state(tid)
        assert after["checkpoint"] == before["checkpoint"]
        # A good update still works, and the thread runs on from it.
        ok = http.post(
            f"/threads/{tid}/state",
            json={"values": {"focus": [], "messages": [{"role": "user", "content": "hi"}]}},
        )
        assert ok.status_code == 200, ok.text
    done = alice.runs.wait(tid, "groovegraph", input=human("what defined Philly soul drumming?"))
    assert messages(done)[-1][0] == "ai"
