"""No answer twice: a turn whose answer would repeat an earlier one says what is new.

Some turns naturally come out with the words of an earlier answer: a follow-up filter
that every listed result already meets ("just the dusty ones"), the same question or
search asked again, "back to the loops" after a detour, a reference that resolves to the
sample already analysed, or the same clarification for a message still not understood.
Sending the same text again tells the user nothing (and a client shows it as a duplicate),
so the node that writes the turn's answer — the specialist that works alone, or
``respond`` — passes it through :func:`unrepeated`: when the answer equals (up to case,
spacing and punctuation) any AI message of an earlier turn still in the thread, it opens
with a line saying why the result is the same this time — which new filter changed
nothing, that the search or the sample is the one from before, that the message is
still not understood — and the body follows. A thread that asks the same thing again
and again gets "… (the same answer a third time)", so no two turns' texts are ever equal.

Every number in a lead line is a tool value of the turn (a count of returned hits, the
search's own tempo bounds) or the user's own, so answers stay grounded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterator, Mapping, Sequence

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage

from groovegraph.graph.followups import as_found
from groovegraph.graph.memory import message_text
from groovegraph.graph.tools import sample_label
from groovegraph.state import (
    Analysis,
    CatalogHit,
    CompatibilityReport,
    EraBrief,
    ParsedRequest,
)

#: ``ParsedRequest.unresolved`` entry for a mix question about "it" when the thread holds
#: no sample "it" could be (nothing attached, analysed or in focus).
NO_ANTECEDENT = '"it" (no sample in this conversation yet)'
#: ``ParsedRequest.unresolved`` prefix of a style the user asked samples of that neither
#: the vocabulary nor any sample's tag knows ("style:polka"): nothing was searched for it.
UNKNOWN_STYLE = "style:"

__all__ = [
    "answer_key",
    "earlier_answer_keys",
    "filter_phrases",
    "once_each",
    "ordinal",
    "unrepeated",
]

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def answer_key(text: str) -> str:
    """What makes two answers "the same": their words, ignoring case, spacing and
    punctuation (a short digest, so a thread keeps it cheaply)."""
    canon = _NOT_WORD.sub(" ", text.casefold()).strip()
    return hashlib.sha1(canon.encode("utf-8")).hexdigest()[:16] if canon else ""


def earlier_answer_keys(messages: Sequence[AnyMessage]) -> list[str]:
    """Keys of every AI message with text before the last human message (the turns the
    thread still holds), oldest first, without duplicates."""
    last_human = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
    keys = (
        answer_key(message_text(m))
        for m in messages[: max(last_human, 0)]
        if isinstance(m, AIMessage) and not m.tool_calls
    )
    return list(dict.fromkeys(k for k in keys if k))


# ------------------------------------------------------------------------ lead lines

_UNITS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_TENS = ["twent", "thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet"]
_SMALL = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]


def _cardinal(n: int) -> str:
    if n < 20:
        return _SMALL[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens - 2] + "y" + (f"-{_SMALL[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_SMALL[hundreds]} hundred" + (f" and {_cardinal(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    return f"{_cardinal(thousands)} thousand" + (f" {_cardinal(rest)}" if rest else "")


def ordinal(n: int) -> str:
    """``n`` as an ordinal in words ("third", "twenty-first"): a count the answer shows
    without writing a number no tool returned."""
    if n < 20:
        return _UNITS[n]
    head = _cardinal(n)
    for plain, nth in (
        ("one", "first"),
        ("two", "second"),
        ("three", "third"),
        ("five", "fifth"),
        ("eight", "eighth"),
        ("nine", "ninth"),
        ("twelve", "twelfth"),
    ):
        if head.endswith(plain):
            return head[: -len(plain)] + nth
    return head[:-1] + "ieth" if head.endswith("y") else head + "th"


def _fmt(value: float) -> str:
    return f"{value:g}"


def filter_phrases(request: ParsedRequest | None) -> dict[str, str]:
    """The search filters a request sets, one phrase per kind of filter."""
    if request is None:
        return {}
    out: dict[str, str] = {}
    if request.genres:
        out["genre"] = " or ".join(request.genres)
    if request.not_genres:
        out["not_genre"] = "not " + " or ".join(request.not_genres)
    if request.eras:
        out["era"] = " or ".join(request.eras)
    if request.not_eras:
        out["not_era"] = "not the " + " or ".join(request.not_eras)
    if request.vibes:
        out["vibe"] = " ".join(request.vibes)
    if request.keys:
        if request.compatible or request.mix_with:
            out["key"] = f"keys that mix with {request.keys[0]}"
        else:
            # "in A minor or C major", then "just the minor ones": "in A minor" is new
            out["key"] = "in " + " or ".join(request.keys)
    elif request.mode:
        out["key"] = f"{request.mode} keys"
    if request.bpm_min is not None and request.bpm_max is not None:
        out["tempo"] = f"{_fmt(request.bpm_min)}–{_fmt(request.bpm_max)} BPM"
    elif request.bpm_max is not None:
        out["tempo"] = f"up to {_fmt(request.bpm_max)} BPM"
    elif request.bpm_min is not None:
        out["tempo"] = f"from {_fmt(request.bpm_min)} BPM up"
    if request.swing_words:
        out["swing"] = " ".join(request.swing_words)
    elif request.swing_min is not None or request.swing_max is not None:
        out["swing"] = "swung" if (request.swing_min or 0) > 50 else "straight"
    if request.kind:
        out["kind"] = "one-shots" if request.kind == "one_shot" else "loops"
    if request.instrument:
        out["instrument"] = request.instrument
    if request.limit:
        out["limit"] = f"the top {request.limit}"
    return out


def _new_filters(request: ParsedRequest | None, previous: ParsedRequest | None) -> list[str]:
    now, before = filter_phrases(request), filter_phrases(previous)
    return [phrase for kind, phrase in now.items() if before.get(kind) != phrase]


def _lifted_filters(request: ParsedRequest | None, previous: ParsedRequest | None) -> list[str]:
    """The kinds of filter the earlier search had and this one no longer has ("drop the
    tempo limit"), named without their values (those were the earlier turn's numbers)."""
    now, before = filter_phrases(request), filter_phrases(previous)
    names = {"not_genre": "genre exclusion", "not_era": "decade exclusion", "era": "decade"}
    return [names.get(kind, kind) for kind in before if kind not in now]


def _names(hits: Sequence[CatalogHit]) -> list[str]:
    return [h.sample_id for h in hits]


def _lead(
    *,
    request: ParsedRequest | None,
    previous: ParsedRequest | None,
    listed: Sequence[CatalogHit],
    hits: Sequence[CatalogHit],
    searched: bool,
    analyses: Mapping[str, Analysis],
    reports: Sequence[CompatibilityReport],
    era: EraBrief | None,
) -> str:
    """Why this turn's answer is the same as an earlier one, in one line."""
    # what the earlier search applied: a tempo band or vibe it relaxed to show its list is
    # not "new" when the narrowing keeps to what that list holds
    before = as_found(previous, listed) if previous is not None else None
    new = _new_filters(request, before) if searched else []
    if hits:
        n = len(hits)
        results = f"{n} result" + ("" if n == 1 else "s")
        same_list = set(_names(hits)) == set(_names(listed))
        top = filter_phrases(request).get("limit")
        if top and new == [top] and same_list:
            return f"{top[0].upper()}{top[1:]} are the {results} I listed before."
        if new and same_list:
            return (
                f"Nothing new with {', '.join(new)}: the {results} I listed before "
                "already meet it, so the same list again."
            )
        if new:
            return (
                f"With {', '.join(new)}, the search comes back to the {results} I "
                "listed earlier in this conversation."
            )
        if lifted := _lifted_filters(request, previous) if searched else []:
            # "ignore the bpm" when every hit already met it: the search did change
            filters = "filter" if len(lifted) == 1 else "filters"
            return (
                f"Without the {' and '.join(lifted)} {filters}, the search still comes back "
                f"to the {results} I listed before."
            )
        return (
            "Same search as before and the library has not changed, so the same "
            f"{results} as earlier."
        )
    if searched:
        if new:
            return f"Still no match: {', '.join(new)} on top of the earlier filters finds nothing either."
        return "Same search as before, and still no sample matches it."
    if reports:
        pairs = "; ".join(f"{r.a} × {r.b}" for r in reports[:3])
        return f"Same comparison as before ({pairs}), so the same verdict:"
    if analyses:
        labels = ", ".join(sample_label(ref, a) for ref, a in list(analyses.items())[:3])
        return (
            f"This is about {labels} again, whose numbers do not change between turns "
            "(if you meant another sample, name it or its rank in the last list):"
        )
    if era is not None and (era.facts or era.stats):
        return "Same question as before, so the same notes and library numbers:"
    asked = " ".join((request.text if request else "").split())
    if request is not None and request.unresolved:
        missing = ", ".join(
            "“it”"
            if p == NO_ANTECEDENT
            else f"the style “{p.removeprefix(UNKNOWN_STYLE)}”"
            if p.startswith(UNKNOWN_STYLE)
            else f"“{p}”"
            for p in request.unresolved
        )
        return f"I still can't resolve {missing}, so once more:"
    if asked:
        quoted = asked if len(asked) <= 60 else asked[:57].rstrip() + "…"
        return f"You asked “{quoted}” before, and there is nothing new to look up:"
    return "Asked again, with nothing new to look up:"


def _again() -> Iterator[str]:
    yield ""
    n = 2
    while True:
        n += 1
        yield f" (the same answer a {ordinal(n)} time)"


_SAMPLE_ID_RE = re.compile(r"\[[0-9a-f]{6,64}\]")


def once_each(text: str) -> str:
    """``text`` with nothing said twice in it: a paragraph equal (spacing aside) to an
    earlier one of the same text is dropped, and so is a line naming a sample (a listed
    result, an analysis line: ``name.wav [id]``) equal to an earlier line. One answer
    may join several parts (a note, a specialist's findings, a list); none repeats."""
    seen_paragraphs: set[str] = set()
    seen_lines: set[str] = set()
    kept: list[str] = []
    dropped = False
    for paragraph in re.split(r"\n[ \t]*\n", text):
        key = " ".join(paragraph.split())
        if key and key in seen_paragraphs:
            dropped = True
            continue
        seen_paragraphs.add(key)
        lines = []
        for line in paragraph.split("\n"):
            said = " ".join(line.split())
            if _SAMPLE_ID_RE.search(said) and len(said) > 40:
                if said in seen_lines:
                    dropped = True
                    continue
                seen_lines.add(said)
            lines.append(line)
        kept.append("\n".join(lines))
    return "\n\n".join(kept) if dropped else text


def unrepeated(
    text: str,
    *,
    answered: Collection[str],
    request: ParsedRequest | None = None,
    previous: ParsedRequest | None = None,
    listed: Sequence[CatalogHit] = (),
    hits: Sequence[CatalogHit] = (),
    searched: bool = False,
    analyses: Mapping[str, Analysis] | None = None,
    reports: Sequence[CompatibilityReport] = (),
    era: EraBrief | None = None,
    led: bool = False,
) -> str:
    """``text``, or — when it repeats an answer already given (``answered``: keys of
    :func:`answer_key`) — ``text`` after a line saying why it is the same this time
    (see the module docstring). The result's key is never in ``answered``. ``led``: the
    text opens with the turn's own answer (the supervisor's notes: "the list has only
    one: …"), so the same list under it is no repeat to explain."""
    seen = set(answered)
    if not text.strip():
        return text
    text = once_each(text)
    # The same results as the list shown last, in the same order, are a repeat even in
    # other words ("only the dusty ones" when every listed loop is dusty).
    same_list = bool(searched and hits and _names(hits) == _names(listed)) and not led
    if answer_key(text) not in seen and not same_list:
        return text
    lead = _lead(
        request=request,
        previous=previous,
        listed=listed,
        hits=hits,
        searched=searched,
        analyses=analyses or {},
        reports=reports,
        era=era,
    )
    head, end = lead.rstrip(".:"), lead[-1] if lead[-1] in ".:" else "."
    for again in _again():
        candidate = f"{head}{again}{end}\n\n{text}"
        if answer_key(candidate) not in seen:
            return candidate
    raise AssertionError("unreachable: _again() never ends")
