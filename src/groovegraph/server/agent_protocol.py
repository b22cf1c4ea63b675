"""The Agent Protocol / LangGraph Server subset that unmodified ``langgraph_sdk`` clients,
Agent Chat UI and LangGraph Studio need, on our app, checkpointer, owners and limits.

Same threads as ``/v1`` (the ``gg_threads`` table, the caller's own only: another owner's
thread is a 404 everywhere), same run lock (a busy thread is a 409, the ``reject``
multitask strategy), same rate limits and API keys (``X-API-Key`` or ``Authorization:
Bearer``). Served paths and shapes follow the LangGraph Server API as the
``langgraph_sdk`` client calls it; what is not served is listed in the README.

There is one assistant: the graph named in ``langgraph.json`` (``groovegraph``); its
``assistant_id`` is derived from the graph id exactly as LangGraph Server derives it, and
either may be used wherever an assistant id is expected.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
import uuid
from collections.abc import Mapping
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from langchain_core.messages import BaseMessage
from langgraph.errors import InvalidUpdateError
from langgraph.types import Command, StateSnapshot
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from sse_starlette import EventSourceResponse, ServerSentEvent

from groovegraph import __version__
from groovegraph.persistence.checkpointer import ALLOW_FORK_KEY
from groovegraph.server import turn_input
from groovegraph.server.auth import Owner
from groovegraph.server.chat import (
    as_reply_if_pending,
    require_pending_interrupt,
    run_lock,
    thread_busy,
)
from groovegraph.server.errors import ERROR_RESPONSES, ThreadNotFoundError
from groovegraph.server.protocol_runs import (
    STREAM_MODES,
    TERMINAL,
    RunManager,
    iso,
    new_run_id,
    pjson,
    sse_event,
)
from groovegraph.server.serialize import has_nul
from groovegraph.server.state import AppState, get_app_state
from groovegraph.server.thread_store import ThreadInfo, check_thread_id
from groovegraph.tools.errors import GrooveGraphError

#: The graph id of ``langgraph.json``.
GRAPH_ID = "groovegraph"
#: LangGraph Server's namespace for assistant ids derived from a graph id.
_NAMESPACE_GRAPH = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
ASSISTANT_ID = str(uuid.uuid5(_NAMESPACE_GRAPH, GRAPH_ID))
_STARTED = time.time()

router = APIRouter(tags=["agent protocol"], responses=ERROR_RESPONSES)


# ------------------------------------------------------------------------------ errors


class AssistantNotFoundError(GrooveGraphError):
    code = "assistant_not_found"
    http_status = 404


class RunNotFoundError(GrooveGraphError):
    code = "run_not_found"
    http_status = 404


class UnsupportedError(GrooveGraphError):
    """A valid LangGraph Server request this server does not implement."""

    code = "not_supported"
    http_status = 422


class InvalidRunInputError(GrooveGraphError):
    """A run input that cannot make a turn (see :mod:`groovegraph.server.turn_input`)."""

    code = "invalid_input"
    http_status = 422


def _check_input(graph_input: Any) -> None:
    """The messages of a run's input: a human one with text, none over the size cap."""
    if not isinstance(graph_input, Mapping) or "messages" not in graph_input:
        return
    messages = graph_input["messages"]
    if messages is None:
        return
    if isinstance(messages, str | Mapping):
        messages = [messages]  # LangGraph reads one message as a list of one
    if not isinstance(messages, list):
        raise InvalidRunInputError("input.messages must be a list of messages")
    why = turn_input.problem(messages)
    if why is not None:
        raise InvalidRunInputError(f"input.{why}" if why.startswith("messages[") else why)


class ThreadExistsError(GrooveGraphError):
    code = "thread_exists"
    http_status = 409


class RunElsewhereError(GrooveGraphError):
    code = "run_in_other_process"
    http_status = 409


class InvalidStateUpdateError(GrooveGraphError):
    """A state update the graph cannot apply (values that are not an object of its
    channels, a node it does not have)."""

    code = "invalid_update"
    http_status = 422


def _check_assistant(assistant_id: str) -> None:
    if assistant_id not in (ASSISTANT_ID, GRAPH_ID):
        raise AssistantNotFoundError(f"assistant {assistant_id!r} not found")


def _no_nul(*values: Any) -> None:
    if any(has_nul(v) for v in values):
        from groovegraph.tools.errors import InvalidQueryError

        raise InvalidQueryError("text must not contain NUL (\\u0000) characters")


# ---------------------------------------------------------------------------- meta


@router.get("/ok", summary="Liveness (LangGraph Server)")
async def ok() -> dict[str, bool]:
    return {"ok": True}


@router.get("/info", summary="Server information (LangGraph Server)")
async def info() -> dict[str, Any]:
    import langgraph.version

    return {
        "version": __version__,
        "langgraph_py_version": langgraph.version.__version__,
        "flags": {"assistants": True, "crons": False, "langsmith": False},
        "host": {"kind": "groovegraph", "project_id": None, "revision_id": None},
    }


