"""LangServe at ``/agent``: the graph as a Runnable with real types, threads and owners.

The compiled graph is wrapped in :class:`AgentRunnable` because the graph alone does not
work behind LangServe:

* LangServe keeps only the ``configurable`` keys a runnable declares, and a compiled
  graph declares none, so ``thread_id`` would be dropped ("Checkpointer requires …
  thread_id"). The wrapper declares ``thread_id`` and :func:`agent_config_modifier`
  validates it, checks ownership and re-injects it with the authenticated owner.
* one run per thread at a time holds here too (409 ``run_in_progress``): the run lock
  is taken in the config modifier, before LangServe starts a response, and held by a
  request-scoped dependency until the run ends or the response is over (see
  :class:`_RequestRuns`).
* an interrupt is resumed with input ``{"resume": value}`` (turned into
  ``Command(resume=value)``), so ``RemoteRunnable`` can answer one.
* the output is the conversation plus plain-JSON results, not pydantic objects that
  LangServe's serializer cannot encode.

A missing ``thread_id`` is a 422 (``thread_id_required``): answering a stateful agent
without a thread would lose the conversation silently. A well-formed id nobody owns yet
is claimed for the caller (the LangGraph convention: clients pick their ids); another
owner's id is a 404.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
from fastapi import FastAPI, Request
from langchain_core.load.serializable import Serializable
from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage
from langchain_core.runnables import ConfigurableFieldSpec, Runnable, RunnableConfig, ensure_config
from langchain_core.runnables.config import get_config_list
from langchain_core.runnables.schema import StreamEvent
from langgraph.types import Command
from pydantic import BaseModel, Field, field_validator, model_validator

from groovegraph.persistence.checkpointer import undone_on_failure
from groovegraph.server import turn_input
from groovegraph.server.errors import (
    ThreadIdRequiredError,
    ThreadNotFoundError,
)
from groovegraph.server.serialize import has_nul, interrupt_json, jsonable
from groovegraph.server.state import AppState, get_app_state
from groovegraph.server.stream_guard import record_stream_failure
from groovegraph.server.thread_store import check_thread_id
from groovegraph.tools.errors import GrooveGraphError, InvalidQueryError


class AgentInput(BaseModel):
    """Input of ``/agent``: new messages for the thread, or the answer to an interrupt."""

    messages: list[AnyMessage] = Field(
        default_factory=list, description="New messages of this turn."
    )
    resume: Any = Field(
        default=None, description="Answer to the pending interrupt; send instead of messages."
    )

    @field_validator("messages", "resume", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL: such a turn would fail at its commit, after
        # the answer streamed. Refused here, before any response starts.
        if has_nul(value):
            raise ValueError("text must not contain NUL (\\u0000) characters")
        return value

    @field_validator("messages", mode="before")
    @classmethod
    def _typed(cls, value: Any) -> Any:
        # LangChain's message discriminator raises TypeError (not a validation error) on
        # an entry without a 'type', which LangServe let through as a 500.
        if isinstance(value, list):
            for i, item in enumerate(value):
                if not isinstance(item, BaseMessage) and not (
                    isinstance(item, dict) and "type" in item
                ):
                    raise ValueError(
                        f"messages[{i}] must be an object with a 'type' "
                        "('human', 'ai', 'system' or 'tool') and 'content'"
                    )
        return value

    @model_validator(mode="after")
    def _a_turn(self) -> AgentInput:
        # Checked with the input, before a stream starts (see turn_input): a turn of AI
        # messages alone, an empty question or a 1 MB message was run (the last held
        # the whole server for minutes).
        why = turn_input.problem(self.messages)
        if why is not None:
            raise ValueError(why)
        return self


class AgentOutput(BaseModel):
    """Output of ``/agent/invoke``: the turn's messages (the whole conversation with
    ``configurable.history = "full"``) and the structured results."""

    messages: list[AnyMessage] = Field(default_factory=list)
    analyses: dict[str, Any] = Field(default_factory=dict)
    hits: list[dict[str, Any]] = Field(default_factory=list)
    reports: list[dict[str, Any]] = Field(default_factory=list)
    plan: dict[str, Any] | None = None
    interrupts: list[dict[str, Any]] = Field(
        default_factory=list, description="Pending interrupts, if paused."
    )


class _RunError(GrooveGraphError):
    code = "unsupported"
    http_status = 400


def _to_graph_input(value: Any) -> Any:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if not isinstance(value, dict):
        raise _RunError("input must be an object with 'messages' or 'resume'")
    if value.get("resume") is not None:
        return Command(resume=value["resume"])
    messages = value.get("messages") or []
    if not messages:
        raise _RunError("input needs at least one message, or a 'resume' value")
    return {"messages": messages}


class NothingNewError(GrooveGraphError):
    """Every message of the input is already in the thread: nothing to answer."""

    code = "nothing_new"
    http_status = 422


async def thread_messages(state: AppState, config: RunnableConfig) -> tuple[list[Any], int]:
    """The messages the thread holds and how many of its turns left the state."""
    snap = await state.graph.aget_state(
        {"configurable": {k: v for k, v in config["configurable"].items() if k != "history"}}
    )
    values = snap.values or {}
    memory = values.get("memory")
    return list(values.get("messages") or []), int(getattr(memory, "dropped_turns", 0) or 0)


async def only_unsent(state: AppState, graph_input: Any, config: RunnableConfig) -> Any:
    """The input without the messages the thread already holds (a client that re-sends
    the conversation it shows; :func:`~groovegraph.server.turn_input.unsent`). 422 when
    nothing new is left, or what is left is no turn (an AI message alone)."""
    if not isinstance(graph_input, dict):
        return graph_input
    messages = list(graph_input.get("messages") or [])
    if len(messages) < 2 and not any(turn_input.message_id(m) for m in messages):
        return graph_input  # one new message: nothing to compare
    held, dropped = await thread_messages(state, config)
    if not held:
        return graph_input
    start = turn_input.unsent(messages, held, dropped_turns=dropped)
    fresh = turn_input.drop_known_ids(messages[start:], held)
    if len(fresh) == len(messages):
        return graph_input
    if not fresh:
        raise NothingNewError(
            "every message of the input is already in the thread; send the new message "
            "(after the conversation, if you re-send it)"
        )
    why = turn_input.problem(fresh)
    if why is not None:
        raise InvalidQueryError(f"after the messages the thread already holds, {why}")
    return {**graph_input, "messages": fresh}


async def _check_resumable(state: AppState, graph_input: Any, config: RunnableConfig) -> None:
    """A resume needs a pending interrupt: without one LangGraph would rerun the last
    turn's input and answer as if nothing were wrong (the SSE route's 409 holds here too)."""
    from groovegraph.server.chat import require_pending_interrupt

    if isinstance(graph_input, Command):
        await require_pending_interrupt(state, config)


#: ``configurable.history``: ``"turn"`` (default) returns the new turn's messages and
#: analyses; ``"full"`` the whole conversation, every kept analysis and the memory.
HISTORY_MODES = ("turn", "full")


def _this_turn(values: dict[str, Any]) -> dict[str, Any]:
    """The run's output cut to the turn it ran: its human message onward and the analyses
    of its samples. A long thread's /agent response stays the size of one turn."""
    out = dict(values)
    messages = list(out.get("messages") or [])
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)
    out["messages"] = messages[start:]
    request = out.get("request")
    refs = set(getattr(request, "samples", None) or [])
    out["analyses"] = {k: v for k, v in (out.get("analyses") or {}).items() if k in refs}
    out.pop("memory", None)
    return out


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Messages stay LangChain messages (RemoteRunnable revives them); the rest is JSON."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "__interrupt__":
            out["interrupts"] = [interrupt_json(i) for i in value or ()]
        elif key == "messages":
            out[key] = value
        elif key.endswith("_messages"):
            continue  # per-specialist scratchpads: internal
        else:
            out[key] = jsonable(value)
    return out


