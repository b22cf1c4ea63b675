"""Human messages a client sends together in one input before the agent answers ("find
me some 70s soul loops" / "between 95 and 105 bpm" / "minor key ones only") are one turn:
the server marks the last of them (``turn_input.mark_burst``) and the graph reads them as
one request. Before, the turn was read as its last message alone and the search lost the
genre, era and tempo. A message the thread holds unanswered (a turn paused on a question,
then left) is not part of the new turn (test_agent_reply_to_pending_question).

The real app over /agent/invoke and the Agent Protocol's runs (TestClient, SQLite catalog,
offline graph)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage, HumanMessage

from groovegraph.server.turn_input import mark_burst
from groovegraph.settings import Settings
from groovegraph.state import BURST_KEY
from tests.catalogs import app_client, stored_loop

ROWS = [
    # (id, genre, era, bpm, key)
    ("b0b0000000000001", "soul", "70s", 98.0, "A minor"),
    ("b0b0000000000002", "soul", "70s", 101.0, "C major"),
    ("b0b0000000000003", "soul", "70s", 130.0, "E minor"),
    ("b0b0000000000004", "house", "90s", 99.0, "D minor"),
    ("b0b0000000000005", "soul", "90s", 100.0, "G minor"),
]
BURST = ["find me some 70s soul loops", "between 95 and 105 bpm", "minor key ones only"]


@pytest.fixture
def client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    rows = (
        stored_loop(
            sid, f"/lib/{genre}/loop_{sid[-2:]}.wav", genre=genre, era=era, bpm=bpm, key=key
        )
        for sid, genre, era, bpm, key in ROWS
    )
    with app_client(settings, monkeypatch, rows) as c:
        yield c


def _human(text: str) -> dict[str, Any]:
    return {"type": "human", "content": text}


def test_a_burst_over_agent_invoke_is_one_turn_with_every_filter(client: TestClient) -> None:
    r = client.post(
        "/agent/invoke",
        json={
            "input": {"messages": [_human(t) for t in BURST]},
            "config": {"configurable": {"thread_id": "burst-invoke"}},
        },
    )
    assert r.status_code == 200, r.text
    out = r.json()["output"]
    assert [h["sample_id"] for h in out["hits"]] == ["b0b0000000000001"]
    answers = [m for m in out["messages"] if m["type"] == "ai" and m["content"]]
    assert len(answers) == 1  # one answer for the three messages
    # the thread keeps the user's three messages as they were sent
    held = client.get("/v1/threads/burst-invoke").json()["messages"]
    assert [m["content"] for m in held if m["type"] == "human"] == BURST


def test_a_resent_conversation_with_a_new_burst_reads_only_the_new_messages(
    client: TestClient,
) -> None:
    config = {"configurable": {"thread_id": "burst-resent"}}
    first = client.post(
        "/agent/invoke",
        json={"input": {"messages": [_human("any house loops?")]}, "config": config},
    )
    assert first.status_code == 200, first.text
    shown = first.json()["output"]["messages"]
    again = client.post(
        "/agent/invoke",
        json={"input": {"messages": [*shown, *(_human(t) for t in BURST)]}, "config": config},
    )
    assert again.status_code == 200, again.text
    assert [h["sample_id"] for h in again.json()["output"]["hits"]] == ["b0b0000000000001"]


def test_mark_burst_marks_only_human_messages_after_the_last_answer() -> None:
    marked = mark_burst({"messages": [_human("a"), AIMessage("x"), "b", HumanMessage("c")]})
    assert marked["messages"][-1].additional_kwargs[BURST_KEY] == 2
    assert isinstance(marked["messages"][2], str)  # the earlier ones are kept as sent
    one = {"messages": [_human("a"), AIMessage("x"), _human("b")]}
    assert mark_burst(one) is one  # one new message: nothing to join
    assert mark_burst({"resume": 1}) == {"resume": 1}


def test_a_burst_over_the_agent_protocol_is_one_turn(client: TestClient) -> None:
    thread = client.post("/threads", json={}).json()["thread_id"]
    r = client.post(
        f"/threads/{thread}/runs/wait",
        json={"assistant_id": "groovegraph", "input": {"messages": [_human(t) for t in BURST]}},
    )
    assert r.status_code == 200, r.text
    assert [h["sample_id"] for h in r.json()["hits"]] == ["b0b0000000000001"]
