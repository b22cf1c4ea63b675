"""Turning one graph run into the SSE chat events.

The run is streamed with ``graph.astream(stream_mode=["updates", "messages", "custom"],
subgraphs=True, version="v2")`` rather than ``astream_events``: the three modes carry
everything the events need (node updates, model tokens, tool progress written by the
nodes) without a callback per runnable, which matters with 50 streams on 2 cores.

Events (every ``data`` is one JSON object):

``metadata``    ``{"thread_id", "run_id", "resume"}`` first, as soon as the run is accepted
``route``       the supervisor's plan: ``{"specialists", "stages", "reason", "router"}``
``tool_start``  ``{"id", "tool", "args", "node"}`` when a model asks for a tool
``tool_end``    ``{"id", "tool", "result", "status", "node"}`` when the tool answered
``token``       ``{"text", "node", "message_id"}`` streamed model output
``step``        ``{"name", "content", "id", "type", "node", "plots"}`` a specialist's findings
                in a turn whose answer is written from several (a note, not the answer)
``message``     ``{"name", "content", "id", "type", "node", "plots"}`` the turn's answer, once
                per turn: ``respond``'s, or the lone specialist's message that is the
                answer; ``plots`` links to the pictures it shows
``interrupt``   ``{"id", "value"}`` the run paused and waits for ``resume``
``error``       ``{"code", "message"}``
``end``         ``{"thread_id", "interrupted", "messages", "ok", "usage"}`` always last;
                ``messages`` = the ``message`` events sent (1 for an answered turn);
                ``usage`` = this turn's tokens, model calls and ``cost_usd``

One answer per turn: a specialist's message is the turn's answer only when it worked alone
and ``respond`` added nothing after it, which the stream learns when ``respond`` has run;
so a lone specialist's message is held until then and sent as the ``message`` (or as a
``step`` when ``respond`` wrote the answer), and with several specialists each one's
findings go out as a ``step`` at once.

Runs are made with ``durability="exit"``: the turn is checkpointed once when it ends
(or pauses on an interrupt) instead of after every step. A turn is the unit a user
retries, a cancelled turn (client gone) leaves the thread exactly as it was, and it
saves several database writes per turn — the difference between keeping up and queueing
with many concurrent chats on one Postgres. A run that fails is not kept either: LangGraph
saves it half done (the user's message, the failed node pending), so the thread is put
back as it was (:func:`~groovegraph.persistence.checkpointer.undone_on_failure`) and the
client reads ``error`` then ``end``; the next turn starts from the last good one.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from groovegraph.graph.state import add_usage
from groovegraph.persistence.checkpointer import undone_on_failure
from groovegraph.server.serialize import interrupt_json, jsonable, message_json, tool_result
from groovegraph.state import SPECIALISTS

PASSTHROUGH_CUSTOM = {"tool_start", "tool_end", "route", "progress"}


def sse(event: str, data: Mapping[str, Any]) -> dict[str, str]:
    """One event in the form sse-starlette sends (``data`` is compact JSON)."""
    return {"event": event, "data": json.dumps(jsonable(dict(data)), separators=(",", ":"))}


class _Translator:
    """Stateful mapping of stream parts to events (dedupes messages seen twice via subgraphs)."""

    def __init__(self) -> None:
        self.seen_messages: set[str] = set()
        self.seen_tool_starts: set[str] = set()
        self.seen_tool_ends: set[str] = set()
        self.tool_names: dict[str, str] = {}
        self.streamed_ids: set[str] = set()
        self.interrupted = False
        self.message_count = 0
        self.last_plan: str | None = None
        self.turn_usage: dict[str, float] = {}
        self.planned: list[str] = []  # the specialists of the turn's plan
        self.held: dict[str, Any] | None = None  # a lone specialist's message, maybe the answer

    def updates(self, ns: tuple[str, ...], data: Mapping[str, Any]) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for node, update in data.items():
            if node == "__interrupt__":
                self.interrupted = True
                # the run pauses here: respond will not run in it, so a held message is
                # what this run answered
                out.extend(self.finish())
                out.extend(sse("interrupt", interrupt_json(item)) for item in update or ())
                continue
            if node.startswith("__") or not isinstance(update, Mapping):
                continue
            if isinstance(update.get("turn_usage"), Mapping):
                # the same reducer as the graph's channel: the turn's tokens and cost
                self.turn_usage = add_usage(self.turn_usage, dict(update["turn_usage"]))
            plan = update.get("plan")
            if plan is not None:
                plan_json = jsonable(plan)
                # The supervisor rewrites the plan as stages complete; a route is the
                # choice of specialists, so only a new choice is a new event.
                key = json.dumps(
                    [plan_json.get(k) for k in ("turn", "specialists", "stages")]
                    if isinstance(plan_json, dict)
                    else plan_json,
                    sort_keys=True,
                )
                if key != self.last_plan and isinstance(plan_json, dict):
                    self.last_plan = key
                    self.planned = list(plan_json.get("specialists") or [])
                    out.append(
                        sse(
                            "route",
                            {
                                "node": node,
                                "specialists": plan_json.get("specialists", []),
                                "stages": plan_json.get("stages", []),
                                "reason": plan_json.get("reason", ""),
                                "router": plan_json.get("router"),
                            },
                        )
                    )
            for field, value in update.items():
                if not field.endswith("messages"):
                    continue
                items = value if isinstance(value, list) else [value]
                for message in items:
                    if isinstance(message, BaseMessage):
                        out.extend(self._message(node, field, message))
            if node == "respond":
                # respond has run: a message still held is the turn's answer
                out.extend(self.finish())
        return out

    def finish(self) -> list[dict[str, str]]:
        """The held lone specialist's message, sent as the turn's answer (respond added
        none after it, or the run ended before respond)."""
        held, self.held = self.held, None
        if held is None:
            return []
        self.message_count += 1
        return [sse("message", held)]

    def _message(self, node: str, field: str, message: BaseMessage) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                call_id = call.get("id") or ""
                self.tool_names[call_id] = call["name"]
                if call_id in self.seen_tool_starts:
                    continue
                self.seen_tool_starts.add(call_id)
                out.append(
                    sse(
                        "tool_start",
                        {"id": call_id, "tool": call["name"], "args": call["args"], "node": node},
                    )
                )
        if isinstance(message, ToolMessage):
            if message.tool_call_id not in self.seen_tool_ends:
                self.seen_tool_ends.add(message.tool_call_id)
                out.append(
                    sse(
                        "tool_end",
                        {
                            "id": message.tool_call_id,
                            "tool": message.name or self.tool_names.get(message.tool_call_id),
                            # Structured artifact when the tool returns one, else its text.
                            "result": jsonable(message.artifact)
                            if message.artifact is not None
                            else tool_result(message.content),
                            "text": message.text if isinstance(message.content, str) else None,
                            "status": message.status,
                            "node": node,
                        },
                    )
                )
            return out
        # Only the conversation channel carries what the user reads; the per-specialist
        # channels hold the tool-calling scratchpad.
        if field == "messages" and isinstance(message, AIMessage) and message.content:
            key = message.id or f"{node}:{id(message)}"
            if key not in self.seen_messages:
                self.seen_messages.add(key)
                body = message_json(message)
                body["name"] = message.name or node
                body["node"] = node
                body["plots"] = list(message.additional_kwargs.get("plots") or [])
                if node in SPECIALISTS:
                    # a specialist's findings: the answer only when it works alone and
                    # respond adds nothing (known once respond has run)
                    if self.held is not None:
                        out.append(sse("step", self.held))
                        self.held = None
                    if len(self.planned) <= 1:
                        self.held = body
                    else:
                        out.append(sse("step", body))
                else:
                    # respond's answer: a message held before it was a step
                    if self.held is not None:
                        out.append(sse("step", self.held))
                        self.held = None
                    self.message_count += 1
                    out.append(sse("message", body))
        return out

    def messages(self, data: tuple[Any, Mapping[str, Any]]) -> list[dict[str, str]]:
        chunk, meta = data
        if not isinstance(chunk, AIMessageChunk):
            return []
        text = chunk.text if isinstance(chunk.text, str) else str(chunk.content)
        if not text:
            return []
        if chunk.id:
            self.streamed_ids.add(chunk.id)
        return [
            sse("token", {"text": text, "node": meta.get("langgraph_node"), "message_id": chunk.id})
        ]

    def custom(self, data: Any) -> list[dict[str, str]]:
        if isinstance(data, Mapping) and data.get("event") in PASSTHROUGH_CUSTOM:
            payload = {k: v for k, v in data.items() if k != "event"}
            return [sse(str(data["event"]), payload)]
        return [sse("progress", {"data": data})]


PlotLinks = Callable[[list[Any]], Awaitable[list[dict[str, Any]]]]


async def _with_links(event: dict[str, str], plot_links: PlotLinks) -> dict[str, str]:
    """A ``message`` (or ``step``) event whose plot references are replaced by links."""
    body = json.loads(event["data"])
    if not body.get("plots"):
        return event
    try:
        body["plots"] = await plot_links(body["plots"])
    except Exception:  # a picture must never cost the answer: the text goes out alone
        import structlog

        structlog.get_logger(__name__).warning("plot_links_failed", exc_info=True)
        body["plots"] = []
    return sse(event["event"], body)


async def run_events(
    graph: Any,
    graph_input: Any,
    config: RunnableConfig,
    *,
    thread_id: str,
    plot_links: PlotLinks | None = None,
) -> AsyncIterator[dict[str, str]]:
    """Run the graph once and yield SSE events, ``end`` last (also after an ``error``).

    A ``message`` carries ``plots``: the pictures it shows, as ``plot_links`` turns the
    graph's references into links (``{"sample_id", "kind", "label", "url"}``).

    Cancellation (client disconnect) propagates into ``graph.astream``, which cancels the
    running nodes; nothing is yielded after it.
    """
    tr = _Translator()
    failed = False
    yield sse(
        "metadata",
        {
            "thread_id": thread_id,
            "run_id": str(config.get("run_id") or ""),
            "resume": isinstance(graph_input, Command),
        },
    )
    try:
        async with undone_on_failure(graph.checkpointer, thread_id):
            async for part in graph.astream(
                graph_input,
                config,
                stream_mode=["updates", "messages", "custom"],
                subgraphs=True,
                version="v2",
                durability="exit",
            ):
                kind = part["type"]
                if kind == "updates":
                    events = tr.updates(part["ns"], part["data"])
                elif kind == "messages":
                    events = tr.messages(part["data"])
                else:
                    events = tr.custom(part["data"])
                for event in events:
                    if plot_links is not None and event["event"] in ("message", "step"):
                        event = await _with_links(event, plot_links)
                    yield event
            for event in tr.finish():
                # a run that paused or ended before respond: the lone message is the answer
                if plot_links is not None:
                    event = await _with_links(event, plot_links)
                yield event
    except Exception as err:  # the stream is open: report in-band, never a broken stream
        failed = True
        from groovegraph.server.errors import unavailable
        from groovegraph.tools.errors import GrooveGraphError

        known = err if isinstance(err, GrooveGraphError) else unavailable(err)
        if known is not None:
            yield sse("error", {"code": known.code, "message": known.message})
        else:
            import structlog

            structlog.get_logger(__name__).exception("run_failed", thread_id=thread_id)
            # The details (and the traceback) are in the server log under the request
            # id; the client learns only that the run failed and of what kind.
            yield sse(
                "error",
                {
                    "code": "run_failed",
                    "message": f"the run failed ({type(err).__name__}); see the server log",
                },
            )
    yield sse(
        "end",
        {
            "thread_id": thread_id,
            "interrupted": tr.interrupted,
            "messages": tr.message_count,
            "ok": not failed,
            "usage": tr.turn_usage,
        },
    )
