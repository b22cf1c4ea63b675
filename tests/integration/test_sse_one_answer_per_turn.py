"""One answer per turn over real HTTP (issue 10): a turn's SSE stream carries exactly one
``message`` event, the answer — for a search answered by one specialist and for a turn
answered from several (a sample attached: its tempo, and loops that mix with it), whose
specialists' findings come as ``step`` events. The app runs on a real uvicorn (loopback,
SQLite) with the offline graph; the library is a few loops uploaded over HTTP."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import soundfile as sf
from httpx_sse import connect_sse

from groovegraph.server.app import create_app
from groovegraph.settings import Settings
from tests.integration.server_proc import serve_in_thread

pytestmark = pytest.mark.integration

SPECIALISTS = {"groove", "era", "compatibility", "discovery"}


def _loop(tempo_bpm: float, key: str, seed: int) -> bytes:
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    y, _ = synthesize_groove(
        GrooveSpec(
            tempo_bpm=tempo_bpm,
            swing_percent=56.0,
            key=key,
            pattern="funk",
            duration_s=5.0,
            sample_rate=22050,
            seed=seed,
        )
    )
    buf = io.BytesIO()
    sf.write(buf, y, 22050, format="WAV", subtype="PCM_16")
    return buf.getvalue()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("one-answer") / "data")
    app = create_app(settings, build_demo=False, warm_up=False)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=120) as http:
        ids = []
        for i, (bpm, key) in enumerate([(96, "A minor"), (98, "E minor"), (95, "C major")]):
            r = http.post("/v1/samples", files={"file": (f"loop_{i}.wav", _loop(bpm, key, i))})
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        yield url, ids


def _turn(url: str, thread: str, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    with (
        httpx.Client(base_url=url, timeout=120) as http,
        connect_sse(http, "POST", f"/v1/threads/{thread}/chat", json=body) as source,
    ):
        assert source.response.status_code == 200
        for event in source.iter_sse():
            events.append((event.event, json.loads(event.data)))
            if event.event == "end":
                break
    return events


def _thread(url: str) -> str:
    return str(httpx.post(f"{url}/v1/threads", timeout=30).json()["thread_id"])


def _last_answer(url: str, thread: str) -> dict[str, Any]:
    state = httpx.get(f"{url}/v1/threads/{thread}", timeout=30).json()
    return next(m for m in reversed(state["messages"]) if m["type"] == "ai")


def test_a_search_turn_sends_one_answer_message(served: tuple[str, list[str]]) -> None:
    url, _ = served
    thread = _thread(url)
    events = _turn(url, thread, {"message": "find me loops around 96 bpm"})
    messages = [d for k, d in events if k == "message"]
    assert len(messages) == 1, [k for k, _ in events]
    assert events[-1] == ("end", events[-1][1])
    assert events[-1][1]["messages"] == 1
    # the one message is the answer the thread keeps
    assert messages[0]["content"] == _last_answer(url, thread)["content"]
    assert "loop_" in messages[0]["content"]


def test_a_turn_of_several_specialists_sends_one_answer_message(
    served: tuple[str, list[str]],
) -> None:
    url, ids = served
    thread = _thread(url)
    events = _turn(
        url,
        thread,
        {"message": "what tempo is this and find loops that mix with it", "samples": [ids[0]]},
    )
    route = next(d for k, d in events if k == "route")
    assert len(route["specialists"]) >= 2, route
    messages = [d for k, d in events if k == "message"]
    assert len(messages) == 1, [k for k, _ in events]
    answer = messages[0]
    assert answer["content"] == _last_answer(url, thread)["content"]
    assert answer["node"] == "respond"
    assert "BPM" in answer["content"]
    # each specialist's findings: a step, never a second answer
    steps = [d for k, d in events if k == "step"]
    assert {s["name"] for s in steps} <= SPECIALISTS
    assert {s["name"] for s in steps} == set(route["specialists"])
    assert all(s["content"] != answer["content"] for s in steps)
    # the answer's plot (the loop's grid) comes with the answer
    assert answer["plots"]
    assert all(p["url"] for p in answer["plots"])

    # a second turn on the thread: again one answer
    events = _turn(url, thread, {"message": "and which of those are in E minor?"})
    assert len([1 for k, _ in events if k == "message"]) == 1, [k for k, _ in events]


def test_agent_stream_sends_the_answer_once(served: tuple[str, list[str]]) -> None:
    """LangServe's /agent/stream streams the graph's node updates: the specialists' notes
    are in their own nodes' updates, the answer only in respond's, once."""
    url, ids = served
    body = {
        "input": {
            "messages": [
                {
                    "type": "human",
                    "content": "what tempo is this and find loops that mix with it",
                    "additional_kwargs": {"samples": [ids[0]]},
                }
            ]
        },
        "config": {"configurable": {"thread_id": "one-answer-agent"}},
    }
    ai: list[tuple[str, str]] = []
    with (
        httpx.Client(base_url=url, timeout=120) as http,
        connect_sse(http, "POST", "/agent/stream", json=body) as source,
    ):
        for event in source.iter_sse():
            if event.event != "data":
                continue
            for node, update in json.loads(event.data).items():
                for m in (update or {}).get("messages") or []:
                    if isinstance(m, dict) and m.get("type") == "ai" and m.get("content"):
                        ai.append((node, str(m["content"])))
    answers = [text for node, text in ai if node == "respond"]
    assert len(answers) == 1, ai
    assert [text for _, text in ai].count(answers[0]) == 1