# ---------------------------------------------------------------------- assistants


def _assistant() -> dict[str, Any]:
    return {
        "assistant_id": ASSISTANT_ID,
        "graph_id": GRAPH_ID,
        "name": GRAPH_ID,
        "description": "Music-discovery and groove-analysis agent.",
        "config": {},
        "context": {},
        "metadata": {"created_by": "system"},
        "version": 1,
        "created_at": iso(_STARTED),
        "updated_at": iso(_STARTED),
    }


class AssistantSearch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    graph_id: str | None = None
    metadata: dict[str, Any] | None = None
    name: str | None = None
    limit: int = Field(default=10, ge=0, le=1000)
    offset: int = Field(default=0, ge=0)


@router.post("/assistants/search", summary="Search assistants (there is one)")
async def search_assistants(body: AssistantSearch, owner: Owner) -> list[dict[str, Any]]:
    a = _assistant()
    matches = (
        (body.graph_id in (None, GRAPH_ID))
        and all(a["metadata"].get(k) == v for k, v in (body.metadata or {}).items())
        and (body.name is None or body.name.lower() in a["name"].lower())
    )
    return [a][body.offset : body.offset + body.limit] if matches else []


@router.post("/assistants/count", summary="Count assistants")
async def count_assistants(body: AssistantSearch, owner: Owner) -> int:
    return len(await search_assistants(body.model_copy(update={"limit": 1000}), owner))


@router.get("/assistants/{assistant_id}", summary="The assistant")
async def get_assistant(assistant_id: str, owner: Owner) -> dict[str, Any]:
    _check_assistant(assistant_id)
    return _assistant()


@router.post("/assistants/{assistant_id}/versions", summary="The assistant's versions")
async def assistant_versions(assistant_id: str, owner: Owner) -> list[dict[str, Any]]:
    _check_assistant(assistant_id)
    return [_assistant()]


@router.get("/assistants/{assistant_id}/graph", summary="The graph, drawable (Studio)")
async def assistant_graph(
    assistant_id: str, request: Request, owner: Owner, xray: str | None = None
) -> dict[str, Any]:
    _check_assistant(assistant_id)
    depth: bool | int = False
    if xray in ("true", "True"):
        depth = True
    elif xray not in (None, "", "false", "False"):
        try:
            depth = int(xray)  # type: ignore[arg-type]
        except ValueError:
            depth = -1
        if isinstance(depth, int) and depth <= 0:
            raise UnsupportedError("xray must be true, false or a positive integer")
    graph = get_app_state(request).graph
    drawn = (await asyncio.to_thread(graph.get_graph, xray=depth)).to_json()
    for node in drawn.get("nodes", []):
        if isinstance(node.get("data"), dict):
            node["data"].pop("id", None)
    return drawn  # type: ignore[no-any-return]


def _schemas(graph: Any) -> dict[str, Any]:
    def attempt(fn: Any) -> Any:
        try:
            return fn()
        except Exception:  # a schema that cannot be drawn is reported as missing
            return None

    return {
        "graph_id": GRAPH_ID,
        "input_schema": attempt(graph.get_input_jsonschema),
        "output_schema": attempt(graph.get_output_jsonschema),
        "state_schema": attempt(lambda: _state_schema(graph)),
        "config_schema": attempt(lambda: graph.get_config_jsonschema(include=["configurable"])),
        "context_schema": attempt(graph.get_context_jsonschema),
    }


def _state_schema(graph: Any) -> dict[str, Any]:
    from pydantic import create_model

    fields: dict[str, Any] = {}
    for key in graph.stream_channels_list:
        kind = graph.channels[key].UpdateType
        try:
            create_model(key, value=(kind, None)).model_json_schema()
            fields[key] = (kind, None)
        except Exception:
            fields[key] = (Any, None)
    model: Any = create_model(graph.get_name("State"), **fields)
    schema: dict[str, Any] = model.model_json_schema()
    return schema


@router.get(
    "/assistants/{assistant_id}/schemas", summary="Input, output, state and context schemas"
)
async def assistant_schemas(assistant_id: str, request: Request, owner: Owner) -> dict[str, Any]:
    _check_assistant(assistant_id)
    return await asyncio.to_thread(_schemas, get_app_state(request).graph)


@router.get("/assistants/{assistant_id}/subgraphs", summary="Subgraph schemas")
async def assistant_subgraphs(
    assistant_id: str, request: Request, owner: Owner, recurse: bool = False
) -> dict[str, Any]:
    _check_assistant(assistant_id)
    graph = get_app_state(request).graph
    return {ns: _schemas(sub) async for ns, sub in graph.aget_subgraphs(recurse=recurse)}


# ------------------------------------------------------------------------ state shapes


def _cfg(thread_id: str, owner: str, **extra: Any) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id, "owner": owner, **extra}}


