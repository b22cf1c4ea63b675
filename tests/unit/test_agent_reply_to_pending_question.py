"""Issue 10 (outside tester): over LangServe (``/agent/invoke``, ``/agent/stream``), the
SSE chat route and the Agent Protocol's runs, a plain message sent while the agent waits on a question ("which one? 1.
… 2. …") is the answer to it. It was a new turn: the question was dropped and "2" read
as a request of its own. A number out of range is still the answer, and the answer says
it picks nothing; a message that is a new request stays a new turn.

The real app (TestClient, SQLite catalog, offline graph) with two library files of one
name, so naming it asks which."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from groovegraph.graph.names import replies_to
from groovegraph.settings import Settings
from tests.catalogs import app_client, stored_loop

FIRST, SECOND = "c0ffee00000000a1", "c0ffee00000000b2"


def _row(sid: str, folder: str, bpm: float, key: str) -> dict[str, Any]:
    return stored_loop(
        sid,
        f"/lib/{folder}/tape_hiss_groove.wav",
        genre="soul",
        era="70s",
        bpm=bpm,
        key=key,
        swing_percent=57.0,
    )


@pytest.fixture
def client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    rows = (_row(FIRST, "crate_a", 88.0, "A minor"), _row(SECOND, "crate_b", 101.0, "D minor"))
    with app_client(settings, monkeypatch, rows) as c:
        yield c


def _invoke(client: TestClient, thread: str, text: str) -> dict[str, Any]:
    r = client.post(
        "/agent/invoke",
        json={
            "input": {"messages": [{"type": "human", "content": text}]},
            "config": {"configurable": {"thread_id": thread}},
        },
    )
    assert r.status_code == 200, r.text
    return dict(r.json()["output"])


def _asks_which(client: TestClient, thread: str) -> None:
    paused = _invoke(client, thread, "how swung is tape_hiss_groove.wav?")
    (question,) = paused["interrupts"]
    assert question["value"]["type"] == "choose_sample"
    assert [o["id"] for o in question["value"]["options"]] == [FIRST, SECOND]


def _last_text(out: dict[str, Any]) -> str:
    return str(out["messages"][-1]["content"])


def test_a_bare_number_sent_as_a_message_picks_that_option(client: TestClient) -> None:
    _asks_which(client, "pick-by-number")
    out = _invoke(client, "pick-by-number", "2")
    assert not out.get("interrupts")
    assert list(out["analyses"]) == [SECOND]
    assert "101.0 BPM" in _last_text(out)
    # the thread is not paused any more
    state = client.get("/v1/threads/pick-by-number").json()
    assert not state.get("interrupts")


def test_a_number_out_of_range_is_answered_not_dropped(client: TestClient) -> None:
    _asks_which(client, "pick-out-of-range")
    out = _invoke(client, "pick-out-of-range", "3")
    assert not out.get("interrupts")
    assert not out["analyses"]
    assert "could not tell which file" in _last_text(out)


def test_a_new_request_while_asked_is_a_new_turn(client: TestClient) -> None:
    _asks_which(client, "moved-on")
    out = _invoke(client, "moved-on", "find me soul loops from the 70s")
    assert {h["sample_id"] for h in out["hits"]} == {FIRST, SECOND}


def test_the_stream_and_the_sse_route_take_the_reply_too(client: TestClient) -> None:
    _asks_which(client, "streamed")
    r = client.post(
        "/agent/stream",
        json={
            "input": {"messages": [{"type": "human", "content": "the first one"}]},
            "config": {"configurable": {"thread_id": "streamed"}},
        },
    )
    assert r.status_code == 200, r.text
    assert FIRST in r.text
    assert "88.0 BPM" in r.text

    thread = client.post("/v1/threads").json()["thread_id"]
    with client.stream(
        "POST", f"/v1/threads/{thread}/chat", json={"message": "how swung is tape_hiss_groove.wav"}
    ) as s:
        events = [line for line in s.iter_lines() if line.startswith("event:")]
    assert "event: interrupt" in events
    with client.stream("POST", f"/v1/threads/{thread}/chat", json={"message": "2"}) as s:
        data = [json.loads(line[5:]) for line in s.iter_lines() if line.startswith("data:")]
    assert any("101.0 BPM" in json.dumps(d) for d in data)


def test_the_agent_protocol_takes_the_reply_too(client: TestClient) -> None:
    thread = client.post("/threads", json={}).json()["thread_id"]

    def wait(text: str) -> dict[str, Any]:
        r = client.post(
            f"/threads/{thread}/runs/wait",
            json={
                "assistant_id": "groovegraph",
                "input": {"messages": [{"type": "human", "content": text}]},
            },
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    assert wait("how swung is tape_hiss_groove.wav?")["__interrupt__"]
    done = wait("#1")
    assert not done.get("__interrupt__")
    assert list(done["analyses"]) == [FIRST]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("3", True),
        ("#2", True),
        ("the second one", True),
        ("crate_b/tape_hiss_groove.wav", True),
        ("2 house loops please", False),
        ("what about trap instead?", False),
    ],
)
def test_what_reads_as_the_reply_to_a_choice(reply: str, expected: bool) -> None:
    question = {
        "type": "choose_sample",
        "options": [
            {"id": FIRST, "name": "crate_a/tape_hiss_groove.wav"},
            {"id": SECOND, "name": "crate_b/tape_hiss_groove.wav"},
        ],
    }
    assert replies_to(question, reply) is expected
    # a yes/no question takes a short reply
    assert replies_to({"type": "confirm_audio"}, "yes go ahead")
