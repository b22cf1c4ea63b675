"""Which of the hit lists a thread has shown a turn points at.

The last list shown is what "the first one", "the 97 BPM one" and "which of those swing?"
read (``listed_hits`` and ``listed_request`` of the state). A turn that shows one hit (a
superlative pick: "which one is the slowest?") or narrows the list replaces it, so the
lists shown before it stay in a small stack (``shown_lists``, newest last, each with the
search that found it), and a turn reaches one of them

* by an explicit pointer: "back to the list", "ok back to the five dark ones", "go back to
  those house loops", "the previous list", "those three dusty loops" — matched to each
  list by how many hits it showed and by the words of its search and hits (genre, vibe,
  era, …);
* by an attribute no hit of the last list has, that exactly one hit of an earlier list has
  ("the C minor one" after a single pick, when the list before held a C minor loop).

The list a turn points at becomes the last list shown again (the one it replaces joins the
stack), so a narrowing after "back to the list" narrows that list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from groovegraph.graph.followups import find_attribute_refs, held_by
from groovegraph.graph.parser import find_result_refs, parse_request
from groovegraph.graph.state import SHOWN_LIST_HITS_KEPT, SHOWN_LISTS_KEPT
from groovegraph.state import CatalogHit, ParsedRequest, ShownList
from groovegraph.tools import vocab
from groovegraph.tools.catalog import normalize_era, normalize_tag
from groovegraph.tools.errors import InvalidQueryError

__all__ = ["Pointed", "point", "stacked"]

_COUNT = rf"(?:{vocab.alternation(w for w in vocab.COUNT_WORDS if w != 'one')}|[2-9]|1\d|20)"
# what a list or its items are called: "the list", "those ones", "the dusty loops"
_LIST_NOUN = vocab.alternation(
    (
        *(n + "s" for n in (*vocab.SAMPLE_NOUNS, "one", "hit", "result", "option", "pick")),
        *(n + "es" for n in ("match",)),
        "list",
        "results",
        "search",
    )
)
# (a tempo bound written with a plus is a word of it: "the 172+ ones")
_DESC = r"(?:[\w#♯'+-]+\s+){0,4}?"
# "back to the list", "go back to those house loops", "ok back to the five dark ones",
# "back to those"
_BACK_RE = re.compile(
    r"(?:\b(?:ok(?:ay)?|so|and|now|right|let'?s|can\s+we|could\s+we|go(?:ing)?|get|come|"
    r"jump|head|take\s+(?:me|us))[\s,]+)*"
    # ("go back to all the minor ones", "back to all of those": the whole list again)
    rf"\bback\s+to\s+(?P<all>all\s+(?:of\s+)?)?"
    rf"(?P<ref>(?:the|those|these|that)\s+(?:very\s+)?{_DESC}{_LIST_NOUN}\b"
    r"(?:\s+(?:from\s+)?(?:before|earlier))?"
    # "go back to those - the C minor one?", "back to them"
    r"|(?:those|these|them)(?:\s+(?:from\s+)?(?:before|earlier))?(?=\s*(?:[,.;:?!–—-]|$)))",
    re.IGNORECASE,
)
# "the previous list", "the earlier results", "the list before", "the first list"
_EARLIER_RE = re.compile(
    r"\b(?:the|that)\s+(?P<which>previous|earlier|older|other|original|first)\s+"
    r"(?:list|results|search|batch|set)\b"
    r"|\bthe\s+(?:list|results)\s+(?:from\s+)?before\b",
    re.IGNORECASE,
)
# "those three dusty loops", "the five dark ones", "those house loops"
_COUNTED_RE = re.compile(
    rf"\b(?:those|these|the)\s+(?:other\s+)?(?P<n>{_COUNT})\s+(?P<desc>{_DESC})"
    rf"(?P<noun>{_LIST_NOUN})\b",
    re.IGNORECASE,
)
_DESCRIBED_RE = re.compile(
    rf"\b(?:those|these)\s+(?P<desc>(?:[\w#♯'-]+\s+){{1,4}}?)(?P<noun>{_LIST_NOUN})\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[a-z0-9][a-z0-9#♯'-]*", re.IGNORECASE)
# words of a pointer that say which list by when, not by what it held
_WHEN_WORDS = frozenset(
    (
        "the",
        "those",
        "them",
        "these",
        "that",
        "very",
        "other",
        "earlier",
        "previous",
        "older",
        "old",
        "original",
        "first",
        "from",
        "before",
        "same",
        "list",
        "results",
        "search",
        "all",
    )
)
# a pointer's description never holds these: "those are the loops", "these in minor"
_NOT_DESCRIPTIVE = frozenset(
    ("are", "is", "were", "was", "in", "at", "with", "of", "and", "or", "to", "for", "you", "i")
)
_OLDEST_WORDS = frozenset(("first", "original"))
_NOUN_WORDS = frozenset(
    (
        *vocab.plurals(*vocab.SAMPLE_NOUNS, "one", "hit", "result", "option", "pick", "match"),
        *vocab.DRUM_NOUNS,
    )
)
_CUT_RE = re.compile(r"^[\s,;:.!?–—-]+|[\s,;:–—-]+$")


class Pointed(NamedTuple):
    """The list a turn points at, and the thread's stack once it is the last list again."""

    hits: list[CatalogHit]
    request: ParsedRequest | None
    shown_lists: list[ShownList]
    text: str
    """The turn's text without a "back to the list" phrase (what is asked of that list)."""
    relist: bool
    """The turn only goes back to the list ("ok back to the five dark ones"): show it."""
    note: str | None
    """The line saying which list the turn was read against (``None``: the last one)."""