def checkpoint_json(config: Mapping[str, Any] | None) -> dict[str, Any] | None:
    conf = (config or {}).get("configurable") or {}
    if not conf.get("checkpoint_id"):
        return None
    out = {
        "thread_id": conf.get("thread_id"),
        "checkpoint_ns": conf.get("checkpoint_ns") or "",
        "checkpoint_id": conf["checkpoint_id"],
    }
    if conf.get("checkpoint_map"):
        out["checkpoint_map"] = conf["checkpoint_map"]
    return out


def state_json(snap: StateSnapshot) -> dict[str, Any]:
    """A ``StateSnapshot`` as LangGraph Server's ``ThreadState``."""
    tasks = []
    for t in snap.tasks:
        nested = t.state if isinstance(t.state, StateSnapshot) else None
        tasks.append(
            {
                "id": t.id,
                "name": t.name,
                "path": pjson(list(t.path)),
                "error": repr(t.error) if t.error is not None else None,
                "interrupts": [pjson(i) for i in t.interrupts],
                "checkpoint": checkpoint_json(t.state)
                if t.state is not None and not isinstance(t.state, StateSnapshot)
                else None,
                "state": state_json(nested) if nested is not None else None,
                "result": pjson(getattr(t, "result", None)),
            }
        )
    checkpoint = checkpoint_json(snap.config)
    parent = checkpoint_json(snap.parent_config)
    return {
        "values": pjson(snap.values or {}),
        "next": list(snap.next),
        "tasks": tasks,
        "metadata": pjson(snap.metadata or {}),
        "created_at": snap.created_at,
        "checkpoint": checkpoint,
        "parent_checkpoint": parent,
        "interrupts": [pjson(i) for i in getattr(snap, "interrupts", ())],
        "checkpoint_id": checkpoint["checkpoint_id"] if checkpoint else None,
        "parent_checkpoint_id": parent["checkpoint_id"] if parent else None,
    }


def _metadata(info: ThreadInfo) -> dict[str, Any]:
    # Every thread runs the one graph: threads made through /v1 carry it too, so Agent
    # Chat UI's history (filtered on graph_id or assistant_id) lists them.
    return {"graph_id": GRAPH_ID, "assistant_id": ASSISTANT_ID, **info.metadata}


async def _thread_status(
    state: AppState, owner: str, thread_id: str, snap: StateSnapshot | None
) -> str:
    if await state.coordination.locks.is_held(thread_id):
        return "busy"
    if snap is not None and any(t.interrupts for t in snap.tasks):
        return "interrupted"
    last = await RunManager.of(state).records.last_status(owner=owner, thread_id=thread_id)
    return "error" if last == "error" else "idle"


async def thread_json(
    state: AppState, info: ThreadInfo, owner: str, *, fields: set[str] | None = None
) -> dict[str, Any]:
    need_state = fields is None or bool({"values", "interrupts", "status"} & fields)
    snap = await state.graph.aget_state(_cfg(info.thread_id, owner)) if need_state else None
    out: dict[str, Any] = {
        "thread_id": info.thread_id,
        "created_at": iso(info.created_at),
        "updated_at": iso(info.updated_at),
        "metadata": _metadata(info),
        "config": {},
    }
    if fields is None or "status" in fields:
        out["status"] = await _thread_status(state, owner, info.thread_id, snap)
    if snap is not None:
        out["values"] = pjson(snap.values or {})
        out["interrupts"] = {
            t.id: [pjson(i) for i in t.interrupts] for t in snap.tasks if t.interrupts
        }
    if fields is not None:
        out = {k: v for k, v in out.items() if k in fields}
    return out


# ----------------------------------------------------------------------------- threads


class ThreadCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    thread_id: str | None = None
    metadata: dict[str, Any] | None = None
    if_exists: Literal["raise", "do_nothing"] = "raise"
    supersteps: list[Any] | None = None


@router.post("/threads", summary="Create a thread")
async def create_thread(body: ThreadCreate, request: Request, owner: Owner) -> dict[str, Any]:
    state = get_app_state(request)
    _no_nul(body.metadata)
    if body.supersteps:
        raise UnsupportedError("creating a thread with supersteps is not supported")
    if body.thread_id is None:
        created = await state.threads.create(owner=owner, metadata=body.metadata)
        return await thread_json(state, created, owner)
    check_thread_id(body.thread_id)
    try:
        existing = await state.threads.get(owner=owner, thread_id=body.thread_id)
    except ThreadNotFoundError:
        existing = None
    if existing is not None:
        if body.if_exists == "do_nothing":
            return await thread_json(state, existing, owner)
        raise ThreadExistsError(f"thread {body.thread_id!r} already exists")
    try:
        created = await state.threads.create(
            owner=owner, thread_id=body.thread_id, metadata=body.metadata
        )
    except Exception as err:  # taken by another owner (unique violation)
        from groovegraph.server.errors import database_unavailable

        if database_unavailable(err) is not None:
            raise
        raise ThreadExistsError(f"thread {body.thread_id!r} already exists") from err
    return await thread_json(state, created, owner)