def _clean_update(update: Any) -> Any:
    if not isinstance(update, dict):
        return jsonable(update)
    out: dict[str, Any] = {}
    for node, value in update.items():
        if node == "__interrupt__":
            out["interrupts"] = [interrupt_json(i) for i in value or ()]
        elif isinstance(value, dict):
            out[node] = {
                k: (
                    v
                    if k == "messages"
                    and all(isinstance(m, BaseMessage) for m in (v if isinstance(v, list) else [v]))
                    else jsonable(v)
                )
                for k, v in value.items()
                if not k.endswith("_messages")
            }
        else:
            out[node] = jsonable(value)
    return out


async def _release(
    held: dict[str, contextlib.AsyncExitStack], thread_id: str, stack: contextlib.AsyncExitStack
) -> None:
    """Free one pre-taken run lock; idempotent (a closed exit stack closes to nothing)."""
    if held.get(thread_id) is stack:
        del held[thread_id]
    # Often runs while the request is being cancelled (client gone): shield the release.
    with anyio.CancelScope(shield=True):
        await stack.aclose()


class _RequestRuns:
    """The run locks one ``/agent`` request holds, taken before its response starts.

    Two requests on one thread that arrive together could both pass a mere peek at the
    lock, and the loser then failed inside a 200 stream. So the config modifier takes the
    lock itself (a clean 409 otherwise) and files it in ``held`` (one dict per process,
    keyed by thread id): the runnable finds it there, runs under it and frees it as soon
    as the run ends (before LangServe's ``end`` event, so an immediate next turn never
    meets it). The request-scoped dependency that made this object frees whatever is left
    when the response is over: an input that failed validation after the modifier, a
    client gone before the stream started.
    """

    def __init__(self, held: dict[str, contextlib.AsyncExitStack]) -> None:
        self._held = held
        self._mine: dict[str, contextlib.AsyncExitStack] = {}

    async def hold(self, state: AppState, thread_id: str) -> None:
        """Take ``thread_id``'s run lock for this request, or raise the 409."""
        from groovegraph.server.chat import run_lock, thread_busy

        if thread_id in self._mine:  # the same thread twice in one batch
            raise thread_busy(thread_id)
        stack = contextlib.AsyncExitStack()
        await stack.enter_async_context(run_lock(state, thread_id))
        self._mine[thread_id] = stack
        self._held[thread_id] = stack

    async def aclose(self) -> None:
        for thread_id, stack in list(self._mine.items()):
            await _release(self._held, thread_id, stack)
        self._mine.clear()


