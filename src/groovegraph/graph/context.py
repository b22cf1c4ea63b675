"""Per-run knobs (LangGraph ``context_schema``): Studio shows them, callers pass
``context={...}`` to ``invoke``/``stream``; unset fields fall back to the settings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GrooveContext:
    """Run-time configuration of one graph run."""

    model: str | None = field(
        default=None,
        metadata={
            "description": "Override the chat model for this run: 'offline' or 'provider:model'."
        },
    )
    result_count: int | None = field(
        default=None,
        metadata={
            "description": "How many catalog hits discovery returns (1-50); default from settings."
        },
    )
