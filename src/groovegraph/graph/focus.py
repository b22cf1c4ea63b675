"""Questions about the samples a conversation is about (its focus), asked with no sample
named: how a part of the groove sits ("is the snare behind the beat?"), one of an analysed
pair picked by a measured value ("the slower one", "the more swung loop"), how far one of
the pair must be stretched to meet the other ("how much do I speed up the slower one?"),
and the same pair at half or double time ("and in half time?").

Every figure an answer line gives is a field of the samples' analyses (or arithmetic on
them: a ratio, a percentage); the understanding only decides which samples are meant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from groovegraph.state import Analysis
from groovegraph.tools import vocab
from groovegraph.tools.feel import pocket_word

__all__ = [
    "asks_feel",
    "comparative_pick",
    "half_double_line",
    "half_double_only",
    "pocket_line",
    "stretch_line",
    "stretch_order",
]

# ------------------------------------------------------------------ how the groove sits

# the parts of a groove a question names: "the snare", "the kick", "its hats", "the drums"
_PART = (
    r"(?:drum\s+)?(?:snares?|kicks?|hi[\s-]?hats?|hats?|claps?|rims?(?:hots?)?|drums|drummer|"
    r"back[\s-]?beats?|groove|beat|bass(?:line)?|percussion|perc|ghost\s+notes?|fills?|"
    r"timing|feel|swing|pocket|tempo)"
)
# "the snare", "its kick", "that hat": a part of the sample at hand, not a sound wanted
PART_RE = re.compile(rf"\b(?:the|its|that|this|their)\s+{_PART}\b", re.IGNORECASE)
# how it sits against the grid, how it swings or holds its tempo
_FEEL_RE = re.compile(
    r"\b(?:behind|ahead\s+of|in\s+front\s+of|on\s+top\s+of|before|after|off|on)\s+"
    r"(?:the\s+)?(?:beat|grid|click|pulse|downbeat|backbeat|bar)s?\b"
    r"|\b(?:dragg?\w*|rush\w*|lag\w*|laid[\s-]?back|lazy|late|early|pushe?[ds]?|pushing|"
    r"pull(?:s|ed|ing)?|sit(?:s|ting)?\s+(?:back|forward|far\s+back|late|early|deep)|"
    r"(?:in|the)\s+pocket|swing\w*|swung|shuffl\w*|straight|quanti[sz]\w*|tight|loose|sloppy|"
    r"human|robotic|stiff|drift\w*|steady|wander\w*|in\s+time|on\s+time|off[\s-]?beat|"
    r"(?:how|so|that|this)\s+(?:far\s+back|late|early|far\s+ahead|far\s+forward))\b",
    re.IGNORECASE,
)
# a search or a sound wanted, not a question about the sample at hand
_WANTS_RE = re.compile(
    r"\b(?:any|some|more|other|another|a|an|find|show|give|get|need|want|looking|search|"
    r"suggest|recommend|got|have)\b(?:\s+\w+){0,2}?\s+(?:loops?|breaks?|samples?|"
    r"one[\s-]?shots?|sounds?|snares?|kicks?|hats?|claps?|grooves?|beats?)\b",
    re.IGNORECASE,
)


# a question about grooves in general ("does swing matter?", "why do drummers play
# behind the beat?"), not about the sample at hand
_GENERAL_RE = re.compile(
    r"\bwhat(?:['’]?s|\s+is|\s+are)\s+(?:a|an)\b|"
    r"\b(?:matters?|important|mean(?:s|ing)?|why|define|definition|"
    r"explain|history|origins?|invent\w*|who|usually|typically|generally|in\s+general)\b",
    re.IGNORECASE,
)


def asks_feel(text: str) -> bool:
    """Whether ``text`` asks how the groove at hand sits, with no sample named: "is the
    snare behind the beat", "does the kick drag at all", "are the hats rushing", "is it
    laid back or pushed", "how tight is the timing". A question (or a bare part and
    feel: "snare late?"), not a search for sounds with that feel."""
    if not _FEEL_RE.search(text) or _WANTS_RE.search(text) or _GENERAL_RE.search(text):
        return False
    return bool(
        PART_RE.search(text)
        or re.match(
            r"\W*(?:(?:so|and|ok(?:ay)?|but|hmm|now|then)\W+)*(?:is|are|does|do|did|was|were|"
            r"how|would|will|can|could|has|have)\b",
            text,
            re.IGNORECASE,
        )
    )


# "behind the beat", "dragging", "laid back" (late) / "ahead", "rushing", "pushed" (early):
# a question about where the backbeat sits, answered from its measured lag
_LATE_RE = re.compile(
    r"\b(?:behind|after)\s+(?:the\s+)?(?:beat|grid|click|pulse)|\bdragg?\w*|\blag\w*|"
    r"\blaid[\s-]?back|\blazy|\blate\b|\bsit(?:s|ting)?\s+(?:back|far\s+back|deep)|\bpocket\b|"
    r"\bfar\s+back\b",
    re.IGNORECASE,
)
_EARLY_RE = re.compile(
    r"\b(?:ahead\s+of|in\s+front\s+of|on\s+top\s+of|before)\s+(?:the\s+)?(?:beat|grid|click|pulse)|"
    r"\brush\w*|\bpushe?[ds]?\b|\bpushing\b|\bearly\b|\bsit(?:s|ting)?\s+forward",
    re.IGNORECASE,
)
_ON_GRID_MS = 8.0  # feel.pocket_word: within ±8 ms the backbeat is on the grid


def pocket_line(text: str, label: str, analysis: Analysis) -> str | None:
    """The answer's first line to "is the snare behind the beat?", "does it rush?", "how
    laid back is it?" about an analysed loop: where its backbeat sits, from the measured
    lag (yes/no when the question is yes/no), else ``None`` (no such question, or no
    backbeat measured)."""
    late, early = bool(_LATE_RE.search(text)), bool(_EARLY_RE.search(text))
    lag = analysis.backbeat_lag_ms
    # "how many ms?" after its groove or pocket was told: the lag, as a number
    in_ms = bool(vocab.LAG_MS_ASKED_RE.search(text))
    if lag is None or not (late or early or in_ms):
        return None
    said = f"{label}'s backbeat sits {lag:+.1f} ms against the grid ({pocket_word(lag)})"
    if in_ms and not (late or early):
        word = "late" if lag > 0 else "early"
        return f"{abs(lag):.1f} ms {word}: {said}." if lag else f"{said}."
    yes_no = re.match(
        r"\W*(?:(?:so|and|ok(?:ay)?|but|hmm|now|then)\W+)*(?:is|are|does|do|did|was|were)\b",
        text,
        re.IGNORECASE,
    )
    if not yes_no or late == early:
        return said + "."
    asked_late = late
    if abs(lag) <= _ON_GRID_MS:
        # +7 ms asked "is it behind?": late, but within what counts as on the grid
        leans = abs(lag) > 2.0 and (lag > 0) == asked_late
        return f"{'Only slightly' if leans else 'No'}: {said}."
    return ("Yes: " if (lag > 0) == asked_late else "No: ") + said + "."


# ------------------------------------------------------------------ one of a pair, by value

# "the slower one", "the faster loop", "the more swung break", "the straighter of the two",
# "the laid-back one": (pattern, field, +1 for the higher value / -1 for the lower)
_COMPARATIVES: tuple[tuple[str, str, int], ...] = (
    (r"slower|more\s+slow|less\s+(?:fast|quick)|lower[\s-]tempo|lower[\s-]bpm", "tempo_bpm", -1),
    (
        r"faster|quicker|speedier|more\s+(?:fast|quick)|higher[\s-]tempo|higher[\s-]bpm|"
        r"more\s+uptempo",
        "tempo_bpm",
        1,
    ),
    (
        r"(?:more\s+)?swung|swingier|swingin[g']?|more\s+swing(?:ing|y)|shufflier",
        "swing_percent",
        1,
    ),
    (r"straighter|less\s+swung|less\s+swing(?:ing|y)|(?<!more\s)straight", "swing_percent", -1),
    (r"(?:more\s+)?laid[\s-]?back|lazier|draggier|looser", "backbeat_lag_ms", 1),
    (
        r"pushier|more\s+pushed|(?<!more\s)pushed|less\s+laid[\s-]?back|tighter",
        "backbeat_lag_ms",
        -1,
    ),
    (r"longer", "duration_s", 1),
    (r"shorter", "duration_s", -1),
)
_PICK_NOUN = rf"(?:{vocab.ONE_NOUN}|of\s+(?:the|those|these)\s+two|of\s+(?:them|both))"
_COMPARATIVE_RES = tuple(
    (
        re.compile(
            rf"\b(?:the|that)\s+(?:{pattern})\s+{_PICK_NOUN}\b"
            rf"|\b(?:the|that)\s+{vocab.ONE_NOUN}\s+(?:that(?:'s|\s+is)|which\s+is)\s+(?:{pattern})\b",
            re.IGNORECASE,
        ),
        field,
        sign,
    )
    for pattern, field, sign in _COMPARATIVES
)


def comparative_pick(
    text: str, pair: Sequence[tuple[str, Analysis]]
) -> tuple[str, tuple[int, int]] | None:
    """The sample of an analysed ``pair`` that "the slower one", "the more swung loop",
    "the laid-back one" picks by its measured value, and the phrase's span; ``None`` when
    the text names no such one, the pair is not two, or their values are equal or not
    measured."""
    if len(pair) != 2:
        return None
    for rx, field, sign in _COMPARATIVE_RES:
        m = rx.search(text)
        if m is None:
            continue
        a, b = (getattr(x, field, None) for _, x in pair)
        if a is None or b is None or a == b:
            return None
        first_wins = (float(a) > float(b)) == (sign > 0)
        return pair[0 if first_wins else 1][0], m.span()
    return None


# ------------------------------------------------------------------ stretching one onto the other

# "how much would I need to speed up the slower one", "by what percent do I push it up",
# "how far do I slow down the faster loop", "what stretch does it need to match the other":
# how far one sample must move to meet the other's tempo
_HOW_FAR_RE = re.compile(
    r"\bhow\s+(?:much|far|many\s+(?:percent|bpm|%))\b|\bby\s+(?:how\s+much|what)\b"
    r"|\bwhat\s+(?:percent(?:age)?|%|amount|stretch|ratio)\b"
    r"|\b(?:i|we|you)\s+(?:(?:would|'d|will|'ll)\s+)?(?:need|have|got|gotta|must|should)\b"
    r"|\b(?:percent(?:age)?|per\s+cent)\b|%"
    # "what tempo should I put the keys at to match", "what bpm do I set it to so it lines
    # up": the tempo to move one to, the other's
    r"|\bwhat\s+(?:tempo|bpm|speed)\b",
    re.IGNORECASE,
)
_UP_RE = re.compile(
    r"\b(?:speed|sped|push|bring|nudge|pitch|crank|turn|bump|jack|take)\w*\s+(?:\w+\s+){0,4}?up\b"
    r"|\bup\s+to\s+(?:the\s+)?(?:other|faster|tempo|speed)\b|\bhow\s+much\s+faster\b"
    r"|\bcatch\s+up\b",
    re.IGNORECASE,
)
_DOWN_RE = re.compile(
    r"\b(?:slow|pull|bring|pitch|turn|drop|take|knock)\w*\s+(?:\w+\s+){0,4}?down\b"
    r"|\bhow\s+much\s+slower\b",
    re.IGNORECASE,
)
_STRETCH_RE = re.compile(
    r"\b(?:stretch\w*|warp\w*|time[\s-]?stretch\w*|varispeed|resampl\w*|match\w*|"
    r"(?:line|lines|lined)\s+up|"
    r"lock\w*|sync\w*|meet)\b",
    re.IGNORECASE,
)


def stretch_order(
    text: str, pair: Sequence[tuple[str, Analysis]], named: Sequence[str] = ()
) -> list[str] | None:
    """The analysed ``pair`` as ``[target, moved]`` when ``text`` asks how far one must be
    stretched onto the other's tempo ("how much would I need to speed up the slower
    one?": the slower moves up to the faster; "how far do I slow down the faster loop?":
    the faster moves down), else ``None``. The one moved is the one picked by value, else
    the one the turn names alone (``named``: "what tempo should I put the keys at to
    match?" moves the keys), else the one the direction says (up: the slower, down: the
    faster)."""
    if len(pair) != 2 or not _HOW_FAR_RE.search(text):
        return None
    tempi = [a.tempo_bpm for _, a in pair]
    if any(t is None for t in tempi):
        return None
    moving = (
        bool(_UP_RE.search(text)) or bool(_DOWN_RE.search(text)) or bool(_STRETCH_RE.search(text))
    )
    if not moving:
        return None
    ids = [s for s, _ in pair]
    picked = comparative_pick(text, pair)
    slower, faster = (
        (ids[0], ids[1]) if float(tempi[0] or 0) <= float(tempi[1] or 0) else (ids[1], ids[0])
    )
    if picked is not None:
        # "the slower one" is the one moved, unless it is what the other moves to
        # ("speed the other up to the faster one")
        before = text[: picked[1][0]]
        is_target = re.search(
            r"\b(?:to|onto|into|with|match\w*|meet|of)\s+(?:the\s+tempo\s+of\s+)?$",
            before,
            re.IGNORECASE,
        )
        moved = next(s for s in ids if s != picked[0]) if is_target else picked[0]
    elif len(named) == 1 and named[0] in ids:
        moved = named[0]
    elif (by_word := _one_by_word(text, pair)) is not None:
        moved = by_word
    elif _DOWN_RE.search(text) and not _UP_RE.search(text):
        moved = faster
    else:
        moved = slower
    target = next(s for s in ids if s != moved)
    return [target, moved]


_WORD_RE = re.compile(r"[a-z][a-z0-9'-]{2,}", re.IGNORECASE)


def _one_by_word(text: str, pair: Sequence[tuple[str, Analysis]]) -> str | None:
    """The one sample of ``pair`` a word of ``text`` names by its file name or its
    instrument ("put the keys at", "the break"), when a word names exactly one."""
    for w in _WORD_RE.finditer(text):
        word = w.group(0).lower()
        instrument = vocab.find_instrument(word) or vocab.find_instrument(f"an {word}")
        hit = [
            ref
            for ref, a in pair
            if word in re.split(r"[^a-z0-9]+", a.file.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower())
            or (instrument is not None and instrument == a.instrument)
        ]
        if len(hit) == 1:
            return hit[0]
    return None


def _pct(a: float, b: float) -> float:
    return (a / b - 1.0) * 100.0


def stretch_line(target: tuple[str, Analysis], moved: tuple[str, Analysis]) -> str | None:
    """How far the ``moved`` sample (label, analysis) must be stretched to sit on the
    ``target``'s tempo, in percent and BPM: the first line of the answer."""
    (t_label, t), (m_label, m) = target, moved
    if not t.tempo_bpm or not m.tempo_bpm:
        return None
    pct = _pct(t.tempo_bpm, m.tempo_bpm)
    way = "Speed" if pct > 0 else "Slow"
    return (
        f"{way} {m_label} ({m.tempo_bpm:.1f} BPM) {'up' if pct > 0 else 'down'} by "
        f"{abs(pct):.1f} % to sit on {t_label}'s {t.tempo_bpm:.1f} BPM "
        f"({pct:+.1f} %; the other way, {t_label} would move {_pct(m.tempo_bpm, t.tempo_bpm):+.1f} %)."
    )


