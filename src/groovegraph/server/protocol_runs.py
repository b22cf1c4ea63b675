"""Runs of the Agent Protocol subset (:mod:`groovegraph.server.agent_protocol`).

A run is the graph working on one thread for one request. It is executed by a task of
its own, not by the HTTP request that started it, so that ``runs/stream``,
``runs/wait``, ``runs/{id}/join``, ``runs/{id}/stream`` and ``runs/{id}/cancel`` all see
the same run, and a client that goes away either cancels it (``on_disconnect=cancel``)
or leaves it to finish (``continue``, the LangGraph Server default).

* **Records**: every run is a row of ``gg_runs`` (same database as the threads and the
  checkpoints), with its owner: ``GET /threads/{id}/runs`` lists them after a restart,
  from any replica.
* **Live runs**: the task, its subscribers (SSE responses) and its outcome live in the
  process that started it (:class:`RunManager`). Cancelling or joining a run another
  replica is executing answers from the record only (documented limitation).
* **One run per thread**: the run holds the same run lock as ``/v1`` chat and LangServe
  (:func:`groovegraph.server.chat.run_lock`), taken before the response starts, so a
  busy thread is a 409 (the ``reject`` multitask strategy), released when the run ends.

Stream events follow LangGraph Server: ``metadata`` ``{run_id, attempt}`` first, then
per requested mode ``values``, ``updates``, ``messages`` (``[message_chunk, metadata]``,
the ``messages-tuple`` mode; the older ``messages`` mode sends ``messages/metadata``,
``messages/partial`` and ``messages/complete``), ``custom``, ``debug``, ``checkpoints``, ``tasks`` — with
``|namespace`` appended for subgraph events when ``stream_subgraphs`` — ``error``
``{error, message}`` when the run fails, and ``end`` last.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import anyio
import structlog
from langchain_core.messages import BaseMessage, BaseMessageChunk, RemoveMessage
from langgraph.types import Interrupt, Send
from pydantic import BaseModel
from pydantic_core import to_json, to_jsonable_python

from groovegraph.persistence.checkpointer import undone_on_failure
from groovegraph.server.state import AppState

log = structlog.get_logger(__name__)

#: Stream modes a client may ask for, and the LangGraph mode each is served from.
STREAM_MODES: dict[str, str] = {
    "values": "values",
    "updates": "updates",
    "messages-tuple": "messages",
    "messages": "messages",
    "custom": "custom",
    "debug": "debug",
    "checkpoints": "checkpoints",
    "tasks": "tasks",
}
TERMINAL = ("success", "error", "timeout", "interrupted")
#: Finished runs kept in memory for ``join`` (their records stay in the database).
KEEP_FINISHED = 1000


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


#: Messages already converted by :func:`pjson` in one run: ``id(message)`` → the message
#: (held, so the id is not reused) and its JSON form.
MessageMemo = dict[int, tuple[BaseMessage, Any]]


_JSON_SCALARS = frozenset({str, int, float, bool})


def pjson(value: Any, memo: MessageMemo | None = None) -> Any:
    """Graph data as LangGraph Server sends it: messages as full LangChain dicts
    (``type``, ``content``, ``id``, ``tool_calls`` …), interrupts as ``{value, id}``,
    pydantic models dumped, anything else JSON-safe.

    With ``memo``, a message object seen before is not converted again: a run's
    ``values`` events repeat the whole conversation at every step, and the graph passes
    the same (never mutated) message objects along."""
    if value is None or type(value) in _JSON_SCALARS:
        return value  # most of a state: numbers and text (beat times, tags)
    if isinstance(value, BaseMessage):
        if memo is None:
            return to_jsonable_python(value.model_dump(), fallback=str)
        seen = memo.get(id(value))
        if seen is None or seen[0] is not value:
            seen = memo[id(value)] = (value, to_jsonable_python(value.model_dump(), fallback=str))
        return seen[1]
    if isinstance(value, Interrupt):
        return {"value": pjson(value.value, memo), "id": value.id}
    if isinstance(value, Send):
        return {"node": value.node, "arg": pjson(value.arg, memo)}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {str(k): pjson(v, memo) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [pjson(v, memo) for v in value]
    return to_jsonable_python(value, fallback=str)


def sse_event(event: str, data: Any, memo: MessageMemo | None = None) -> dict[str, str]:
    """One event as sse-starlette sends it (``data`` compact JSON; ``end`` has none)."""
    if data is None and event == "end":
        return {"event": event}
    # pydantic-core's encoder: compact like json.dumps(separators=(",", ":")) and
    # several times faster on a whole state (non-ASCII text goes out as UTF-8).
    return {"event": event, "data": to_json(pjson(data, memo)).decode()}


# --------------------------------------------------------------------------- records


class RunRecords:
    """``gg_runs`` rows (created with the thread table, on its database)."""

    def __init__(self, state: AppState) -> None:
        self.backend = state.threads.backend

    async def insert(
        self,
        *,
        run_id: str,
        thread_id: str,
        owner: str,
        assistant_id: str,
        metadata: dict[str, Any],
        multitask_strategy: str,
    ) -> dict[str, Any]:
        now = time.time()
        await self.backend.execute(
            "INSERT INTO gg_runs (run_id, thread_id, owner, assistant_id, status, metadata, "
            "multitask_strategy, error, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, 'pending', %s, %s, NULL, %s, %s)",
            (
                run_id,
                thread_id,
                owner,
                assistant_id,
                json.dumps(pjson(metadata), separators=(",", ":")),
                multitask_strategy,
                now,
                now,
            ),
        )
        return self._out(
            {
                "run_id": run_id,
                "thread_id": thread_id,
                "assistant_id": assistant_id,
                "status": "pending",
                "metadata": metadata,
                "multitask_strategy": multitask_strategy,
                "error": None,
                "created_at": now,
                "updated_at": now,
            }
        )

    async def set_status(self, run_id: str, status: str, error: str | None = None) -> None:
        await self.backend.execute(
            "UPDATE gg_runs SET status = %s, error = %s, updated_at = %s WHERE run_id = %s",
            (status, error, time.time(), run_id),
        )

    async def get(self, *, owner: str, thread_id: str, run_id: str) -> dict[str, Any] | None:
        rows = await self.backend.fetch(
            "SELECT * FROM gg_runs WHERE run_id = %s AND thread_id = %s AND owner = %s",
            (run_id, thread_id, owner),
        )
        return self._out(rows[0]) if rows else None

    async def list(
        self, *, owner: str, thread_id: str, limit: int, offset: int, status: str | None
    ) -> list[dict[str, Any]]:
        where, params = "WHERE thread_id = %s AND owner = %s", [thread_id, owner]
        if status is not None:
            where += " AND status = %s"
            params.append(status)
        rows = await self.backend.fetch(
            f"SELECT * FROM gg_runs {where} ORDER BY created_at DESC, run_id DESC "
            "LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return [self._out(r) for r in rows]

    async def last_status(self, *, owner: str, thread_id: str) -> str | None:
        rows = await self.backend.fetch(
            "SELECT status FROM gg_runs WHERE thread_id = %s AND owner = %s "
            "ORDER BY created_at DESC LIMIT 1",
            (thread_id, owner),
        )
        return str(rows[0]["status"]) if rows else None

    @staticmethod
    def _out(row: Mapping[str, Any]) -> dict[str, Any]:
        metadata = row.get("metadata")
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                metadata = {}
        return {
            "run_id": row["run_id"],
            "thread_id": row["thread_id"],
            "assistant_id": row["assistant_id"],
            "created_at": iso(float(row["created_at"])),
            "updated_at": iso(float(row["updated_at"])),
            "status": row["status"],
            "metadata": metadata or {},
            "multitask_strategy": row.get("multitask_strategy") or "reject",
            "kwargs": {},
            **({"error": row["error"]} if row.get("error") else {}),
        }


# ------------------------------------------------------------------------- live runs

_END = object()


@dataclass
class RunHandle:
    """A run executing (or recently finished) in this process."""

    run_id: str
    thread_id: str
    owner: str
    modes: list[str]
    subgraphs: bool
    task: asyncio.Task[None] | None = None
    subscribers: list[asyncio.Queue[Any]] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    status: str = "pending"
    interrupted: bool = False
    error: dict[str, str] | None = None
    cancel_requested: bool = False

    def subscribe(self) -> asyncio.Queue[Any]:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        if self.done.is_set():
            queue.put_nowait(sse_event("end", None))
            queue.put_nowait(_END)
        else:
            self.subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Any]) -> None:
        with contextlib.suppress(ValueError):
            self.subscribers.remove(queue)

    def publish(self, item: Any) -> None:
        for queue in self.subscribers:
            queue.put_nowait(item)


class _Translate:
    """LangGraph stream parts → protocol events for the requested modes."""

    def __init__(self, modes: list[str], subgraphs: bool) -> None:
        self.modes = set(modes)
        self.subgraphs = subgraphs
        self.interrupted = False
        self.partial: dict[str, BaseMessage] = {}

    def name(self, mode: str, ns: tuple[str, ...]) -> str:
        return f"{mode}|{'|'.join(ns)}" if self.subgraphs and ns else mode

    def __call__(self, ns: tuple[str, ...], mode: str, chunk: Any) -> list[tuple[str, Any]]:
        if ns and not self.subgraphs:
            return []
        out: list[tuple[str, Any]] = []
        if mode == "values":
            if "values" in self.modes:
                out.append((self.name("values", ns), chunk))
        elif mode == "updates":
            interrupts = chunk.get("__interrupt__") if isinstance(chunk, Mapping) else None
            if interrupts and not ns:
                self.interrupted = True
            if "updates" in self.modes:
                out.append((self.name("updates", ns), chunk))
            elif interrupts and "values" in self.modes:
                # As LangGraph Server: a values-only client still learns of the interrupt.
                out.append((self.name("values", ns), {"__interrupt__": interrupts}))
        elif mode == "messages":
            message, meta = chunk
            # A RemoveMessage clearing a scratchpad channel is bookkeeping, not a message.
            if isinstance(message, RemoveMessage):
                return out
            if "messages-tuple" in self.modes:
                out.append((self.name("messages", ns), [message, meta]))
            if "messages" in self.modes:
                out.extend(self._messages_v1(ns, message, meta))
        elif mode in self.modes:
            out.append((self.name(mode, ns), chunk))
        return out

    def _messages_v1(
        self, ns: tuple[str, ...], message: BaseMessage, meta: Any
    ) -> list[tuple[str, Any]]:
        """The older ``messages`` mode: ``messages/metadata`` once per message id, then
        the message so far (``messages/partial``, chunks summed) or whole
        (``messages/complete``)."""
        out: list[tuple[str, Any]] = []
        key = message.id or f"anon-{len(self.partial)}"
        seen = self.partial.get(key)
        if seen is None:
            out.append((self.name("messages/metadata", ns), {key: {"metadata": meta}}))
            self.partial[key] = message
        elif isinstance(seen, BaseMessageChunk) and isinstance(message, BaseMessageChunk):
            self.partial[key] = seen + message
        else:
            self.partial[key] = message
        kind = "messages/partial" if isinstance(message, BaseMessageChunk) else "messages/complete"
        out.append((self.name(kind, ns), [self.partial[key]]))
        return out


def error_body(err: BaseException) -> dict[str, str]:
    """The ``error`` event of a failed run (no internals: those are in the log)."""
    from groovegraph.server.errors import unavailable
    from groovegraph.tools.errors import GrooveGraphError

    known = err if isinstance(err, GrooveGraphError) else unavailable(err)
    if known is not None:
        return {"error": known.code, "message": known.message}
    return {
        "error": type(err).__name__,
        "message": f"the run failed ({type(err).__name__}); see the server log",
    }


class RunManager:
    """The runs of this process (see the module docstring)."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.records = RunRecords(state)
        self.live: dict[str, RunHandle] = {}

    @classmethod
    def of(cls, state: AppState) -> RunManager:
        if state.protocol_runs is None:
            state.protocol_runs = cls(state)
        return state.protocol_runs  # type: ignore[no-any-return]

    def handle(self, run_id: str, *, owner: str, thread_id: str) -> RunHandle | None:
        h = self.live.get(run_id)
        if h is None or h.owner != owner or h.thread_id != thread_id:
            return None
        return h

    async def start(
        self,
        *,
        thread_id: str,
        owner: str,
        assistant_id: str,
        graph_input: Any,
        config: dict[str, Any],
        modes: list[str],
        subgraphs: bool,
        stream_kwargs: dict[str, Any],
        metadata: dict[str, Any],
        multitask_strategy: str,
        lock: contextlib.AsyncExitStack,
        title: str | None,
        subscribe: bool,
    ) -> tuple[RunHandle, dict[str, Any], asyncio.Queue[Any] | None]:
        """Record the run and start its task. ``lock`` holds the thread's run lock; the
        run releases it when it ends (the caller keeps it only until this returns).
        With ``subscribe``, the queue of its events, subscribed before it starts."""
        run_id = str(config["run_id"])
        record = await self.records.insert(
            run_id=run_id,
            thread_id=thread_id,
            owner=owner,
            assistant_id=assistant_id,
            metadata=metadata,
            multitask_strategy=multitask_strategy,
        )
        handle = RunHandle(
            run_id=run_id, thread_id=thread_id, owner=owner, modes=modes, subgraphs=subgraphs
        )
        self.live[run_id] = handle
        self._forget_old()
        queue = handle.subscribe() if subscribe else None
        handle.task = asyncio.create_task(
            self._execute(handle, graph_input, config, stream_kwargs, lock, title),
            name=f"gg-run-{run_id}",
        )
        self.state.background.add(handle.task)
        handle.task.add_done_callback(self.state.background.discard)
        return handle, record, queue

    def _forget_old(self) -> None:
        finished = [k for k, h in self.live.items() if h.done.is_set()]
        for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            self.live.pop(key, None)

    async def _execute(
        self,
        handle: RunHandle,
        graph_input: Any,
        config: dict[str, Any],
        stream_kwargs: dict[str, Any],
        lock: contextlib.AsyncExitStack,
        title: str | None,
    ) -> None:
        from groovegraph.server.media import with_plot_images

        graph = self.state.graph
        translate = _Translate(handle.modes, handle.subgraphs)
        images: dict[str, list[dict[str, Any]]] = {}
        converted: MessageMemo = {}
        # What the client asked for, and ``updates`` (where an interrupt shows); the
        # whole state (``values``) only when asked: it is the costliest mode to build,
        # serialise and send, once per step.
        internal = sorted({"updates"} | {STREAM_MODES[m] for m in handle.modes})
        handle.status = "running"
        status, error_text = "success", None

        async def bookkeeping() -> None:
            await self.records.set_status(handle.run_id, "running")
            with contextlib.suppress(Exception):  # bookkeeping never stops a run
                await self.state.threads.touch(
                    owner=handle.owner, thread_id=handle.thread_id, title=title
                )

        # The record says "running" and the thread's list entry moves up while the
        # graph starts, not before it: two database round trips off the path to the
        # first event. The run's last status is written after it (see ``finally``).
        marked = asyncio.create_task(bookkeeping(), name=f"gg-run-mark-{handle.run_id}")
        try:
            # A failed run leaves the thread as it was; a cancelled one keeps what it saved
            # (Agent Protocol's "interrupt" cancel), as LangGraph's own server does.
            async with undone_on_failure(graph.checkpointer, handle.thread_id, on_cancel=False):
                async for ns, mode, chunk in graph.astream(
                    graph_input,
                    config,
                    stream_mode=internal,
                    subgraphs=True,
                    **stream_kwargs,
                ):
                    for event, data in translate(tuple(ns), mode, chunk):
                        # answers that show plots carry them as image blocks (Agent Chat UI, Studio)
                        shown = await with_plot_images(self.state, handle.owner, data, images)
                        handle.publish(sse_event(event, shown, converted))
        except asyncio.CancelledError:
            status = "interrupted"
            raise
        except Exception as err:
            status = "error"
            handle.error = error_body(err)
            error_text = json.dumps(handle.error)
            log.warning("protocol_run_failed", run_id=handle.run_id, exc_info=True)
            handle.publish(sse_event("error", handle.error))
        finally:
            with anyio.CancelScope(shield=True):
                # Free the thread before telling anyone the run is over, so an immediate
                # next run never meets this one's lock.
                with contextlib.suppress(Exception):
                    await lock.aclose()
                with contextlib.suppress(BaseException):
                    await marked
                handle.interrupted = translate.interrupted
                handle.status = status
                with contextlib.suppress(Exception):
                    await self.records.set_status(handle.run_id, status, error_text)
                handle.publish(sse_event("end", None))
                handle.publish(_END)
                handle.subscribers.clear()
                handle.done.set()

    async def cancel(self, handle: RunHandle) -> None:
        """Cancel a live run (its task stops at the next await; the lock is freed)."""
        if handle.done.is_set() or handle.task is None:
            return
        handle.cancel_requested = True
        handle.task.cancel()

    async def events(
        self,
        handle: RunHandle,
        *,
        cancel_on_disconnect: bool,
        first: dict[str, str] | None,
        queue: asyncio.Queue[Any] | None = None,
    ) -> AsyncIterator[dict[str, str]]:
        """The run's events for one SSE response, ``end`` last (a run already over:
        just ``end``)."""
        if queue is None:
            queue = handle.subscribe()
        finished = False
        try:
            if first is not None:
                yield first
            while True:
                item = await queue.get()
                if item is _END:
                    finished = True
                    return
                yield item
        finally:
            handle.unsubscribe(queue)
            if not finished and cancel_on_disconnect and not handle.done.is_set():
                with anyio.CancelScope(shield=True):
                    await self.cancel(handle)


def new_run_id() -> str:
    # Time-ordered like LangGraph Server's ids (uuid7 on Python 3.14; uuid6 before).
    from langgraph.checkpoint.base.id import uuid6

    return str(uuid6())


__all__ = [
    "STREAM_MODES",
    "TERMINAL",
    "RunHandle",
    "RunManager",
    "RunRecords",
    "error_body",
    "iso",
    "new_run_id",
    "pjson",
    "sse_event",
]
