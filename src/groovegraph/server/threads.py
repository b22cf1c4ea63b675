"""``/v1/threads``: create, list (own only), read state and history, delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from langchain_core.messages import BaseMessage
from pydantic import BaseModel, Field

from groovegraph.server.auth import Owner
from groovegraph.server.errors import ERROR_RESPONSES
from groovegraph.server.media import plot_links
from groovegraph.server.serialize import interrupt_json, jsonable, snapshot_interrupts
from groovegraph.server.state import get_app_state
from groovegraph.server.thread_store import ThreadInfo

#: Largest ``offset`` accepted when listing threads.
MAX_OFFSET = 1_000_000

router = APIRouter(prefix="/v1/threads", tags=["threads"], responses=ERROR_RESPONSES)


class ThreadCreated(BaseModel):
    thread_id: str = Field(
        description="Use it in /v1/threads/{thread_id}/chat or config.configurable.thread_id."
    )


class ThreadList(BaseModel):
    threads: list[ThreadInfo]


class ThreadStateOut(BaseModel):
    """A thread's current state."""

    thread_id: str
    title: str | None = None
    messages: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The conversation, oldest first; a message showing plots has 'plots' links.",
    )
    analyses: dict[str, Any] = Field(
        default_factory=dict, description="Analyses by sample id or file."
    )
    hits: list[dict[str, Any]] = Field(
        default_factory=list, description="Catalog hits of the last search."
    )
    reports: list[dict[str, Any]] = Field(
        default_factory=list, description="Compatibility reports."
    )
    values: dict[str, Any] = Field(default_factory=dict, description="Every other state channel.")
    next: list[str] = Field(
        default_factory=list, description="Nodes that run next (non-empty while interrupted)."
    )
    interrupts: list[dict[str, Any]] = Field(
        default_factory=list, description="Pending interrupts; answer with resume."
    )
    checkpoint_id: str | None = None
    created_at: str | None = None


class CheckpointOut(BaseModel):
    checkpoint_id: str | None
    parent_checkpoint_id: str | None
    created_at: str | None
    step: int | None
    source: str | None
    next: list[str]
    message_count: int


class HistoryOut(BaseModel):
    thread_id: str
    checkpoints: list[CheckpointOut] = Field(description="Newest first.")


def _config(thread_id: str, owner: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id, "owner": owner}}


@router.post("", status_code=201, response_model=ThreadCreated, summary="Create a thread")
async def create_thread(request: Request, owner: Owner) -> ThreadCreated:
    state = get_app_state(request)
    info = await state.threads.create(owner=owner)
    return ThreadCreated(thread_id=info.thread_id)


@router.get("", response_model=ThreadList, summary="List your threads, most recent first")
async def list_threads(
    request: Request,
    owner: Owner,
    limit: int = Query(50, ge=1, le=500),
    # Bounded: Postgres OFFSET is a bigint (2**63 overflowed it into a 500).
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> ThreadList:
    state = get_app_state(request)
    return ThreadList(
        threads=await state.threads.list_owned(owner=owner, limit=limit, offset=offset)
    )


@router.get("/{thread_id}", response_model=ThreadStateOut, summary="A thread's state")
async def get_thread(thread_id: str, request: Request, owner: Owner) -> ThreadStateOut:
    state = get_app_state(request)
    info = await state.threads.get(owner=owner, thread_id=thread_id)
    snapshot = await state.graph.aget_state(_config(thread_id, owner))
    values = dict(snapshot.values or {})
    interrupts = [interrupt_json(i) for i in snapshot_interrupts(snapshot)]
    messages = values.pop("messages", [])
    analyses = values.pop("analyses", None) or {}
    hits = values.pop("hits", None) or []
    reports = values.pop("reports", None) or []
    cfg = (snapshot.config or {}).get("configurable", {})
    shown = jsonable(messages)
    for message, out in zip(messages, shown, strict=True):
        # the pictures a message shows, as links (as its SSE ``message`` event had them)
        refs = message.additional_kwargs.get("plots") if isinstance(message, BaseMessage) else None
        if refs:
            out["plots"] = await plot_links(state, owner, refs)
    return ThreadStateOut(
        thread_id=thread_id,
        title=info.title,
        messages=shown,
        analyses=jsonable(analyses),
        hits=jsonable(hits),
        reports=jsonable(reports),
        values={k: jsonable(v) for k, v in values.items() if not k.endswith("_messages")},
        next=list(snapshot.next),
        interrupts=interrupts,
        checkpoint_id=cfg.get("checkpoint_id"),
        created_at=snapshot.created_at,
    )


@router.get("/{thread_id}/history", response_model=HistoryOut, summary="Checkpoints, newest first")
async def thread_history(
    thread_id: str, request: Request, owner: Owner, limit: int = Query(50, ge=1, le=500)
) -> HistoryOut:
    state = get_app_state(request)
    await state.threads.get(owner=owner, thread_id=thread_id)
    out: list[CheckpointOut] = []
    async for snap in state.graph.aget_state_history(_config(thread_id, owner), limit=limit):
        cfg = (snap.config or {}).get("configurable", {})
        parent = (snap.parent_config or {}).get("configurable", {})
        meta = snap.metadata or {}
        out.append(
            CheckpointOut(
                checkpoint_id=cfg.get("checkpoint_id"),
                parent_checkpoint_id=parent.get("checkpoint_id"),
                created_at=snap.created_at,
                step=meta.get("step"),
                source=meta.get("source"),
                next=list(snap.next),
                message_count=len((snap.values or {}).get("messages", []) or []),
            )
        )
    return HistoryOut(thread_id=thread_id, checkpoints=out)


@router.delete(
    "/{thread_id}",
    status_code=204,
    summary="Delete a thread and its checkpoints",
    responses={409: {"description": "A run is in progress on this thread."}},
)
async def delete_thread(thread_id: str, request: Request, owner: Owner) -> Response:
    from groovegraph.server.chat import run_lock

    state = get_app_state(request)
    await state.threads.get(owner=owner, thread_id=thread_id)
    # Not under a running turn's feet: a thread with a run in progress is a 409.
    async with run_lock(state, thread_id):
        if state.checkpointer is not None:
            await state.checkpointer.adelete_thread(thread_id)
        await state.threads.delete(owner=owner, thread_id=thread_id)
    return Response(status_code=204)