class ThreadSearch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    metadata: dict[str, Any] | None = None
    values: dict[str, Any] | None = None
    ids: list[str] | None = Field(default=None, max_length=1000)
    status: Literal["idle", "busy", "interrupted", "error"] | None = None
    limit: int = Field(default=10, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=1_000_000)
    sort_by: Literal["thread_id", "status", "created_at", "updated_at"] | None = None
    sort_order: Literal["asc", "desc"] | None = None
    select: list[str] | None = None


async def _search(
    state: AppState, owner: str, body: ThreadSearch, *, page: bool = True
) -> list[dict[str, Any]]:
    if body.values:
        raise UnsupportedError("filtering threads by values is not supported")
    sort_by = body.sort_by if body.sort_by in ("thread_id", "created_at") else "updated_at"
    infos = await state.threads.search(
        owner=owner, ids=body.ids, sort_by=sort_by, descending=body.sort_order != "asc"
    )
    wanted = body.metadata or {}
    infos = [i for i in infos if all(_metadata(i).get(k) == v for k, v in wanted.items())]
    if body.status is not None:
        keep = []
        for info in infos:
            snap = await state.graph.aget_state(_cfg(info.thread_id, owner))
            if await _thread_status(state, owner, info.thread_id, snap) == body.status:
                keep.append(info)
        infos = keep
    if not page:
        return [{"thread_id": i.thread_id} for i in infos]
    infos = infos[body.offset : body.offset + body.limit]
    fields = set(body.select) if body.select else None
    out = [await thread_json(state, info, owner, fields=fields) for info in infos]
    if body.sort_by == "status":
        out.sort(key=lambda t: t.get("status", ""), reverse=body.sort_order != "asc")
    return out


@router.post("/threads/search", summary="Search your threads (those made through /v1 too)")
async def search_threads(
    body: ThreadSearch, request: Request, owner: Owner
) -> list[dict[str, Any]]:
    return await _search(get_app_state(request), owner, body)


@router.post("/threads/count", summary="Count your threads")
async def count_threads(body: ThreadSearch, request: Request, owner: Owner) -> int:
    return len(await _search(get_app_state(request), owner, body, page=False))


@router.get("/threads/{thread_id}", summary="A thread")
async def get_thread(thread_id: str, request: Request, owner: Owner) -> dict[str, Any]:
    state = get_app_state(request)
    info = await state.threads.get(owner=owner, thread_id=thread_id)
    return await thread_json(state, info, owner)


class ThreadPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    metadata: dict[str, Any] = Field(default_factory=dict)


@router.patch("/threads/{thread_id}", summary="Merge metadata into a thread")
async def patch_thread(
    thread_id: str, body: ThreadPatch, request: Request, owner: Owner
) -> dict[str, Any]:
    state = get_app_state(request)
    _no_nul(body.metadata)
    info = await state.threads.update_metadata(
        owner=owner, thread_id=thread_id, metadata=body.metadata
    )
    return await thread_json(state, info, owner)


@router.delete("/threads/{thread_id}", status_code=204, summary="Delete a thread")
async def delete_thread(thread_id: str, request: Request, owner: Owner) -> Response:
    # The /v1 route: ownership check, 409 while a run holds the thread, checkpoints gone.
    from groovegraph.server.threads import delete_thread as v1_delete

    return await v1_delete(thread_id, request, owner)


# ------------------------------------------------------------------------------- state


@router.get("/threads/{thread_id}/state", summary="The thread's current state")
async def get_state(
    thread_id: str, request: Request, owner: Owner, subgraphs: bool = False
) -> dict[str, Any]:
    return await _state_at(request, owner, thread_id, None, subgraphs)


@router.get("/threads/{thread_id}/state/{checkpoint_id}", summary="The state at a checkpoint")
async def get_state_at(
    thread_id: str, checkpoint_id: str, request: Request, owner: Owner, subgraphs: bool = False
) -> dict[str, Any]:
    return await _state_at(request, owner, thread_id, {"checkpoint_id": checkpoint_id}, subgraphs)


class StateAt(BaseModel):
    model_config = ConfigDict(extra="ignore")
    checkpoint: dict[str, Any]
    subgraphs: bool = False


@router.post("/threads/{thread_id}/state/checkpoint", summary="The state at a checkpoint")
async def post_state_at(
    thread_id: str, body: StateAt, request: Request, owner: Owner
) -> dict[str, Any]:
    return await _state_at(request, owner, thread_id, body.checkpoint, body.subgraphs)


def _checkpoint_keys(checkpoint: Mapping[str, Any] | None) -> dict[str, Any]:
    keys = ("checkpoint_id", "checkpoint_ns", "checkpoint_map")
    return {k: checkpoint[k] for k in keys if checkpoint and checkpoint.get(k) is not None}