class AgentRunnable(Runnable[dict[str, Any], dict[str, Any]]):
    """The compiled graph of the running app, with thread locking and clean output."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        # Run locks the /agent requests of this process took before their responses.
        self.held: dict[str, contextlib.AsyncExitStack] = {}

    @contextlib.asynccontextmanager
    async def _running(
        self, state: AppState, graph_input: Any, config: RunnableConfig, *, locked: bool = False
    ) -> AsyncIterator[Any]:
        """Run under the lock the request already holds, else take it here (``locked``:
        the caller holds it); a resume is checked under the lock (see
        :func:`_check_resumable`), and a message that answers the question the thread
        waits on becomes its resume (:func:`~groovegraph.server.chat.as_reply_if_pending`):
        the input to run is what this yields. A run that fails leaves the thread as it
        was (:func:`~groovegraph.persistence.checkpointer.undone_on_failure`)."""
        from groovegraph.server.chat import as_reply_if_pending, run_lock

        thread_id = config["configurable"]["thread_id"]
        undo = undone_on_failure(state.graph.checkpointer, thread_id)

        async def checked() -> Any:
            await _check_resumable(state, graph_input, config)
            fresh = await only_unsent(state, graph_input, config)
            return turn_input.mark_burst(await as_reply_if_pending(state, fresh, config))

        if locked:
            run_input = await checked()
            async with undo:
                yield run_input
            return
        stack = self.held.get(thread_id)
        if stack is None:
            async with run_lock(state, thread_id):
                run_input = await checked()
                async with undo:
                    yield run_input
            return
        try:
            run_input = await checked()
            async with undo:
                yield run_input
        finally:
            await _release(self.held, thread_id, stack)

    async def _invoke(
        self, input: Any, config: RunnableConfig | None, *, locked: bool = False
    ) -> dict[str, Any]:
        state = self._state
        cfg = ensure_config(config)
        graph_input = _to_graph_input(input)
        async with self._running(state, graph_input, cfg, locked=locked) as run_input:
            values = await state.graph.ainvoke(run_input, cfg, durability="exit")
        values = dict(values or {})
        if (cfg.get("configurable") or {}).get("history", "turn") != "full":
            values = _this_turn(values)
        return _clean_values(values)

    async def abatch(  # type: ignore[override]
        self,
        inputs: list[dict[str, Any]],
        config: RunnableConfig | list[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Any]:
        """Inputs on different threads run concurrently; inputs on one thread run one
        after another under one hold of its run lock, so every turn lands on the thread
        (run together, both would start from the same checkpoint and one turn would be
        lost)."""
        from groovegraph.server.chat import run_lock

        turn_input.check_batch(len(inputs))
        if not inputs:
            return []
        state = self._state
        configs = get_config_list(config, len(inputs))
        groups: dict[str, list[int]] = {}
        for i, cfg in enumerate(configs):
            thread_id = (cfg.get("configurable") or {}).get("thread_id")
            groups.setdefault(str(thread_id) if thread_id else f"\x00{i}", []).append(i)
        results: list[Any] = [None] * len(inputs)

        async def run_one(i: int, *, locked: bool) -> None:
            try:
                results[i] = await self._invoke(inputs[i], configs[i], locked=locked)
            except Exception as err:
                if not return_exceptions:
                    raise
                results[i] = err

        async def run_group(thread_id: str, indexes: list[int]) -> None:
            if len(indexes) == 1:
                await run_one(indexes[0], locked=False)
                return
            async with contextlib.AsyncExitStack() as group:
                stack = self.held.get(thread_id)
                if stack is None:
                    await group.enter_async_context(run_lock(state, thread_id))
                else:  # taken by the request before its response: freed after the group
                    group.push_async_callback(_release, self.held, thread_id, stack)
                for i in indexes:
                    await run_one(i, locked=True)

        try:
            async with asyncio.TaskGroup() as tasks:
                for thread_id, indexes in groups.items():
                    tasks.create_task(run_group(thread_id, indexes))
        except BaseExceptionGroup as failed:  # the first failure, as a plain ainvoke's
            raise failed.exceptions[0] from None
        return results

    def get_name(self, suffix: str | None = None, *, name: str | None = None) -> str:
        base = name or "groovegraph"
        return f"{base}{suffix}" if suffix else base

    @property
    def InputType(self) -> type[AgentInput]:  # type: ignore[override]
        return AgentInput

    @property
    def OutputType(self) -> type[AgentOutput]:  # type: ignore[override]
        return AgentOutput

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        return [
            ConfigurableFieldSpec(
                id="thread_id",
                annotation=str | None,  # type: ignore[arg-type]
                name="Thread id",
                description="Conversation to continue (POST /v1/threads creates one, or pick your own).",
                default=None,
            ),
            ConfigurableFieldSpec(
                id="history",
                annotation=str,
                name="History",
                description=(
                    "What invoke returns: 'turn' (default: the new turn's messages and "
                    "analyses) or 'full' (the whole conversation and the thread's memory)."
                ),
                default="turn",
            ),
        ]

    @property
    def _state(self) -> AppState:
        state: AppState | None = getattr(self._app.state, "gg", None)
        if state is None or state.graph is None:
            from groovegraph.server.errors import NotReadyError

            raise NotReadyError("the server is starting")
        return state

    def invoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        raise _RunError("the agent runs asynchronously; use ainvoke")

    def stream(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        raise _RunError("the agent runs asynchronously; use astream")

    async def ainvoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        return await self._invoke(input, config)

    async def astream(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[dict[str, Any]]:
        """Yields ``{node: update}`` per step (LangGraph "updates" mode), interrupts as
        ``{"interrupts": [...]}``."""
        state = self._state
        cfg = ensure_config(config)
        graph_input = _to_graph_input(input)
        try:
            async with self._running(state, graph_input, cfg) as run_input:
                async for update in state.graph.astream(
                    run_input, cfg, stream_mode="updates", durability="exit"
                ):
                    yield _clean_update(update)
        except Exception as err:  # named in the stream's error event (stream_guard)
            record_stream_failure(err)
            raise

    async def astream_events(  # type: ignore[override]
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[StreamEvent]:
        """LangChain's event stream of the run, with payloads LangServe can serialise."""
        async for event in super().astream_events(input, config, **kwargs):
            data = event.get("data")
            if data:
                event["data"] = _event_safe(data)
            yield event


