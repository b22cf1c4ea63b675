"""The offline chat model: the embedded default (``GROOVEGRAPH_MODEL=offline``) as a
deterministic LangChain chat model, so offline and model mode run the same graph nodes.

The specialists and ``respond`` call a chat model in both modes: they bind their tools,
build the prompt (system text, memory, recent turns, this turn's tool calls and results)
and act on the reply — tool calls go to the specialist's ``ToolNode``, text becomes its
message or the answer. :class:`OfflineChatModel` is that model without a language model:

* a specialist's first call is answered with the tool calls
  :func:`groovegraph.graph.offline.plan_tool_calls` plans for the turn's request (real
  ``tool_calls`` with ids, as a model emits them);
* the call after the tool results is answered from those results — the ToolMessages'
  artifacts in the prompt (:func:`groovegraph.graph.results.collect_results`) — with
  :func:`~groovegraph.graph.offline.compose_section` (the specialist's write-up: the
  answer when it works alone, else a short note, :func:`~groovegraph.graph.offline.compose_note`);
* ``respond`` is answered with the specialists' write-ups joined
  (:func:`~groovegraph.graph.offline.compose_answer`), or with the help line; with one
  specialist it repeats that specialist's message, which ``respond`` then does not add
  again (one answer per turn).

A language model reads the turn from the prompt's text; this model reads the same turn
from the *brief* the node attaches to the system message as data
(``additional_kwargs["groovegraph_brief"]``: the parsed request, the turn's samples,
whether the specialist works alone, the result count; for ``respond`` the specialists'
messages and tool results). Providers send a system message's text only, so the brief
never reaches a remote model.

Its replies cost nothing and are not model calls (``response_metadata["model_provider"]
== "offline"``: the usage counters skip them), list the tool errors themselves
(``response_metadata["tool_errors_shown"]``), are never cached and never streamed token
by token (tag ``nostream``): the turn's messages and SSE events are the ones the offline
graph always produced. The supervisor's routing is not delegated here: the offline
understanding (:mod:`groovegraph.graph.understanding`) reads every turn in both modes,
and this model is that same reader, so the supervisor never asks it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langgraph.constants import TAG_NOSTREAM
from pydantic import Field

from groovegraph.graph.memory import compose_recap
from groovegraph.graph.offline import (
    compose_answer,
    compose_asked,
    compose_note,
    compose_section,
    plan_tool_calls,
)
from groovegraph.graph.results import ToolResults, collect_results
from groovegraph.state import SPECIALISTS, ParsedRequest, SpecialistName

__all__ = ["BRIEF_KEY", "OFFLINE_PROVIDER", "OfflineChatModel", "is_offline", "with_brief"]

BRIEF_KEY = "groovegraph_brief"
OFFLINE_PROVIDER = "offline"
_METADATA = {"model_provider": OFFLINE_PROVIDER, "model_name": OFFLINE_PROVIDER}


def with_brief(prompt: Sequence[BaseMessage], **brief: Any) -> list[BaseMessage]:
    """``prompt`` with ``brief`` attached as data to its system message (the first one)."""
    out = list(prompt)
    if out and isinstance(out[0], SystemMessage):
        head = out[0]
        out[0] = head.model_copy(
            update={"additional_kwargs": {**head.additional_kwargs, BRIEF_KEY: brief}}
        )
    return out


def is_offline(model: Any) -> bool:
    """Whether ``model`` is the offline chat model (a reply from it costs nothing)."""
    return isinstance(model, OfflineChatModel)


def _brief(messages: Sequence[BaseMessage]) -> Mapping[str, Any]:
    for m in messages:
        brief = m.additional_kwargs.get(BRIEF_KEY) if isinstance(m, SystemMessage) else None
        if isinstance(brief, dict):
            return brief
    raise ValueError(
        "the offline model answers graph nodes only: the prompt carries no groovegraph brief"
    )


def _tool_name(tool: Any) -> str:
    if isinstance(tool, str):
        return tool
    if isinstance(tool, BaseTool):
        return tool.name  # no JSON-schema conversion (~1 ms a bind) just for the name
    return str(convert_to_openai_tool(tool)["function"]["name"])


class OfflineChatModel(BaseChatModel):
    """Deterministic chat model of offline mode (see the module docstring)."""

    cache: BaseCache | bool | None = False
    tags: list[str] | None = Field(default_factory=lambda: [TAG_NOSTREAM])

    @property
    def _llm_type(self) -> str:
        return "groovegraph-offline"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": OFFLINE_PROVIDER}

    def bind_tools(
        self, tools: Sequence[Any], **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools by name: the planned calls are made only to tools the node bound."""
        return self.bind(tools=[_tool_name(t) for t in tools], **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        brief = _brief(messages)
        role = brief.get("role")
        if role in SPECIALISTS:
            reply = self._specialist(role, brief, messages, tools=kwargs.get("tools") or [])
        elif role == "respond":
            reply = AIMessage(content=self._respond(brief))
        else:
            raise ValueError(f"the offline model has no part {role!r} in the graph")
        reply.response_metadata = {**_METADATA, "tool_errors_shown": True}
        return ChatResult(generations=[ChatGeneration(message=reply)])

    @staticmethod
    def _specialist(
        name: Any, brief: Mapping[str, Any], messages: list[BaseMessage], *, tools: list[str]
    ) -> AIMessage:
        request: ParsedRequest = brief.get("request") or ParsedRequest()
        asked = any(isinstance(m, AIMessage) and m.tool_calls for m in messages)
        if not asked and tools:
            # First call of the turn: the tool calls the request needs, if any.
            calls = plan_tool_calls(
                name,
                request,
                samples=list(brief.get("samples") or []),
                result_count=int(brief["result_count"]),
            )
            calls = [c for c in calls if c["name"] in tools]
            if calls:
                return AIMessage(content="", tool_calls=calls)
        results = collect_results(name, messages)
        alone = bool(brief.get("alone", True))
        section = compose_section(name, request=request, alone=alone, **results.for_prose())
        if alone:
            # The only specialist of the turn: its message is the answer.
            return AIMessage(content=compose_answer(request, {name: section}))
        # Several specialists: a short note; respond writes the answer from the results.
        return AIMessage(
            content=compose_note(
                name,
                request=request,
                references=brief.get("references") or {},
                **results.for_prose(),
            )
        )

    @staticmethod
    def _respond(brief: Mapping[str, Any]) -> str:
        request: ParsedRequest | None = brief.get("request")
        said: list[tuple[SpecialistName, str]] = list(brief.get("said") or [])
        if request is not None and request.recap and not said:
            # "what were we talking about?": the thread's topics, from the memory
            return compose_recap(brief.get("memory"))
        if request is not None and not said:
            # "what was the first thing I asked you?": the user's own messages
            quoted = compose_asked(request.text, list(brief.get("asked") or []))
            if quoted is not None:
                return quoted
        if len(said) == 1:
            # One specialist worked alone and its message answered the turn already.
            return said[0][1]
        results: Mapping[str, ToolResults] = brief.get("results") or {}
        sections: dict[str, str] = {
            name: compose_section(
                name,
                request=request or ParsedRequest(),
                alone=False,
                **results[name].for_prose(),
            )
            for name, _ in said
            if name in results
        }
        return compose_answer(request, sections)