# ------------------------------------------------------------------ half and double time

_HALF_ONLY_RE = re.compile(
    r"\W*(?:(?:ok(?:ay)?|so|and|but|hmm+|right|cool|alright|then|now|well)\W+)*"
    r"(?:(?:what|how)\s+(?:about|if)|what\s+if|and\s+if|if|or|would\s+it\s+work|does\s+it\s+work)?\s*"
    r"(?:(?:i|we|you)\s+(?:play|run|put|take|use|count|flip|do|have|had|went|go)\w*\s+"
    r"(?:(?:it|them|both|that|this|one\s+of\s+them|the\s+\w+\s+one)\s+)?)?"
    r"(?:(?:it|they|that|both)\s+(?:were|was|is|are)\s+)?"
    r"(?:(?:in|at|as|to|into|on)\s+)?(?:a\s+)?(?:half|double)[\s-]?time"
    r"(?:\s+(?:instead|then|though|too|feel|for\s+(?:it|them|one|the\s+\w+\s+one)))?\W*",
    re.IGNORECASE,
)


def half_double_only(text: str) -> bool:
    """Whether ``text`` is only a turn to half or double time ("ok what about in half
    time", "and at double time?", "what if I play it in half-time"): a continuation of
    the tempo question asked before it."""
    return bool(_HALF_ONLY_RE.fullmatch(text.strip()))