async def _state_at(
    request: Request,
    owner: str,
    thread_id: str,
    checkpoint: Mapping[str, Any] | None,
    subgraphs: bool,
) -> dict[str, Any]:
    _no_nul(checkpoint)
    state = get_app_state(request)
    await state.threads.check_owned(owner=owner, thread_id=thread_id)
    config = _cfg(thread_id, owner, **_checkpoint_keys(checkpoint))
    snap = await state.graph.aget_state(config, subgraphs=subgraphs)
    if checkpoint and checkpoint.get("checkpoint_id") and snap.config is None:
        raise ThreadNotFoundError(f"checkpoint {checkpoint['checkpoint_id']!r} not found")
    out = state_json(await _with_images(state, owner, snap, {}))
    if out["checkpoint"] is None:
        out["checkpoint"] = {
            "thread_id": thread_id,
            "checkpoint_ns": "",
            "checkpoint_id": None,
            "checkpoint_map": None,
        }
    return out


class StateUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    values: dict[str, Any] | list[dict[str, Any]] | None = None
    as_node: str | None = None
    checkpoint_id: str | None = None
    checkpoint: dict[str, Any] | None = None


@router.post(
    "/threads/{thread_id}/state",
    summary="Update the state as a node (a fork when at a past checkpoint)",
)
async def update_state(
    thread_id: str, body: StateUpdate, request: Request, owner: Owner
) -> dict[str, Any]:
    state = get_app_state(request)
    _no_nul(body.values)
    await state.threads.check_owned(owner=owner, thread_id=thread_id)
    at = _checkpoint_keys(body.checkpoint)
    if body.checkpoint_id:
        at["checkpoint_id"] = body.checkpoint_id
    config = _cfg(thread_id, owner, **at)
    if at.get("checkpoint_id"):
        config["configurable"][ALLOW_FORK_KEY] = True
    values = _checked_values(body.values) if isinstance(body.values, dict) else body.values
    async with run_lock(state, thread_id):
        try:
            new_config = await state.graph.aupdate_state(config, values, as_node=body.as_node)
        except InvalidUpdateError as err:
            # The client's values or as_node (was a 500; found by benchmarks.fuzz_api).
            raise InvalidStateUpdateError(str(err).split("\n", 1)[0]) from err
    return {"checkpoint": checkpoint_json(new_config)}


@functools.cache
def _state_fields() -> dict[str, Any]:
    from typing import get_type_hints

    from groovegraph.graph.state import GrooveGraphState

    return get_type_hints(GrooveGraphState)


@functools.cache
def _adapter(key: str) -> TypeAdapter[Any]:
    return TypeAdapter(_state_fields()[key])


def _checked_values(values: dict[str, Any]) -> dict[str, Any]:
    """A state update's values checked against the thread state's schema: known keys,
    messages a chat model accepts, every other channel of its declared type (parsed, so
    the graph reads models, not raw dicts). A bad update used to fail inside LangGraph's
    reducers (a 500) or, worse, be written and break the thread's next turn."""
    from langchain_core.messages import convert_to_messages

    fields = _state_fields()
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields:
            raise InvalidStateUpdateError(
                f"{key!r} is not a state key (one of: {', '.join(sorted(fields))})"
            )
        try:
            if key == "messages" or key.endswith("_messages"):
                convert_to_messages(value if isinstance(value, list) else [value])
                out[key] = value
            else:
                out[key] = _adapter(key).validate_python(value)
        except ValidationError as err:
            detail = err.errors()[0]
            where = ".".join(str(part) for part in (key, *detail["loc"]))
            raise InvalidStateUpdateError(f"{where}: {detail['msg']}") from err
        except (ValueError, TypeError, NotImplementedError) as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise InvalidStateUpdateError(f"{key}: {first}") from err
    return out


class HistoryQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    limit: int = Field(default=10, ge=1, le=10_000)
    before: str | dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    checkpoint: dict[str, Any] | None = None


async def _history(
    request: Request, owner: str, thread_id: str, q: HistoryQuery
) -> list[dict[str, Any]]:
    # Postgres text and jsonb hold no NUL: a filter or checkpoint id with one is refused
    # here, not at the database (fuzz_api found a 500 from a NUL key in the metadata filter).
    _no_nul(q.metadata, q.before, q.checkpoint)
    state = get_app_state(request)
    await state.threads.check_owned(owner=owner, thread_id=thread_id)
    config = _cfg(thread_id, owner, **{"checkpoint_ns": "", **_checkpoint_keys(q.checkpoint)})
    before = None
    if q.before is not None:
        before_id = q.before if isinstance(q.before, str) else q.before.get("checkpoint_id")
        before = _cfg(thread_id, owner, checkpoint_ns="", checkpoint_id=before_id)
    images: dict[str, list[dict[str, Any]]] = {}
    return [
        state_json(await _with_images(state, owner, snap, images))
        async for snap in state.graph.aget_state_history(
            config, filter=q.metadata or None, before=before, limit=q.limit
        )
    ]


