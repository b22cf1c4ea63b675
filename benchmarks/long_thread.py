"""A 200-turn thread against a scripted OpenAI-compatible model on loopback.

Measures what summary-buffer memory promises (issue 10): every prompt the model gets
stays under ``settings.memory_tokens``; an early constraint ("F minor", turn 1) is still
in the state and in the prompt at the last turn; the thread's state stays bounded (size
of the last checkpoint's values, messages kept); and no turn repeats an answer. The
same thread is run with the history kept whole (``history_turns`` = 10⁶) for comparison.

    uv run --frozen python -m benchmarks.long_thread [--turns 200]

writes ``benchmarks/results/long_thread.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

RESULTS = Path(__file__).resolve().parent / "results" / "long_thread.json"

# What the user says: the first turn states the constraints, the rest cycle.
FIRST = "I'm producing in F minor at 92 BPM: find me 90s boom bap loops"
TURNS = (
    "find me 90s boom bap loops, batch {i}",
    "what defined 90s boom bap drumming, take {i}?",
    "find funk loops around 96 BPM for idea {i}",
    "will a 96 BPM loop mix with a 98 BPM one, version {i}?",
    "how many 70s loops do I have, check {i}?",
    "find dusty soul loops near 88 BPM, pass {i}",
    "thanks, that was round {i}",
)

_ROLES = (
    ("You route", "router"),
    ("You are the groove", "groove"),
    ("You are the era", "era"),
    ("You are the compatibility", "compatibility"),
    ("You are the discovery", "discovery"),
    ("You are groovegraph", "respond"),
)


def _tokens(messages: list[dict[str, Any]]) -> int:
    """LangChain's approximate count (4 characters a token, 3 per message), on the wire."""
    from langchain_core.messages import convert_to_messages
    from langchain_core.messages.utils import count_tokens_approximately

    return int(
        count_tokens_approximately(
            convert_to_messages(
                [
                    {
                        "role": "assistant" if m["role"] == "assistant" else m["role"],
                        "content": m.get("content") or "",
                        **({"tool_call_id": m["tool_call_id"]} if m.get("tool_call_id") else {}),
                    }
                    for m in messages
                ]
            )
        )
    )


def _reading(low: str) -> dict[str, Any]:
    """The scripted router's structured reading (a ``RequestReading``) of one message."""
    reading: dict[str, Any] = {"reason": "scripted"}
    if "thanks" in low:
        reading["specialists"] = []
    elif "mix" in low:
        reading.update(specialists=["compatibility"], tempi=[96, 98])
    elif "defined" in low:
        reading.update(specialists=["era"], era="90s", genre="boom bap")
    elif "how many" in low:
        reading.update(specialists=["era"], era="70s")
    else:
        reading["specialists"] = ["discovery"]
        for genre in ("boom bap", "funk", "soul"):
            if genre in low:
                reading["genre"] = genre
        if "90s" in low:
            reading["era"] = "90s"
        if "f minor" in low:
            reading["keys"] = ["F minor"]
        for bpm in (92, 96, 88):
            if f"{bpm} bpm" in low:
                reading["target_bpm"] = bpm
                break
    return reading


class ScriptedModel:
    """An OpenAI-compatible ``/v1/chat/completions`` that routes by the user's words and
    answers every turn in its own words (so a repeated answer would be the graph's doing)."""

    def __init__(self) -> None:
        self.prompt_tokens: list[int] = []
        self.roles: list[str] = []
        self.app = FastAPI()
        self.app.add_api_route("/v1/chat/completions", self.completions, methods=["POST"])

    async def completions(self, request: Request) -> Any:
        body = await request.json()
        text, calls = self.reply(body)
        tokens = _tokens(body["messages"])
        self.prompt_tokens.append(tokens)
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if calls:
            message["tool_calls"] = [
                {
                    "id": f"call_{len(self.roles)}_{i}",
                    "type": "function",
                    "function": {"name": n, "arguments": json.dumps(a)},
                }
                for i, (n, a) in enumerate(calls)
            ]
        return JSONResponse(
            {
                "id": f"chatcmpl-{len(self.roles)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": "tool_calls" if calls else "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": tokens,
                    "completion_tokens": 20,
                    "total_tokens": tokens + 20,
                },
            }
        )

    def reply(self, body: dict[str, Any]) -> tuple[str | None, list[tuple[str, dict[str, Any]]]]:
        msgs = body["messages"]
        system = str(next((m["content"] for m in msgs if m["role"] == "system"), ""))
        role = next((r for p, r in _ROLES if system.startswith(p)), "other")
        self.roles.append(role)
        user = str(next((m["content"] for m in reversed(msgs) if m["role"] == "user"), ""))
        low = user.lower()
        tool_done = any(m["role"] == "tool" for m in msgs)
        if role == "router":
            return None, [("RequestReading", _reading(low))]
        if role == "discovery" and not tool_done:
            return None, [("search_catalog", {"target_bpm": 92, "limit": 5})]
        if role == "era" and not tool_done:
            return None, [("era_facts", {"eras": ["90s"], "genres": ["boom bap"]})]
        if role == "compatibility" and not tool_done:
            return None, [
                ("check_compatibility", {"a": {"key": "A minor"}, "b": {"key": "C major"}})
            ]
        if role == "respond":
            return f"Here is what I found for “{user[:80]}”.", []
        return f"{role} findings for “{user[:60]}”.", []


