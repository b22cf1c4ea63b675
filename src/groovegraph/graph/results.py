"""What a specialist's tools returned this turn, read back from its ToolMessages.

The tools return their structured results as ToolMessage artifacts (see
:mod:`groovegraph.graph.tools`). :func:`collect_results` turns one specialist's
tool-calling scratchpad into the typed results: the specialist node writes them into the
state (analyses, hits, reports, era brief), and the offline chat model
(:mod:`groovegraph.graph.offline_model`) writes its prose from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AnyMessage, BaseMessage, ToolMessage

from groovegraph.state import (
    Analysis,
    CatalogHit,
    CompatibilityReport,
    EraBrief,
    EraFact,
    GroupStat,
    PlotRef,
    SpecialistName,
)

__all__ = ["PLOTTING", "ToolResults", "collect_results", "plots_of", "with_plots"]

#: The specialists whose messages show plots of the samples they report on.
PLOTTING: tuple[SpecialistName, ...] = ("groove", "compatibility")

#: Where a message carries its plots: ``additional_kwargs["plots"]``, a list of
#: :class:`~groovegraph.state.PlotRef` dumps (kept in the checkpoint with the message;
#: the server and the CLI turn them into links and images).
PLOTS_KEY = "plots"


def with_plots(plots: Sequence[PlotRef]) -> dict[str, Any]:
    """The ``additional_kwargs`` of a message that shows ``plots`` (empty without any)."""
    return {PLOTS_KEY: [p.model_dump() for p in plots]} if plots else {}


def plots_of(message: BaseMessage) -> list[PlotRef]:
    """The plots a message shows (see :data:`PLOTS_KEY`)."""
    raw = message.additional_kwargs.get(PLOTS_KEY) or []
    return [PlotRef.model_validate(p) for p in raw if isinstance(p, dict)]


@dataclass
class ToolResults:
    """One specialist's results of the turn.

    ``analyses``/``hits``/``reports``/``era`` are what the specialist owns (hits only for
    discovery, reports only for compatibility, the brief only for era); ``reused`` are
    samples whose analysis came from an earlier turn, ``searches`` each catalog search's
    own record of its query, ``errors`` the failed tool calls, ``plots`` the pictures
    the specialist's message shows (groove and compatibility).
    """

    name: SpecialistName
    analyses: dict[str, Analysis] = field(default_factory=dict)
    hits: list[CatalogHit] = field(default_factory=list)
    reports: list[CompatibilityReport] = field(default_factory=list)
    era: EraBrief | None = None
    errors: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    searches: list[dict[str, Any]] = field(default_factory=list)
    plots: list[PlotRef] = field(default_factory=list)
    switched: dict[str, Any] = field(default_factory=dict)
    """Request fields a search changed to find anything ("what about disco instead"
    after kicks, no one-shot tagged disco: disco loops, ``kind`` "loop"): the turn's
    request says what was searched, so the next turn narrows those."""

    def state_update(self) -> dict[str, Any]:
        """The state channels this specialist's results update."""
        update: dict[str, Any] = {}
        if self.name == "groove" or self.analyses:
            update["analyses"] = self.analyses
        if self.name == "discovery":
            update["hits"] = self.hits
        if self.name == "compatibility":
            update["reports"] = self.reports
        if self.name == "era":
            update["era"] = self.era
        return update

    def for_prose(self) -> dict[str, Any]:
        """Keyword arguments of :func:`groovegraph.graph.offline.compose_section` and
        :func:`~groovegraph.graph.offline.compose_note`."""
        return {
            "reused": self.reused,
            "searches": self.searches,
            "analyses": self.analyses,
            "hits": self.hits,
            "reports": self.reports,
            "era": self.era,
            "errors": self.errors,
        }


def collect_results(
    name: SpecialistName, messages: Sequence[AnyMessage | BaseMessage]
) -> ToolResults:
    """The typed results of the ToolMessages among ``messages`` (other messages are skipped)."""
    analyses: dict[str, Analysis] = {}
    hits: list[CatalogHit] = []
    reports: list[CompatibilityReport] = []
    facts: list[EraFact] = []
    stats: list[GroupStat] = []
    extra: dict[str, Any] = {}
    reused: list[str] = []
    searches: list[dict[str, Any]] = []
    errors: list[str] = []
    plots: dict[tuple[str, str], PlotRef] = {}
    switched: dict[str, Any] = {}
    for m in messages:
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
        if isinstance(art.get("switched"), dict):
            switched.update(art["switched"])
        if art.get("query") is not None:
            searches.append({k: art.get(k) for k in ("query", "catalog_size", "notes")})
        for k in (
            "reference",
            "reference_tempo_bpm",
            "reference_swing_percent",
            "stats_filter",
            "library_note",
            "ranked_by",
            "ranked_highest",
        ):
            if art.get(k) is not None:
                extra[k] = art[k]
        errors.extend(str(e) for e in art.get("errors") or [])
        for p in art.get("plots") or []:
            plot = PlotRef.model_validate(p)
            plots[(plot.sha256, plot.kind)] = plot
    return ToolResults(
        name=name,
        analyses=analyses if (name == "groove" or analyses) else {},
        hits=hits if name == "discovery" else [],
        reports=reports if name == "compatibility" else [],
        era=EraBrief(facts=facts, stats=stats, **extra) if name == "era" else None,
        errors=errors,
        reused=reused,
        searches=searches,
        plots=list(plots.values()) if name in PLOTTING else [],
        switched=switched if name == "discovery" else {},
    )