async def _with_images(
    state: AppState, owner: str, snap: StateSnapshot, images: dict[str, list[dict[str, Any]]]
) -> StateSnapshot:
    """The snapshot with the plots its answers show as image blocks (see
    :func:`~groovegraph.server.media.with_plot_images`)."""
    from groovegraph.server.media import with_plot_images

    values = await with_plot_images(state, owner, dict(snap.values or {}), images)
    return snap._replace(values=values)


@router.post("/threads/{thread_id}/history", summary="Past states, newest first")
async def post_history(
    thread_id: str, body: HistoryQuery, request: Request, owner: Owner
) -> list[dict[str, Any]]:
    return await _history(request, owner, thread_id, body)


@router.get("/threads/{thread_id}/history", summary="Past states, newest first")
async def get_history(
    thread_id: str,
    request: Request,
    owner: Owner,
    limit: int = Query(10, ge=1, le=10_000),
    before: str | None = None,
) -> list[dict[str, Any]]:
    return await _history(request, owner, thread_id, HistoryQuery(limit=limit, before=before))


# -------------------------------------------------------------------------------- runs


class RunCreate(BaseModel):
    """``POST /threads/{id}/runs/stream`` and ``/runs/wait`` (the fields the SDK sends)."""

    model_config = ConfigDict(extra="ignore")
    assistant_id: str
    input: dict[str, Any] | None = None
    command: dict[str, Any] | None = None
    stream_mode: str | list[str] = "values"
    stream_subgraphs: bool = False
    stream_resumable: bool = False
    metadata: dict[str, Any] | None = None
    config: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    checkpoint: dict[str, Any] | None = None
    checkpoint_id: str | None = None
    interrupt_before: Literal["*"] | list[str] | None = None
    interrupt_after: Literal["*"] | list[str] | None = None
    on_disconnect: Literal["cancel", "continue"] | None = None
    multitask_strategy: Literal["reject", "interrupt", "rollback", "enqueue"] | None = None
    if_not_exists: Literal["create", "reject"] | None = None
    durability: Literal["sync", "async", "exit"] | None = None
    checkpoint_during: bool | None = None
    after_seconds: float | None = None
    webhook: str | None = None

    @model_validator(mode="after")
    def _one_input(self) -> RunCreate:
        if self.input is not None and self.command is not None:
            raise ValueError("send either 'input' or 'command', not both")
        return self


# Keys a client may not set in config.configurable: the server binds them.
_RESERVED = {"thread_id", "owner", "checkpoint_id", "checkpoint_ns", "checkpoint_map"}


def _title(graph_input: Any) -> str | None:
    if not isinstance(graph_input, Mapping):
        return None
    for m in graph_input.get("messages") or []:
        if isinstance(m, BaseMessage) and m.type == "human":
            return m.text if isinstance(m.text, str) else None
        if isinstance(m, Mapping) and m.get("type", m.get("role")) in ("human", "user"):
            content = m.get("content")
            return content if isinstance(content, str) else None
    return None


def _command(spec: Mapping[str, Any]) -> Command[Any]:
    goto = spec.get("goto")
    if isinstance(goto, Mapping) or (
        isinstance(goto, list) and any(isinstance(g, Mapping) for g in goto)
    ):
        from langgraph.types import Send

        items = goto if isinstance(goto, list) else [goto]
        goto = [Send(g["node"], g.get("input")) if isinstance(g, Mapping) else g for g in items]
    kwargs: dict[str, Any] = {}
    if "resume" in spec:
        kwargs["resume"] = spec["resume"]
    if spec.get("update") is not None:
        kwargs["update"] = spec["update"]
    if goto is not None:
        kwargs["goto"] = goto
    return Command(**kwargs)


