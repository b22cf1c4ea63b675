"""The chat-model path over real HTTP: ``langchain-openai`` talks to a scripted
OpenAI-compatible server on loopback (``/v1/chat/completions``, streamed SSE chunks with
tool calls), the way it would talk to vLLM, Ollama, llama.cpp or OpenRouter."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from langchain_core.messages import AIMessageChunk, HumanMessage

from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery
from groovegraph.tools import catalog as cat
from tests.catalogs import catalog_frame, offline_graph
from tests.integration.server_proc import serve_in_thread

pytestmark = pytest.mark.integration

API_KEY = "test-key-123"
SEARCH = {
    "genre": "funk",
    "era": "70s",
    "bpm_min": 90,
    "bpm_max": 102,
    "target_bpm": 96,
    "limit": 4,
}
ANSWER = "Here are four 70s funk loops near 96 BPM from your library."


# What the scripted router model reads in each user message.
ROUTER_READINGS: dict[str, dict[str, Any]] = {
    "find me 70s funk loops near 96 BPM": {
        "specialists": ["discovery"],
        "reason": "a search",
        "genre": "funk",
        "era": "70s",
        "target_bpm": 96,
    },
    # The rules read a search here ("loops" with the filter "80s hip hop"); the model reads
    # a history question about the gear of 80s hip hop, and it wins.
    "What gear gave 80s hip hop loops their sound?": {
        "specialists": ["era"],
        "reason": "history of drum machines in 80s hip hop",
        "genre": "hip hop",
        "era": "80s",
    },
}


def _last_user(body: dict[str, Any]) -> str:
    return next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")


def _role(body: dict[str, Any]) -> str:
    system = next(
        (m["content"] for m in body["messages"] if m["role"] in ("system", "developer")), ""
    )
    for prefix, role in (
        ("You route", "router"),
        ("You are the discovery", "discovery"),
        ("You are the era", "era"),
        ("You are groovegraph", "respond"),
    ):
        if str(system).startswith(prefix):
            return role
    return "other"


def _reply(body: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    """(text, tool_calls) the scripted model answers for this request."""
    role = _role(body)
    has_tool_result = any(m["role"] == "tool" for m in body["messages"])
    if role == "router":
        return None, [{"name": "RequestReading", "arguments": ROUTER_READINGS[_last_user(body)]}]
    if role == "discovery" and not has_tool_result:
        return None, [{"name": "search_catalog", "arguments": SEARCH}]
    if role == "discovery":
        return "Found loops.", []
    if role == "era" and not has_tool_result:
        return None, [{"name": "era_facts", "arguments": {"eras": ["80s"], "genres": ["hip hop"]}}]
    if role == "era":
        return "The 808 and the SP-1200 shaped it.", []
    return ANSWER, []


class ScriptedOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self.completions)

    async def completions(self, request: Request) -> Any:
        body = await request.json()
        self.requests.append(body)
        self.auth.append(request.headers.get("authorization"))
        text, calls = _reply(body)
        created = int(time.time())
        cid = f"chatcmpl-{len(self.requests)}"
        usage = {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30}
        tool_calls = [
            {
                "index": i,
                "id": f"call_{len(self.requests)}_{i}",
                "type": "function",
                "function": {"name": c["name"], "arguments": json.dumps(c["arguments"])},
            }
            for i, c in enumerate(calls)
        ]
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": text}
            if tool_calls:
                message["tool_calls"] = [
                    {k: v for k, v in tc.items() if k != "index"} for tc in tool_calls
                ]
            return JSONResponse(
                {
                    "id": cid,
                    "object": "chat.completion",
                    "created": created,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": message,
                            "finish_reason": "tool_calls" if calls else "stop",
                        }
                    ],
                    "usage": usage,
                }
            )

        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            data = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": body["model"],
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(data)}\n\n"

        async def events() -> Any:
            yield chunk({"role": "assistant", "content": ""})
            if text:
                for word in text.split(" "):
                    yield chunk({"content": word + " " if not text.endswith(word) else word})
                    await asyncio.sleep(0)
            for tc in tool_calls:
                args = tc["function"]["arguments"]
                half = len(args) // 2
                # A tool call split across chunks, as real servers send it.
                yield chunk(
                    {
                        "tool_calls": [
                            {
                                "index": tc["index"],
                                "id": tc["id"],
                                "type": "function",
                                "function": {
                                    "name": tc["function"]["name"],
                                    "arguments": args[:half],
                                },
                            }
                        ]
                    }
                )
                yield chunk(
                    {"tool_calls": [{"index": tc["index"], "function": {"arguments": args[half:]}}]}
                )
            yield chunk({}, "tool_calls" if calls else "stop")
            if (body.get("stream_options") or {}).get("include_usage"):
                data = {
                    "id": cid,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": body["model"],
                    "choices": [],
                    "usage": usage,
                }
                yield f"data: {json.dumps(data)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")


@pytest.fixture(scope="module")
def openai_server() -> Iterator[tuple[str, ScriptedOpenAI]]:
    scripted = ScriptedOpenAI()
    with serve_in_thread(scripted.app, timeout_s=20) as url:
        yield f"{url}/v1", scripted


def test_openai_compatible_endpoint_streams_tool_calls_and_answer(openai_server, tmp_path) -> None:
    base_url, scripted = openai_server
    settings = Settings(
        data_dir=tmp_path / "data",
        model="openai:gpt-scripted",
        model_base_url=base_url,
        model_api_key=API_KEY,
        model_max_retries=0,
        router_threshold=1.0,  # the router model reads every turn
    )
    frame = catalog_frame()
    graph = offline_graph(frame, settings=settings)
    start = len(scripted.requests)

    async def run(thread: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        tokens: list[tuple[str, str]] = []
        final: dict[str, Any] = {}
        config = {"configurable": {"thread_id": thread}}
        inputs = {"messages": [HumanMessage("find me 70s funk loops near 96 BPM")]}
        async for mode, data in graph.astream(inputs, config, stream_mode=["messages", "values"]):
            if mode == "messages":
                chunk, meta = data
                if isinstance(chunk, AIMessageChunk) and chunk.content:
                    tokens.append((meta["langgraph_node"], chunk.content))
            else:
                final = data
        return final, tokens

    out, tokens = asyncio.run(run("http-1"))
    requests = scripted.requests[start:]
    assert [_role(r) for r in requests] == ["router", "discovery", "discovery", "respond"]
    assert all(r.get("stream") for r in requests)  # the graph streamed every call
    assert set(scripted.auth[start:]) == {f"Bearer {API_KEY}"}
    # the router asked for structured output through a function named after its model
    assert [t["function"]["name"] for t in requests[0]["tools"]] == ["RequestReading"]
    assert [t["function"]["name"] for t in requests[1]["tools"]] == ["search_catalog"]
    # the tool result went back to the model as a tool message for its call id
    tool_msgs = [m for m in requests[2]["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_msgs] == ["call_2_0"]

    assert out["plan"].router == "model"
    assert out["plan"].specialists == ["discovery"]
    expected = cat.search(frame, CatalogQuery(**SEARCH))
    assert [h.sample_id for h in out["hits"]] == [h.sample_id for h in expected]
    assert out["messages"][-1].content == ANSWER
    assert out["messages"][-1].name == "groovegraph"
    assert out["messages"][-2].name == "discovery"
    # tokens arrived one SSE chunk at a time and add up to the answer
    respond_tokens = [t for node, t in tokens if node == "respond"]
    assert len(respond_tokens) == len(ANSWER.split(" "))
    assert "".join(respond_tokens) == ANSWER
    # token usage reported by the server is recorded: 4 calls × 30 tokens
    assert out["usage"]["total_tokens"] == 4 * 30
    assert out["usage"]["llm_calls"] == 4

    # The same request in a new thread is answered from the response cache.
    before = len(scripted.requests)
    again, _ = asyncio.run(run("http-2"))
    assert len(scripted.requests) == before
    assert again["messages"][-1].content == ANSWER
    assert [h.sample_id for h in again["hits"]] == [h.sample_id for h in out["hits"]]


def test_the_router_models_reading_wins_over_the_rules(openai_server, tmp_path) -> None:
    from groovegraph.graph.offline import route_request
    from groovegraph.graph.parser import parse_request

    text = "What gear gave 80s hip hop loops their sound?"
    rules = parse_request(text)
    assert route_request(rules).specialists == ["discovery"]  # what the regex reads
    base_url, scripted = openai_server
    settings = Settings(
        data_dir=tmp_path / "data",
        model="openai:gpt-scripted",
        model_base_url=base_url,
        model_api_key=API_KEY,
        model_max_retries=0,
        router_threshold=1.0,
    )
    graph = offline_graph(catalog_frame(), settings=settings)
    start = len(scripted.requests)
    out = graph.invoke(
        {"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": "reading"}}
    )
    requests = scripted.requests[start:]
    assert [_role(r) for r in requests] == ["router", "era", "era", "respond"]
    assert out["plan"].router == "model"
    assert out["plan"].specialists == ["era"]
    assert out["request"].genres == ["hip hop"]
    assert out["request"].eras == ["80s"]
    assert out["request"].intents == ["history"]
    assert out["hits"] == []  # no search ran
    # usage of the turn: 4 calls × 30 tokens, reported per turn and for the thread
    assert out["turn_usage"]["total_tokens"] == 4 * 30
    assert out["usage"]["llm_calls"] == 4
