"""The supervisor: routes each user turn to specialists and closes it with one answer.

On a new turn (a new human message) it parses the request, decides the specialists
(router model with structured output, or :func:`~groovegraph.graph.offline.route_request`
offline), orders them into stages — ``groove`` first when the others need its
analyses, the rest in parallel via ``Send`` — and dispatches the first stage. Every
specialist returns here; when a stage is complete the next one starts, and after the
last stage ``respond`` writes the answer from every specialist's result.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, Literal

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
)
from langgraph.graph.message import REMOVE_ALL_MESSAGES
from langgraph.runtime import Runtime
from langgraph.types import Command, Send
from pydantic import ValidationError

from groovegraph import prompts
from groovegraph.graph import followups, offline
from groovegraph.graph.context import GrooveContext
from groovegraph.graph.memory import turn_number
from groovegraph.graph.models import ModelRegistry, usage_of
from groovegraph.graph.parser import blank_spans, parse_request
from groovegraph.graph.specialists import conversation_for_model, scratch_key
from groovegraph.state import (
    SPECIALISTS,
    CatalogHit,
    ParsedRequest,
    Route,
    RoutePlan,
)

__all__ = ["make_supervisor", "message_samples", "message_text"]

log = logging.getLogger(__name__)

# "this loop", "it", "these" in a turn without its own sample point at the last one.
_ANAPHORA_RE = re.compile(
    r"\b(?:this|that|these|those|the same)\s+(?:loop|break|sample|track|one|groove|beat|file|record)s?\b"
    r"|\b(?:it|them)\b|\b(?:this|these)\b(?!\s+(?:era|decade|style|sound|genre|year|time|week)\b)",
    re.IGNORECASE,
)


def message_text(message: AnyMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(
        part.get("text", "") if isinstance(part, dict) else str(part)
        for part in content
        if not isinstance(part, dict) or part.get("type") in (None, "text")
    )


def message_samples(message: AnyMessage) -> list[str]:
    """Sample ids/paths attached to a message: ``additional_kwargs["samples"]`` or content
    parts ``{"type": "sample", "id": ...}``."""
    out = [str(s) for s in (message.additional_kwargs or {}).get("samples") or [] if str(s).strip()]
    if isinstance(message.content, list):
        for part in message.content:
            if isinstance(part, dict) and part.get("type") == "sample":
                ref = part.get("id") or part.get("path")
                if ref:
                    out.append(str(ref))
    return list(dict.fromkeys(out))


def _human_turns(messages: list[AnyMessage]) -> list[HumanMessage]:
    return [m for m in messages if isinstance(m, HumanMessage)]


Destination = Literal["groove", "era", "compatibility", "discovery", "respond"]


def make_supervisor(*, models: ModelRegistry) -> Callable[..., Command[Destination]]:
    """The supervisor node."""

    def route_with_model(
        model: Any, request: ParsedRequest, messages: list[AnyMessage]
    ) -> tuple[Route, dict[str, int]]:
        structured = _structured(model)
        system = prompts.ROUTER_PROMPT.format(samples=", ".join(request.samples) or "none")
        raw = structured.invoke(
            [SystemMessage(content=system), *conversation_for_model(messages, keep=6)]
        )
        route: Route = raw["parsed"] if isinstance(raw, dict) else raw
        if route is None:  # include_raw with a parse failure
            raise raw.get("parsing_error") or ValueError("router returned no route")
        usage = (
            usage_of(raw["raw"])
            if isinstance(raw, dict) and isinstance(raw.get("raw"), AIMessage)
            else {"llm_calls": 1}
        )
        return route, usage

    def supervisor(state: dict[str, Any], runtime: Runtime[GrooveContext]) -> Command[Destination]:
        messages: list[AnyMessage] = state.get("messages") or []
        humans = _human_turns(messages)
        plan: RoutePlan | None = state.get("plan")
        if not humans:
            return Command(goto="respond")
        # Old turns' messages leave the state (memory.py): count them too.
        turn = turn_number(messages, state.get("memory"))

        if plan is None or plan.turn != turn:
            # ---- a new turn: parse, route, plan, reset the per-turn results
            last = humans[-1]
            focus: list[str] = list(state.get("focus") or [])
            # "the first one", "#2", "both of them" point into the last list of hits shown:
            # the previous turn's, or an older one when turns since found nothing new.
            # What the list showed and the search behind it also serve "the 97 BPM one"
            # and "which of them swing?" (kept while later turns list nothing new).
            previous: list[CatalogHit] = list(state.get("hits") or [])
            listed_hits = previous or list(state.get("listed_hits") or [])
            listed = [h.sample_id for h in listed_hits]
            searched: ParsedRequest | None = (
                state.get("request") if previous else state.get("listed_request")
            )
            text = message_text(last)
            by_attr = followups.find_attribute_refs(text, hits=listed_hits)
            # "the 97 BPM one" is a reference, not a tempo filter.
            blanked = blank_spans(text, spans=by_attr.spans)
            attached = message_samples(last)
            # "any of those faster than 125?" narrows the list; read without the list, so
            # "those" is not taken for the two hits just shown.
            alone = parse_request(blanked, samples=attached)
            filtering = (
                searched is not None
                and not by_attr.spans
                and followups.is_filter_followup(text, alone)
            )
            if filtering and searched is not None:
                request = followups.merge_filter(searched, alone)
            elif listed or by_attr.ids:
                request = parse_request(
                    blanked,
                    samples=[*by_attr.ids, *attached],
                    results=listed,
                    fresh_results=bool(previous),
                )
            else:
                request = alone  # no list to point into: the same parse as above
            if by_attr.spans:  # never together with a filter (see ``filtering``)
                update_req: dict[str, Any] = {
                    "text": text,
                    "unresolved": [*by_attr.unresolved, *request.unresolved],
                }
                if not request.samples:
                    # "will the 110 BPM one mix with C major?" with no such hit: the question
                    # was about that loop, so nothing else is answered in its place.
                    update_req["intents"] = []
                request = request.model_copy(update=update_req)
            if not request.samples and focus and _ANAPHORA_RE.search(request.text):
                request = request.model_copy(
                    update={"samples": focus, "intents": [*request.intents, "analyze"]}
                )
            _, router = models.for_run((runtime.context or GrooveContext()).model)
            usage: dict[str, int] = {}
            if router is None:
                route = offline.route_request(request)
                source: Literal["offline", "model", "fallback"] = "offline"
            else:
                try:
                    route, usage = route_with_model(router, request, messages)
                    source = "model"
                except (OutputParserException, ValidationError):
                    raise  # malformed output: the node's RetryPolicy asks again
                except Exception as err:
                    log.warning(
                        "router model failed (%s: %s); routing offline", type(err).__name__, err
                    )
                    route, source = offline.route_request(request), "fallback"
            chosen = [s for s in SPECIALISTS if s in route.specialists]
            if request.samples and chosen and "groove" not in chosen:
                # Others reason from the analysis: a referenced sample is always analysed.
                chosen.insert(0, "groove")
            stages = offline.plan_stages(chosen, has_samples=bool(request.samples))
            new_plan = RoutePlan(
                turn=turn,
                specialists=chosen,
                stages=stages,
                stage=0,
                reason=route.reason,
                router=source,
            )
            update: dict[str, Any] = {
                "request": request,
                "plan": new_plan,
                "completed": None,
                "hits": [],
                "reports": [],
                "era": None,
                "focus": request.samples or focus,
                "listed_hits": listed_hits,
                "listed_request": searched,
                **{scratch_key(s): [RemoveMessage(id=REMOVE_ALL_MESSAGES)] for s in SPECIALISTS},
            }
            if usage:
                update["usage"] = usage
            if not stages:
                return Command(goto="respond", update=update)
            # Send carries what the specialists must see (this step's updates are not in
            # their input yet); it is checkpointed with the task, so it stays small.
            payload = _send_payload({**state, **update})
            return Command(goto=[Send(s, payload) for s in stages[0]], update=update)

        # ---- a specialist came back: wait for its stage, then start the next one
        done = set(state.get("completed") or [])
        if plan.stage < len(plan.stages) and not set(plan.stages[plan.stage]) <= done:
            return Command(goto=[])
        next_stage = plan.stage + 1
        advanced = plan.model_copy(update={"stage": next_stage})
        if next_stage < len(plan.stages):
            payload = _send_payload({**state, "plan": advanced})
            return Command(
                goto=[Send(s, payload) for s in plan.stages[next_stage]], update={"plan": advanced}
            )
        return Command(goto="respond", update={"plan": advanced})

    return supervisor


_PAYLOAD_MESSAGES = 16


def _send_payload(state: dict[str, Any]) -> dict[str, Any]:
    """A specialist's first-visit input: the turn's request and plan, the analyses of the
    turn's samples and the recent conversation — not the whole thread, because every
    ``Send`` argument is stored in the checkpoint with its task."""
    request: ParsedRequest | None = state.get("request")
    analyses = state.get("analyses") or {}
    refs = request.samples if request else []
    return {
        "messages": list(state.get("messages") or [])[-_PAYLOAD_MESSAGES:],
        "request": request,
        "plan": state.get("plan"),
        "focus": state.get("focus") or [],
        "analyses": {k: analyses[k] for k in refs if k in analyses},
        "memory": state.get("memory"),
        "completed": [],
        **{scratch_key(s): [] for s in SPECIALISTS},
    }


def _structured(model: Any) -> Any:
    """Structured-output runnable for the router, using tool calling where supported
    (the most widely implemented mode among OpenAI-compatible servers)."""
    try:
        return model.with_structured_output(Route, method="function_calling", include_raw=True)
    except (TypeError, ValueError, NotImplementedError):
        return model.with_structured_output(Route, include_raw=True)