class _Pointer(NamedTuple):
    n: int | None
    words: list[str]
    plural: bool
    back: bool
    earlier: bool
    oldest: bool
    span: tuple[int, int] | None
    whole: bool = False
    """ "back to all the minor ones": of the lists it fits, the fullest (the least narrowed)."""


def _ids(hits: Sequence[CatalogHit]) -> tuple[str, ...]:
    return tuple(h.sample_id for h in hits)


def _keep(stack: list[ShownList]) -> list[ShownList]:
    return stack[-SHOWN_LISTS_KEPT:]


def _pushed(
    stack: Sequence[ShownList], hits: Sequence[CatalogHit], request: ParsedRequest | None
) -> list[ShownList]:
    """``stack`` with ``hits`` (found by ``request``) on top, once."""
    if not hits:
        return list(stack)
    ids = _ids(hits)
    out = [s for s in stack if _ids(s.hits) != ids]
    out.append(ShownList(hits=list(hits[:SHOWN_LIST_HITS_KEPT]), request=request))
    return _keep(out)


def stacked(
    stack: Sequence[ShownList],
    *,
    listed: Sequence[CatalogHit],
    listed_request: ParsedRequest | None,
    shown: Sequence[CatalogHit],
) -> list[ShownList]:
    """The earlier lists at the start of a turn: the last list shown (``listed``, found by
    ``listed_request``) joins them when the previous turn showed another one (``shown``);
    a list shown again leaves the stack (it is the last one now)."""
    if not shown:
        return list(stack)
    out = list(stack)
    if listed and _ids(listed) != _ids(shown):
        out = _pushed(out, listed, listed_request)
    return [s for s in out if _ids(s.hits) != _ids(shown)]


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def _count(word: str | None) -> int | None:
    if word is None:
        return None
    return vocab.COUNT_WORDS.get(word.lower()) or int(word)


def _pointer(text: str) -> _Pointer | None:
    """The explicit pointer at a list in ``text``, if any."""
    m = _BACK_RE.search(text)
    if m is not None:
        ref = m.group("ref")
        counted = _COUNTED_RE.match(ref)
        words = _words(ref)
        return _Pointer(
            n=_count(counted["n"]) if counted is not None else None,
            words=words,
            plural=True,
            back=True,
            earlier=False,
            oldest=bool(_OLDEST_WORDS & set(words)),
            span=m.span(),
            whole=bool(m.group("all")),
        )
    m = _EARLIER_RE.search(text)
    if m is not None:
        which = (m.group("which") or "").lower()
        return _Pointer(None, [], True, False, True, which in _OLDEST_WORDS, None)
    for rx in (_COUNTED_RE, _DESCRIBED_RE):
        m = rx.search(text)
        if m is None:
            continue
        desc = _words(m.group("desc"))
        if set(desc) & _NOT_DESCRIPTIVE or not _named(desc):
            # ("those two loops" alone: the first two of the last list, the parser's)
            continue
        return _Pointer(_count(m.groupdict().get("n")), desc, True, False, False, False, None)
    return None


