"""Words for groove numbers, shared by every place that describes an analysis (the CLI's
readable output and the agent's answers), so one loop never reads "laid back" in one and
"on the grid" in the other.

The cut-offs are the project's own: about ±8 ms is where a backbeat offset stops reading
as humanised timing and starts to be heard as a deliberate pocket, and the swing bands
split the way between straight 8ths (50 %) and a full triplet (66.7 %).
"""

from __future__ import annotations

NOT_MEASURED = "not measured"


def swing_word(percent: float | None) -> str:
    """Feel of an MPC swing percentage (50 straight … 66.7 triplet)."""
    if percent is None:
        return NOT_MEASURED
    if percent < 53:
        return "straight"
    if percent < 58:
        return "lightly swung"
    if percent < 63:
        return "swung"
    return "heavily swung (near triplet)"


def pocket_word(lag_ms: float | None) -> str:
    """Where the backbeat sits against the grid (positive = late)."""
    if lag_ms is None:
        return NOT_MEASURED
    if lag_ms > 8:
        return "laid back, behind the grid"
    if lag_ms < -8:
        return "pushed, ahead of the grid"
    return "on the grid"


def timing_word(deviation_ms: float | None) -> str:
    """How tight the hits are around the swung grid (RMS deviation)."""
    if deviation_ms is None:
        return NOT_MEASURED
    if deviation_ms < 8:
        return "very tight"
    if deviation_ms < 15:
        return "tight"
    if deviation_ms < 25:
        return "a little loose"
    return "loose"


NO_KEY = "no key — drums only"


def key_text(key: str | None, camelot: str | None) -> str:
    """``"F# minor (11A)"``, or what a keyless analysis (nothing pitched: a drum loop)
    means in words."""
    return f"{key} ({camelot})" if key else NO_KEY
