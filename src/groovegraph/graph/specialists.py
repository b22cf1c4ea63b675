"""The four specialists: ``groove``, ``era``, ``compatibility``, ``discovery``.

Each specialist is one node plus one ``ToolNode`` (``<id>_tools``) and a private message
channel (``<id>_messages``) that holds its tool calls and results for the turn, so two
specialists running in parallel never interleave tool calls in the conversation.

A visit either asks for tools (an ``AIMessage`` with ``tool_calls`` → ``<id>_tools`` →
back here) or finishes: it copies the tool artifacts into the state (analyses, hits,
reports, era brief), writes one message named after itself into ``messages`` and
returns to the supervisor. The chat model decides the tool calls and writes the message
in both modes: offline it is :class:`~groovegraph.graph.offline_model.OfflineChatModel`,
which plans the calls and writes from their results deterministically.

Nodes are synchronous on purpose: under ``ainvoke`` LangGraph runs sync nodes in a
worker thread, and the ToolNode runs sync tools in threads too, so pandas and librosa
never block the server's event loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, SystemMessage
from langchain_core.tools import BaseTool
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from groovegraph import prompts
from groovegraph.graph.context import GrooveContext
from groovegraph.graph.memory import conversation_for_model, count_tokens, memory_prompt
from groovegraph.graph.models import ModelRegistry, specialist_price, usage_updates
from groovegraph.graph.names import which_question
from groovegraph.graph.offline_model import with_brief
from groovegraph.graph.repeats import unrepeated
from groovegraph.graph.results import collect_results, with_plots
from groovegraph.settings import Settings
from groovegraph.state import ConversationMemory, ParsedRequest, SpecialistName

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

    def node(state: dict[str, Any], runtime: Runtime[GrooveContext]) -> Command[Any]:
        ask = state.get("ask")
        if ask:
            # A name of the turn fits several files and this specialist needs one: it
            # asks which, in its own words; the supervisor reads the turn again with the
            # answer (and sends the turn back here when this specialist is still needed).
            answer = interrupt(which_question(ask, name))
            answers = {**(ask.get("answers") or {}), ask["key"]: answer}
            return Command(
                goto="supervisor", update={"choices": {"turn": ask["turn"], "answers": answers}}
            )
        ctx = runtime.context or GrooveContext()
        request: ParsedRequest = state.get("request") or ParsedRequest()
        scratch: list[AnyMessage] = list(state.get(key) or [])
        samples = turn_samples(state)
        model, _ = models.for_run(ctx.model)
        rounds = sum(1 for m in scratch if isinstance(m, AIMessage) and m.tool_calls)
        plan = state.get("plan")

        # The model decides tool calls until it answers or the rounds run out (offline:
        # one round of planned calls, then the write-up from their results).
        system = prompts.SPECIALIST_PROMPTS[name].format(
            samples=", ".join(samples) or "none",
            request=json.dumps(request.model_dump(exclude_defaults=True, exclude={"text"})),
        )
        prompt = with_brief(
            model_prompt(system, state, settings=settings, extra=without_ids(scratch)),
            role=name,
            request=request,
            samples=samples,
            # what the thread measured of them (a search around a sample matches its key)
            references={ref: a for ref in samples if (a := (state.get("analyses") or {}).get(ref))},
            alone=len(plan.specialists) == 1 if plan is not None else True,
            result_count=ctx.result_count or settings.result_count,
        )
        bound = model.bind_tools(tools) if rounds < MAX_TOOL_ROUNDS else model
        reply = bound.invoke(prompt)
        if not isinstance(reply, AIMessage):
            reply = AIMessage(content=str(reply.content))
        reply.name = name
        usage = usage_updates(reply, price=specialist_price(settings))
        if reply.tool_calls and rounds < MAX_TOOL_ROUNDS:
            return Command(goto=tools_node, update={key: [reply], **usage})
        results = collect_results(name, scratch)
        text = reply.text if hasattr(reply, "text") else str(reply.content)
        if results.errors and not reply.response_metadata.get("tool_errors_shown"):
            text = "\n".join([text, *(f"(!) {e}" for e in results.errors)]).strip()
        # Alone, this message is the turn's answer; with others, the answer may stand on
        # it: either way never a text the thread already holds (graph/repeats.py). A turn
        # whose answer opens with a line of its own (the value asked, a correction noted:
        # the supervisor's notes) carries that line here when the specialist works alone,
        # so the turn's one message is the whole answer (``respond`` adds nothing then);
        # with others, ``respond`` writes the answer and opens it with them.
        notes = [n for n in state.get("notes") or [] if n]
        alone = len(plan.specialists) == 1 if plan is not None else True
        if notes and alone and text.strip():
            text = "\n\n".join([*notes, text])
        text = (
            text
            if notes and not alone
            else unrepeated(
                text,
                answered=state.get("answered") or [],
                request=request,
                previous=state.get("listed_request"),
                listed=state.get("listed_hits") or [],
                hits=results.hits,
                searched=bool(results.searches),
                analyses=results.analyses,
                reports=results.reports,
                era=results.era,
                led=bool(notes),
            )
        )
        message = AIMessage(content=text, name=name, additional_kwargs=with_plots(results.plots))
        switched = (
            {"request": request.model_copy(update=results.switched)} if results.switched else {}
        )
        return Command(
            goto="supervisor",
            update={
                **results.state_update(),
                **switched,
                **usage,
                "messages": [message],
                "completed": [name],
            },
        )

    node.__name__ = name
    return node