def _list_words(shown: ShownList) -> set[str]:
    """The words a list can be called by: its search's and those all of its hits share
    ("the 70s ones" is no list of 70s and 80s loops, but its 70s part)."""
    words: set[str] = set()
    request = shown.request
    if request is not None:
        words |= set(_words(request.text))
        for value in (*request.genres, *request.vibes, *request.eras, *request.keys):
            words |= set(_words(value))
        # ("nah forget house, techno instead": no house list)
        ruled_out = {w for g in (*request.not_genres, *request.not_eras) for w in _words(g)}
        words -= ruled_out - {w for v in (*request.genres, *request.eras) for w in _words(v)}
    counts: dict[str, int] = {}
    for h in shown.hits:
        tags = " ".join(str(v) for v in h.tags.model_dump().values() if v)
        name = re.sub(r"[_/.-]", " ", h.path.replace("\\", "/").rsplit("/", 1)[-1])
        for w in set(_words(f"{tags} {name} {h.key or ''}")):
            counts[w] = counts.get(w, 0) + 1
    words |= {w for w, c in counts.items() if c == len(shown.hits)}
    return words


def _named(words: Sequence[str]) -> list[str]:
    """The words of a pointer that describe what its list held."""
    return [
        w
        for w in words
        if w not in _WHEN_WORDS and w not in _NOUN_WORDS and w not in vocab.COUNT_WORDS
    ]


def _described(words: Sequence[str], shown: ShownList) -> bool:
    """Whether a list fits the words a pointer describes it with ("dusty", "house", "90s")."""
    named = _named(words)
    if not named:
        return True
    # "the house list", "the dusty ones": a style or feel is the one the list was searched
    # for (or all its hits have), not a word of the turns before it ("nah forget house,
    # techno instead" is no house list; its text says house)
    desc = " ".join(named)
    styles = vocab.find_genres(desc)
    request = shown.request
    for kind, asked, tagged in (
        ("genre", [g for _, g in styles], request.genres if request else []),
        ("vibe", vocab.find_vibes(desc), request.vibes if request else []),
    ):
        had = {normalize_tag(v) for v in tagged}
        tags = {normalize_tag(getattr(h.tags, kind)) for h in shown.hits}
        if len(tags) == 1:
            had |= tags
        if any(normalize_tag(v) not in had for v in asked):
            return False
    style_words = {w for span, _ in styles for w in _words(desc[span[0] : span[1]])}
    named = [w for w in named if w not in style_words and w not in vocab.find_vibes(w)]
    known = _list_words(shown)
    hit_eras = {normalize_era(h.tags.era) if h.tags.era else None for h in shown.hits}
    list_eras = {
        *(normalize_era(e) for e in (shown.request.eras if shown.request else ())),
        *(hit_eras if len(hit_eras) == 1 else ()),
    }
    for w in named:
        try:
            eras = parse_request(w).eras if any(c.isdigit() for c in w) else []
        except InvalidQueryError:
            eras = []
        if eras:
            # "the 90s ones": the decade the list was searched in or its hits are from
            if not {normalize_era(e) for e in eras} <= list_eras:
                return False
        elif w not in known:
            return False
    return True


def _said(pointer: _Pointer, shown: ShownList) -> bool:
    """Whether the message of ``shown``'s own turn (not the turns a narrowing went on
    from) holds every word the pointer describes its list with ("the swung list" is the
    list "swung boom bap loops" showed, not "any from the 90s?" narrowing it)."""
    named = _named(pointer.words)
    if not named or shown.request is None:
        return False
    own = shown.request.said
    return set(named) <= set(_words(own))


