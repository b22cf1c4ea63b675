"""``POST /v1/threads/{thread_id}/chat``: one run of the graph, streamed as SSE.

One run per thread at a time: a second request while a run is in progress gets
``409 run_in_progress`` (with ``Retry-After``) straight away (we do not queue — a queued
chat turn would answer a question the user has already moved on from, and a client can
simply retry). The lock is shared by every process on the database and dies with its
holder (:mod:`groovegraph.persistence.run_locks`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import anyio
import structlog
from fastapi import APIRouter, Request
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask

from groovegraph.persistence.run_locks import RunLockHeld
from groovegraph.server.auth import Owner
from groovegraph.server.errors import ERROR_RESPONSES, NothingToResumeError, RunInProgressError
from groovegraph.server.media import plot_links
from groovegraph.server.serialize import has_nul, snapshot_interrupts
from groovegraph.server.state import AppState, get_app_state
from groovegraph.server.streaming import run_events
from groovegraph.server.turn_input import MAX_MESSAGE_CHARS

router = APIRouter(prefix="/v1/threads", tags=["chat"], responses=ERROR_RESPONSES)


class ChatRequest(BaseModel):
    """One chat turn: a message (with optional sample ids) or the answer to an interrupt."""

    model_config = ConfigDict(extra="forbid")

    message: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_MESSAGE_CHARS,
        description="What the user says.",
    )
    samples: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Ids of uploaded or catalog samples the message is about.",
    )
    resume: Any = Field(
        default=None, description="Answer to a pending interrupt (e.g. true / 'yes')."
    )

    @model_validator(mode="after")
    def _no_nul(self) -> ChatRequest:
        # PostgreSQL text cannot hold NUL: the turn would fail at its commit, after the
        # stream started. A 422 before any response instead.
        if has_nul(self.message) or has_nul(self.samples) or has_nul(self.resume):
            raise ValueError("text must not contain NUL (\\u0000) characters")
        return self

    @model_validator(mode="after")
    def _said_something(self) -> ChatRequest:
        # Only spaces ran a turn about nothing and stored it.
        if self.message is not None and not self.message.strip() and not self.samples:
            raise ValueError("message is empty: it needs text (or attached samples)")
        return self

    @model_validator(mode="after")
    def _one_of(self) -> ChatRequest:
        if self.message is None and self.resume is None:
            raise ValueError("send a 'message' or a 'resume' value")
        if self.message is not None and self.resume is not None:
            raise ValueError("send either 'message' or 'resume', not both")
        return self


def human_message(text: str, samples: list[str]) -> HumanMessage:
    """The user's turn; attached sample ids travel in ``additional_kwargs['samples']``,
    where the graph's request parser looks for them."""
    if samples:
        return HumanMessage(content=text, additional_kwargs={"samples": list(samples)})
    return HumanMessage(content=text)


def thread_busy(thread_id: str) -> RunInProgressError:
    """The 409 for a thread whose run lock someone else holds (one wording everywhere)."""
    return RunInProgressError(f"a run is already in progress on thread {thread_id!r}")


@contextlib.asynccontextmanager
async def run_lock(state: AppState, thread_id: str) -> AsyncIterator[None]:
    """Hold the thread's run lock, or raise the 409."""
    try:
        async with state.coordination.locks.hold(thread_id):
            yield
    except RunLockHeld as err:
        raise thread_busy(thread_id) from err


async def pending_interrupts(state: AppState, config: RunnableConfig) -> list[Any]:
    return snapshot_interrupts(await state.graph.aget_state(config))


async def require_pending_interrupt(state: AppState, config: RunnableConfig) -> None:
    """409 ``nothing_to_resume`` unless the thread is paused on an interrupt: without one
    LangGraph would rerun the last turn's input and answer as if nothing were wrong."""
    if not await pending_interrupts(state, config):
        thread_id = config.get("configurable", {}).get("thread_id")
        raise NothingToResumeError(f"thread {thread_id!r} has no pending interrupt to resume")


