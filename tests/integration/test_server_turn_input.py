"""What a turn's input may hold, on every route that starts one: the real server on
Postgres + Redis (the ``server`` fixture of test_server_api), driven over HTTP."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.server_proc import ServerProcess
from tests.integration.test_server_api import ALICE, assert_error, new_thread

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[ServerProcess]:
    import redis

    from tests.conftest import REDIS_TEST_URL

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    proc = ServerProcess(
        data_dir=tmp_path_factory.mktemp("turn-input") / "data",
        env={
            "GROOVEGRAPH_DATABASE_URL": pg_url,
            "GROOVEGRAPH_REDIS_URL": REDIS_TEST_URL,
            "GROOVEGRAPH_API_KEYS": "alice-key:alice,bob-key:bob",
            "GROOVEGRAPH_RATE_LIMIT_PER_MINUTE": "10000",
            "GROOVEGRAPH_DEMO_LIBRARY": "false",
        },
    ).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def _stored(http: httpx.Client, thread_id: str) -> list[tuple[str, Any]]:
    r = http.get(f"/v1/threads/{thread_id}", headers=ALICE)
    if r.status_code == 404:  # never claimed: nothing stored either
        return []
    assert r.status_code == 200, r.text
    return [(m["type"], m["content"]) for m in r.json()["messages"]]


def test_an_input_without_a_human_message_is_refused_and_nothing_stored(
    http: httpx.Client,
) -> None:
    """An /agent input holding only an AI message ran a turn (answered as if the user had
    said nothing) and stored the AI message in the thread."""
    said = {"type": "ai", "content": "sure, here are three funk loops"}
    for route in ("/agent/invoke", "/agent/stream", "/agent/stream_events", "/agent/batch"):
        thread_id = f"no-human-{uuid.uuid4().hex[:8]}"
        config = {"configurable": {"thread_id": thread_id}}
        if route.endswith("batch"):
            body: dict[str, Any] = {"inputs": [{"messages": [said]}], "config": config}
        else:
            body = {"input": {"messages": [said]}, "config": config}
        r = http.post(route, json=body, headers=ALICE)
        assert_error(r, 422)
        assert "human message is required" in r.json()["error"]["message"], (route, r.text)
        assert _stored(http, thread_id) == [], route
    # A system message alone is no question either.
    config = {"configurable": {"thread_id": f"no-human-{uuid.uuid4().hex[:8]}"}}
    r = http.post(
        "/agent/invoke",
        json={"input": {"messages": [{"type": "system", "content": "be brief"}]}, "config": config},
        headers=ALICE,
    )
    assert_error(r, 422)
    assert "human message is required" in r.json()["error"]["message"]
    # The Agent Protocol run routes refuse it alike.
    tid = http.post("/threads", json={}, headers=ALICE).json()["thread_id"]
    r = http.post(
        f"/threads/{tid}/runs/wait",
        json={
            "assistant_id": "groovegraph",
            "input": {"messages": [{"role": "assistant", "content": "hello"}]},
        },
        headers=ALICE,
    )
    assert_error(r, 422, "invalid_input")
    assert "human message is required" in r.json()["error"]["message"]
    state = http.get(f"/threads/{tid}/state", headers=ALICE).json()
    assert not (state.get("values") or {}).get("messages")


def test_empty_human_messages_are_refused_on_every_route(http: httpx.Client) -> None:
    """An empty question ("", spaces, no parts, an image part only) ran a turn about
    nothing and stored it, on /agent and /v1 chat (spaces) alike."""
    empties: list[Any] = ["", "   \n", [], [{"type": "image_url", "image_url": {"url": "x"}}]]
    for content in empties:
        for route in ("/agent/invoke", "/agent/stream"):
            thread_id = f"empty-{uuid.uuid4().hex[:8]}"
            body = {
                "input": {"messages": [{"type": "human", "content": content}]},
                "config": {"configurable": {"thread_id": thread_id}},
            }
            r = http.post(route, json=body, headers=ALICE)
            assert_error(r, 422)
            assert "empty" in r.json()["error"]["message"], (route, content, r.text)
            assert _stored(http, thread_id) == []
    thread_id = new_thread(http, ALICE)
    r = http.post(f"/v1/threads/{thread_id}/chat", json={"message": "   "}, headers=ALICE)
    assert_error(r, 422, "validation_error")
    assert "empty" in r.json()["error"]["message"]
    tid = http.post("/threads", json={}, headers=ALICE).json()["thread_id"]
    r = http.post(
        f"/threads/{tid}/runs/wait",
        json={
            "assistant_id": "groovegraph",
            "input": {"messages": [{"role": "user", "content": " "}]},
        },
        headers=ALICE,
    )
    assert_error(r, 422, "invalid_input")
    assert _stored(http, thread_id) == []
    # Content as a list of text parts is a question like a string.
    thread_id = f"parts-{uuid.uuid4().hex[:8]}"
    parts = [{"type": "text", "text": "what defined Philly soul drumming?"}]
    r = http.post(
        "/agent/invoke",
        json={
            "input": {"messages": [{"type": "human", "content": parts}]},
            "config": {"configurable": {"thread_id": thread_id}},
        },
        headers=ALICE,
    )
    assert r.status_code == 200, r.text
    assert r.json()["output"]["messages"][-1]["type"] == "ai"


def test_a_megabyte_message_is_422_at_once_and_the_server_keeps_answering(
    server: ServerProcess, http: httpx.Client
) -> None:
    """A 1 MB message (under the 1 MiB body cap) went to the request parser, whose time
    grows faster than the text: it held the whole server for many minutes (every other
    request timed out). Now each route that starts a turn refuses it in well under a
    second, nothing is stored, and the next request is answered."""
    huge = "y" * 1_000_000
    thread_id = new_thread(http, ALICE)
    tid = http.post("/threads", json={}, headers=ALICE).json()["thread_id"]
    cases: list[tuple[str, dict[str, Any], str]] = []
    for route in ("/agent/invoke", "/agent/stream", "/agent/stream_events"):
        body = {
            "input": {"messages": [{"type": "human", "content": huge}]},
            "config": {"configurable": {"thread_id": thread_id}},
        }
        cases.append((route, body, "at most 20,000"))
    for route in ("/agent/chat/invoke", "/agent/chat/stream"):
        body = {
            "input": {"messages": [{"type": "human", "content": huge}]},
            "config": {"configurable": {"thread_id": thread_id}},
        }
        cases.append((route, body, "20000"))
    cases.append((f"/v1/threads/{thread_id}/chat", {"message": huge}, "20000"))
    run = {
        "assistant_id": "groovegraph",
        "input": {"messages": [{"role": "user", "content": huge}]},
    }
    cases.append((f"/threads/{tid}/runs/wait", run, "at most 20,000"))
    cases.append((f"/threads/{tid}/runs/stream", run, "at most 20,000"))
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for route, body, says in cases:
            started = time.perf_counter()
            r = client.post(route, json=body, headers=ALICE)
            took = time.perf_counter() - started
            assert_error(r, 422)
            assert says in r.json()["error"]["message"], (route, r.text[:300])
            assert took < 5, (route, took)
            ok = client.get("/healthz", timeout=5)
            assert ok.status_code == 200
    assert _stored(http, thread_id) == []
    state = http.get(f"/threads/{tid}/state", headers=ALICE).json()
    assert not (state.get("values") or {}).get("messages")


def _humans(http: httpx.Client, thread_id: str) -> list[str]:
    return [str(c) for t, c in _stored(http, thread_id) if t == "human"]


def _no_copies(http: httpx.Client, thread_id: str) -> None:
    stored = _stored(http, thread_id)
    assert len({(t, str(c)) for t, c in stored}) == len(stored), stored


def test_a_resent_conversation_on_the_chat_routes_is_stored_once(http: httpx.Client) -> None:
    """A chat client that sends the whole conversation it shows (earlier questions and
    answers, then the new question) got the earlier turns stored again."""
    thread_id = f"resend-chat-{uuid.uuid4().hex[:8]}"
    config = {"configurable": {"thread_id": thread_id}}
    asked = [
        "what defined Philly soul drumming?",
        "find funk loops around 96 BPM",
        "what made Motown drums sound the way they did?",
        "find house loops at 124 BPM",
    ]
    shown: list[dict[str, str]] = []
    for i, question in enumerate(asked[:3]):
        shown.append({"type": "human", "content": question})
        route = "/agent/chat/invoke" if i < 2 else "/agent/chat/stream"
        r = http.post(route, json={"input": {"messages": shown}, "config": config}, headers=ALICE)
        assert r.status_code == 200, r.text
        if route.endswith("invoke"):
            shown.append({"type": "ai", "content": r.json()["output"]})
        assert _humans(http, thread_id) == asked[: i + 1]
    # A client that shows the user's messages only (no answers between them).
    mine = [{"type": "human", "content": q} for q in asked]
    r = http.post(
        "/agent/chat/invoke", json={"input": {"messages": mine}, "config": config}, headers=ALICE
    )
    assert r.status_code == 200, r.text
    assert _humans(http, thread_id) == asked
    _no_copies(http, thread_id)


def test_a_resent_conversation_on_agent_is_stored_once(http: httpx.Client) -> None:
    """/agent with the earlier turn's messages (with or without their ids) before the new
    one stores and runs the new one only; an input the thread holds entirely is a 422."""
    thread_id = f"resend-agent-{uuid.uuid4().hex[:8]}"
    config = {"configurable": {"thread_id": thread_id}}
    first = {"type": "human", "content": "what defined Philly soul drumming?"}
    r = http.post(
        "/agent/invoke", json={"input": {"messages": [first]}, "config": config}, headers=ALICE
    )
    assert r.status_code == 200, r.text
    turn1 = r.json()["output"]["messages"]
    # Re-sent without ids (a client that rebuilt the messages), then the new question.
    plain = [{"type": m["type"], "content": m["content"]} for m in turn1]
    second = {"type": "human", "content": "find funk loops around 96 BPM"}
    r = http.post(
        "/agent/invoke",
        json={"input": {"messages": [*plain, second]}, "config": config},
        headers=ALICE,
    )
    assert r.status_code == 200, r.text
    assert [m["content"] for m in r.json()["output"]["messages"] if m["type"] == "human"] == [
        second["content"]
    ]
    # The conversation so far and nothing new (a client's retry): refused, not run again.
    r = http.post(
        "/agent/invoke",
        json={"input": {"messages": [*plain, second]}, "config": config},
        headers=ALICE,
    )
    assert_error(r, 422, "nothing_new")
    # Re-sent with their ids (the whole conversation as the thread holds it), streamed.
    everything = http.get(f"/v1/threads/{thread_id}", headers=ALICE).json()["messages"]
    third = {"type": "human", "content": "what made Motown drums sound the way they did?"}
    r = http.post(
        "/agent/stream",
        json={"input": {"messages": [*everything, third]}, "config": config},
        headers=ALICE,
    )
    assert r.status_code == 200, r.text
    assert "event: error" not in r.text, r.text[-500:]
    assert _humans(http, thread_id) == [first["content"], second["content"], third["content"]]
    _no_copies(http, thread_id)
    # Everything already held (by id): refused before the stream, nothing stored.
    everything = http.get(f"/v1/threads/{thread_id}", headers=ALICE).json()["messages"]
    for route in ("/agent/invoke", "/agent/stream"):
        r = http.post(
            route, json={"input": {"messages": everything}, "config": config}, headers=ALICE
        )
        assert_error(r, 422, "nothing_new")
    # What follows the held part must be a turn: an AI message alone after it is refused.
    r = http.post(
        "/agent/invoke",
        json={
            "input": {"messages": [first, {"type": "ai", "content": "an answer I made up"}]},
            "config": config,
        },
        headers=ALICE,
    )
    assert_error(r, 422)
    assert "human message is required" in r.json()["error"]["message"]
    assert len(_stored(http, thread_id)) == len(everything)
    # A lone message equal to the first one is that question asked again.
    r = http.post(
        "/agent/invoke", json={"input": {"messages": [first]}, "config": config}, headers=ALICE
    )
    assert r.status_code == 200, r.text
    assert _humans(http, thread_id) == [
        first["content"],
        second["content"],
        third["content"],
        first["content"],
    ]


def test_attached_samples_must_be_a_list_of_strings(http: httpx.Client) -> None:
    """``additional_kwargs.samples`` as a string was read letter by letter (the answer
    said "no sample 'a'", "no sample 'b'" …) and a null became the sample 'None'."""
    for samples in ("abc", [5, None], [""], {"id": "abc"}):
        for route in ("/agent/invoke", "/agent/stream"):
            thread_id = f"samples-{uuid.uuid4().hex[:8]}"
            message = {
                "type": "human",
                "content": "what's the swing on this?",
                "additional_kwargs": {"samples": samples},
            }
            r = http.post(
                route,
                json={
                    "input": {"messages": [message]},
                    "config": {"configurable": {"thread_id": thread_id}},
                },
                headers=ALICE,
            )
            assert_error(r, 422)
            assert "samples must be a list" in r.json()["error"]["message"], (samples, r.text)
            assert _stored(http, thread_id) == []