@contextmanager
def _serve(app: Any) -> Iterator[str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(10)


def run_long_thread(
    *, turns: int = 200, history_turns: int | None = None, memory_tokens: int = 6000
) -> dict[str, Any]:
    """Run ``turns`` turns on one thread; returns the measurements (see module docstring)."""
    from langchain_core.messages import AIMessage, HumanMessage
    from langgraph.checkpoint.memory import InMemorySaver
    from tests.unit.test_graph_offline import catalog_frame

    from groovegraph.graph import build_graph
    from groovegraph.persistence.checkpointer import checkpoint_serde
    from groovegraph.settings import Settings
    from groovegraph.tools import catalog as cat

    scripted = ScriptedModel()
    serde = checkpoint_serde()
    with tempfile.TemporaryDirectory(prefix="gg-long-thread-") as tmp, _serve(scripted.app) as url:
        extra = {"history_turns": history_turns} if history_turns else {}
        settings = Settings(
            data_dir=Path(tmp) / "data",
            model="openai:gpt-scripted",
            model_base_url=url,
            model_api_key="not-needed",
            model_max_retries=0,
            memory_tokens=memory_tokens,
            router_threshold=1.0,  # the router model reads every turn (cost-aware routing off)
            **extra,
        )
        graph = build_graph(catalog=cat.FrameSource(catalog_frame()), settings=settings).compile(
            checkpointer=InMemorySaver(serde=serde)
        )
        config = {"configurable": {"thread_id": "long"}, "recursion_limit": 50}
        repeats = 0
        state_bytes: list[int] = []
        started = time.perf_counter()
        for i in range(turns):
            text = FIRST if i == 0 else TURNS[i % len(TURNS)].format(i=i)
            out = graph.invoke({"messages": [HumanMessage(text)]}, config)
            msgs = out["messages"]
            last_human = max(j for j, m in enumerate(msgs) if isinstance(m, HumanMessage))
            said = [
                " ".join(str(m.content).split())
                for m in msgs[last_human + 1 :]
                if isinstance(m, AIMessage) and not m.tool_calls and str(m.content).strip()
            ]
            if any(a in b for x, a in enumerate(said) for y, b in enumerate(said) if x != y):
                repeats += 1
            if (i + 1) % 50 == 0 or i + 1 == turns:
                values = graph.get_state(config).values
                state_bytes.append(len(serde.dumps_typed(values)[1]))
        seconds = time.perf_counter() - started
        values = graph.get_state(config).values
        memory = values.get("memory")
        last_prompts = [
            t for t, r in zip(scripted.prompt_tokens, scripted.roles, strict=True) if r != "router"
        ]
        constraint = memory.constraints.get("keys") if memory else None
        return {
            "turns": turns,
            "memory_tokens": settings.memory_tokens,
            "history_turns": settings.history_turns,
            "model_calls": len(scripted.prompt_tokens),
            "routed_turns": scripted.roles.count("router"),
            "prompt_tokens_max": max(scripted.prompt_tokens),
            "prompt_tokens_max_specialist_and_respond": max(last_prompts),
            "prompt_tokens_last_turn": scripted.prompt_tokens[-1],
            "prompts_over_budget": sum(t > settings.memory_tokens for t in scripted.prompt_tokens),
            "turns_repeating_an_answer": repeats,
            "state_bytes_every_50_turns": state_bytes,
            "state_bytes_final": state_bytes[-1],
            "messages_in_state": len(values.get("messages") or []),
            "user_turns_in_state": sum(
                isinstance(m, HumanMessage) for m in values.get("messages") or []
            ),
            "analyses_in_state": len(values.get("analyses") or {}),
            "summary_lines": len(memory.summary) if memory else 0,
            "folded_turns": memory.folded_turns if memory else 0,
            "turn_1_key_in_state": constraint.model_dump() if constraint else None,
            "seconds": round(seconds, 2),
            "ms_per_turn": round(1000 * seconds / turns, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    from benchmarks.common import machine_info

    load = os.getloadavg()
    bounded = run_long_thread(turns=args.turns)
    whole = run_long_thread(turns=args.turns, history_turns=1_000_000)
    result = {
        "benchmark": "long_thread",
        "command": f"uv run --frozen python -m benchmarks.long_thread --turns {args.turns}",
        "bounded": bounded,
        "history_kept_whole": whole,
        "machine": machine_info(load),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