def _searched_one(shown: ShownList) -> bool:
    """Whether ``shown`` is the one hit a search of its own found ("a funk loop around 97,
    just one"), not one picked from a list ("which one is the slowest?")."""
    request = shown.request
    if len(shown.hits) != 1 or request is None or request.samples:
        return False
    if not request.refines and not request.among:
        return True
    # "house loops at 124" (one loop) → "which of them swing?" (none): the one loop is
    # still the house search's list, kept beside the narrowing that found nothing; a
    # narrowing or pick its one hit does not meet did not show it
    return request.refines and held_by(request, shown.hits[0]) != request


def _fits(pointer: _Pointer, shown: ShownList) -> bool:
    n = len(shown.hits)
    if pointer.n is not None and n != pointer.n:
        return False
    # "back to the first list", "the list before": a search that found one loop is a
    # list all the same; a pick from a list is not
    named_list = pointer.back or pointer.earlier or pointer.oldest
    if pointer.plural and n < 2 and not (named_list and _searched_one(shown)):
        return False
    return _described(pointer.words, shown)


def _note(hits: Sequence[CatalogHit]) -> str:
    files = [h.path.replace("\\", "/").rsplit("/", 1)[-1] for h in hits]
    shown = ", ".join(files[:3]) + (", …" if len(files) > 3 else "")
    n = len(files)
    return f"I read that against an earlier list I showed ({n} result{'s' * (n != 1)}: {shown})."


def _without(text: str, span: tuple[int, int] | None) -> str:
    if span is None:
        return text
    before, after = _CUT_RE.sub("", text[: span[0]]), _CUT_RE.sub("", text[span[1] :])
    return " ".join(p for p in (before, after) if p)


def point(
    text: str,
    *,
    hits: Sequence[CatalogHit],
    request: ParsedRequest | None,
    shown_lists: Sequence[ShownList],
    fresh: bool,
    attached: bool = False,
) -> Pointed | None:
    """The list ``text`` points at when it is not the last one shown (``hits``, found by
    ``request``; ``fresh``: shown by the previous turn), or a "back to the list" turn;
    ``None`` when the turn reads the last list as before.

    Parameters
    ----------
    text : str
        The turn's text.
    hits, request : the last list shown and its search.
    shown_lists : the earlier lists, newest last.
    fresh : bool
        The last list was shown by the previous turn ("back to" then means one before it).
    attached : bool
        The turn sends samples of its own (an attribute then names those, not a list).
    """
    current = ShownList(hits=list(hits), request=request)
    pointer = _pointer(text)
    if pointer is None:
        if attached or not hits or not shown_lists:
            return None
        if (
            len(hits) == 1
            and request is not None
            and list(request.among) == [hits[0].sample_id]
            and (back := _rank_before_pick(text, hits, shown_lists)) is not None
        ):
            # "the second one - what key?" after a single pick of the list before it
            # ("which is the fastest?": its search names that one hit): a rank past that
            # one hit is a rank of the list the user is working through (not after a
            # narrowing or a new search that found one)
            return _pointed(current, shown_lists, back, text, relist=False)
        # "the C minor one", "the 115 one from before" that no hit of the last list is,
        # and a hit of an earlier list is (several: which one is asked then)
        # (a sound no hit of the last list is, "does the E 808 fit it?" after loops, names
        # no hit there at all: a hit of an earlier list is looked for the same way)
        here = find_attribute_refs(text, hits=hits)
        if here.ids:
            return None
        if (
            len(hits) == 1
            and request is not None
            and not request.among
            and any(rx.search(text) for rx, _, _, _ in vocab.SUPERLATIVES)
        ):
            # "which of those is the fastest" after a search that found one loop: that
            # list (its one loop), not the one before it (a pick of one is another
            # matter: its list is the one it was picked from)
            return None
        for i in range(len(shown_lists) - 1, -1, -1):
            if _names_one(text, shown_lists[i].hits):
                return _pointed(current, shown_lists, i, text, relist=False)
        return None
    order = list(range(len(shown_lists)))
    if not pointer.oldest:
        order.reverse()
    # "back to ..." right after a list: one shown before it; after a detour that showed
    # none, the last list is the one gone back to
    skip_current = pointer.earlier or pointer.oldest or (pointer.back and fresh)
    fits_current = bool(hits) and _fits(pointer, current)
    rest = _without(text, pointer.span)
    chosen: int | None = None
    # "back to all the 172+ ones" after a detour from a narrowed list: a fuller earlier
    # list it fits is the one meant, not the narrowed one shown last
    fuller = pointer.whole and any(
        len(s.hits) > len(hits) and _fits(pointer, s) for s in shown_lists
    )
    # "back to the swung list" after "any from the 90s?" narrowed it: the list whose own
    # message said the word, not a later one whose search only carries it along
    introduced = [
        i for i in order if _fits(pointer, shown_lists[i]) and _said(pointer, shown_lists[i])
    ]
    said_here = fits_current and _said(pointer, current)
    if said_here and not introduced:
        # (the list shown last is the one that said it: that list, as read before)
        skip_current = False
    if skip_current or not fits_current or fuller or (introduced and not said_here):
        fitting = [i for i in order if _fits(pointer, shown_lists[i])]
        fitting.sort(key=lambda i: i not in introduced)
        if pointer.whole:
            fitting.sort(key=lambda i: -len(shown_lists[i].hits))
        # "the previous list - the 92 bpm one": of the lists the pointer fits, the one
        # whose hit the rest of the turn names
        chosen = next(
            (i for i in fitting if _names_one(rest, shown_lists[i].hits)),
            fitting[0] if fitting else None,
        )
    relist = pointer.back and not any(
        w not in vocab.COUNT_WORDS and w not in _FILLERS for w in _words(rest)
    )
    if chosen is None:
        if relist and fits_current:
            # "back to the list" after a detour that showed none: that list again
            return Pointed(list(hits), request, list(shown_lists), text, True, None)
        return None
    return _pointed(
        current, shown_lists, chosen, rest if pointer.back and rest else text, relist=relist
    )