async def _start_run(
    thread_id: str, body: RunCreate, request: Request, owner: str, *, subscribe: bool
) -> tuple[Any, dict[str, Any], Any]:
    state = get_app_state(request)
    _check_assistant(body.assistant_id)
    _no_nul(body.input, body.command, body.metadata, body.config, body.context)
    _check_input(body.input)
    strategy = body.multitask_strategy or "reject"
    if strategy != "reject":
        raise UnsupportedError(
            f"multitask_strategy {strategy!r} is not supported: only 'reject' (a busy thread is a 409)"
        )
    if body.webhook or body.after_seconds:
        raise UnsupportedError("webhooks and delayed runs are not supported")
    modes = [body.stream_mode] if isinstance(body.stream_mode, str) else list(body.stream_mode)
    unknown = [m for m in modes if m not in STREAM_MODES]
    if unknown:
        raise UnsupportedError(f"stream_mode {unknown} not supported; use {sorted(STREAM_MODES)}")
    if body.if_not_exists == "create":
        await state.threads.claim(owner=owner, thread_id=thread_id)
    else:
        # cached like /v1 chat's check: no database round trip before every run
        await state.threads.check_owned(owner=owner, thread_id=thread_id)

    run_id = new_run_id()
    user_config = body.config or {}
    configurable = {
        k: v
        for k, v in (user_config.get("configurable") or {}).items()
        if k not in _RESERVED and not str(k).startswith("__")
    }
    checkpoint = _checkpoint_keys(body.checkpoint)
    if body.checkpoint_id:
        checkpoint["checkpoint_id"] = body.checkpoint_id
    configurable.update(checkpoint, thread_id=thread_id, owner=owner)
    if checkpoint.get("checkpoint_id"):
        # Run from a past checkpoint: the thread forks there, its other branch stays.
        configurable[ALLOW_FORK_KEY] = True
    metadata = dict(body.metadata or {})
    config: dict[str, Any] = {
        "configurable": configurable,
        "run_id": uuid.UUID(run_id),
        "metadata": {
            **metadata,
            "owner": owner,
            "thread_id": thread_id,
            "run_id": run_id,
            "graph_id": GRAPH_ID,
            "assistant_id": ASSISTANT_ID,
        },
    }
    if isinstance(user_config.get("recursion_limit"), int):
        config["recursion_limit"] = user_config["recursion_limit"]
    if isinstance(user_config.get("tags"), list):
        config["tags"] = [str(t) for t in user_config["tags"]]

    stream_kwargs: dict[str, Any] = {
        "durability": body.durability
        or ("async" if body.checkpoint_during in (None, True) else "exit")
    }
    if body.context:
        stream_kwargs["context"] = body.context
    if body.interrupt_before:
        stream_kwargs["interrupt_before"] = body.interrupt_before
    if body.interrupt_after:
        stream_kwargs["interrupt_after"] = body.interrupt_after

    graph_input: Any = _command(body.command) if body.command else body.input
    lock = contextlib.AsyncExitStack()
    try:
        await lock.enter_async_context(run_lock(state, thread_id))
    except GrooveGraphError:
        await lock.aclose()
        raise
    try:
        if body.command and "resume" in body.command and not checkpoint:
            await require_pending_interrupt(
                state, {"configurable": {"thread_id": thread_id, "owner": owner}}
            )
        elif not body.command and not checkpoint:
            # "2" sent as a message to "which one? 1. … 2. …": the answer, as on /agent
            graph_input = await as_reply_if_pending(
                state, graph_input, {"configurable": {"thread_id": thread_id, "owner": owner}}
            )
            graph_input = turn_input.mark_burst(graph_input)
        handle, record, queue = await RunManager.of(state).start(
            thread_id=thread_id,
            owner=owner,
            assistant_id=ASSISTANT_ID,
            graph_input=graph_input,
            config=config,
            modes=modes,
            subgraphs=body.stream_subgraphs,
            stream_kwargs=stream_kwargs,
            metadata=metadata,
            multitask_strategy=strategy,
            lock=lock,
            title=_title(body.input),
            subscribe=subscribe,
        )
    except BaseException:
        await lock.aclose()
        raise
    return handle, record, queue


def _run_headers(thread_id: str, run_id: str, *, join: str) -> dict[str, str]:
    return {
        "Content-Location": f"/threads/{thread_id}/runs/{run_id}",
        "Location": f"/threads/{thread_id}/runs/{run_id}/{join}",
    }


def _sse(request: Request, events: Any, headers: dict[str, str]) -> EventSourceResponse:
    state = get_app_state(request)
    return EventSourceResponse(
        events,
        ping=state.settings.sse_heartbeat_s,
        ping_message_factory=lambda: ServerSentEvent(comment="heartbeat"),
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **headers},
    )


@router.post(
    "/threads/{thread_id}/runs/stream",
    summary="Start a run and stream it (SSE)",
    response_class=EventSourceResponse,
    responses={409: {"description": "A run is already in progress on this thread."}},
)
async def stream_run(
    thread_id: str, body: RunCreate, request: Request, owner: Owner
) -> EventSourceResponse:
    handle, _, queue = await _start_run(thread_id, body, request, owner, subscribe=True)
    manager = RunManager.of(get_app_state(request))
    events = manager.events(
        handle,
        cancel_on_disconnect=(body.on_disconnect or "continue") == "cancel",
        first=sse_event("metadata", {"run_id": handle.run_id, "attempt": 1}),
        queue=queue,
    )
    return _sse(request, events, _run_headers(thread_id, handle.run_id, join="stream"))


async def _outcome(state: AppState, handle: Any, owner: str) -> Any:
    """What ``wait``/``join`` answer: the thread's values at the end of the run (with
    ``__interrupt__`` when it paused), or ``{"__error__": …}`` when it failed."""
    if handle.error is not None:
        return {"__error__": handle.error}
    snap = await _with_images(
        state, owner, await state.graph.aget_state(_cfg(handle.thread_id, owner)), {}
    )
    values = pjson(snap.values or {})
    interrupts = [pjson(i) for t in snap.tasks for i in t.interrupts]
    if interrupts and isinstance(values, dict):
        values["__interrupt__"] = interrupts
    return values


