"""The ``respond`` node: closes a turn with exactly one answer, and updates the memory.

The answer is the turn's last AI message, and no two AI messages of a turn carry the
same text (DESIGN, graph contract):

* the chat model writes the answer from the specialists' reports; a reply that repeats
  a specialist's message word for word is not added again;
* offline (:class:`~groovegraph.graph.offline_model.OfflineChatModel`, the same call), a
  turn with one specialist already has its answer — that specialist's message, which the
  offline model repeats and so is not added; with several, each left its findings in
  short and the offline model writes the answer from their tool results (the
  specialists' private channels, passed in the prompt's brief); with none, it is the
  help or thanks line.

An answer the thread already holds is never sent again
(:func:`groovegraph.graph.repeats.unrepeated`: it first says why the result is the same).

Then :func:`groovegraph.graph.memory.remember` folds turns that left the prompt window
into the summary, records the turn's constraints and drops messages past
``settings.history_turns``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.runtime import Runtime

from groovegraph import prompts
from groovegraph.graph.context import GrooveContext
from groovegraph.graph.memory import message_text, remember, turn_topics
from groovegraph.graph.models import ModelRegistry, specialist_price, usage_updates
from groovegraph.graph.offline_model import with_brief
from groovegraph.graph.repeats import unrepeated
from groovegraph.graph.results import collect_results, plots_of, with_plots
from groovegraph.graph.specialists import FINAL_NAME, model_prompt, scratch_key
from groovegraph.settings import Settings
from groovegraph.state import SPECIALISTS, ParsedRequest, RoutePlan, SpecialistName

__all__ = ["make_respond"]


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _holds(text: str, line: str) -> bool:
    """``text`` already says ``line`` (up to spacing)."""
    return " ".join(line.split()) in " ".join(text.split())


def make_respond(*, models: ModelRegistry, settings: Settings) -> Callable[..., dict[str, Any]]:
    """The ``respond`` node."""

    def respond(state: dict[str, Any], runtime: Runtime[GrooveContext]) -> dict[str, Any]:
        messages: list[AnyMessage] = list(state.get("messages") or [])
        plan: RoutePlan | None = state.get("plan")
        request: ParsedRequest | None = state.get("request")
        last_human = max(
            (i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1
        )
        said = [
            m
            for m in messages[last_human + 1 :]
            if isinstance(m, AIMessage) and not m.tool_calls and message_text(m).strip()
        ]
        model, _ = models.for_run((runtime.context or GrooveContext()).model)
        update: dict[str, Any] = {}
        ran = [(m.name, message_text(m)) for m in said if m.name in SPECIALISTS]
        sections = dict(ran)
        order: list[SpecialistName] = list(plan.specialists) if plan else []
        reports = (
            "\n\n".join(f"[{s}]\n{sections[s]}" for s in order if s in sections)
            or "(no specialist ran)"
        )
        system = prompts.RESPOND_PROMPT.format(reports=reports)
        prompt = with_brief(
            model_prompt(system, state, settings=settings),
            role="respond",
            request=request,
            memory=state.get("memory"),
            said=ran,
            # the user's messages the thread still holds, oldest first (this turn's last)
            asked=[message_text(m) for m in messages if isinstance(m, HumanMessage)],
            results={
                name: collect_results(name, state.get(scratch_key(name)) or []) for name in sections
            },
        )
        reply = model.invoke(prompt)
        text = message_text(reply)
        # An answer already given in this thread is not sent again: said again, it says
        # first why it is the same (a specialist's own message was checked by it).
        results = {
            name: collect_results(name, state.get(scratch_key(name)) or []) for name in SPECIALISTS
        }
        # What the supervisor took from the turn (a tempo the user states, the value a
        # question asked) comes first; with it the answer is not the earlier one again.
        # (A specialist that worked alone opened its message with them already: that
        # message is the answer, and its lines are not said twice.)
        notes = [n for n in state.get("notes") or [] if n and not _holds(text, n)]
        if notes:
            text = "\n\n".join([*notes, text])
        if not any(_same(text, message_text(m)) for m in said):
            text = unrepeated(
                text,
                answered=state.get("answered") or [],
                request=request,
                previous=state.get("listed_request"),
                listed=state.get("listed_hits") or [],
                hits=state.get("hits") or [],
                searched=bool(results["discovery"].searches),
                analyses={k: v for r in results.values() for k, v in r.analyses.items()},
                reports=state.get("reports") or [],
                era=state.get("era"),
                led=bool(notes),
            )
        # The answer shows the pictures its specialists' messages showed.
        plots = {(p.sha256, p.kind): p for m in said for p in plots_of(m)}
        answer: AIMessage | None = AIMessage(
            content=text,
            name=FINAL_NAME,
            response_metadata=reply.response_metadata,
            additional_kwargs=with_plots(list(plots.values())),
        )
        update.update(usage_updates(reply, price=specialist_price(settings)))
        if answer is not None and any(_same(message_text(answer), message_text(m)) for m in said):
            answer = None  # word for word what a specialist said: that message stands
        if answer is not None:
            update["messages"] = [answer]
            messages.append(answer)
        memory, removals = remember(
            messages=messages,
            memory=state.get("memory"),
            request=request,
            memory_tokens=settings.memory_tokens,
            history_turns=settings.history_turns,
            topics=turn_topics(
                request=request,
                analyses=state.get("analyses") or {},
                hits=state.get("hits") or [],
                reports=state.get("reports") or [],
                era=state.get("era"),
                specialists=order,
            ),
        )
        update["memory"] = memory
        if removals:
            update["messages"] = [*removals, *update.get("messages", [])]
        return update

    return respond
