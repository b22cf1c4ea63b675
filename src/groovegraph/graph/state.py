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
    EraBrief,
    ParsedRequest,
    RoutePlan,
)


def merge_dicts(left: dict[str, Any] | None, right: dict[str, Any] | None) -> dict[str, Any]:
    """Reducer: later keys win; parallel specialists may add analyses in one step."""
    return {**(left or {}), **(right or {})}


def add_completed(left: list[str] | None, right: list[str] | None) -> list[str]:
    """Reducer of the specialists finished this turn; ``None`` (from the supervisor) resets."""
    if right is None:
        return []
    out = list(left or [])
    out.extend(name for name in right if name not in out)
    return out


def add_usage(left: dict[str, int] | None, right: dict[str, int] | None) -> dict[str, int]:
    """Reducer summing token counts (input_tokens, output_tokens, total_tokens, calls)."""
    out = dict(left or {})
    for key, value in (right or {}).items():
        out[key] = out.get(key, 0) + int(value)
    return out


class GrooveGraphInput(TypedDict):
    """Input of a run: new messages only (``{"messages": [...]}``)."""

    messages: Annotated[list[AnyMessage], add_messages]


class GrooveGraphOutput(TypedDict, total=False):
    """What a run returns: the conversation and every structured result of the turn."""

    messages: Annotated[list[AnyMessage], add_messages]
    request: ParsedRequest | None
    plan: RoutePlan | None
    analyses: Annotated[dict[str, Analysis], merge_dicts]
    hits: list[CatalogHit]
    reports: list[CompatibilityReport]
    era: EraBrief | None
    usage: Annotated[dict[str, int], add_usage]


class GrooveGraphState(TypedDict, total=False):
    """Full state of a thread.

    ``analyses`` (keyed by sample id or resolved path) accumulate over the thread;
    ``hits``, ``reports`` and ``era`` hold the current turn's results; ``focus`` is the
    samples the last turn referenced, ``listed_hits`` the last hit list shown (what "the
    first one", "#2" or "the 97 BPM one" point at) and ``listed_request`` the search that
    produced it ("which of them swing?"); the
    ``<specialist>_messages`` channels are each specialist's private tool-calling
    scratchpad (reset every turn) so parallel specialists never interleave tool calls.
    """

    messages: Annotated[list[AnyMessage], add_messages]
    request: ParsedRequest | None
    plan: RoutePlan | None
    completed: Annotated[list[str], add_completed]
    focus: list[str]
    listed_hits: list[CatalogHit]
    listed_request: ParsedRequest | None
    analyses: Annotated[dict[str, Analysis], merge_dicts]
    hits: list[CatalogHit]
    reports: list[CompatibilityReport]
    era: EraBrief | None
    usage: Annotated[dict[str, int], add_usage]
    groove_messages: Annotated[list[AnyMessage], add_messages]
    era_messages: Annotated[list[AnyMessage], add_messages]
    compatibility_messages: Annotated[list[AnyMessage], add_messages]
    discovery_messages: Annotated[list[AnyMessage], add_messages]
