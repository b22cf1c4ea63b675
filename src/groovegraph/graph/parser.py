"""Deterministic request parser: the offline router's eyes.

:func:`parse_request` turns one user message into a :class:`~groovegraph.state.ParsedRequest`
(tempo range or target, keys, Camelot codes, eras, genres, feel words, sample references,
result count) and the *intents* of its clauses. It is plain regular expressions over
the text — no model — so it is fast (tens of microseconds), reproducible and testable.

Intents are decided per clause ("do these two mix, and find me a third…" has two), with a
find verb taking precedence inside its clause: in "find loops that mix with this" the word
*mix* is a search filter, not a question about a pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from groovegraph.state import CatalogQuery, Intent, ParsedRequest
from groovegraph.tools import vocab
from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.keys import parse_key

__all__ = [
    "AUDIO_EXTENSIONS",
    "GROOVE_QUESTION_RE",
    "MAX_PARSE_CHARS",
    "TEMPO_LIMITS_BPM",
    "UNMEASURED_METER_RE",
    "UNUSABLE_TEMPO_RE",
    "ResultRefs",
    "around_band",
    "blank_spans",
    "compared_refs",
    "find_result_refs",
    "find_sample_refs",
    "parse_request",
    "split_clauses",
]

MAX_PARSE_CHARS = 2000
AUDIO_EXTENSIONS = ("wav", "wave", "flac", "mp3", "ogg", "oga", "aif", "aiff", "m4a")

# --------------------------------------------------------------------------- samples

_EXT = "|".join(AUDIO_EXTENSIONS)
# Folders and file names after the first "/" may hold spaces ("loops/funk/break 01.wav"),
# but never an audio extension followed by a non-path character: that is where one file
# ends, so "fz/a.wav and fz/b.wav" is two references rather than one path with " and " in it.
# "#" belongs to a file name ("beat#2.wav", "break #3.wav" in quotes): it is not a list
# number when an audio extension follows.
_SEG_CHAR = rf"(?:(?!\.(?:{_EXT})(?![\w.~/#-]))[\w.~# -])"
_PATH_RE = re.compile(
    rf"(?<![\w/.~#-])((?:~|\.{{1,2}})?/?[\w.~-][\w.~#-]*(?:/{_SEG_CHAR}*[\w.~#-])*\.(?:{_EXT}))\b",
    re.IGNORECASE,
)
# A path in quotes may hold spaces anywhere ("my crates/dusty break.wav"). A quote must not
# touch a letter on its outer side, so apostrophes ("don't", "a.wav's") never open or close one.
_QUOTED_PATH_RE = re.compile(
    rf"(?<!\w)(?:[\"“]([^\"“”\n]{{1,300}}?\.(?:{_EXT}))[\"”]"
    rf"|['‘]([^'‘’\n]{{1,300}}?\.(?:{_EXT}))['’]"
    rf"|`([^`\n]{{1,300}}?\.(?:{_EXT}))`)(?!\w)",
    re.IGNORECASE,
)
# Ids are hex (content-hash prefixes). Written as "sample <id>", "#<id>", "id <id>" or bare;
# a bare token must mix digits and letters so English words ("faded", "decade") never match.
_ID_PREFIXED_RE = re.compile(r"(?:\bsample[:\s#]+|\bid[:\s#]+|#)([0-9a-f]{6,64})\b", re.IGNORECASE)
_ID_BARE_RE = re.compile(r"(?<![\w/.#-])([0-9a-f]{8,64})(?![\w/.-])")


def find_sample_refs(text: str) -> list[str]:
    """Sample ids and audio file paths written inline in ``text``, in order, unique."""
    refs: list[str] = []

    def add(value: str) -> None:
        if value not in refs:
            refs.append(value)

    spans: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for m in _QUOTED_PATH_RE.finditer(text):
        found.append((m.start(), next(g for g in m.groups() if g).strip()))
        spans.append(m.span())
    for m in _PATH_RE.finditer(text):
        if not any(a <= m.start(1) < b for a, b in spans):
            found.append((m.start(1), m.group(1)))
            spans.append(m.span(1))
    for _, path in sorted(found):
        add(path)
    for m in _ID_PREFIXED_RE.finditer(text):
        if not any(a <= m.start(1) < b for a, b in spans):
            add(m.group(1).lower())
    for m in _ID_BARE_RE.finditer(text):
        tok = m.group(1)
        if any(a <= m.start(1) < b for a, b in spans):
            continue
        if re.search(r"\d", tok) and re.search(r"[a-f]", tok, re.IGNORECASE) and tok.lower() == tok:
            add(tok)
    return refs


# -------------------------------------------------------------- earlier results

# Follow-ups point into the last list of results shown ("the first one", "#2", "number 3",
# "the last two", "both of them"). An ordinal counts only when a determiner precedes it
# ("the", "that", "your") and what follows is a result noun, a verb or preposition that
# continues the question, or the end of the clause: "my first track", "the first time",
# "the second half" and "the top of the loop" are not references.
_RESULT_NOUN = vocab.RESULT_NOUN
_FOLLOW = (
    r"(?:and|or|&|vs\.?|versus|with|mix\w*|work\w*|go(?:es)?|fit\w*|sound\w*|feel\w*|blend\w*|"
    r"clash\w*|is|was|has|have|had|in|at|on|to|into|of|from|against|alongside|together|"
    r"too|please|then|there|here|you|I)"
)
# a listed one-shot is also named by its sound: "the first hat", "the second 808"
_SHOT_NOUN = vocab.alternation(
    (
        *(
            w
            for i in sorted(vocab.ONE_SHOT_INSTRUMENTS)
            for w in vocab.INSTRUMENTS[i]
            if " " not in w
        ),
        "808",
        "808s",
    )
)
_END = rf"(?=\s*(?:{_RESULT_NOUN}|{_SHOT_NOUN})\b|\s*[?.!,;:)]|\s*$|\s+{_FOLLOW}\b|['’]s\b)"
_END_NOUN = rf"(?=\s*(?:{_RESULT_NOUN}|{_SHOT_NOUN})\b)"
_DET = r"\b(?:the|that|this|your|ur)\s+"
_ORD = rf"({vocab.alternation(w for w in vocab.ORDINALS if w not in {'top', 'bottom'})}|(\d{{1,2}})(?:st|nd|rd|th))"
_ORDINAL_RE = re.compile(rf"{_DET}(?:very\s+)?{_ORD}{_END}", re.IGNORECASE)
# "2nd one swing?", "top one into <file>", "ok first one, key?": a terse reply opening with
# the rank and "one" points at the list without a determiner
_OPENING_ORDINAL_RE = re.compile(
    r"^\W*(?:(?:and|ok|okay|so|now|then|cool|nice)\W+)?(?:very\s+)?"
    rf"(?:{_ORD}|(top|bottom))\s+one(?![\w-])",
    re.IGNORECASE,
)
_TOP_ONE_RE = re.compile(
    rf"{_DET}(top|bottom)(?:\s+one)?{_END_NOUN}|{_DET}(top|bottom)\s+one\b", re.IGNORECASE
)
_RANGE_REF_RE = re.compile(
    rf"{_DET}(first|top|last)\s+(two|three|four|five|six|[2-6])\b{_END}", re.IGNORECASE
)
_NUMBERED_RE = re.compile(
    r"(?<![\w#♯&])#\s?(\d{1,2})(?![\w.])"
    r"|\b(?:number|no\.)\s*#?\s*(\d{1,2}|one|two|three|four|five|six)\b(?![.,]\d)"
    # "result 2", "loop 3"; not "hit": "the snare hit 3 times".
    r"|\b(?:result|option|loop|break|sample|track)\s+(\d{1,2})\b"
    r"(?![.,]\d|\s*(?:bpm|%|ms|times|bars?|beats?|steps?|semitones?|seconds?|secs?|s)\b)",
    re.IGNORECASE,
)
# After "the first one": "and (the) third", ", the fifth" — the list continues.
_MORE_ORD_RE = re.compile(
    rf"\s*(?:{_RESULT_NOUN}\s*)?(?:,|and|or|&|vs\.?|versus|with)\s+(?:the\s+)?"
    rf"(?:{_ORD}|#\s?(\d{{1,2}})(?![\w.]))",
    re.IGNORECASE,
)
# Demonstratives that only make sense right after a list was shown.
_BOTH_RE = re.compile(
    rf"\b(?:both(?:\s+of\s+(?:them|those|these))?|them both|(?:the|those|these)\s+two(?:\s+of\s+them)?){_END}",
    re.IGNORECASE,
)
_ALL_RE = re.compile(
    r"\b(?:all|each|every one)\s+of\s+(?:them|those|these)\b|\bthem all\b|\ball\s+(?:two|three|four|five|six|[2-6])\b",
    re.IGNORECASE,
)
# With exactly two results just shown, a plural pronoun is the pair ("do they mix?").
_PAIR_PRONOUN_RE = re.compile(r"\b(?:they|them|those|these)\b", re.IGNORECASE)
# ("and whats its swing": the one hit just listed, as "it" is)
_SINGLE_RE = re.compile(rf"\b(?:it|its|(?:that|this)\s+(?:one|{_RESULT_NOUN}))\b", re.IGNORECASE)
MAX_RESULT_REFS = 10


class ResultRefs(NamedTuple):
    """What a message points at in the last result list."""

    ids: list[str]
    """Referenced sample ids, in the order written, unique."""
    spans: list[tuple[int, int]]
    """Character spans of the phrases that named them."""
    unresolved: list[str]
    """Phrases past the end of the list, as written ("the 9th one")."""


def _ordinal_index(word: str | None, digits: str | None, n: int) -> int | None:
    """0-based index of an ordinal among ``n`` results, or ``None`` when out of range."""
    if digits:
        rank = int(digits)
    elif word:
        rank = vocab.ordinal_rank(word)
    else:
        return None
    if rank < 0:
        rank = n + 1 + rank
    return rank - 1 if 1 <= rank <= n else None


def find_result_refs(text: str, *, results: Sequence[str], fresh: bool = True) -> ResultRefs:
    """Earlier results that ``text`` points at, and where it points.

    Parameters
    ----------
    text : str
        The user's message.
    results : sequence of str
        Sample ids of the last result list shown, in the order shown (rank 1 first).
    fresh : bool
        Whether that list is the previous turn's: demonstratives ("both of them",
        "those two", "all of them", "they"/"them" after two results and "it"/"that one"
        after a single result) refer to it only then; ordinals ("the first one", "#2")
        also reach an older list.

    Returns
    -------
    ResultRefs
        The referenced sample ids in the order written, the character spans of the
        phrases that named them (so the parser does not read "#2" or "the 3rd" as a
        tempo or a result count), and the phrases past the end of the list.
    """
    n = len(results)
    if not n:
        return ResultRefs([], [], [])
    picked: list[tuple[int, int]] = []  # (position in text, index)
    spans: list[tuple[int, int]] = []
    unresolved: list[str] = []

    def free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in spans)

    for m in _RANGE_REF_RE.finditer(text):
        k = vocab.ordinal_rank(m.group(2)) or int(m.group(2))
        # "show me the top 3 loops" with a find verb is a result count, not a reference.
        if m.group(1).lower() == "top" and _FIND_RE.search(text):
            continue
        idx = range(max(n - k, 0), n) if m.group(1).lower() == "last" else range(min(k, n))
        picked.extend((m.start(), i) for i in idx)
        spans.append(m.span())
    for rx in (_ORDINAL_RE, _OPENING_ORDINAL_RE, _TOP_ONE_RE):
        for m in rx.finditer(text):
            if not free(*m.span()):
                continue
            if rx is _OPENING_ORDINAL_RE:
                word = m.group(3) or (m.group(1) if not m.group(2) else None)
                i = _ordinal_index(word, m.group(2), n)
            elif rx is _ORDINAL_RE:
                i = _ordinal_index(m.group(1) if not m.group(2) else None, m.group(2), n)
            else:
                i = _ordinal_index(m.group(1) or m.group(2), None, n)
            spans.append(m.span())
            if i is not None:
                picked.append((m.start(), i))
            else:
                unresolved.append(m.group(0).strip())
            end = m.end()
            # a list of ordinals: "the first and (the) third", "the 2nd, 4th"
            while more := _MORE_ORD_RE.match(text, end):
                j = _ordinal_index(
                    more.group(1) if not more.group(2) else None, more.group(2) or more.group(3), n
                )
                spans.append((end, more.end()))
                if j is not None:
                    picked.append((end, j))
                else:
                    unresolved.append(more.group(0).strip(" ,&").split(None, 1)[-1])
                end = more.end()
    for m in _NUMBERED_RE.finditer(text):
        if not free(*m.span()):
            continue
        raw = next(g for g in m.groups() if g)
        i = _ordinal_index(None if raw.isdigit() else raw, raw if raw.isdigit() else None, n)
        if i is not None:
            picked.append((m.start(), i))
            spans.append(m.span())
        elif m.group(3) is None and raw.isdigit() and int(raw) > n:
            unresolved.append(m.group(0).strip())
            spans.append(m.span())
    if not picked and fresh and not unresolved:
        # ("the second one - how swung is it?" after a list of one: "it" is the second
        # one asked about, which is not there, not the one hit listed)
        every = _ALL_RE.search(text)
        both = _BOTH_RE.search(text) if n >= 2 else None
        both = both or (_PAIR_PRONOUN_RE.search(text) if n == 2 else None)
        single = _SINGLE_RE.search(text) if n == 1 else None
        if every is not None:
            picked.extend((every.start(), i) for i in range(min(n, MAX_RESULT_REFS)))
            spans.append(every.span())
        elif both is not None:
            picked.extend((both.start(), i) for i in range(2))
        elif single is not None:
            picked.append((single.start(), 0))
    ids = _uniq(results[i] for _, i in sorted(picked, key=lambda p: p[0]))
    return ResultRefs(ids[:MAX_RESULT_REFS], spans, _uniq(unresolved))


# In a question comparing listed results, bare ranks set side by side name them: "which
# swings more, 2 or 4?", "3 vs 5 - which is faster"; and "the top 3", "the first two" need
# no word after them ("of the top 3 which swings most")
_RANK = r"(?:[1-9]|1\d|20)"
_BARE_RANKS_RE = re.compile(
    rf"(?<![\w.#%$-]){_RANK}(?:\s*,\s*{_RANK})*\s*(?:,\s*)?(?:or|and|vs\.?|versus|&)\s*#?\s*{_RANK}"
    r"(?![\w.%]|\s*(?:bpm|%|ms|bars?|beats?|steps?|semitones?|seconds?|secs?|times)\b)",
    re.IGNORECASE,
)
_LOOSE_RANGE_RE = re.compile(
    r"\b(?:the\s+)?(first|top|last)\s+(two|three|four|five|six|[2-6])\b(?!\s*(?:bpm|%|ms)\b)",
    re.IGNORECASE,
)


def compared_refs(text: str, *, results: Sequence[str], fresh: bool = True) -> list[str]:
    """The results a question comparing listed ones names by rank, in list order:
    ordinals and numbers ("the first and the third", "#2 and #5"), a range ("of the top
    3", "the first two"), bare ranks set side by side ("2 or 4", "1, 3 and 5") and, for
    the list just shown, "those two" or "both"; not a bare "them" or "those" (the whole
    list). Empty when fewer than two are named."""
    n = len(results)
    if n < 2:
        return []
    refs = find_result_refs(text, results=results, fresh=fresh)
    named: set[str] = set(refs.ids) if refs.spans else set()
    if fresh and not named and _BOTH_RE.search(text):
        named |= set(refs.ids)
    for m in _LOOSE_RANGE_RE.finditer(text):
        k = vocab.ordinal_rank(m.group(2)) or int(m.group(2))
        idx = range(max(n - k, 0), n) if m.group(1).lower() == "last" else range(min(k, n))
        named |= {results[i] for i in idx}
    for m in _BARE_RANKS_RE.finditer(text):
        ranks = [int(r) for r in re.findall(r"\d+", m.group(0))]
        if all(1 <= r <= n for r in ranks):
            named |= {results[r - 1] for r in ranks}
    return [r for r in results if r in named] if len(named) >= 2 else []


# ---------------------------------------------------------------------------- tempo

_NUM = r"(\d{2,3}(?:\.\d+)?)"
_BPM_WORD = rf"\s*{vocab.TEMPO_UNIT}"
_RANGE_RES = (
    re.compile(
        rf"\bbetween\s+{_NUM}\s*(?:bpm\s*)?(?:and|&|-)\s*{_NUM}(?:{_BPM_WORD})?", re.IGNORECASE
    ),
    re.compile(
        rf"(?<![\d.])(?:from\s+)?{_NUM}\s*(?:bpm\s*)?(?:-|–|—|to)\s*{_NUM}(?![\d%]|s\b|\s*(?:ms|%|minutes|min|seconds|sec)\b)(?:{_BPM_WORD})?",
        re.IGNORECASE,
    ),
)
# "in the 140s", "low 120s", "the high 160s": a tempo decade (three digits; "the 90s" is
# an era), or the low, middle or high part of one; "100s of loops" counts
_TEMPO_DECADE_RE = re.compile(
    r"(?<![\w.])(?:(low|lower|mid|middle|high|upper)[\s-]*)?(?:the\s+)?"
    r"(1[0-9]0|2[0-4]0)\s*(?:'|’)?s\b(?!\s+of\b)",
    re.IGNORECASE,
)
_TEMPO_DECADE_PARTS: dict[str, tuple[float, float]] = {
    "": (0.0, 9.0),
    "low": (0.0, 4.0),
    "lower": (0.0, 4.0),
    "mid": (3.0, 7.0),
    "middle": (3.0, 7.0),
    "high": (5.0, 9.0),
    "upper": (5.0, 9.0),
}
# "the low 90s", "mid 80s", "high 70s": the low, middle or high part of a two-digit
# number said in the plural — a tempo band in a talk about tempo, a decade otherwise
# ("early"/"late" only ever part a decade: "soul from the early 70s")
_PART_OF_TENS_RE = re.compile(
    # (the determiner goes with it: "the 90-94 bpm" would name a listed hit at 90 BPM)
    r"(?<![\w.])(?:the\s+)?(low|lower|mid|middle|high|upper)[\s-]*(?:the\s+)?(?:'|’)?([5-9]0)\s*(?:'|’)?s\b"
    r"(?!\s+of\b)",
    re.IGNORECASE,
)
# a message that talks of tempo: "tempo", "bpm", "speed", or a range of tempos
_TEMPO_TALK_RE = re.compile(
    rf"\b(?:{vocab.alternation(vocab.ANY_FIELD_WORDS['tempo'])})\b"
    r"|(?<![\d.])\d{2,3}\s*(?:-|–|—|to)\s*\d{2,3}(?![\d%]|s\b)"
    r"|\bbetween\s+\d{2,3}\s+and\s+\d{2,3}\b",
    re.IGNORECASE,
)
# ... and one that talks of time: "era", "decade", "records", "from the mid 70s"
_TIME_TALK_RE = re.compile(
    rf"\b(?:{vocab.alternation(vocab.ANY_FIELD_WORDS['eras'])}|records?|vinyl|back\s+in)\b"
    r"|\b(?:from|of|since|until|till)\s+(?:the\s+)?(?:low|lower|mid|middle|high|upper)\b",
    re.IGNORECASE,
)


def tempo_parts_of_tens(text: str, *, in_play: tuple[float, float] | None = None) -> str:
    """``text`` with "the low 90s", "mid 80s", "high 70s" written as the tempo band they
    stand for ("90-94 bpm": the parts of :data:`_TEMPO_DECADE_PARTS`, as "high 120s"
    reads) when the talk is of tempo — a tempo word or range in ``text`` itself, or a
    search in BPM in play (``in_play``, its band) that the part lies near (within a
    tenth of that band's edges: "mid 70s" after a search at 95-105 is a decade) — and
    not of time ("from the mid 70s", "records", "that decade"); otherwise ``text``
    unchanged, the part a decade's."""
    if _PART_OF_TENS_RE.search(text) is None or _TIME_TALK_RE.search(text):
        return text
    in_text = _TEMPO_TALK_RE.search(text) is not None

    def band(m: re.Match[str]) -> str:
        base = float(m.group(2))
        lo, hi = (base + a for a in _TEMPO_DECADE_PARTS[m.group(1).lower()])
        near = in_play is not None and lo <= in_play[1] * 1.1 and hi >= in_play[0] * 0.9
        return f"{lo:g}-{hi:g} bpm" if in_text or near else m.group(0)

    return _PART_OF_TENS_RE.sub(band, text)


# A verb moving a tempo ("stretch", "pitch it", "go", "jump") a few words before "X to Y"
_MOVE_BEFORE_RE = re.compile(
    r"\b(?:stretch\w*|pitch\w*|speed\w*(?:\s+up)?|slow\w*(?:\s+down)?|jump\w*|go|goes|going|"
    r"move|moves|moving|shift\w*|bring|take)\b(?:\s+\S+){0,3}?\s*$",
    re.IGNORECASE,
)
_MOVE_TO_RE = re.compile(r"\bto\b", re.IGNORECASE)
_PAIR_RE = re.compile(
    rf"(?<![\d.]){_NUM}\s*(?:and|&|vs\.?|versus|or|with)\s*(?:a\s+)?{_NUM}{_BPM_WORD}",
    re.IGNORECASE,
)
_APPROX_RE = re.compile(
    rf"(?:\b{vocab.alternation(vocab.APPROX_WORDS)}\s+|~\s*){_NUM}(?:{_BPM_WORD})?",
    re.IGNORECASE,
)
# "90ish", "130-ish", "95 bpm or so", "100 give or take": an approximate tempo, written after
_APPROX_AFTER_RE = re.compile(
    rf"(?<![\d.#]){_NUM}(?:{_BPM_WORD})?(?:\s*-?\s*ish\b|\s+(?:or so|give or take|-ish)\b)",
    re.IGNORECASE,
)
_EXACT_RE = re.compile(
    rf"(?<![\d.#]){_NUM}{_BPM_WORD}\b|\bat\s+{_NUM}\b(?!\s*(?:ms|%|s\b|seconds|minutes))|\b(?:bpm|tempo)\s*(?:of|=|:)?\s*{_NUM}\b",
    re.IGNORECASE,
)
# Single sounds counted by what they are ("a couple of 808s", "three snares", "2 kicks")
_SOUND_PLURALS = (
    *("kicks", "snares", "claps", "hats", "hihats", "hi-hats", "hi hats", "toms", "cymbals"),
    *("808s", "subs", "bass notes", "bass hits", "sounds", "stabs", "shakers", "rimshots"),
)
# What a number can count ("5 loops", "10 results"); "124 into one" is a tempo.
_COUNTED = vocab.alternation(
    (
        *vocab.plurals(*vocab.SAMPLE_NOUNS, "result", "option", "hit", "file", "idea"),
        "drums",
        *_SOUND_PLURALS,
    )
)
# A result count names them in the plural ("5 funk loops"; "a 140 trap beat" is a tempo).
_COUNTED_PLURAL = vocab.alternation(
    (
        *vocab.plurals(*vocab.SAMPLE_NOUNS, "result", "option", "hit", "file", "idea")[1::2],
        "drums",
        *_SOUND_PLURALS,
    )
)
# A bare number before a sample noun in the plural counts them ("20 loops"); before one in
# the singular it is the sample's tempo ("a 124 loop", "against a 190 track").
_BARE_RE = re.compile(
    rf"(?<![\w.#'’-])(\d{{2,3}})(?![\w%'’.]|\s*(?:ms|%|minutes|min|seconds|sec|years)\b|\s*{_COUNTED_PLURAL}\b)",
    re.IGNORECASE,
)
_LIMIT_RE = re.compile(
    # (no preposition between: "go 124 to 130 over a few tracks" counts nothing)
    rf"\b(?:top|give me|show me|find me|get me|pull|need|want)?\s*(?<![\d.])(?!(?:808|909|707)\b)(\d{{1,3}})(?!\s*(?:bpm|ms|%))\s+"
    rf"(?:(?!(?:bpm|over|under|across|for|in|to|into|from|at|a|few|per|every|each|between)\b)\w+\s+){{0,3}}?"
    rf"{_COUNTED_PLURAL}\b",
    re.IGNORECASE,
)
_QUANTITY = vocab.alternation(vocab.QUANTITY_WORDS)
# "a couple of funk loops", "just one break", "three dusty loops", "a single loop": a count
# in words before the samples it counts (at most three words between, none of which ends
# the phrase: "a couple of weeks ago find loops" counts nothing). "the one loop", "these
# two loops" point at samples rather than count them; "one drop", "one-shot" are no count.
_GAP_STOP = vocab.alternation(
    (
        *vocab.FIND_VERBS,
        *vocab.QUESTION_WORDS,
        *("of", "the", "this", "that", "those", "these", "them", "it", "my", "your", "ago"),
        *("shot", "shots", "drop", "and", "or", "with", "to", "in", "at", "from", "for"),
        *vocab.plurals("week", "day", "year", "month", "minute", "second", "time", "bar"),
    )
)
_WORD_LIMIT_RE = re.compile(
    rf"(?<![\w-])(?<!the )(?<!this )(?<!that )(?<!these )(?<!those )(?<!which )(?<!each )"
    rf"(?<!every )(?<!any )(?<!my )({_QUANTITY})(?:\s+of)?\s+"
    rf"(?:(?!{_GAP_STOP}(?![\w-]))[\w&'-]+\s+){{0,3}}?{_COUNTED}(?![\w-])",
    re.IGNORECASE,
)
# "show me a couple", "just a few please": a count with nothing after it.
_BARE_QUANTITY_RE = re.compile(
    rf"(?<![\w-])({vocab.alternation(vocab.STANDALONE_QUANTITIES)})"
    r"(?:\s+(?:more|of them|of those|please|pls|then))*\s*[.!?]*\s*$",
    re.IGNORECASE,
)
# "..., three of them", "give me 4 of those", "just 3", "only five please": a count anywhere in
# the request, counting "them" (not "which two of them") or before a comma or the end ("only one. drop …" is no count)
_COUNT = rf"((?:1\d|20|[1-9])(?!\d)|{vocab.alternation(vocab.COUNT_WORDS)})"
_CLAUSE_COUNT_RE = re.compile(
    rf"(?<![\w-])(?<!which )(?<!the )(?<!these )(?<!those ){_COUNT}\s+of\s+(?:them|those|these)\b"
    rf"|\b(?:just|only)\s+{_COUNT}(?=\s*(?:please|pls|thanks)?\s*(?:[,;]|[.!?]*\s*$))"
    # "give me four that mix with it", "3 which fit my loop": that many samples
    rf"|(?<![\w./-])((?:1\d|20|[2-9])(?!\d)|"
    rf"{vocab.alternation(w for w in vocab.COUNT_WORDS if w != 'one')})\s+"
    r"(?=(?:that|which)\s+(?:\w+\s+)?(?:(?:mix|go|fit|work|blend|sit)(?:es|s)?\s+"
    r"(?:well\s+)?with|(?:fit|suit|match)(?:es|s)?\s+(?:it|this|that|mine|my))\b)",
    re.IGNORECASE,
)
# "a few" anywhere ("a few of those funk loops, nothing over 100"): a few results.
_FEW_RE = vocab.word_pattern(
    w for w, n in vocab.QUANTITY_WORDS.items() if n == vocab.FEW and w not in vocab.COUNT_WORDS
)
# "top 5", "the best two", "just the best 2": a count ("the best 120 bpm loop" is a tempo)
_TOP_RE = re.compile(
    rf"\btop\s+(\d{{1,3}}|{vocab.alternation(vocab.COUNT_WORDS)})(?![\w-])"
    rf"|\bbest\s+(\d{{1,2}}|{vocab.alternation(vocab.COUNT_WORDS)})(?![\w.-])(?!\s*(?:bpm|ms|%))",
    re.IGNORECASE,
)


def _count(word: str) -> int:
    """A result count written in digits or words ("5", "five", "a couple" → 2)."""
    return int(word) if word.isdigit() else vocab.quantity(word)


def _bpm_ok(value: float) -> bool:
    return 40.0 <= value <= 250.0


def _query_le(field: str) -> float:
    # The ceiling CatalogQuery validates, read from the model so the two never drift.
    return float(next(m.le for m in CatalogQuery.model_fields[field].metadata if hasattr(m, "le")))


# Tempos a search can use when the user wrote the unit ("300 bpm", "tempo 30"): up to
# CatalogQuery's ceiling, and from 20 BPM (slower is not a pulse anyone plays to). A bare
# number must also pass _bpm_ok, which keeps "give me 300" and "the 30s" out of tempo.
TEMPO_LIMITS_BPM = (20.0, _query_le("bpm_max"))
# How an unusable tempo is written into ParsedRequest.unresolved ("99999 BPM"), next to
# result references past the end of a list ("the 9th one"); the offline answer tells them apart.
UNUSABLE_TEMPO_RE = re.compile(r"\d+(?:\.\d+)? BPM")
# How a meter the analysis does not measure is written into ParsedRequest.unresolved
# ("5/4 meter"): no search keeps to it, so the answer says so instead of searching.
UNMEASURED_METER_RE = re.compile(r"\d+/\d+ meter")
_UNIT_RE = re.compile(rf"\b(?:{vocab.TEMPO_UNIT}|tempo)\b", re.IGNORECASE)
# A tempo with its unit, whatever its size, to report the ones outside TEMPO_LIMITS_BPM.
_ANY_NUM = r"(\d+(?:\.\d+)?)"
_TEMPO_WORD_RE = re.compile(
    rf"(?<![\w.]){_ANY_NUM}\s*(?:(?:-|–|—|to|and)\s*{_ANY_NUM}\s*)?(?:bpm|beats per minute)\b"
    rf"|\b(?:bpm|tempo)\s*(?:of|=|:|at)?\s*{_ANY_NUM}(?![\w.])",
    re.IGNORECASE,
)


def _tempo_ok(value: float, m: re.Match[str]) -> bool:
    # The unit may follow the match ("at 300" + " bpm"), as _EXACT_RE reads "at N" first.
    if _UNIT_RE.search(m.group(0)) or re.match(
        r"\s*(?:bpm|beats per minute)\b", m.string[m.end() :], re.IGNORECASE
    ):
        return TEMPO_LIMITS_BPM[0] <= value <= TEMPO_LIMITS_BPM[1]
    return _bpm_ok(value)


# ---------------------------------------------------------------------- keys, eras


def _eras(text: str) -> tuple[list[str], list[int]]:
    eras: list[str] = []
    years: list[int] = []
    for m in vocab.find_eras(text):
        years.extend(m.years)
        if m.era not in eras:
            eras.append(m.era)
    return eras, years


# --------------------------------------------------------------------------- genres


def _genres(text: str) -> list[str]:
    """Genres named in ``text`` (one shared vocabulary: ``tools.vocab``), in text order.

    Drum machines, breaks, artists and studios ("SP-1200", "MPC", "TR-808", "J Dilla",
    "DJ Premier") are no genre: a search for "J Dilla style loops" is not a search for
    loops tagged hip hop, and the era answers read those names from the text themselves
    (:func:`groovegraph.graph.knowledge.lookup_facts`)."""
    out: list[str] = []
    for _, g in vocab.find_genres(text):
        if g not in out:
            out.append(g)
    if (
        not out
        and (breaks := _BREAKS_GENRE_RE.search(text)) is not None
        and not any(0 <= breaks.start() - b <= 2 for (_, b), _g in vocab.find_entities(text))
        and vocab.find_other_style(text) is None
    ):
        # "some breaks around 170", "got any breaks?": "breaks" on its own is the genre
        # (as a catalog tag it is breakbeat too); "drum breaks" are drums-only loops,
        # "funk breaks" funk, "amen breaks" that break (no genre), "zydeco breaks" a style
        # the vocabulary has no tag for, and "it breaks up" is a verb
        out.append("breakbeat")
    return out


# "breaks" as a plural noun: a determiner or the start before it, no drum/genre word or
# subject pronoun before it, no particle ("breaks down") after it
_BREAKS_GENRE_RE = re.compile(
    r"(?:^|(?<=[\s,;:(]))(?<!drum )(?<!drums )(?<!it )(?<!that )(?<!this )(?<!loop )"
    r"(?<!the beat )breaks\b(?!\s+(?:down|up|off|out|apart|in|through|between)\b)",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- intents

# Words that open a new request after "and"/"then" ("… and find me a third", "and what's
# its key"): the find verbs, question words and a few more asking verbs.
_REQUEST_OPENERS = vocab.alternation(
    (
        *vocab.FIND_VERBS,
        *vocab.QUESTION_WORDS,
        *vocab.AUXILIARIES,
        *("tell", "explain", "give", "get", "check", "see", "look", "compare", "describe"),
    )
)
_CLAUSE_SPLIT_RE = re.compile(
    r"[?;!]+|\.(?:\s|$)|\s[-–—]\s|,\s*(?:and\s+|but\s+|then\s+|also\s+)?"
    rf"|\s(?:and|then|also|plus)\s+(?=(?:also\s+)?{_REQUEST_OPENERS}(?![\w-]))",
    re.IGNORECASE,
)
_LIBRARY = vocab.alternation(vocab.LIBRARY_NOUNS)
_FIND_RE = re.compile(
    rf"(?<![\w-]){vocab.FIND_VERB}(?![\w-])|^\s*any(?:thing)?\b"
    rf"|\bfrom my {_LIBRARY}\b"
    rf"|\bin my {_LIBRARY}\b(?!.*\b(?:average|how many|breakdown)\b)",
    re.IGNORECASE,
)
# Mixing words, and the phrasings of a mixing question around them.
_COMPAT_RE = re.compile(
    rf"(?<![\w-]){vocab.alternation(vocab.MIX_WORDS)}(?![\w-])"
    r"|\b(?:key change|(?:work|go|play|sit|sound|fit)s?\s+(?:\w+\s+)?(?:together|with)|"
    r"match(?:es)?|smooth|into one|pairs?|on top of|"
    r"(?:ok|okay|fine|good|work|sit|go)\s+(?:[\w-]+\s+){0,2}?(?:under|over|beneath|beside)|"
    rf"(?:into|to)\s+{vocab.KEY_TOKEN}\b.{{0,30}}(?:without|sound|off|ok|fine))\b",
    re.IGNORECASE,
)
# History words, and the phrasings of a history or style question around them.
_HISTORY_RE = re.compile(
    rf"(?<![\w-]){vocab.alternation(vocab.HISTORY_WORDS)}(?![\w-])"
    r"|\b(?:made .{0,30}(?:feel|sound)|how did|how does .{0,40}differ|who (?:were|was|are|is)|"
    r"why did|why do|"
    r"what (?:tempo|bpm|key|swing)s? (?:was|were|did)|what (?:was|were) (?:the )?(?:typical|usual|sound|tempo|deal)|"
    r"what (?:was|were) .{0,30}(?:like|about)|which (?:decade|era|year)|what (?:decade|era|year)|"
    r"decade is it|era (?:it|this) (?:sounds?|is)|sounds? like .{0,15}(?:era|decade|\d0s)|"
    r"what is .{0,20}(?:swing|style|genre)\b|describe the (?:sound|style)|"
    r"how \w+ (?:were|was|did)|why (?:does|do|is|are|was|were)|what(?:'s| is) the deal with|"
    r"(?:is|does) (?:it|this|that)(?: one| loop| break)? (?:sound |feel )?more\b|"
    r"fit (?:in |into )?(?:a |an |the )?[\w\s'-]{0,25}(?:set|era|decade|style|record))\b",
    re.IGNORECASE,
)
_SAMPLES = vocab.SAMPLE_NOUN
_STATS_RE = re.compile(
    rf"\b(?:how many (?:{_RESULT_NOUN}|\w+ {_SAMPLES}|\d0s {_SAMPLES})|"
    r"on average|average|median|breakdown|distribution|statistic\w*|stats|most common|"
    rf"overview of my|what(?:'s| is) in my {_LIBRARY}|(?:my|the) {_LIBRARY} looks? like|"
    rf"do i have more|(?:more|fewer)\s+\w+(?:\s+\w+)?\s+or\s+\w+(?:\s+\w+)?\s+{_SAMPLES}|"
    r"what \w+ do i (?:usually|normally|mostly|tend to)|"
    r"(?:usually|normally|mostly|tend to) (?:pick|use|go for|choose|make))\b",
    re.IGNORECASE,
)
# "drum breaks like this one", "loops like mine", "more grooves like it": samples (a
# plural noun) like the one at hand are asked for, a search with it as the reference
PLURAL_LIKE_REF_RE = re.compile(
    rf"\b(?:{vocab.alternation(tuple(f'{n}s' for n in vocab.SAMPLE_NOUNS))}|drums)\b"
    r"[^.?!]{0,40}?\blike\s+(?:this|that|it|mine|my)\b",
    re.IGNORECASE,
)
GROOVE_QUESTION_RE = re.compile(
    r"\b(?:analy[sz]\w*|swing|swung|tempo|bpm|key|groove|feel|pocket|timing|quantized|quantised|"
    r"describe|tight|loose|snare|straight|laid[\s-]?back|behind|ahead|what(?:'s| is) this)\b",
    re.IGNORECASE,
)


def split_clauses(text: str) -> list[str]:
    """Split a message into clauses at punctuation and at 'and' before a new request verb."""
    return [c.strip() for c in _CLAUSE_SPLIT_RE.split(text) if c and c.strip()]


def _intents(
    text: str, *, has_samples: bool, has_filters: bool, n_keys: int = 0, has_style: bool = False
) -> list[Intent]:
    intents: list[Intent] = []

    def add(intent: Intent) -> None:
        if intent not in intents:
            intents.append(intent)

    for clause in split_clauses(text):
        # Statistics words win over "give me"/"show me": "show me the average tempo…".
        if _STATS_RE.search(clause):
            add("stats")
        elif _FIND_RE.search(clause):
            add("find")
        elif _COMPAT_RE.search(clause):
            add("compatibility")
        elif _HISTORY_RE.search(clause):
            add("history")
    if has_samples and PLURAL_LIKE_REF_RE.search(text):
        add("find")
    if has_samples:
        add("analyze")
    # Two keys and nothing else asked ("Is 4A to 5A fine?") is a transition question.
    if not intents and n_keys >= 2:
        add("compatibility")
    # A bare noun phrase with filters ("lo-fi loops with a lazy swing, 70-80 bpm") is a search;
    # a question about a genre or era with no other ask is a history question.
    if (
        not intents
        and has_style
        and (vocab.is_question(text) or re.match(r"\s*(?:tell|explain)\b", text, re.I))
        and not vocab.SAMPLE_NOUN_RE.search(text)
    ):
        add("history")
    if not intents and has_filters and vocab.SAMPLE_NOUN_RE.search(text):
        add("find")
    return intents


# ----------------------------------------------------------------------------- parse


def blank_spans(text: str, *, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each ``(start, end)`` character span replaced by as many spaces, so
    what a span held is not read again and every other offset stays where it was."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _uniq(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def around_band(bpm: float) -> tuple[float, float]:
    """The band a search keeps to for a tempo said "around" (±5 %, to a tenth of a BPM):
    "house around 124" is 117.8–130.2."""
    return round(bpm * 0.95, 1), round(bpm * 1.05, 1)


def parse_request(
    text: str,
    *,
    samples: Sequence[str] = (),
    results: Sequence[str] = (),
    fresh_results: bool = True,
) -> ParsedRequest:
    """Parse one user message.

    Parameters
    ----------
    text : str
        The message as the user wrote it.
    samples : sequence of str
        Sample ids or library paths attached to the message
        (``HumanMessage.additional_kwargs["samples"]``); inline references are added.
    results : sequence of str
        Sample ids of the last result list shown in the thread, rank 1 first. References
        to it ("the first one", "#2", "the last two", "both of them") are resolved
        with :func:`find_result_refs` and added to ``samples``.
    fresh_results : bool
        ``results`` are the previous turn's (see :func:`find_result_refs`).

    Returns
    -------
    ParsedRequest
        Tempo in BPM (``bpm_min``/``bpm_max`` for a range, ``target_bpm`` for one value,
        every tempo in ``bpms``), keys as canonical names with Camelot codes, eras as
        decade labels (``"70s"``), genres normalised like catalog tags, feel words with an
        MPC swing-percent range, sample references and the clause intents.
    """
    if not isinstance(text, str):
        raise InvalidQueryError("message text must be a string")
    # A request is a sentence or two; only the head of a pasted wall of text is parsed,
    # which bounds the regex work per turn (a few ms) whatever the client sends.
    head = tempo_parts_of_tens(text[:MAX_PARSE_CHARS])
    explicit = _uniq([*(str(s) for s in samples if str(s).strip()), *find_sample_refs(head)])
    # Demonstratives ("these two", "it") name the attached samples when there are any.
    earlier = find_result_refs(
        head, results=[str(r) for r in results], fresh=fresh_results and not explicit
    )
    refs = _uniq([*earlier.ids, *explicit])
    # "#2", "the 3rd", "number 3" are blanked so they are not read as a tempo or a count.
    prose = blank_spans(head, spans=earlier.spans)
    # Paths and ids are removed before looking for numbers, keys and eras in the prose.
    for ref in refs:
        prose = prose.replace(ref, " ")

    # A time signature first: "12/8 grooves" is no count of 8 (nor "3/4" a tempo).
    meter_found = vocab.find_meter_span(prose)
    if meter_found is not None:
        prose = blank_spans(prose, spans=[meter_found[1]])
    # Result count first, so "give me 5 loops" is not a tempo.
    limit: int | None = None
    m = (
        _TOP_RE.search(prose)
        or _LIMIT_RE.search(prose)
        or _WORD_LIMIT_RE.search(prose)
        or _BARE_QUANTITY_RE.search(prose)
        or _CLAUSE_COUNT_RE.search(prose)
    )
    said = next((g for g in m.groups() if g), "") if m else ""
    count = _count(said) if m else 0
    if m and 1 <= count <= 200:
        limit = count
        at = m.start(m.groups().index(said) + 1)
        prose = prose[:at] + " " * len(said) + prose[at + len(said) :]
    elif _FEW_RE.search(prose):
        limit = vocab.FEW

    eras, years = _eras(prose)
    prose_no_eras = vocab.ERA_RE.sub(lambda mm: " " * len(mm.group(0)), prose)
    keys_found = vocab.find_keys(prose_no_eras)
    # Camelot codes are blanked so "5A at 124" leaves only the tempo.
    prose_tempo = vocab.CAMELOT_RE.sub(lambda mm: " " * len(mm.group(0)), prose_no_eras)
    # A swing amount ("more swing, 55 and up") is not a tempo.
    swing_lo, swing_hi, swing_spans = vocab.find_swing_amount(prose_tempo)
    prose_tempo = blank_spans(prose_tempo, spans=swing_spans)

    bpm_min = bpm_max = target = None
    bpms: list[tuple[int, float]] = []
    consumed: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return not any(a < span[1] and span[0] < b for a, b in consumed)

    # A tempo written with its unit that no search can use ("99999 bpm", "100-99999 bpm")
    # is reported (ParsedRequest.unresolved) instead of dropped, which would search every
    # tempo; its span is taken so no part of it ("100") is read as a tempo either.
    bad_tempos: list[str] = []
    for mm in _TEMPO_WORD_RE.finditer(prose_tempo):
        bad = [
            f"{raw} BPM"
            for raw in mm.groups()
            if raw and not TEMPO_LIMITS_BPM[0] <= float(raw) <= TEMPO_LIMITS_BPM[1]
        ]
        if bad:
            bad_tempos.extend(bad)
            consumed.append(mm.span())
    for mm in _TEMPO_DECADE_RE.finditer(prose_tempo):
        # "in the 140s", "high 120s": the ten tempos of that hundred-and-tens (or a part)
        base = float(mm.group(2))
        lo, hi = (base + a for a in _TEMPO_DECADE_PARTS[(mm.group(1) or "").lower()])
        if bpm_min is None:
            bpm_min, bpm_max, target = lo, hi, round((lo + hi) / 2, 2)
        bpms.extend([(mm.start(2), lo), (mm.end(2), hi)])
        consumed.append(mm.span())
    for rx in _RANGE_RES:
        for mm in rx.finditer(prose_tempo):
            lo, hi = float(mm.group(1)), float(mm.group(2))
            ok = _tempo_ok(lo, mm) and _tempo_ok(hi, mm)
            if not ok or not free(mm.span()):
                continue
            if _MOVE_TO_RE.search(mm.group(0)) and _MOVE_BEFORE_RE.search(
                prose_tempo[: mm.start()]
            ):
                # "stretch 97 to 103", "going from 124 to 130": a move between two tempos
                # (the pair a mix check compares), not a band to search
                bpms.extend([(mm.start(1), lo), (mm.start(2), hi)])
                consumed.append(mm.span())
                continue
            lo, hi = min(lo, hi), max(lo, hi)
            if bpm_min is None:
                bpm_min, bpm_max, target = lo, hi, round((lo + hi) / 2, 2)
            bpms.extend([(mm.start(1), lo), (mm.start(2), hi)])
            consumed.append(mm.span())
    for mm in _PAIR_RE.finditer(prose_tempo):
        a, b = float(mm.group(1)), float(mm.group(2))
        if _tempo_ok(a, mm) and _tempo_ok(b, mm) and free(mm.span()):
            bpms.extend([(mm.start(1), a), (mm.start(2), b)])
            consumed.append(mm.span())
    approx_target: float | None = None
    approx = [*_APPROX_RE.finditer(prose_tempo), *_APPROX_AFTER_RE.finditer(prose_tempo)]
    for mm in sorted(approx, key=lambda m: m.start()):
        v = float(mm.group(1))
        if _tempo_ok(v, mm) and free(mm.span()):
            bpms.append((mm.start(1), v))
            consumed.append(mm.span())
            approx_target = approx_target or v
    exact_target: float | None = None
    for mm in _EXACT_RE.finditer(prose_tempo):
        raw = next(g for g in mm.groups() if g)
        v = float(raw)
        if _tempo_ok(v, mm) and free(mm.span()):
            bpms.append((mm.start(), v))
            consumed.append(mm.span())
            exact_target = exact_target or v
    for mm in _BARE_RE.finditer(prose_tempo):
        v = float(mm.group(1))
        if _bpm_ok(v) and free(mm.span()):
            bpms.append((mm.start(), v))
            consumed.append(mm.span())
            exact_target = exact_target or v
    bpms.sort()
    if bpm_min is None:
        if approx_target is not None:
            target = approx_target
            bpm_min, bpm_max = around_band(target)
        elif exact_target is not None:
            # "house at 124", "97 bpm": a tempo said plainly is still a band a loop can be
            # stretched within unheard — ±4 % (120-129 for 124), narrower than the ±5 % of
            # "around 124"
            target = exact_target
            bpm_min, bpm_max = round(target * 0.96, 1), round(target * 1.04, 1)

    keys: list[str] = []
    cams: list[str] = []
    for _, spelled in keys_found:
        try:
            k = parse_key(spelled)
        except InvalidQueryError:
            continue
        keys.append(k.name)
        cams.append(k.camelot)

    swing_words, swing_min, swing_max = vocab.find_swing(prose)
    if swing_spans:
        swing_words = [*swing_words, *(prose[x:y].strip().lower() for x, y in swing_spans)]
        swing_min, swing_max = swing_lo, swing_hi
    genres = _genres(prose)
    has_filters = bool(bpms or keys or eras or genres or swing_words)
    intents = _intents(
        prose,
        has_samples=bool(refs),
        has_filters=has_filters,
        n_keys=len(keys),
        has_style=bool(genres or eras),
    )
    return ParsedRequest(
        text=text,
        bpm_min=bpm_min,
        bpm_max=bpm_max,
        target_bpm=target,
        bpms=[v for _, v in bpms],
        half_double=bool(vocab.HALF_DOUBLE_RE.search(prose)),
        keys=keys,
        camelot=cams,
        eras=eras,
        years=sorted(set(years)),
        genres=genres,
        swing_words=swing_words,
        vibes=vocab.find_vibes(prose),
        swing_min=swing_min,
        swing_max=swing_max,
        meter=None if meter_found is None else meter_found[0],
        samples=refs,
        intents=intents,
        limit=limit,
        unresolved=_uniq(
            [
                *earlier.unresolved,
                *bad_tempos,
                *(
                    [f"{odd} meter"]
                    if meter_found is None and (odd := vocab.find_unmeasured_meter(prose))
                    else []
                ),
            ]
        ),
    )