async def as_reply_if_pending(state: AppState, graph_input: Any, config: RunnableConfig) -> Any:
    """A message sent while the thread waits on a question (an interrupt: "which one? 1,
    2 or 3", "analyse 12 minutes of audio? (yes/no)") answers it when it reads as the
    answer (:func:`groovegraph.graph.names.replies_to`: "3", "the second one", a file
    name offered, "yes"): it resumes the run with its text, as ``{"resume": ...}``
    would. Without this the message started a new turn, the question was dropped and
    "3" answered as a request of its own. A message with samples attached, or one that
    reads as a new request, is a new turn. Call with the thread's run lock held."""
    from langchain_core.messages import convert_to_messages

    from groovegraph.graph.memory import message_text
    from groovegraph.graph.names import answers_pending
    from groovegraph.graph.supervisor import message_samples

    if not isinstance(graph_input, dict) or len(graph_input.get("messages") or []) != 1:
        return graph_input
    try:
        (message,) = convert_to_messages(graph_input["messages"])
    except (ValueError, TypeError, NotImplementedError):
        return graph_input
    if not isinstance(message, HumanMessage) or message_samples(message):
        return graph_input
    text = message_text(message).strip()
    pending = await pending_interrupts(state, config) if text else []
    if answers_pending([getattr(i, "value", None) for i in pending], text):
        return Command(resume=text)
    return graph_input


async def check_samples(state: AppState, owner: str, samples: list[str]) -> None:
    """404 for a sample id the owner cannot see (someone else's upload or unknown).

    ``SampleSource.get`` raises :class:`~groovegraph.tools.errors.NotFoundError` itself;
    it is a blocking call (SQL or a frame lookup), so all of them run in one trip off the
    event loop."""

    def check_all() -> None:
        for sid in samples:
            state.catalog.get(sid, owner)

    await asyncio.to_thread(check_all)


@router.post(
    "/{thread_id}/chat",
    summary="Send a message (or resume an interrupt) and stream the run as SSE",
    response_class=EventSourceResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Events: metadata, route, tool_start, tool_end, token, message, interrupt, error, end.",
        },
        409: {
            "description": "A run is already in progress on this thread, or there is nothing to resume."
        },
        **ERROR_RESPONSES,
    },
)
async def chat(
    thread_id: str, body: ChatRequest, request: Request, owner: Owner
) -> EventSourceResponse:
    state = get_app_state(request)
    await state.threads.check_owned(owner=owner, thread_id=thread_id)
    config: RunnableConfig = {
        "configurable": {"thread_id": thread_id, "owner": owner},
        "run_id": uuid.uuid4(),
        "metadata": {"owner": owner, "thread_id": thread_id},
    }

    # The lock is taken before the response starts so a busy thread is a real 409, and
    # released by whichever ends first: the stream's finally or the background task.
    stack = contextlib.AsyncExitStack()
    await stack.enter_async_context(run_lock(state, thread_id))
    try:
        if body.samples:
            await check_samples(state, owner, body.samples)
        if body.resume is not None:
            await require_pending_interrupt(state, config)
            graph_input: Any = Command(resume=body.resume)
        else:
            assert body.message is not None
            graph_input = await as_reply_if_pending(
                state, {"messages": [human_message(body.message, body.samples)]}, config
            )
    except BaseException:
        await stack.aclose()
        raise

    async def touch() -> None:
        try:
            await state.threads.touch(owner=owner, thread_id=thread_id, title=body.message)
        except Exception:  # bookkeeping must never cut the stream
            structlog.get_logger(__name__).warning(
                "thread_touch_failed", thread_id=thread_id, exc_info=True
            )

    async def events() -> AsyncIterator[dict[str, str]]:
        touching: asyncio.Task[None] | None = None
        try:
            async for event in run_events(
                state.graph,
                graph_input,
                config,
                thread_id=thread_id,
                plot_links=functools.partial(plot_links, state, owner),
            ):
                if event["event"] == "end":
                    # The thread's row is written before the client hears the run is
                    # over (a listing right after the stream shows this turn) ...
                    if touching is not None:
                        await touching
                    # ... and the thread is free, so an immediate next turn never meets
                    # its own previous run's lock.
                    await stack.aclose()
                yield event
                if touching is None:
                    # After the first event (the client hears back before this write),
                    # and beside the run rather than ahead of it: one database round
                    # trip less on the turn's path.
                    touching = asyncio.create_task(touch())
        finally:
            # Runs while sse-starlette cancels us on disconnect: shield the release.
            with anyio.CancelScope(shield=True):
                if touching is not None:
                    await touching
                await stack.aclose()

    return EventSourceResponse(
        events(),
        ping=state.settings.sse_heartbeat_s,
        ping_message_factory=lambda: ServerSentEvent(comment="heartbeat"),
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        background=BackgroundTask(stack.aclose),
    )