def _event_safe(value: Any) -> Any:
    """Event payloads with LangGraph internals (``Send``, ``Command``) made JSON-safe;
    LangChain serializables (messages, documents) stay as they are for LangServe."""
    if value is None or isinstance(value, str | int | float | bool | Serializable):
        return value
    if isinstance(value, dict):
        return {str(k): _event_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_event_safe(v) for v in value]
    return jsonable(value)


async def agent_config_modifier(config: dict[str, Any], request: Request) -> dict[str, Any]:
    """LangServe ``per_req_config_modifier``: validate the thread, bind the owner."""
    from groovegraph.server.auth import current_owner

    state = get_app_state(request)
    owner = getattr(request.state, "owner", None)
    if not isinstance(owner, str):  # the route dependency normally set it already
        from fastapi import Response

        owner = await current_owner(request, Response())
    configurable = dict(config.get("configurable") or {})
    thread_id = configurable.get("thread_id")
    if not thread_id:
        raise ThreadIdRequiredError(
            "config.configurable.thread_id is required (create one with POST /v1/threads, or send your own id)"
        )
    history = configurable.get("history") or "turn"
    if history not in HISTORY_MODES:
        raise InvalidQueryError(
            f"config.configurable.history must be one of {', '.join(HISTORY_MODES)}, not {history!r}"
        )
    check_thread_id(thread_id)
    try:
        await state.threads.check_owned(owner=owner, thread_id=thread_id)
    except ThreadNotFoundError:
        await state.threads.claim(owner=owner, thread_id=thread_id)
    await _refuse_before_streaming(state, request, thread_id, owner)
    await state.threads.touch(owner=owner, thread_id=thread_id)
    # Only what the server decides reaches the graph: the client cannot pick an owner.
    config = dict(config)
    config["configurable"] = {"thread_id": thread_id, "owner": owner, "history": history}
    config["metadata"] = {**(config.get("metadata") or {}), "owner": owner, "thread_id": thread_id}
    return config


