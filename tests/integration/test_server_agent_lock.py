"""One run per thread on LangServe's ``/agent`` routes, for requests that arrive together.

The app runs on a real uvicorn (background thread, loopback, SQLite) with a scripted
chat model that waits on a gate, so the winning run is provably still going while the
others knock: they must get a clean ``409 run_in_progress`` JSON error (not a 200 whose
stream then breaks), with the run locks in Redis and in process alike.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage

from groovegraph.server.app import create_app
from groovegraph.settings import Settings
from tests.integration.server_proc import serve_in_thread

pytestmark = pytest.mark.integration

ANSWER = "Motown drummers kept the backbeat on a heavy snare with tambourine doubling it."
GATE = threading.Event()  # set: the model answers
ENTERED = threading.Event()  # set by the first model call: a run is under way


class GatedScript(GenericFakeChatModel):
    """Replies with ``ANSWER``, but only once ``GATE`` is set (waits up to 30 s)."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> GatedScript:
        return self

    def _stream(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Iterator[Any]:
        ENTERED.set()
        GATE.wait(30)
        return super()._stream(messages, *args, **kwargs)

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        ENTERED.set()
        GATE.wait(30)
        return super()._generate(messages, *args, **kwargs)


def _replies() -> Iterator[AIMessage]:
    while True:
        yield AIMessage(content=ANSWER)


def _serve(settings: Settings) -> Iterator[str]:
    from groovegraph.graph import build_graph

    def factory(**kw: Any) -> Any:
        builder = build_graph(
            catalog=kw["catalog"],
            settings=kw["settings"],
            model=GatedScript(messages=_replies()),
            router_model="offline",
            cache=kw["cache"],
        )
        return builder.compile(checkpointer=kw["checkpointer"])

    app = create_app(settings, graph_factory=factory, build_demo=False, warm_up=False)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        GATE.set()  # never leave a run (or the server's shutdown) waiting on the gate


@pytest.fixture(params=["in-process", "redis"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    GATE.clear()
    ENTERED.clear()
    settings = Settings(data_dir=tmp_path / "data", redis_url=redis_url, sse_heartbeat_s=0.5)
    yield from _serve(settings)


def _body(thread_id: str) -> dict[str, Any]:
    return {
        "input": {"messages": [{"type": "human", "content": "what defined Motown drumming?"}]},
        "config": {"configurable": {"thread_id": thread_id}},
    }


def _stream(url: str, route: str, thread_id: str, start: threading.Barrier) -> httpx.Response:
    """POST and read the whole body (a stream ends when its run does)."""
    with httpx.Client(base_url=url, timeout=60) as http:
        start.wait(10)
        r = http.post(route, json=_body(thread_id))
        r.read()
        return r


def test_concurrent_agent_streams_on_one_thread_one_runs_the_rest_get_409(url: str) -> None:
    thread_id = f"lock-{uuid.uuid4().hex[:12]}"
    routes = ["/agent/stream", "/agent/stream", "/agent/stream_events", "/agent/invoke"]
    start = threading.Barrier(len(routes))
    results: dict[int, httpx.Response] = {}

    def fire(i: int) -> None:
        results[i] = _stream(url, routes[i], thread_id, start)

    workers = [threading.Thread(target=fire, args=(i,)) for i in range(len(routes))]
    for w in workers:
        w.start()
    # The losers answer while the winner still waits on the gate: no queueing.
    deadline = time.monotonic() + 30
    while len(results) < len(routes) - 1:
        assert time.monotonic() < deadline, f"losers not refused in time: {results}"
        time.sleep(0.02)
    assert ENTERED.wait(30), "the winning run never reached the model"
    assert len(results) == len(routes) - 1, "the winner finished before the gate opened"
    GATE.set()
    for w in workers:
        w.join(30)
    assert len(results) == len(routes)

    winners = [i for i, r in results.items() if r.status_code == 200]
    losers = [i for i, r in results.items() if r.status_code != 200]
    assert len(winners) == 1, {i: (r.status_code, r.text[:200]) for i, r in results.items()}
    for i in losers:
        r = results[i]
        assert r.status_code == 409, (routes[i], r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/json"), r.headers
        assert r.json()["error"]["code"] == "run_in_progress", r.text
        assert int(r.headers["Retry-After"]) >= 1, r.headers
    won = results[winners[0]]
    if routes[winners[0]] == "/agent/invoke":
        assert ANSWER in won.text
    else:
        assert "event: end" in won.text, won.text[-500:]
        assert "event: error" not in won.text, won.text[-500:]

    # The lock went with the run: the next turn on the thread streams at once.
    with httpx.Client(base_url=url, timeout=60) as http:
        again = http.post("/agent/stream", json=_body(thread_id))
        assert again.status_code == 200, again.text
        assert "event: end" in again.text, again.text
        assert "event: error" not in again.text, again.text
        assert ANSWER.split()[0] in again.text
        state = http.get(f"/v1/threads/{thread_id}").json()
    ai = [m for m in state["messages"] if m["type"] == "ai" and m.get("content")]
    # one answer per run that won (the refused runs wrote nothing); the second, to the same
    # question, says it is the same answer instead of repeating it word for word
    texts = [m["content"] for m in ai]
    assert len(texts) == 2, state["messages"]
    assert texts[0] == ANSWER
    assert texts[1] != ANSWER, texts[1]
    assert texts[1].endswith(ANSWER), texts[1]