def _rank_before_pick(
    text: str, hits: Sequence[CatalogHit], shown_lists: Sequence[ShownList]
) -> int | None:
    """The index of the newest earlier list holding every rank ``text`` names ("the second
    one", "and the third?") when a rank is past the one-hit list shown last (a pick of
    that list) and none is within it; ``None`` otherwise."""
    here = find_result_refs(text, results=[h.sample_id for h in hits], fresh=False)
    if here.ids or not here.unresolved:
        return None
    for i in range(len(shown_lists) - 1, -1, -1):
        ids = [h.sample_id for h in shown_lists[i].hits]
        there = find_result_refs(text, results=ids, fresh=False)
        if there.ids and not there.unresolved:
            return i
    return None


def _names_one(text: str, hits: Sequence[CatalogHit]) -> bool:
    """Whether ``text`` names one of ``hits`` by an attribute ("the 115 one": exactly one,
    or several it fits, of which the user is asked which), and nothing else."""
    refs = find_attribute_refs(text, hits=hits)
    return bool(refs.ids) and not refs.unresolved and (len(refs.ids) == 1 or bool(refs.several))


_FILLERS = frozenset(
    (
        *("ok", "okay", "so", "and", "now", "right", "then", "please", "pls", "plz", "lets"),
        *("let's", "nah", "no", "nope", "yeah", "yes", "hmm", "actually", "wait", "um", "uh"),
        *("again", "thanks", "cool", "alright"),
        # "hmm undo that, go back to …", "nvm, back to …": the step back itself
        *("undo", "that", "nvm", "nevermind", "never", "mind", "scrap", "all"),
    )
)


def _pointed(
    current: ShownList, shown_lists: Sequence[ShownList], i: int, text: str, *, relist: bool
) -> Pointed:
    picked = shown_lists[i]
    stack = _pushed([s for j, s in enumerate(shown_lists) if j != i], current.hits, current.request)
    return Pointed(
        list(picked.hits),
        picked.request,
        stack,
        text,
        relist,
        # (a list shown again says so itself)
        None if relist else _note(picked.hits),
    )
