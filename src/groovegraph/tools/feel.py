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


NOT_SURE = 0.6
"""A tempo or key confidence below this is "not sure" (README): an answer quoting such a
value says so. The analysis's own line, ``tools.rhythm.TEMPO_NOT_SURE``, is this value."""


TEMPO_READ_RANGE = (50.0, 200.0)
"""Slowest and fastest tempo the analysis reads (BPM); ``tools.rhythm.TEMPO_MIN_BPM`` and
``TEMPO_MAX_BPM`` are these values. An other reading outside it is not offered."""


STATED = 1.0
"""The confidence of a tempo or key the user stated ("no, it's 80 bpm"): a calibrated
reading never reaches it, so it marks the user's figure, which answers show as theirs
(:func:`confidence_words`), never as a measured confidence."""


def confidence_words(confidence: float | None) -> str:
    """How an answer says where a tempo or key came from: "confidence 0.87" for a
    reading, "your figure, not measured" for one the user stated (:data:`STATED`)."""
    if confidence is not None and confidence >= STATED:
        return "your figure, not measured"
    return f"confidence {0.0 if confidence is None else confidence:.2f}"


TEMPO_PLAUSIBLE_RANGE = (60.0, 180.0)
"""The tempi loops are commonly played at (BPM), inside :data:`TEMPO_READ_RANGE`: an unsure
tempo's half or double is offered as its other reading only inside it
(:func:`tempo_alternatives`). An outside tester's drumless Rhodes arpeggio, read right at
103.8 BPM, came with "it may be 51.9 BPM, half time" in every answer: a loop that slow is
rare, and nothing in the audio said so. A reading well between this range's half-top and
double-bottom (94-115 BPM) has no plausible octave neighbour, which is where the analysis
lets a drumless tempo be surer (``tools.rhythm.DRUMLESS_SURE_BAND``)."""


def tempo_alternatives(bpm: float) -> tuple[float, ...]:
    """The other metrical readings of an unsure tempo that lie in
    :data:`TEMPO_PLAUSIBLE_RANGE`, the likelier first: its half when the tempo is fast
    (110 BPM or more, the drumless prior's centre), else its double."""
    both = (bpm / 2, bpm * 2) if bpm >= 110 else (bpm * 2, bpm / 2)
    lo, hi = TEMPO_PLAUSIBLE_RANGE
    return tuple(x for x in both if lo <= x <= hi)


def tempo_doubt(label: str, bpm: float | None, confidence: float | None) -> str | None:
    """A plain "not sure" sentence for a tempo read below :data:`NOT_SURE`, naming the
    other readings (half or double time); ``None`` for a sure tempo (or none)."""
    if bpm is None or confidence is None or confidence >= NOT_SURE:
        return None
    alts = tempo_alternatives(bpm)
    if not alts:
        other = "the beat may be counted at another level"
    else:
        also = f" (or {alts[1]:.1f})" if len(alts) > 1 else ""
        kind = "half" if alts[0] < bpm else "double"
        other = f"it may be {alts[0]:.1f} BPM{also}, {kind} time: the beat counted at another level"
    return (
        f"not sure of {label}'s tempo: {bpm:.1f} BPM at confidence {confidence:.2f} "
        f"(below {NOT_SURE}) — {other}"
    )


def key_doubt(
    label: str, key: str | None, confidence: float | None, runner_up: str | None
) -> str | None:
    """A plain "not sure" sentence for a key read below :data:`NOT_SURE`, naming the
    runner-up when the analysis has one; ``None`` for a sure key (or none)."""
    if key is None or confidence is None or confidence >= NOT_SURE:
        return None
    alt = f" — it may be {runner_up}" if runner_up and runner_up != key else ""
    return (
        f"not sure of {label}'s key: {key} at confidence {confidence:.2f} (below {NOT_SURE}){alt}"
    )