@router.post("/threads/{thread_id}/runs/wait", summary="Start a run and wait for its outcome")
async def wait_run(thread_id: str, body: RunCreate, request: Request, owner: Owner) -> JSONResponse:
    state = get_app_state(request)
    handle, _, _ = await _start_run(thread_id, body, request, owner, subscribe=False)
    try:
        await asyncio.shield(handle.done.wait())
    except asyncio.CancelledError:
        if (body.on_disconnect or "continue") == "cancel":
            await RunManager.of(state).cancel(handle)
        raise
    return JSONResponse(
        await _outcome(state, handle, owner),
        headers=_run_headers(thread_id, handle.run_id, join="join"),
    )


@router.post("/threads/{thread_id}/runs", summary="Start a run in the background")
async def create_run(
    thread_id: str, body: RunCreate, request: Request, owner: Owner
) -> JSONResponse:
    handle, record, _ = await _start_run(thread_id, body, request, owner, subscribe=False)
    return JSONResponse(record, headers=_run_headers(thread_id, handle.run_id, join="stream"))


@router.get("/threads/{thread_id}/runs", summary="The thread's runs, newest first")
async def list_runs(
    thread_id: str,
    request: Request,
    owner: Owner,
    limit: int = Query(10, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
    status: str | None = None,
) -> list[dict[str, Any]]:
    state = get_app_state(request)
    await state.threads.check_owned(owner=owner, thread_id=thread_id)
    return await RunManager.of(state).records.list(
        owner=owner, thread_id=thread_id, limit=limit, offset=offset, status=status
    )


async def _record(state: AppState, owner: str, thread_id: str, run_id: str) -> dict[str, Any]:
    await state.threads.check_owned(owner=owner, thread_id=thread_id)
    record = await RunManager.of(state).records.get(owner=owner, thread_id=thread_id, run_id=run_id)
    if record is None:
        raise RunNotFoundError(f"run {run_id!r} not found")
    return record


@router.get("/threads/{thread_id}/runs/{run_id}", summary="A run")
async def get_run(thread_id: str, run_id: str, request: Request, owner: Owner) -> dict[str, Any]:
    return await _record(get_app_state(request), owner, thread_id, run_id)


@router.post("/threads/{thread_id}/runs/{run_id}/cancel", summary="Cancel a run")
async def cancel_run(
    thread_id: str,
    run_id: str,
    request: Request,
    owner: Owner,
    wait: bool = False,
    action: Literal["interrupt", "rollback"] = "interrupt",
) -> Response:
    state = get_app_state(request)
    record = await _record(state, owner, thread_id, run_id)
    if action != "interrupt":
        raise UnsupportedError("only action=interrupt is supported")
    manager = RunManager.of(state)
    handle = manager.handle(run_id, owner=owner, thread_id=thread_id)
    if handle is None:
        if record["status"] in TERMINAL:
            return Response(status_code=202)
        raise RunElsewhereError(
            f"run {run_id!r} is running in another server process; cancel it there"
        )
    await manager.cancel(handle)
    if wait:
        await asyncio.shield(handle.done.wait())
    return Response(status_code=202)


@router.get("/threads/{thread_id}/runs/{run_id}/join", summary="Wait for a run's outcome")
async def join_run(thread_id: str, run_id: str, request: Request, owner: Owner) -> Any:
    state = get_app_state(request)
    record = await _record(state, owner, thread_id, run_id)
    handle = RunManager.of(state).handle(run_id, owner=owner, thread_id=thread_id)
    if handle is not None:
        await asyncio.shield(handle.done.wait())
        return await _outcome(state, handle, owner)
    while record["status"] not in TERMINAL:  # running in another process: poll its record
        await asyncio.sleep(0.5)
        record = await _record(state, owner, thread_id, run_id)
    snap = await state.graph.aget_state(_cfg(thread_id, owner))
    return pjson(snap.values or {})


@router.get(
    "/threads/{thread_id}/runs/{run_id}/stream",
    summary="Follow a run's events from now on (SSE)",
    response_class=EventSourceResponse,
)
async def join_stream(
    thread_id: str,
    run_id: str,
    request: Request,
    owner: Owner,
    cancel_on_disconnect: bool = False,
) -> EventSourceResponse:
    state = get_app_state(request)
    await _record(state, owner, thread_id, run_id)
    manager = RunManager.of(state)
    handle = manager.handle(run_id, owner=owner, thread_id=thread_id)
    if handle is None:
        # Finished before this process knew of it (or runs elsewhere): nothing to follow.
        async def ended() -> Any:
            yield sse_event("end", None)

        return _sse(request, ended(), {})
    events = manager.events(handle, cancel_on_disconnect=cancel_on_disconnect, first=None)
    return _sse(request, events, {})


__all__ = ["ASSISTANT_ID", "GRAPH_ID", "router", "thread_busy"]