async def _refuse_before_streaming(
    state: AppState, request: Request, thread_id: str, owner: str
) -> None:
    """409s decided before LangServe starts a response.

    Inside ``/agent/stream`` the run starts after the 200 and its headers are sent, and
    LangServe turns any exception there into an opaque 500 error event. So a busy thread
    and a resume with nothing pending are refused here, while a status can still be set:
    the run lock is taken now (see :class:`_RequestRuns`) and the resume check runs
    under it.
    """
    from groovegraph.server.chat import require_pending_interrupt, thread_busy

    runs = getattr(request.state, "gg_agent_runs", None)
    if isinstance(runs, _RequestRuns):
        await runs.hold(state, thread_id)
    elif await state.coordination.locks.is_held(thread_id):
        # Not mounted by mount_agent (no dependency): a peek is the best we can do.
        raise thread_busy(thread_id)
    try:
        body = await request.json()  # already parsed (and cached) by LangServe
    except ValueError:
        return
    payload = body.get("input") if isinstance(body, dict) else None
    if isinstance(payload, dict):
        # The graph input is checked here too, not first inside the run: on the stream
        # routes the run starts after the 200, where a bad input could only be an
        # in-band error. So is what is left of a re-sent conversation.
        config_now: RunnableConfig = {"configurable": {"thread_id": thread_id, "owner": owner}}
        await only_unsent(state, _to_graph_input(payload), config_now)
    if isinstance(payload, dict) and payload.get("resume") is not None:
        config: RunnableConfig = {"configurable": {"thread_id": thread_id, "owner": owner}}
        await require_pending_interrupt(state, config)


def mount_agent(app: FastAPI) -> AgentRunnable:
    """Add the LangServe routes under ``/agent`` (auth on every one of them)."""
    from fastapi import Depends
    from langserve import add_routes

    from groovegraph.server.auth import current_owner

    runnable = AgentRunnable(app)

    async def hold_runs(request: Request) -> AsyncIterator[None]:
        # Request-scoped: FastAPI exits it after the response has been sent (streams
        # included), or when the request fails or is cancelled.
        runs = _RequestRuns(runnable.held)
        request.state.gg_agent_runs = runs
        try:
            yield
        finally:
            await runs.aclose()

    add_routes(
        app,
        runnable,
        path="/agent",
        config_keys=("configurable",),
        per_req_config_modifier=agent_config_modifier,
        enabled_endpoints=(
            "invoke",
            "batch",
            "stream",
            "stream_events",
            "input_schema",
            "output_schema",
            "config_schema",
        ),
        dependencies=[Depends(current_owner), Depends(hold_runs)],
        include_callback_events=False,
    )
    # The playground of /agent is LangServe's chat playground, on a conversation runnable
    # that runs this one (see groovegraph.server.playground).
    from groovegraph.server.playground import mount_playground

    mount_playground(app, runnable, [Depends(current_owner), Depends(hold_runs)])
    return runnable
