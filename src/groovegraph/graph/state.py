"""The LangGraph state of a groovegraph thread: channels, reducers, input/output schemas.

Kept apart from :mod:`groovegraph.state` (the pydantic result models) because it needs
LangChain's message types: the audio tools and the CLI import the result models and
must not pay LangChain's import time on a cold start.
"""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from typing_extensions import TypedDict  # typing.TypedDict breaks LangServe on Python 3.11

from groovegraph.state import (
    Analysis,
    CatalogHit,
    CompatibilityReport,
    ConversationMemory,
    EraBrief,
    ParsedRequest,
    RoutePlan,
    ShownList,
)

#: Analyses a thread's state keeps (most recently used); an older one is read again from
#: the catalog or re-measured when a later turn points at it.
ANALYSES_KEPT = 24
#: Hit lists shown before the last one that a thread's state keeps (most recent last), and
#: the hits kept of each: what "back to the list" and "those three dusty loops" reach.
SHOWN_LISTS_KEPT = 5
SHOWN_LIST_HITS_KEPT = 50


def merge_dicts(left: dict[str, Any] | None, right: dict[str, Any] | None) -> dict[str, Any]:
    """Reducer: later keys win; parallel specialists may add analyses in one step."""
    return {**(left or {}), **(right or {})}


def compact_analysis(analysis: Analysis) -> Analysis:
    """An analysis as the thread keeps it: every measured value but the beat and downbeat
    arrays (hundreds of floats per loop, stored once in the catalog row and in the turn's
    tool result, not again in every checkpoint of the thread)."""
    if analysis.beats_s is None and analysis.downbeats_s is None:
        return analysis
    return analysis.model_copy(update={"beats_s": None, "downbeats_s": None})


def keep_analyses(
    left: dict[str, Analysis] | None, right: dict[str, Analysis] | None
) -> dict[str, Analysis]:
    """Reducer of ``analyses``: later keys win and move to the end, values are compacted
    (:func:`compact_analysis`), and only the :data:`ANALYSES_KEPT` most recent stay."""
    out = dict(left or {})
    for ref, analysis in (right or {}).items():
        out.pop(ref, None)
        out[ref] = compact_analysis(
            analysis if isinstance(analysis, Analysis) else Analysis.model_validate(analysis)
        )
    return dict(list(out.items())[-ANALYSES_KEPT:])


def add_completed(left: list[str] | None, right: list[str] | None) -> list[str]:
    """Reducer of the specialists finished this turn; ``None`` (from the supervisor) resets."""
    if right is None:
        return []
    out = list(left or [])
    out.extend(name for name in right if name not in out)
    return out


RESET = "reset"
"""A usage update carrying ``{"reset": 1}`` starts the count again (each new turn)."""


def add_usage(left: dict[str, float] | None, right: dict[str, float] | None) -> dict[str, float]:
    """Reducer summing token counts (input_tokens, output_tokens, total_tokens, llm_calls)
    and their cost (cost_usd); an update with the :data:`RESET` key starts from zero."""
    right = dict(right or {})
    out = {} if right.pop(RESET, None) else dict(left or {})
    for key, value in right.items():
        total = out.get(key, 0) + value
        out[key] = round(total, 8) if isinstance(total, float) else int(total)
    return out


class GrooveGraphInput(TypedDict):
    """Input of a run: new messages only (``{"messages": [...]}``)."""

    messages: Annotated[list[AnyMessage], add_messages]


class GrooveGraphOutput(TypedDict, total=False):
    """What a run returns: the conversation and every structured result of the turn."""

    messages: Annotated[list[AnyMessage], add_messages]
    request: ParsedRequest | None
    plan: RoutePlan | None
    analyses: Annotated[dict[str, Analysis], keep_analyses]
    hits: list[CatalogHit]
    reports: list[CompatibilityReport]
    era: EraBrief | None
    usage: Annotated[dict[str, float], add_usage]
    turn_usage: Annotated[dict[str, float], add_usage]
    memory: ConversationMemory | None


class GrooveGraphState(TypedDict, total=False):
    """Full state of a thread.

    ``analyses`` (keyed by sample id or resolved path) accumulate over the thread;
    ``hits``, ``reports`` and ``era`` hold the current turn's results; ``memory`` the
    summary of turns folded out of the prompt window and the constraints stated so far
    (``messages`` keeps ``settings.history_turns`` turns, ``analyses`` the most recent
    :data:`ANALYSES_KEPT`, without beat arrays); ``focus`` is the
    samples the last turn referenced, ``listed_hits`` the last hit list shown (what "the
    first one", "#2" or "the 97 BPM one" point at) and ``listed_request`` the search that
    produced it ("which of them swing?"), ``shown_lists`` the lists shown before it with
    their searches (at most :data:`SHOWN_LISTS_KEPT`, newest last: "back to the list",
    "those three dusty loops", "the C minor one" of a list two answers ago); the
    ``usage`` sums token counts and cost over the thread, ``turn_usage`` over the current
    turn; the ``<specialist>_messages`` channels are each specialist's private tool-calling
    scratchpad (reset every turn) so parallel specialists never interleave tool calls;
    ``respond`` reads the turn's tool results from them too; ``answered`` holds the keys
    of the earlier turns' AI messages (:func:`groovegraph.graph.repeats.answer_key`), so
    the node that writes the answer never sends one of them again; ``choices`` the
    answers to the "which one?" questions of the turn being read (``{"turn", "answers"}``:
    the specialist that asked writes them, the supervisor reads the turn again with them).
    """

    messages: Annotated[list[AnyMessage], add_messages]
    request: ParsedRequest | None
    plan: RoutePlan | None
    completed: Annotated[list[str], add_completed]
    focus: list[str]
    listed_hits: list[CatalogHit]
    listed_request: ParsedRequest | None
    shown_lists: list[ShownList]
    analyses: Annotated[dict[str, Analysis], keep_analyses]
    hits: list[CatalogHit]
    reports: list[CompatibilityReport]
    era: EraBrief | None
    usage: Annotated[dict[str, float], add_usage]
    turn_usage: Annotated[dict[str, float], add_usage]
    memory: ConversationMemory | None
    answered: list[str]
    notes: list[str]
    choices: dict[str, Any]
    groove_messages: Annotated[list[AnyMessage], add_messages]
    era_messages: Annotated[list[AnyMessage], add_messages]
    compatibility_messages: Annotated[list[AnyMessage], add_messages]
    discovery_messages: Annotated[list[AnyMessage], add_messages]