def half_double_line(text: str, a: tuple[str, Analysis], b: tuple[str, Analysis]) -> str | None:
    """What half (or double) time does to an analysed pair's tempo gap: the faster one
    counted at half time (or the slower at double time) against the other, as a stretch,
    beside the stretch between their tempi as they are; ``None`` without both tempi or
    without the words."""
    m = vocab.HALF_DOUBLE_RE.search(text)
    if m is None or not a[1].tempo_bpm or not b[1].tempo_bpm:
        return None
    (s_label, s), (f_label, f) = sorted([a, b], key=lambda x: float(x[1].tempo_bpm or 0))
    s_bpm, f_bpm = float(s.tempo_bpm or 0), float(f.tempo_bpm or 0)
    straight = _pct(f_bpm, s_bpm)
    half = (m.group(1) or m.group(2) or "").lower() != "double"
    if half:
        moved_label, counted = s_label, f_bpm / 2
        head = f"At half time, {f_label}'s {f_bpm:.1f} BPM counts as {counted:.1f} BPM"
        base_bpm = s_bpm
    else:
        moved_label, counted = f_label, s_bpm * 2
        head = f"At double time, {s_label}'s {s_bpm:.1f} BPM counts as {counted:.1f} BPM"
        base_bpm = f_bpm
    shifted = _pct(counted, base_bpm)
    closer = abs(shifted) < abs(straight)
    verdict = (
        f"so {'half' if half else 'double'} time brings them closer: {moved_label} "
        f"({base_bpm:.1f} BPM) needs {shifted:+.1f} % to meet it, against {straight:+.1f} % "
        "between their tempi as they are."
        if closer
        else f"so against {moved_label}'s {base_bpm:.1f} BPM it would take a {shifted:+.1f} % "
        f"stretch, further than the {straight:+.1f} % between their tempi as they are: "
        f"{'half' if half else 'double'} time does not bring these two closer."
    )
    both = (
        f" Both at {'half' if half else 'double'} time "
        f"({s_bpm / 2 if half else s_bpm * 2:.1f} and {f_bpm / 2 if half else f_bpm * 2:.1f} BPM), "
        f"the stretch stays {straight:+.1f} %."
    )
    return f"{head}; {verdict}{both}"
