"""The four specialists: ``groove``, ``era``, ``compatibility``, ``discovery``.

Each specialist is one node plus one ``ToolNode`` (``<id>_tools``) and a private message
channel (``<id>_messages``) that holds its tool calls and results for the turn, so two
specialists running in parallel never interleave tool calls in the conversation.

A visit either asks for tools (an ``AIMessage`` with ``tool_calls`` → ``<id>_tools`` →
back here) or finishes: it copies the tool artifacts into the state (analyses, hits,
reports, era brief), writes one message named after itself into ``messages`` and
returns to the supervisor. With a chat model the model decides the tool calls and writes
the message; offline, :mod:`groovegraph.graph.offline` does both deterministically.

Nodes are synchronous on purpose: under ``ainvoke`` LangGraph runs sync nodes in a
worker thread, and the ToolNode runs sync tools in threads too, so pandas and librosa
never block the server's event loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    BaseMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.tools import BaseTool
from langgraph.runtime import Runtime
from langgraph.types import Command

from groovegraph import prompts
from groovegraph.graph import offline
from groovegraph.graph.context import GrooveContext
from groovegraph.graph.memory import conversation_for_model, count_tokens, memory_prompt
from groovegraph.graph.models import ModelRegistry, specialist_price, usage_updates
from groovegraph.settings import Settings
from groovegraph.state import (
    Analysis,
    CatalogHit,
    CompatibilityReport,
    ConversationMemory,
    EraBrief,
    EraFact,
    GroupStat,
    ParsedRequest,
    SpecialistName,
)

__all__ = [
    "FINAL_NAME",
    "MAX_TOOL_ROUNDS",
    "conversation_for_model",
    "make_specialist",
    "model_prompt",
    "scratch_key",
    "turn_samples",
]

FINAL_NAME = "groovegraph"
MAX_TOOL_ROUNDS = 4


def scratch_key(name: SpecialistName) -> str:
    return f"{name}_messages"


def turn_samples(state: dict[str, Any]) -> list[str]:
    """Sample references of the current turn (parsed, attached or carried over)."""
    req: ParsedRequest | None = state.get("request")
    return list(req.samples) if req else []


def model_prompt(
    system: str, state: dict[str, Any], *, settings: Settings, extra: Sequence[BaseMessage] = ()
) -> list[BaseMessage]:
    """A model's whole prompt: the system text plus the thread's memory (summary and
    constraints), the recent turns that fit, then ``extra`` (this turn's tool calls),
    all within ``settings.memory_tokens``."""
    memory: ConversationMemory | None = state.get("memory")
    notes = memory_prompt(memory)
    head = SystemMessage(content=f"{system}\n\n{notes}" if notes else system)
    room = settings.memory_tokens - count_tokens([head, *extra])
    history = conversation_for_model(
        state.get("messages") or [], memory=memory, max_tokens=max(200, room)
    )
    return [head, *history, *extra]


def without_ids(messages: list[AnyMessage]) -> list[BaseMessage]:
    """Copies without per-run metadata (graph-assigned ids, usage and response metadata,
    which a cache hit also rewrites), so identical prompts hit the response cache: the
    whole serialised message is part of the cache key."""
    out: list[BaseMessage] = []
    for m in messages:
        update: dict[str, Any] = {"id": None, "response_metadata": {}}
        if isinstance(m, AIMessage):
            update["usage_metadata"] = None
        out.append(m.model_copy(update=update))
    return out


def _collect(name: SpecialistName, scratch: list[AnyMessage]) -> tuple[dict[str, Any], list[str]]:
    """State updates from the artifacts of this turn's tool results, plus tool errors."""
    analyses: dict[str, Analysis] = {}
    hits: list[CatalogHit] = []
    reports: list[CompatibilityReport] = []
    facts: list[EraFact] = []
    stats: list[GroupStat] = []
    extra: dict[str, Any] = {}
    reused: list[str] = []
    searches: list[dict[str, Any]] = []
    errors: list[str] = []
    for m in scratch:
        if not isinstance(m, ToolMessage):
            continue
        if m.status == "error":
            errors.append(f"{m.name}: {m.content}")
            continue
        art = m.artifact if isinstance(m.artifact, dict) else {}
        for ref, a in (art.get("analyses") or {}).items():
            analyses[ref] = Analysis.model_validate(a)
        hits.extend(CatalogHit.model_validate(h) for h in art.get("hits") or [])
        reports.extend(CompatibilityReport.model_validate(r) for r in art.get("reports") or [])
        facts.extend(EraFact.model_validate(f) for f in art.get("facts") or [])
        stats.extend(GroupStat.model_validate(s) for s in art.get("stats") or [])
        reused.extend(str(r) for r in art.get("reused") or [])
        if art.get("query") is not None:
            searches.append({k: art.get(k) for k in ("query", "catalog_size", "notes")})
        for k in ("reference", "reference_tempo_bpm", "reference_swing_percent", "stats_filter"):
            if art.get(k) is not None:
                extra[k] = art[k]
        errors.extend(str(e) for e in art.get("errors") or [])
    update: dict[str, Any] = {}
    if name == "groove" or analyses:
        update["analyses"] = analyses
    if name == "discovery":
        update["hits"] = hits
    if name == "compatibility":
        update["reports"] = reports
    if name == "era":
        update["era"] = EraBrief(facts=facts, stats=stats, **extra)
    # Offline-composition details, popped by the node before the state update.
    update["_reused"] = reused
    update["_searches"] = searches
    return update, errors


def make_specialist(
    name: SpecialistName,
    *,
    tools: list[BaseTool],
    models: ModelRegistry,
    settings: Settings,
) -> Callable[..., Command[Any]]:
    """The node function of one specialist (routes to ``<name>_tools`` or ``supervisor``)."""
    key = scratch_key(name)
    tools_node = f"{name}_tools"

    def finish(
        state: dict[str, Any], text: str, update: dict[str, Any], extra: dict[str, Any]
    ) -> Command[Any]:
        message = AIMessage(content=text, name=name)
        return Command(
            goto="supervisor",
            update={**update, **extra, "messages": [message], "completed": [name]},
        )

    def alone(state: dict[str, Any]) -> bool:
        plan = state.get("plan")
        return len(plan.specialists) == 1 if plan is not None else True

    def node(state: dict[str, Any], runtime: Runtime[GrooveContext]) -> Command[Any]:
        ctx = runtime.context or GrooveContext()
        request: ParsedRequest = state.get("request") or ParsedRequest()
        scratch: list[AnyMessage] = list(state.get(key) or [])
        samples = turn_samples(state)
        model, _ = models.for_run(ctx.model)
        rounds = sum(1 for m in scratch if isinstance(m, AIMessage) and m.tool_calls)

        if model is None:
            # Offline: first visit plans the tool calls, second visit writes the section.
            if not scratch:
                calls = offline.plan_tool_calls(
                    name,
                    request,
                    samples=samples,
                    result_count=ctx.result_count or settings.result_count,
                )
                if calls:
                    return Command(
                        goto=tools_node,
                        update={key: [AIMessage(content="", tool_calls=calls, name=name)]},
                    )
            update, errors = _collect(name, scratch)
            results = {
                "reused": update.pop("_reused"),
                "searches": update.pop("_searches"),
                "analyses": update.get("analyses") or {},
                "hits": update.get("hits") or [],
                "reports": update.get("reports") or [],
                "era": update.get("era"),
                "errors": errors,
            }
            section = offline.compose_section(name, request=request, alone=alone(state), **results)
            if alone(state):
                # The only specialist of the turn: its message is the answer (respond
                # adds none), so the thread and the SSE stream show it once.
                text = offline.compose_answer(request, {name: section})
            else:
                # Several specialists: each leaves its findings in short; respond writes
                # the answer from the full sections (``drafts``).
                text = offline.compose_note(name, **results)
            return finish(state, text, update, {"drafts": {name: section}})

        # With a chat model: it decides tool calls until it answers or the rounds run out.
        system = prompts.SPECIALIST_PROMPTS[name].format(
            samples=", ".join(samples) or "none",
            request=json.dumps(request.model_dump(exclude_defaults=True, exclude={"text"})),
        )
        bound = model.bind_tools(tools) if rounds < MAX_TOOL_ROUNDS else model
        reply = bound.invoke(
            model_prompt(system, state, settings=settings, extra=without_ids(scratch))
        )
        if not isinstance(reply, AIMessage):
            reply = AIMessage(content=str(reply.content))
        reply.name = name
        usage = usage_updates(reply, price=specialist_price(settings))
        if reply.tool_calls and rounds < MAX_TOOL_ROUNDS:
            return Command(goto=tools_node, update={key: [reply], **usage})
        update, errors = _collect(name, scratch)
        update.pop("_reused")
        update.pop("_searches")
        text = reply.text if hasattr(reply, "text") else str(reply.content)
        if errors:
            text = "\n".join([text, *(f"(!) {e}" for e in errors)]).strip()
        return finish(state, text, update, usage)

    node.__name__ = name
    return node
