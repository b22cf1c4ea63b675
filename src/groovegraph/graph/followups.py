"""Follow-ups about the last hit list: filters ("which of them swing?") and references by
attribute ("the 97 BPM one", "the one in E minor", "the dusty one").

Both need what the list *showed* (tempo, key, tags of each hit), not just its ids, so they
work from the :class:`~groovegraph.state.CatalogHit` objects the search returned. Every
number an answer then gives still comes from a tool: a filter re-runs ``search_catalog``
with the earlier query plus the new constraint, and a reference hands the matching ids to
the specialists exactly like "the first one" does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from groovegraph.graph.parser import (
    TEMPO_LIMITS_BPM,
    around_band,
    blank_spans,
    compared_refs,
    find_result_refs,
    parse_request,
)
from groovegraph.state import Analysis, CatalogHit, ParsedRequest
from groovegraph.tools import vocab
from groovegraph.tools.catalog import normalize_era, normalize_tag
from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.feel import STATED, key_text, swing_word
from groovegraph.tools.harmony import compatible_camelots
from groovegraph.tools.keys import key_brightness, parse_key, parse_note
from groovegraph.tools.vocab import (
    FASTER_RE,
    FASTER_WORD_RE,
    SLOWER_RE,
    SLOWER_WORD_RE,
    SWING_VERB_RE,
    SWUNG_RANGE,
    removed_bounds_as_nothing,
)

__all__ = [
    "ATTRIBUTE_PHRASE_RE",
    "BARE_TOP_RE",
    "GROUP_STATS",
    "MODE_RE",
    "AttributeRefs",
    "GroupSuperlative",
    "as_found",
    "asks_closest_tempo",
    "closest_after_nothing",
    "find_attribute_refs",
    "find_mode",
    "group_superlative",
    "held_by",
    "is_bare_top",
    "is_filter_followup",
    "is_list_pointer",
    "lifted",
    "list_side_range",
    "merge_filter",
    "moved_tempo",
    "named_ranking",
    "names_attribute",
    "names_list_by_asked_style",
    "plural_pick",
    "tempo_move",
]

# ------------------------------------------------------------------ references by attribute

_NOUN = vocab.ONE_NOUN
# A continuing word ends a trailing attribute: "the one in E minor | mix with A minor?";
# so does a spaced dash: "the one in A minor - does it mix with C major?"
_STOP = (
    r"(?=\s+(?:and|or|mix\w*|work\w*|go(?:es)?|fit\w*|sound\w*|feel\w*|blend\w*|clash\w*|"
    r"with|is|was|has|have|vs\.?|versus|against|alongside|together|too|please)\b|\s*[?.!,;:]|"
    r"\s+[-–—]+(?:\s|$)|\s*$)"
)
# "the 97 BPM one", "the E minor loop", "the dusty one": a short attribute between the
# determiner and a singular result noun. Ordinals ("the first one") are the parser's.
_BEFORE_RE = re.compile(
    rf"\b(?:the|that)\s+(?P<attr>[\w#♯.' -]{{1,30}}?)\s+{_NOUN}\b(?!s)", re.IGNORECASE
)
# "the one in E minor", "the loop at 97 BPM", "the one from the 70s", "the one with swing"
# (a "the" after the preposition is no part of the attribute: "from the 80s" is the 80s).
_AFTER_RE = re.compile(
    rf"\b(?:the|that)\s+{_NOUN}\s+(?:in|at|from|with|that(?:'s| is)|tagged)\s+(?:the\s+)?"
    rf"(?P<attr>[\w#♯.' -]{{1,30}}?){_STOP}",
    re.IGNORECASE,
)
# "a kick for the 76", "does that 92 swing more": a listed hit by its tempo alone (a bare
# number after the determiner; a reference only when a listed hit has that tempo)
_BARE_TEMPO_RE = re.compile(
    r"\b(?:the|that)\s+(?P<attr>\d{2,3}(?:\.\d)?)(?:\s*bpm)?(?=\s*(?:$|[?.!,;:-]|and\b))",
    re.IGNORECASE,
)
_ORDINAL_WORD_RE = re.compile(
    rf"^(?:very\s+)?(?:{vocab.alternation(vocab.ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th)|"
    r"same|other|next|previous|only|new|right|wrong|best|whole)$",
    re.IGNORECASE,
)
_SAME_AS_RE = re.compile(r"same\b", re.IGNORECASE)
_FILLER = {"the", "a", "an", "bpm", "in", "at", "key", "of", "from", "with", "one", "tagged"}
_TEMPO_TOL_BPM = 0.75  # "the 97 BPM one" is the hit shown as 97.4 BPM, not the 98.6 one
_EXACT_BPM = 0.05  # "the 115 one" is the hit shown as 115.0 BPM before the 115.6 one
# "the 124 one" for a hit measured at 125.0 BPM, when no listed hit is nearer: users read
# a tempo rounded either way, so one BPM off still names it
_LOOSE_TEMPO_BPM = 1.0


def _tempo_fits(hit: CatalogHit, bpm: float, *, loose: bool = False) -> bool:
    """Whether ``hit`` is at ``bpm`` as the user reads it: its measured tempo (within
    :data:`_TEMPO_TOL_BPM`, or :data:`_LOOSE_TEMPO_BPM` when ``loose``), or the tempo its
    file name says ("deep_house_15_124bpm.wav" is "the 124 one" measured at 125.0)."""
    hint = hit.tags.bpm_hint
    if hint is not None and abs(hint - bpm) < 0.5:
        return True
    tol = _LOOSE_TEMPO_BPM + 1e-6 if loose else _TEMPO_TOL_BPM
    return hit.tempo_bpm is not None and abs(hit.tempo_bpm - bpm) <= tol


def _exact_tempo(hit: CatalogHit, bpms: Sequence[float]) -> bool:
    """Whether ``hit`` is shown at one of ``bpms`` exactly (to the tenth shown)."""
    return hit.tempo_bpm is not None and any(abs(hit.tempo_bpm - b) < _EXACT_BPM for b in bpms)


# "the 808 you found", "that snare you suggested", "the funk loop you listed": a hit named
# by what it is and by the answer that showed it
_FOUND_RE = re.compile(
    r"\b(?:the|that)\s+(?P<attr>[\w#♯.'-]+(?:\s+[\w#♯.'-]+)?)\s+(?:you|u)\s+(?:just\s+)?"
    r"(?:found|listed|showed|suggested|picked|gave|pulled|recommended|mentioned|dug|came up with)\b",
    re.IGNORECASE,
)
# How an unmatched attribute reference looks in ParsedRequest.unresolved ("the 97 BPM one"):
# an ordinal past the end of the list is written without its noun ("the 9th").
ATTRIBUTE_PHRASE_RE = re.compile(rf"^(?:the|that)\b.*\b{_NOUN}\b", re.IGNORECASE)


class AttributeRefs(NamedTuple):
    """Hits a message names by attribute."""

    ids: list[str]
    spans: list[tuple[int, int]]
    unresolved: list[str]
    several: tuple[tuple[str, tuple[int, int], tuple[str, ...]], ...] = ()
    """The phrases naming one hit ("the 115 one", "the minor one") that several listed
    hits fit: each phrase, its span and those hits' ids (list order), all among ``ids``.
    Which one is meant is for the user to say (plural wording, "the minor ones", names
    them all and is no such phrase)."""


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[a-z][a-z'-]+", text, re.IGNORECASE)}


def _hit_matches(
    hit: CatalogHit, attr: str, parsed: ParsedRequest, tag_words: set[str], *, loose: bool = False
) -> bool | None:
    """Whether ``hit`` (whose tag and file-name words are ``tag_words``) has every
    attribute named in ``attr`` (parsed as ``parsed``); ``None`` if ``attr`` names none.
    ``loose``: a tempo named may be a BPM off the measured one (:func:`_tempo_fits`)."""
    checks: list[bool] = []
    note = _BARE_NOTE_RE.fullmatch(attr.strip())
    sound = _NOTE_SOUND_ATTR_RE.fullmatch(attr.strip())
    if sound is not None and note is None and _instrument_of(sound["sound"]) is not None:
        # "the E 808", "the F# kick": the hit of that sound on that root
        return _instrument_of(sound["sound"]) in {hit.instrument, hit.tags.instrument} and (
            _tonic_pc(hit) == parse_note(vocab.note_name(sound[1], sound[2]))[0]
        )
    if note is not None:
        # "the F one", "the Bb one": the hit on that tonic (a loop's key or a one-shot's
        # root, either mode)
        checks.append(_tonic_pc(hit) == parse_note(vocab.note_name(note[1], note[2]))[0])
        return all(checks)
    instrument = _instrument_of(attr)
    if instrument is not None:
        # "the 808 you found", "the snare one": the hit of that instrument
        checks.append(instrument in {hit.instrument, hit.tags.instrument})
    for bpm in parsed.bpms:
        checks.append(_tempo_fits(hit, bpm, loose=loose))
    if parsed.keys and hit.key is None and hit.root_note:
        # "the F minor one" among one-shots: the root on the key's tonic
        tonics = {parse_key(k).pc for k in parsed.keys}
        checks.append(_tonic_pc(hit) in tonics)
    elif parsed.keys:
        checks.append(hit.key in parsed.keys or hit.camelot in parsed.camelot)
    modes = set() if parsed.keys else _words(attr) & _MODES
    for mode in modes:
        # "the minor one": a loop in a minor key
        checks.append(bool(hit.key) and str(hit.key).lower().endswith(mode))
    kind = vocab.find_kind(attr) if instrument is None else None
    if kind is not None:
        # "the first loop you found", "the one-shot you picked": a hit of that kind (a
        # row with no kind recorded is a loop when it has a tempo)
        checks.append((hit.kind or ("loop" if hit.tempo_bpm is not None else "one_shot")) == kind)
    for era in parsed.eras:
        checks.append(hit.tags.era == era)
    for genre in parsed.genres:
        checks.append(hit.tags.genre == genre)
    if parsed.swing_min is not None and parsed.swing_max is not None:
        checks.append(
            hit.swing_percent is not None
            and parsed.swing_min <= hit.swing_percent <= parsed.swing_max
        )
    # Any remaining word ("dusty", "amen") must be one of the hit's tags or in its file name.
    named = _words(attr) - _FILLER
    for known in (*parsed.swing_words, *parsed.genres, *parsed.eras):
        named -= _words(known)
    if instrument is not None:
        named -= _INSTRUMENT_WORDS  # checked above
    if parsed.keys:
        named -= {"major", "minor", "maj", "min", "sharp", "flat"}
        # "the Dm one", "the Bbm loop": the key written tersely is checked above, no tag
        named -= {t.lower() for t in _KEY_TOKEN_RE.findall(attr)}
    named -= modes
    if kind is not None:
        named -= _KIND_WORDS  # checked above
    checks.extend(w in tag_words for w in named)
    return all(checks) if checks else None


_MODES = frozenset(("major", "minor"))
# "Dm", "Bbm", "8A": a key as written tersely, one word
_KEY_TOKEN_RE = re.compile(rf"(?<![\w#♯♭]){vocab.KEY_TOKEN}(?![\w#♯♭])")
_KIND_WORDS = {
    w for noun in vocab.plurals(*vocab.SAMPLE_NOUNS, "one-shot") for w in _words(noun)
} - {"break", "breaks", "breakbeat", "breakbeats"}
# "the F one", "the F# one", "the Bb loop": a bare note (upper case: "a" is no note)
_BARE_NOTE_RE = re.compile(r"([A-G])(#|♯|b|♭)?")
_INSTRUMENT_WORDS = {
    w for words in vocab.INSTRUMENTS.values() for phrase in words for w in phrase.split()
} | {"808", "808s"}


# "the E 808", "that F# kick": a one-shot named by its root note and its sound, the sound's
# own word closing the phrase (no "one" after it)
_SOUND_WORD = vocab.alternation(sorted(_INSTRUMENT_WORDS))
_NOTE_SOUND = rf"(?-i:[A-G])(#|♯|b|♭)?\s+(?P<sound>{_SOUND_WORD})"
_NOTE_SOUND_ATTR_RE = re.compile(r"([A-G])(#|♯|b|♭)?\s+(?P<sound>.+)")
_NOTE_SOUND_RE = re.compile(
    rf"\b(?:the|that)\s+(?P<attr>{_NOTE_SOUND})\b(?!\s+{_NOUN}\b)", re.IGNORECASE
)


def _instrument_of(attr: str) -> str | None:
    """The instrument an attribute phrase names ("808" alone is a bass too)."""
    return vocab.find_instrument(attr) or vocab.find_instrument(f"an {attr}")


def _tonic_pc(hit: CatalogHit) -> int | None:
    """The pitch class of a hit's tonic: its key's, else its root note's."""
    for spelled in (hit.key, hit.root_note):
        if not spelled:
            continue
        try:
            return parse_key(spelled).pc if hit.key == spelled else parse_note(spelled)[0]
        except InvalidQueryError:
            continue
    return None


def find_attribute_refs(text: str, *, hits: Sequence[CatalogHit]) -> AttributeRefs:
    """Hits of the last list that ``text`` names by tempo, key, era, genre, feel or tag.

    Parameters
    ----------
    text : str
        The user's message.
    hits : sequence of CatalogHit
        The last hit list shown, rank 1 first.

    Returns
    -------
    AttributeRefs
        Matching sample ids (list order), the spans of the phrases that named them (to be
        blanked before parsing, so "the 97 BPM one" is not read as a tempo filter), and the
        phrases that named an attribute no hit has.
    """
    if not hits:
        return AttributeRefs([], [], [])
    ids: list[str] = []
    spans: list[tuple[int, int]] = []
    unresolved: list[str] = []
    several: list[tuple[str, tuple[int, int], tuple[str, ...]]] = []
    for pair in _PAIRED_ATTR_RE.finditer(text):
        # "the 69 and the 72 bpm ones", "the dusty and the gritty loops": two hits, each
        # named by its own attribute before the noun they share (each must name one)
        tail = f" {pair.group('unit') or ''}one".replace("  ", " ")
        sides = [find_attribute_refs(f"the {pair.group(s)}{tail}", hits=hits) for s in "ab"]
        if all(len(side.ids) == 1 and not side.several for side in sides):
            spans.append(pair.span())
            ids.extend(i for side in sides for i in side.ids if i not in ids)
    hit_words = [_hit_words(h) for h in hits]  # once per turn, not once per phrase and hit
    known = set().union(*hit_words)
    # "loops that mix with …", "anything that goes with …": a relative "that" opens a
    # clause about what is asked for, never a listed hit named by attribute
    relative = {d.start() for d in _DET_RE.finditer(text) if _relative_that(text, d.start())}
    for rx in (_AFTER_RE, _BEFORE_RE, _FOUND_RE, _BARE_TEMPO_RE, _NOTE_SOUND_RE):
        # Tried at every determiner, so "the swing on the second one" reaches "the second one".
        for start in (d.start() for d in _DET_RE.finditer(text)):
            if start in relative:
                continue
            m = rx.match(text, start)
            if m is None or any(a < m.end() and m.start() < b for a, b in spans):
                continue
            attr = m.group("attr").strip()
            # "the first boom bap one you found": an ordinal before a descriptor is that
            # rank among the listed hits the descriptor fits
            rank = 0
            lead = _LEADING_ORDINAL_RE.match(attr)
            if lead is not None:
                word = lead.group("ord")
                rank = vocab.ordinal_rank(word) or int(re.sub(r"\D", "", word) or 0)
                attr = attr[lead.end() :].strip()
            ranked = _superlative_pick(attr, hits)
            if ranked is not None:
                # "the slowest one", "that most swung loop": the listed hit first by the
                # measured value (a question about it follows: "the slowest one - key?")
                spans.append(m.span())
                if ranked:
                    ids.extend(i for i in ranked if i not in ids)
                else:
                    unresolved.append(m.group(0).strip())
                continue
            words = _words(attr)
            if (
                _SAME_AS_RE.match(attr)
                and re.match(r"\s+(?:as|like)\b", text[m.end() :], re.IGNORECASE)
                # "the same straight groove as sample <id>": compared with another sample
            ) or (
                _ORDINAL_WORD_RE.match(attr)
                or _NOUN_ONLY_RE.match(attr)
                or words & _STOP_WORDS
                or len(attr.split()) > 4
            ):
                continue
            # One parse of the phrase serves the check below and every hit's comparison.
            # A bare note ("the F one") or an instrument ("the 808 you found") is an
            # attribute of its own.
            note = bool(_BARE_NOTE_RE.fullmatch(attr))
            instrument = _instrument_of(attr)
            if instrument is not None and not any(
                instrument in {h.instrument, h.tags.instrument} for h in hits
            ):
                continue  # "the kick one" when no kick is listed: not a list reference
            # ... and so is a mode ("the minor one") or a kind ("the first loop you found")
            own_attr = (
                note
                or instrument is not None
                or bool(words & _MODES)
                or (instrument is None and vocab.find_kind(attr) is not None)
            )
            try:
                parsed = parse_request(attr)
            except InvalidQueryError:
                if not own_attr:
                    continue  # names no attribute at all, so no hit could match it
                parsed = ParsedRequest(text=attr)
            if not own_attr and not names_attribute(parsed) and not (words - _FILLER) <= known:
                continue  # "the kick one" when no hit is tagged so: not a list reference
            verdicts = [
                (h, _hit_matches(h, attr, parsed, w)) for h, w in zip(hits, hit_words, strict=True)
            ]
            if all(v is None for _, v in verdicts):
                continue
            spans.append(m.span())
            matched = [h.sample_id for h, v in verdicts if v]
            if not matched and parsed.bpms and rx is not _BARE_TEMPO_RE:
                # "the 124 one" with none listed at 124: the one a BPM off (125.0; not
                # "drop it to the 90", a tempo asked for)
                verdicts = [
                    (h, _hit_matches(h, attr, parsed, w, loose=True))
                    for h, w in zip(hits, hit_words, strict=True)
                ]
                matched = [h.sample_id for h, v in verdicts if v]
            if rx is _BARE_TEMPO_RE and not matched:
                continue  # "drop it to the 90": a tempo, not a hit nobody listed
            if len(matched) > 1 and parsed.bpms:
                # "the 115 one" under loops at 115.0 and 115.6 BPM: the one at the tempo
                # stated, before those only near it
                exact = [h.sample_id for h, v in verdicts if v and _exact_tempo(h, parsed.bpms)]
                matched = exact or matched
            if rank:
                matched = (
                    [matched[rank - 1 if rank > 0 else rank]] if len(matched) >= abs(rank) else []
                )
            elif (
                len(matched) > 1
                and _FOUND_RE.match(text, m.start()) is not None
                and _singular(attr)
            ):
                # "the 808 you found" when several were listed: the one shown first
                matched = matched[:1]
            elif len(matched) > 1 and rx is not _FOUND_RE:
                # "the minor one", "the 115 one" (a singular noun) that several hits fit:
                # one of them, which one the user says
                several.append((m.group(0).strip(), m.span(), tuple(matched)))
            if matched:
                ids.extend(i for i in matched if i not in ids)
            else:
                unresolved.append(m.group(0).strip())
    for m in _PLURAL_TEMPO_RE.finditer(text):
        # "both 115s", "those 97s": every listed hit at that tempo (a plural, so no
        # question which); "the 90s", "the 120s" are an era or a tempo range
        bpm = float(m.group("bpm"))
        if any(a < m.end() and m.start() < b for a, b in spans) or (
            bpm % 10 == 0 and not m.group("both")
        ):
            continue
        matched = [
            h.sample_id
            for h in hits
            if h.tempo_bpm is not None and abs(h.tempo_bpm - bpm) <= _TEMPO_TOL_BPM
        ]
        if matched:
            spans.append(m.span())
            ids.extend(i for i in matched if i not in ids)
    for m in _BARE_SUPERLATIVE_RE.finditer(text):
        # "fastest one - bpm n key", "the fastest, swing?": a superlative with no
        # determiner or no noun, opening the message or after "the"
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        ranked = _superlative_pick(m.group("attr"), hits)
        if ranked is None:
            continue
        spans.append(m.span())
        if ranked:
            ids.extend(i for i in ranked if i not in ids)
        else:
            unresolved.append(m.group(0).strip())
    return AttributeRefs(ids, spans, unresolved, tuple(several))


# "the 69 and the 72 bpm ones", "the dusty and the gritty loops": two attributes, each
# after its own determiner, sharing the plural noun that closes the phrase
_PAIRED_ATTR_RE = re.compile(
    r"\b(?:the|that)\s+(?P<a>[\w#♯.'-]+(?:\s+[\w#♯.'-]+)?)\s+(?:and|&)\s+(?:the|that)\s+"
    rf"(?P<b>[\w#♯.'-]+(?:\s+[\w#♯.'-]+)?)\s+(?P<unit>bpm\s+)?(?:{_NOUN})s\b",
    re.IGNORECASE,
)
# "both 115s", "the two 97s", "those 124s": the listed hits at a tempo, in the plural
_PLURAL_TEMPO_RE = re.compile(
    r"\b(?:(?P<both>both)(?:\s+(?:of\s+)?the)?|the|those|these)\s+(?:(?:two|three|four)\s+)?"
    r"(?P<bpm>\d{2,3}(?:\.\d)?)'?s\b",
    re.IGNORECASE,
)
# "fastest one - bpm n key", "the fastest, swing?", "ok slowest one?", "the slowest of
# those": a superlative naming a hit, led by "the" or opening the message, ending its phrase
_BARE_SUPERLATIVE_RE = re.compile(
    r"(?:^\s*(?:(?:and|ok|okay|so|now|then|cool)[\s,]+)?|\b(?:the|that)\s+)"
    rf"(?P<attr>{'|'.join(f'(?:{rx.pattern})' for rx, _, _, _ in vocab.SUPERLATIVES)})"
    rf"(?:\s+{_NOUN}\b(?!s))?"
    # ("the slowest of those, swing %?", "fastest one out of them"): the list pointed at
    r"(?:\s+(?:of|among|out\s+of)\s+(?:those|these|them|the\s+(?:lot|list|ones|bunch|results)))?"
    rf"{_STOP}",
    re.IGNORECASE,
)


def _superlative_pick(attr: str, hits: Sequence[CatalogHit]) -> list[str] | None:
    """The hit a superlative descriptor picks ("slowest", "most swung", "darkest"): the
    one that ranks first among ``hits`` by that measured value ([] when fewer than two
    hits have it), or ``None`` when ``attr`` is no superlative."""
    for rx, field, sign, _ in vocab.SUPERLATIVES:
        if rx.fullmatch(attr.strip()) is None:
            continue
        pool = [(h.sample_id, v) for h in hits if (v := _ranked_value(h, field)) is not None]
        if len(pool) < 2:
            return []
        return [max(pool, key=lambda p: sign * p[1])[0]]
    return None


def _singular(attr: str) -> bool:
    """Whether a descriptor names one thing ("808", "dusty snare", "bass"), not several
    ("808s", "snares")."""
    last = attr.split()[-1].lower() if attr.split() else ""
    return not (last.endswith("s") and not last.endswith("ss"))


_LEADING_ORDINAL_RE = re.compile(
    rf"^(?:very\s+)?(?P<ord>{vocab.alternation(vocab.ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th))\s+(?=\S)",
    re.IGNORECASE,
)
_NOUN_ONLY_RE = re.compile(r"^(?:one|other|this|that|very)$", re.IGNORECASE)
_DET_RE = re.compile(r"\b(?:the|that)\s", re.IGNORECASE)
# "loops that …", "the ones that …", "something that …": "that" after a noun or an
# indefinite pronoun is a relative pronoun (a clause follows), not a determiner
_RELATIVE_LEAD_RE = re.compile(
    rf"\b(?:{vocab.SAMPLE_NOUN}|ones?|any|anything|something|everything|stuff|some|others)\s+$",
    re.IGNORECASE,
)


def _relative_that(text: str, start: int) -> bool:
    """Whether the determiner at ``start`` is a relative "that" ("loops that mix …")."""
    return text[start : start + 4].lower() == "that" and bool(
        _RELATIVE_LEAD_RE.search(text, 0, start)
    )


# Words that never sit inside a short attribute phrase: a match spanning them is a clause.
# ("that mix with …", "that goes into …": a verb and its preposition, not an attribute)
_STOP_WORDS = {
    "with",
    "into",
    "the",
    "a",
    "an",
    "on",
    "of",
    "to",
    "for",
    "is",
    "it",
    "this",
    "that",
    "and",
    "or",
    "what",
    "which",
    "how",
    "will",
    "would",
    "do",
    "does",
    "can",
    "my",
    "your",
    "me",
    "i",
    # "the same swung feel as sample <id>", "a groove like sample <id>", "more swung than
    # …": a comparison with another sample (the user's own), no listed hit's attribute
    "as",
    "like",
    "than",
}


def names_attribute(p: ParsedRequest) -> bool:
    """``p`` names a tempo, key, era, genre, feel or vibe the parser knows."""
    return bool(p.bpms or p.keys or p.eras or p.genres or p.swing_words or p.vibes)


def _hit_words(hit: CatalogHit) -> set[str]:
    return _words(
        " ".join(str(v) for v in hit.tags.model_dump().values() if v)
        + " "
        + re.sub(r"[_/.-]", " ", hit.path)
    )


# ---------------------------------------------------------------------- filters over a list

# Phrases that point at the list as a whole: "which of them", "which ones", "any of those",
# "only the 70s ones", "the minor ones", "of those". A fresh search never says these.
_LIST_POINTER_RE = re.compile(
    r"\b(?:which|what|any|only|just|how many|are there any)\s+(?:of\s+)?(?:them|those|these|ones)\b"
    # ("both of them", "the two of them" are the pair itself, not a part of the list)
    r"|\b(?<!\bboth\s)(?<!\btwo\s)(?:of|among|from)\s+(?:them|those|these|that list|the list|the results)\b"
    r"(?!\s+(?:2|two)\b)"
    r"|\b(?:only|just|keep)\s+(?:the\s+)?[\w#♯.' -]{1,25}?\s+ones\b"
    r"|\bthe\s+[\w#♯.' -]{1,25}?\s+ones\b"
    r"|\b(?:which|any)\s+(?:one|ones)\b",
    re.IGNORECASE,
)
_GENRE_WORDS = vocab.alternation(w for words in vocab.GENRES.values() for w in words)
MODE_RE = re.compile(
    # "in a minor key", "minor-key soul", "major key-ish", "minor-ish keys": the mode word
    # joined to "key" by a space or a hyphen, with or without "-ish"
    r"\b(?:in\s+(?:a\s+)?(minor|major)(?!\s+\w+\s+(?:one|loop)s?\b)"
    r"|(minor|major)(?:-?ish)?(?:[\s-]+keys?)?\s+ones"
    r"|(minor|major)(?:-?ish)?[\s-]+key(?:s|ed)?)\b"
    # "something minor-ish", "minorish loops": the mode as a loose adjective
    r"|\b(minor|major)-?ish\b"
    # "minor loops", "some major grooves": a mode before a plural sample noun, not a key
    # ("A minor loops", "F# major loops" name one)
    r"|(?<!\b[a-g]\s)(?<!\b[a-g][#b♯♭]\s)(?<!\bsharp\s)(?<!\bflat\s)"
    r"\b(minor|major)\s+(?:loops|samples|grooves|tracks|tunes|breaks)\b"
    # "just minor jazz", "some major house": a mode before a style, not a key ("A minor
    # jazz" names one)
    r"|(?<!\b[a-g]\s)(?<!\b[a-g][#b♯♭]\s)(?<!\bsharp\s)(?<!\bflat\s)"
    rf"\b(minor|major)\s+(?:{_GENRE_WORDS})\b"
    # "which of those are major", "only minor": the mode closing a clause about the list
    r"|\b(?:are|is|were|'re|only|just)\s+(minor|major)(?=\s*(?:$|[?.!,;]))"
    # "moody trap 144-150 minor", "dnb loops minor", "trap tempo, minor": the mode word
    # closing a terse search after its tempo, genre or sample noun, or as an item of its
    # own in a list of filters (a note letter before it names a key)
    rf"|(?:\b\d{{2,3}}s?|\b(?:{vocab.SAMPLE_NOUN}|{_GENRE_WORDS})|,)\s*(minor|major)(?=\s*(?:$|[?.!,;+]))"
    # "minor" (or "major?") as the whole reply
    r"|^\s*(minor|major)\s*[?.!]*\s*$"
    # "what about minor?", "and major", "minor instead": the other mode asked for
    r"|\b(?:about|and|now|try|then)\s+(minor|major)(?:\s+instead)?(?=\s*(?:$|[?.!,;]))"
    r"|\b(minor|major)\s+instead\b"
    # "minor only", "major only pls": the mode with "only" after it (not "A minor only")
    r"|(?<!\b[a-g]\s)(?<!\b[a-g][#b♯♭]\s)\b(minor|major)\s+only\b",
    re.IGNORECASE | re.MULTILINE,
)


def find_mode(text: str) -> str | None:
    """``"major"`` or ``"minor"`` when ``text`` asks for a mode ("which ones are in minor?"),
    else ``None`` (see :data:`MODE_RE`). The last one named wins: a follow-up's text
    follows the search it changes ("70s soul in a major key" then "what about minor")."""
    other = {"major": "minor", "minor": "major"}
    found = [
        # "drop the major ones", "no minor stuff": the mode taken off leaves the other
        other[g.lower()] if vocab.negated_at(text, m.start()) else g.lower()
        for m in MODE_RE.finditer(text)
        for g in m.groups()
        if g
    ]
    return found[-1] if found else None


# "which of those", "any of them", "from the list": the list shown, by a pronoun
_SHOWN_LIST_RE = re.compile(
    r"\b(?:which|what|any|only|just|how many|are there any)\s+(?:of\s+)?(?:them|those|these)\b"
    # ("both of them", "the two of them" are the pair itself, not a part of the list)
    r"|\b(?<!\bboth\s)(?<!\btwo\s)(?:of|among|from)\s+(?:them|those|these|that list|the list|the results)\b"
    r"(?!\s+(?:2|two)\b)",
    re.IGNORECASE,
)


# "top 3", "ok the top five pls", "just the best 2": how many of the last search's best
# (a count and nothing else to search by)
# ("just a couple", "only three", "just 2" after a list: a count alone, said as a cut,
# is as many of its best too)
BARE_TOP_RE = re.compile(
    r"^\s*(?:(?:and|ok(?:ay)?|so|now|then|just|only|gimme|give\s+me|show\s+me|list)[\s,]+)*"
    r"(?:(?:the\s+)?(?:top|best)\s+"
    rf"(?:\d{{1,2}}|{vocab.alternation(vocab.COUNT_WORDS)})"
    r"|(?:just|only)\s+"
    rf"(?:\d{{1,2}}|{vocab.alternation(vocab.QUANTITY_WORDS)}))"
    r"(?:\s+(?:ones?|results?|hits?|loops|of\s+(?:them|those|these)|please|pls|then))*"
    r"\s*[.!?]*\s*$",
    re.IGNORECASE,
)


def is_bare_top(text: str) -> bool:
    """Whether ``text`` asks only for how many of the last search's best ("top 3")."""
    return BARE_TOP_RE.match(text) is not None


def points_at_shown_list(text: str) -> bool:
    """Whether ``text`` points at the list the user was shown by a pronoun ("which of
    those", "any of them"): a search since then that found nothing showed nothing, so
    the pronoun still means that list."""
    return bool(_SHOWN_LIST_RE.search(text)) or vocab.list_tempo_side(text) != 0


# "the techno ones", "those electro loops", "any of the techno list": the list named by
# a style (the words before the noun)
_STYLE_LIST_RE = re.compile(
    r"\b(?:the|those|these)\s+(?P<style>[\w' -]{1,25}?)\s+"
    rf"(?:ones|list|results|(?:{vocab.SAMPLE_NOUN}))\b",
    re.IGNORECASE,
)


def names_list_by_asked_style(
    text: str, request: ParsedRequest | None, listed: Sequence[CatalogHit]
) -> bool:
    """Whether ``text`` names the list shown (``listed``, found by ``request``) by the
    style its search asked for when none of it carries that style ("the techno ones"
    after a techno search the library had no techno for, shown as breakbeat or with the
    genre left out): that list, not a search for the style again."""
    if request is None or not request.genres or not listed:
        return False
    if any(_tag_holds(g, h.tags.genre) for g in request.genres for h in listed):
        return False
    asked = {normalize_tag(g) for g in request.genres}
    for m in _STYLE_LIST_RE.finditer(text):
        named = {normalize_tag(g) for _, g in vocab.find_genres(m.group("style"))}
        if named and named <= asked:
            return True
    return False


# any list long enough for the ranks a message can name ("the 10th one")
_RANK_SLOTS = [str(i) for i in range(10)]


def _points_at_whole_list(text: str) -> bool:
    """Whether ``text`` points at the list as a whole once the hits it names by rank are
    taken out: "the second and fourth ones" are two of its hits, not the list."""
    ranks = find_result_refs(text, results=_RANK_SLOTS, fresh=False)
    return bool(_LIST_POINTER_RE.search(blank_spans(text, spans=ranks.spans)))


def is_list_pointer(text: str) -> bool:
    """Whether ``text`` points at the last list as a whole ("which of them", "the 70s ones")."""
    return _points_at_whole_list(text)


def is_filter_followup(text: str, request: ParsedRequest) -> bool:
    """Whether ``text`` narrows the last list ("which of them swing?", "only the 70s ones")
    rather than asking something new: it points at the list and names a constraint."""
    if not request.samples and not request.genres and vocab.find_dropped_vibes(text):
        return True  # "drop the spacey part": a feel taken off the last search
    if not request.samples and vocab.list_tempo_side(text):
        return True  # "drop the slow ones": a side of the list by its own tempi
    if request.samples or not _points_at_whole_list(text):
        return False
    return bool(
        names_attribute(request)
        or find_mode(text)
        or SWING_VERB_RE.search(text)
        or FASTER_RE.search(text)
        or SLOWER_RE.search(text)
        or tempo_move(text)
        # "and which ones clash", "the ones that mix": the list set against the key the
        # last search mixed with
        or _MIX_RELATION_RE.search(text)
    )


# (no partner named: "which of those would mix with mine" is a mix question about them)
_MIX_RELATION_RE = re.compile(
    r"\b(?:clash\w*|mix(?:es|ing)?|compatible)\b(?!\s+(?:\w+\s+)?(?:with|against|into|to)\b)"
    r"(?<!\bthey mix)(?<!\bthey clash)",
    re.IGNORECASE,
)


# "something slower", "a bit faster", "speed it up": a tempo move with no number
# (vocab.SLOWER_WORD_RE / FASTER_WORD_RE), relative to the last search's range (or, with
# none, to the tempi of the hits it listed).


def tempo_move(text: str) -> int:
    """-1 for "something slower", +1 for "a bit faster", 0 when ``text`` asks neither (or
    names its own bound: "slower than 90" is ``vocab.SLOWER_RE``'s)."""
    bounds = removed_bounds_as_nothing(text)
    if SLOWER_RE.search(bounds) or FASTER_RE.search(bounds) or vocab.list_tempo_side(text):
        return 0  # a bound, or a side of the list shown ("only the quicker ones")
    if (factor := vocab.tempo_factor(text)) is not None:
        return 1 if factor > 1 else -1  # "double that": the tempo scaled
    slower, faster = bool(SLOWER_WORD_RE.search(text)), bool(FASTER_WORD_RE.search(text))
    return -1 if slower and not faster else 1 if faster and not slower else 0


def list_side_range(tempi: Sequence[float], side: int) -> tuple[float, float]:
    """The tempo range of the faster (``side`` +1) or slower (-1) half of a list's
    ``tempi`` (sorted): from its median to its fastest, or from its slowest to its median
    (a median between two loops keeps neither of them on the other side).

    Each bound is a tempo as shown, to 0.1 BPM, as the catalog compares a tempo with a
    range: a loop measured at 99.16 is listed (and filtered) at 99.2, so a band ending at
    its measured 99.16 would drop the fastest loop of the side kept."""
    n = len(tempi)
    median = tempi[n // 2] if n % 2 else (tempi[n // 2 - 1] + tempi[n // 2]) / 2
    lo, hi = (median, tempi[-1]) if side > 0 else (tempi[0], median)
    return round(lo, 1), round(hi, 1)


def _reference_range(
    previous: ParsedRequest, listed: Sequence[CatalogHit]
) -> tuple[float, float] | None:
    """The tempo range a relative move starts from: the last search's range (its target
    ±5 % when it gave only a target), else the span of the tempi it listed."""
    lo, hi, target = previous.bpm_min, previous.bpm_max, previous.target_bpm
    if lo is not None and hi is not None:
        return lo, hi
    if target is not None:
        return around_band(target)
    tempi = sorted(h.tempo_bpm for h in listed if h.tempo_bpm is not None)
    if tempi:
        return tempi[0], tempi[-1]
    return None


#: How much slower or faster than a searched target tempo "something slower/faster" starts.
MOVE_MIN_STEP = 0.005


def _band_past(point: float, direction: int, width: float) -> tuple[float, float]:
    """A band ``width`` wide that starts one ``MOVE_MIN_STEP`` below (``direction`` < 0) or
    above ``point``, kept inside the tempo limits: slower or faster than that tempo."""
    if direction < 0:
        hi = round(point * (1 - MOVE_MIN_STEP), 1)
        return max(TEMPO_LIMITS_BPM[0], round(hi - width, 1)), hi
    lo = round(point * (1 + MOVE_MIN_STEP), 1)
    return lo, min(TEMPO_LIMITS_BPM[1], round(lo + width, 1))


def moved_tempo(
    previous: ParsedRequest, direction: int, listed: Sequence[CatalogHit] = ()
) -> tuple[float | None, float | None, float | None] | None:
    """(bpm_min, bpm_max, target) one step slower (``direction`` -1) or faster (+1) than
    the last search: the next band of the same width (at least 10 % of its middle) below
    its lower bound or above its upper bound, or, when it searched around a target tempo,
    starting just below or above that target. ``None`` when there is nothing to move from."""
    base = _reference_range(previous, listed)
    if base is None:
        lo, hi = previous.bpm_min, previous.bpm_max
        if direction < 0 and hi is None and lo is not None:
            return None, lo, None  # "above 125" then "slower": under 125
        if direction > 0 and lo is None and hi is not None:
            return hi, None, None
        return None
    lo, hi = base
    width = max(hi - lo, 0.1 * (lo + hi) / 2)
    if previous.bpm_min is None and previous.bpm_max is None and previous.target_bpm is None:
        # no tempo was asked for: "anything slower?" after loops listed at 128–138 BPM
        # means slower than the middle of that list (its 130 BPM loop is one), not a band
        # below its slowest loop (often empty: the list may hold every loop of the style)
        lo = hi = round((lo + hi) / 2, 1)
    target = previous.target_bpm
    tempi = [h.tempo_bpm for h in listed if h.tempo_bpm is not None]
    # a tempo asked for, or the tempo of the sample the search was made for ("loops that
    # mix with it": slower ones are slower than that loop)
    around_target = set(previous.bpms) == {target} or (
        bool(previous.for_sample) and not previous.bpms
    )
    if len(listed) == 1 and len(tempi) == 1:
        # one loop shown (a pick, "which is the slowest?", or all a search found):
        # slower than that loop, whatever band found it, so it is not shown again ...
        point = tempi[0]
        if target is not None and around_target and (target - point) * direction > 0:
            # ... and than the tempo searched around, when that loop lay past it (the
            # 74 BPM loop a search around my 70 BPM loop found: slower is under 70)
            point = target
        new_lo, new_hi = _band_past(point, direction, width)
        return new_lo, new_hi, round((new_lo + new_hi) / 2, 2)
    if tempi and direction < 0 and min(tempi) > hi:
        # "around 100" showed only loops at 120+ (nothing nearer): slower than what was
        # shown, reaching down to the range asked for, still ranked by the tempo asked
        new_hi = round(min(tempi) * (1 - MOVE_MIN_STEP), 1)
        new_lo = max(TEMPO_LIMITS_BPM[0], round(min(lo, new_hi - width), 1))
        keep = target is not None and new_lo <= target <= new_hi
        return new_lo, new_hi, target if keep else round((new_lo + new_hi) / 2, 2)
    if tempi and direction > 0 and max(tempi) < lo:
        new_lo = round(max(tempi) * (1 + MOVE_MIN_STEP), 1)
        new_hi = min(TEMPO_LIMITS_BPM[1], round(max(hi, new_lo + width), 1))
        keep = target is not None and new_lo <= target <= new_hi
        return new_lo, new_hi, target if keep else round((new_lo + new_hi) / 2, 2)
    if target is not None and lo <= target <= hi and around_target:
        # "around 100" then "a bit slower": slower than the 100 asked for, not than the
        # bottom of its ±5 % window (the 97 BPM loop it listed is a bit slower).
        new_lo, new_hi = _band_past(target, direction, width)
    elif direction < 0:
        new_hi = lo
        new_lo = max(TEMPO_LIMITS_BPM[0], round(lo - width, 1))
    else:
        new_lo = hi
        new_hi = min(TEMPO_LIMITS_BPM[1], round(hi + width, 1))
    return new_lo, new_hi, round((new_lo + new_hi) / 2, 2)


def _tag_holds(value: str, tag: str | None, *, era: bool = False) -> bool:
    """Whether a hit's ``tag`` meets a filter ``value`` as the catalog matches it (a
    decade exactly, a genre exactly, a free-text vibe by word)."""
    norm = normalize_era if era else normalize_tag
    want, have = norm(value), norm(tag)
    if want is None or have is None:
        return False
    return re.search(rf"\b{re.escape(want)}\b", have) is not None


def _unheld_by(previous: ParsedRequest, listed: Sequence[CatalogHit]) -> dict[str, object]:
    """The filters of ``previous`` that no hit of the list it showed meets (the search
    relaxed them to find anything: "no exact match; swing/vibe filters relaxed"), as an
    update that lifts them; nothing when no list was shown."""
    if not listed:
        return {}
    out: dict[str, object] = {}
    if previous.vibes and not any(
        _tag_holds(v, h.tags.vibe) for v in previous.vibes for h in listed
    ):
        out["vibes"] = []
    if (previous.swing_min is not None or previous.swing_max is not None) and not any(
        h.swing_percent is not None
        and (previous.swing_min is None or h.swing_percent >= previous.swing_min)
        and (previous.swing_max is None or h.swing_percent <= previous.swing_max)
        for h in listed
    ):
        out.update(swing_min=None, swing_max=None, swing_words=[])
    if previous.eras and not any(
        _tag_holds(e, h.tags.era, era=True) for e in previous.eras for h in listed
    ):
        out.update(eras=[], years=[])
    if previous.genres and not any(
        _tag_holds(g, h.tags.genre) for g in previous.genres for h in listed
    ):
        out["genres"] = []
    if (
        previous.instrument
        and previous.kind != "one_shot"
        and all(
            h.instrument is not None
            and h.instrument != previous.instrument
            and not (previous.instrument == "drums" and h.key is None)
            for h in listed
        )
    ):
        # "drum breaks around 170" showed full mixes with drums (no drums-only loop was
        # near): "only the 90s ones" narrows those, not drums-only loops again
        out["instrument"] = None
    if _key_widened(previous, listed):
        # nothing was in A minor, so the search showed keys that mix with it: a narrowing
        # of that list keeps to those keys, not back to A minor alone
        out["compatible"] = True
    return out


def _key_widened(previous: ParsedRequest, listed: Sequence[CatalogHit]) -> bool:
    """Whether the search ``previous`` asked for in a key showed ``listed`` in other
    keys only (it widened to the keys that mix with it: "Nothing in A minor matches
    exactly; showing keys that mix with A minor")."""
    if not previous.keys or previous.compatible or previous.mix_with:
        return False
    keyed = [h.key for h in listed if h.key]
    if not keyed:
        return False
    try:
        named = {parse_key(k).name for k in previous.keys}
        return not any(parse_key(k).name in named for k in keyed)
    except InvalidQueryError:
        return False


def _key_mode(name: str) -> str | None:
    try:
        return parse_key(name).mode
    except InvalidQueryError:
        return None


def _unheld_tempo(previous: ParsedRequest, listed: Sequence[CatalogHit]) -> dict[str, object]:
    """The tempo bounds of ``previous`` lifted when no hit of the list it showed lies in
    them (at its tempo, half or double: the search showed the closest tempos) for the band
    the list spans; the tempo asked for stays as the target."""
    lo, hi = previous.bpm_min, previous.bpm_max
    if not listed or (lo is None and hi is None):
        return {}
    inside = any(
        (lo is None or t >= lo) and (hi is None or t <= hi)
        for h in listed
        if h.tempo_bpm is not None
        for t in (round(h.tempo_bpm * m, 1) for m in (1.0, 2.0, 0.5))
    )
    tempos = [h.tempo_bpm for h in listed if h.tempo_bpm is not None]
    if inside or not tempos:
        return {}
    # the band the list shown spans: narrowing it keeps to those tempos
    return {"bpm_min": round(min(tempos), 1), "bpm_max": round(max(tempos), 1)}


def as_found(
    previous: ParsedRequest, listed: Sequence[CatalogHit], *, tempo: bool = True
) -> ParsedRequest:
    """``previous`` as the search that showed ``listed`` applied it: a vibe or swing band
    none of the list meets (the search relaxed it to find anything: "no exact match;
    swing/vibe filters relaxed") is lifted, and so is a tempo band none of it lies in (the
    search showed the closest tempos): the band becomes the one the list spans, the tempo
    asked still the target. A narrowing of that list ("only the minor key ones", "but not
    the 90s ones") starts from this, so it cannot empty the list for a feel or a tempo the
    search never applied. A decade or genre stays: it is what was searched ("trap from the
    90s" that showed other decades is still asked of the 90s). Without ``tempo`` (a move
    from it, "something slower", reads the list itself) the tempo asked stays."""
    unheld = _unheld_by(previous, listed)
    if tempo:
        unheld.update(_unheld_tempo(previous, listed))
    update = {k: v for k, v in unheld.items() if k not in ("eras", "years", "genres")}
    return previous.model_copy(update=update) if update else previous


def held_by(request: ParsedRequest, hit: CatalogHit) -> ParsedRequest:
    """``request`` with the filters ``hit`` does not meet lifted: a hit picked from a list
    that a search found by relaxing them (the closest tempos, any vibe, another genre) is
    shown again as a find of that search, not re-filtered away. The tempo asked for stays
    as the target (it still ranks); the bounds go when the hit lies outside them at its
    tempo, its half and its double."""
    update: dict[str, object] = {
        k: v for k, v in _unheld_by(request, [hit]).items() if k != "compatible"
    }
    lo, hi = request.bpm_min, request.bpm_max
    if (lo is not None or hi is not None) and hit.tempo_bpm is not None:
        inside = any(
            (lo is None or t >= lo) and (hi is None or t <= hi)
            for t in (round(hit.tempo_bpm * m, 1) for m in (1.0, 2.0, 0.5))
        )
        if not inside:
            update.update(bpm_min=None, bpm_max=None)
    if request.keys and not request.compatible and not request.mix_with:
        try:
            named = {parse_key(k).name for k in request.keys}
            held = hit.key is not None and parse_key(hit.key).name in named
            mixes = hit.camelot in {c for k in request.keys for c in compatible_camelots(k)}
        except InvalidQueryError:
            held, mixes = True, False
        if not held:
            # (in a key that mixes with the one asked: the search widened to those keys)
            widened: dict[str, object] = {"compatible": True}
            update.update(widened if mixes else {"keys": [], "camelot": []})
    elif request.keys and request.compatible and not request.mix_with and hit.camelot:
        # a search in the keys that mix with F minor that showed any key (none mixed):
        # the pick is in a key that does not mix, and is still that search's find
        try:
            mixing = {c for k in request.keys for c in compatible_camelots(k)}
        except InvalidQueryError:
            mixing = {hit.camelot}
        if hit.camelot not in mixing:
            update.update(keys=[], camelot=[], compatible=False)
    return request.model_copy(update=update) if update else request


# "closest to 55 bpm", "nearest 170", "as close as possible to 90": a tempo to rank by
_CLOSEST_TEMPO_RE = re.compile(
    r"\b(?:closest|nearest|as\s+close\s+as\s+(?:possible|you\s+can(?:\s+get)?))"
    r"(?:\s+(?:to|at))?\s+\d{2,3}",
    re.IGNORECASE,
)


def asks_closest_tempo(text: str) -> bool:
    """Whether ``text`` asks for what is nearest a tempo ("what's nearest to 55 bpm?",
    "closest to 90"): a ranking of samples by tempo, worded as a question or not."""
    return bool(_CLOSEST_TEMPO_RE.search(text))


#: What lifting each search filter clears of a request ("forget the key", "any decade",
#: "closest to 55" after an empty search): the filter's name (as
#: :func:`vocab.find_lifted_fields` names it) → the request fields that hold it
_LIFTED: dict[str, dict[str, object]] = {
    "tempo": {"bpm_min": None, "bpm_max": None, "target_bpm": None, "bpms": []},
    "keys": {"keys": [], "camelot": [], "tonic": None, "mode": None, "compatible": False},
    "eras": {"eras": [], "years": []},
    "genres": {"genres": []},
    "vibes": {"vibes": []},
    "swing": {"swing_words": [], "swing_min": None, "swing_max": None},
    "meter": {"meter": None},
}


def lifted(*filters: str) -> dict[str, object]:
    """The request update that lifts each of ``filters`` (names of :data:`_LIFTED`),
    each list a new one."""
    return {
        k: list(v) if isinstance(v, list) else v for f in filters for k, v in _LIFTED[f].items()
    }


# "which of them swing?", "any of those in 3/4?": a question about the list shown
_LIST_QUESTION_RE = re.compile(
    r"\b(?:which|what|any|how many|are there any|do any|does any)\s+(?:one\s+)?(?:of\s+)?"
    r"(?:them|those|these)\b",
    re.IGNORECASE,
)


# "widen it to 75", "open the range up to 140", "extend that to 90", "push it out to 130":
# a bound of the range moved out to a tempo
_WIDEN_TO_RE = re.compile(
    r"\b(?:widen|broaden|extend|expand|stretch|open|push|loosen|relax|bump|take|make)\s+"
    r"(?:(?:it|that|this|the\s+(?:range|tempo|bpm|search|band|limit|cap))\s+)?"
    r"(?:(?:up|down|out)\s+)?(?:to|till|until)\s+\d",
    re.IGNORECASE,
)


def _band_held(previous: ParsedRequest, listed: Sequence[CatalogHit]) -> bool:
    """Whether every hit of ``listed`` (some) lies in ``previous``'s tempo band, at half or
    double time too when that search allowed it: the band was a filter the list kept."""
    lo, hi = previous.bpm_min, previous.bpm_max
    tempi = [h.tempo_bpm for h in listed if h.tempo_bpm is not None]
    if not tempi or len(tempi) < len(listed):
        return False
    factors = (1.0, 2.0, 0.5) if previous.half_double else (1.0,)
    return all(
        any(
            (lo is None or round(t * f, 1) >= lo) and (hi is None or round(t * f, 1) <= hi)
            for f in factors
        )
        for t in tempi
    )


def _asked_only(previous: ParsedRequest, new: ParsedRequest) -> dict[str, object]:
    """The filters of ``previous`` that only a question about its list put on it
    ("which of them swing?", a line of its text), lifted (unless ``new`` says them
    again), with those lines out of the text; ``{}`` when no line of it asked one."""
    lines = previous.text.split("\n")
    stated = [line for line in lines if not _LIST_QUESTION_RE.search(line)]
    if len(stated) == len(lines) or not stated:
        return {}
    said = parse_request("\n".join(stated))
    out: dict[str, object] = {"text": "\n".join([*stated, new.text])}
    swing = previous.swing_min is not None or previous.swing_max is not None
    said_swing = said.swing_min is not None or said.swing_max is not None
    new_swing = new.swing_min is not None or new.swing_max is not None or bool(new.swing_words)
    if swing and not said_swing and not new_swing:
        out.update(swing_min=None, swing_max=None, swing_words=[])
    if previous.vibes and not said.vibes and not new.vibes:
        out["vibes"] = []
    if previous.keys and not said.keys and not new.keys:
        out.update(keys=[], camelot=[], compatible=False)
    if previous.mode and not said.mode and not new.mode:
        out["mode"] = None
    if previous.eras and not said.eras and not new.eras:
        out.update(eras=[], years=[])
    return out


def merge_filter(
    previous: ParsedRequest, new: ParsedRequest, listed: Sequence[CatalogHit] = ()
) -> ParsedRequest:
    """The earlier search narrowed by the new constraints, as a ``find`` request.

    A tempo bound ("faster than 125", "under 110 bpm") replaces that side of the earlier
    range and keeps the other side when it still leaves a range (never a collapsed one);
    "something slower"/"faster" moves the range one band down or up (:func:`moved_tempo`,
    ``listed`` are the hits shown, for a search that had no tempo). Every other field the
    new turn names replaces the earlier one, the rest is kept. The text is both turns, so
    a major/minor constraint (see :data:`MODE_RE`) of either one still applies.
    """
    update: dict[str, object] = {
        "text": f"{previous.text}\n{new.text}",
        "intents": ["find"],
        "samples": [],
        "unresolved": list(new.unresolved),
        "shown": [],
    }
    lo, hi, target = previous.bpm_min, previous.bpm_max, previous.target_bpm
    bounds = removed_bounds_as_nothing(new.text)
    faster, slower = FASTER_RE.search(bounds), SLOWER_RE.search(bounds)
    move = tempo_move(new.text)
    side = vocab.list_tempo_side(new.text)
    tempi = sorted(h.tempo_bpm for h in listed if h.tempo_bpm is not None)
    if side and not (faster or slower or new.bpms) and len(tempi) >= 2:
        # "drop the slow ones", "only the quicker ones": the list shown split at its own
        # median tempo, the side asked kept (its two tempi as a stated range)
        side_lo, side_hi = list_side_range(tempi, side)
        update.update(bpm_min=side_lo, bpm_max=side_hi, target_bpm=None, bpms=[side_lo, side_hi])
    elif faster or slower:
        floor = float(faster.group(1)) if faster else lo
        ceiling = float(slower.group(1)) if slower else hi
        if floor is not None and ceiling is not None and floor >= ceiling:
            # "under 110" after 120–130 BPM: the new bound wins, the old side goes.
            if faster and slower:
                floor, ceiling = min(floor, ceiling), max(floor, ceiling)
            elif faster:
                ceiling = None
            else:
                floor = None
        if target is not None and not (
            (floor is None or floor <= target) and (ceiling is None or target <= ceiling)
        ):
            target = None
        update.update(bpm_min=floor, bpm_max=ceiling, target_bpm=target, bpms=[])
    elif (
        len(set(new.bpms)) == 1
        and (lo is not None or hi is not None)
        and _WIDEN_TO_RE.search(new.text)
        and not (lo is not None and hi is not None and lo <= new.bpms[0] <= hi)
    ):
        # "eh widen it to 75" after "under 70": the side of the range the tempo lies past
        # moves out to it (up to 75), the other side is kept; not a band around 75
        bound = new.bpms[0]
        if hi is not None and (lo is None or bound > hi):
            hi = bound
        else:
            lo = bound
        if target is not None and not (
            (lo is None or lo <= target) and (hi is None or target <= hi)
        ):
            target = None
        update.update(bpm_min=lo, bpm_max=hi, target_bpm=target, bpms=[])
    elif new.bpms:
        # "no, faster, like 92-95": the tempo stated says how much faster
        update.update(
            bpm_min=new.bpm_min, bpm_max=new.bpm_max, target_bpm=new.target_bpm, bpms=new.bpms
        )
    elif move and (moved := moved_tempo(previous, move, listed)) is not None:
        new_lo, new_hi, new_target = moved
        update.update(bpm_min=new_lo, bpm_max=new_hi, target_bpm=new_target, bpms=[])
        # only the tempo moves: the rest is what the list shown holds to (a vibe or swing
        # the last search relaxed to find anything is not applied strictly now)
        update.update(_unheld_by(previous, listed))
        # "anything slower?" asks for loops not seen yet: the ones listed come again only
        # when nothing new is there
        update["shown"] = [h.sample_id for h in listed]
    elif (new.swing_words or SWING_VERB_RE.search(new.text)) and not new.genres:
        # "more swing pls" moves the feel of the list shown: a filter none of it holds
        # (the search relaxed it to find anything: any vibe, the closest tempos) is not
        # applied strictly now, as for a tempo move
        update.update(_unheld_by(previous, listed))
        update.update(_unheld_tempo(previous, listed))
    if new.keys:
        update.update(keys=new.keys, camelot=new.camelot, tonic=None)
        if not new.compatible and vocab.key_to_be_in(new.text):
            # "house that mixes with 4A" then "ok show me the ones in 5A": a key said
            # with "in" is the key itself, not one more key to mix with
            update["compatible"] = False
    elif len(previous.keys) > 1 and (mode := find_mode(new.text)) is not None:
        # "A minor or C major" then "just the minor ones": the keys of that mode stay
        same_mode = [k for k in previous.keys if _key_mode(k) == mode]
        if same_mode and len(same_mode) < len(previous.keys):
            update.update(keys=same_mode, camelot=[parse_key(k).camelot for k in same_mode])
    # "but not disco", "drop the 70s ones": a style or decade named only to rule it out
    # leaves the earlier ones in place (the caller moves it to the exclusions)
    ruled_out = {
        g for (a, _), g in vocab.find_genres(new.text) if vocab.negated_at(new.text, a)
    } | {m.era for m in vocab.find_eras(new.text) if vocab.negated_at(new.text, m.start)}
    for field in ("eras", "genres", "vibes", "years"):
        value = getattr(new, field)
        if field in ("eras", "genres"):
            value = [v for v in value if v not in ruled_out]
        elif field == "years" and new.eras and set(new.eras) <= ruled_out:
            value = []  # "not the late 70s": its years are ruled out with it
        if value:
            update[field] = value
    if new.genres and vocab.ADD_GENRE_RE.search(new.text):
        # "throw in soul too": soul joins the genres searched
        update["genres"] = list(dict.fromkeys([*previous.genres, *new.genres]))
    for field in vocab.find_lifted_fields(new.text):
        # "actually any vibe, but 60s": the feel is lifted, the rest kept
        if (
            (field == "tempo" and not new.bpms)
            or (field == "keys" and not new.keys)
            or (field == "eras" and not new.eras)
            or (field in ("vibes", "genres") and not getattr(new, field))
        ):
            update.update(lifted(field))
    if dropped := vocab.find_dropped_vibes(new.text):
        # "hmm only one. forget the warm part": that feel is taken off the search
        kept = update.get("vibes", previous.vibes)
        assert isinstance(kept, list)
        update["vibes"] = [v for v in kept if v not in dropped]
    if new.swing_words:
        update.update(swing_words=new.swing_words, swing_min=new.swing_min, swing_max=new.swing_max)
    elif SWING_VERB_RE.search(new.text):
        update.update(swing_words=["swing"], swing_min=SWUNG_RANGE[0], swing_max=SWUNG_RANGE[1])
    if (
        "bpm_min" not in update
        and previous.target_bpm is not None
        and (previous.bpm_min is not None or previous.bpm_max is not None)
        and _CLOSEST_TEMPO_RE.search(previous.text)
        and not (not new.genres and _band_held(previous, listed))
    ):
        # "what have I got closest to 55 bpm" then "only reggae": the tempo was a ranking
        # (the nearest first), never a band to fall out of, so the style asked for next
        # is listed nearest that tempo first (but "only minor" right after a list that
        # was all inside the band narrows that list: the band stays)
        update.update(bpm_min=None, bpm_max=None)
    if new.target_bpm is not None and _CLOSEST_TEMPO_RE.search(new.text):
        # "closest to 55 BPM" after house loops: the loops kept ranked by how near 55 they
        # are, none left out for being outside a band around it (never an empty answer
        # while the rest of the search matches something)
        update.update(bpm_min=None, bpm_max=None, target_bpm=new.target_bpm, bpms=[])
    if new.genres and not set(new.genres) <= set(previous.genres):
        # "what about disco instead" after "which of them swing?": the style is swapped
        # into the search the user stated (its tempo, its key), not into the filters a
        # question about the list put on it
        update.update(_asked_only(previous, new))
    if new.meter:
        update["meter"] = new.meter  # "only the ones in 3/4"
    if new.limit:
        update["limit"] = new.limit
    if new.half_double:
        # "closest to 145, double time is fine": the loops may sit at half (or double)
        # the tempo named
        update["half_double"] = True
    return previous.model_copy(update=update)


# "sped up to 160", "in a 120 bpm set", "slow it down to 90": a tempo to play the sample
# at, or another thing's tempo — not what the sample is ("closer to 84" still states it)
_TARGET_TEMPO_RE = re.compile(
    r"(?<!close )(?<!closer )\b(?:to|into|in an?|for an?|with an?)\s+\d{2,3}\b",
    re.IGNORECASE,
)


# "no, the pad is 120 bpm", "the break's more like 80": a tempo stated of a sample the
# turn names (written as its id by then), right after its name
NAMED_TEMPO_RE = re.compile(
    r"\b(?:sample|id)[:\s#]+[0-9a-f]{6,64}\s*(?:is|was|['’]s|runs at|sits at|should be|"
    r"must be)\s+(?:(?:really|actually|more like|closer to|about|around|at|like|definitely|"
    r"in fact)\s+)*\d{2,3}(?:\.\d+)?\s*(?:bpm\b|$|[.,;!?])",
    re.IGNORECASE,
)


_BPM_NUMBER = r"\d{2,3}(?:\.\d+)?"
# what a number is when it is no tempo: "it's 80s", "it's 60 percent swung", "12 bars"
_NOT_A_TEMPO_AFTER = r"(?![\w%'’])(?!\s*(?:%|percent|ms\b|hz\b|sec|bars?\b|beats?\b|years?\b|min))"
# "it's 100 bpm, trust me", "this one is 92", "the drums are 124" (a name written as its
# id), "that's really 46": the sample of the turn said to be at a tempo — a plain
# statement of its value, whatever words come around it
_SAMPLE_IS_TEMPO_RE = re.compile(
    r"\b(?:it|that|this|this\s+one|that\s+one|they|(?:sample|id)[:\s#]+[0-9a-f]{6,64})"
    r"(?:\s*['’]s|\s*['’]re|\s+(?:is|are|was|were|runs?\s+at|sits?\s+at|should\s+be|must\s+be))"
    r"\s+(?:(?:really|actually|more\s+like|closer\s+to|about|around|at|like|definitely|def|"
    r"deffo|exactly|just|in\s+fact|only)\s+)*"
    rf"(?P<bpm>{_BPM_NUMBER})\s*(?:bpm\b)?{_NOT_A_TEMPO_AFTER}",
    re.IGNORECASE,
)
# "124 not 126", "124, not 126": the first is what the user says it is
_SAID_NOT_RE = re.compile(
    rf"(?P<bpm>{_BPM_NUMBER})\s*(?:bpm)?\s*,?\s*(?:and\s+)?not\s+(?:the\s+)?{_BPM_NUMBER}\b",
    re.IGNORECASE,
)
# "not 126 but 124", "not 126, it's 124": the second
_NOT_SAID_RE = re.compile(
    rf"\bnot\s+(?:the\s+)?{_BPM_NUMBER}\s*(?:bpm)?\s*(?:,|;|but|-+|–)\s*(?:but\s+)?"
    rf"(?:(?:it|that|they)(?:['’]s|['’]re|\s+is|\s+are)\s+)?(?P<bpm>{_BPM_NUMBER})\b",
    re.IGNORECASE,
)


def said_bpm(text: str) -> float | None:
    """The tempo ``text`` says the sample of the turn *is* (not one to play it at): "it's
    100 bpm, trust me", "the drums are 124 not 126", "not 126 but 124". ``None`` when it
    says none that plainly."""
    for rx in (_SAID_NOT_RE, _NOT_SAID_RE, _SAMPLE_IS_TEMPO_RE):
        if (m := rx.search(text)) is not None:
            return float(m.group("bpm"))
    return None


def states_tempo(text: str) -> bool:
    """Whether ``text`` states (corrects) a sample's tempo: "isn't it 80 though?", "no,
    the pad is 120 bpm" (its name written as its id), "it's 100 bpm, trust me", "124 not
    126"."""
    return bool(vocab.STATED_TEMPO_RE.search(text) or NAMED_TEMPO_RE.search(text) or said_bpm(text))


def stated_tempo(text: str, request: ParsedRequest) -> float | None:
    """The tempo the user states for the one sample of the turn when they correct its
    reading ("I think I made it at 84", "it's 100 bpm, trust me", "the drums are 124 not
    126"), else ``None``. A stated value beats a measured one the user doubts; the turn
    must name one sample and one tempo (or say which of two it is: "124 not 126")."""
    if len(request.samples) != 1 or not request.bpms or "find" in request.intents:
        return None
    if not states_tempo(text) or _TARGET_TEMPO_RE.search(text):
        return None
    said = said_bpm(text)
    if len(request.bpms) == 1:
        return float(request.bpms[0])
    if said is not None and any(abs(b - said) < 0.05 for b in request.bpms):
        return said
    return None


def stated_key(text: str, request: ParsedRequest) -> str | None:
    """The key the user states for the one sample of the turn when they correct its
    reading ("no wait, it's actually in F major, not minor"), else ``None``: as
    :func:`stated_tempo`, one sample and one key, no search."""
    if len(request.samples) != 1 or len(request.keys) != 1 or "find" in request.intents:
        return None
    if request.bpms or not vocab.STATED_KEY_RE.search(text):
        return None
    return request.keys[0]


# "more swing than mine", "swings harder than my beat", "slower than the first one",
# "straighter than that": a bound from a sample's measured value (never "than 90").
_THAN_SAMPLE = r"\s+than\s+(?!\d|a\b|an\b)"
_MORE_SWING_THAN_RE = re.compile(
    r"\b(?:more\s+(?:swing|swung|shuffle)\w*|swing\w*\s+(?:more|harder)|swung\s+(?:more|harder)|"
    r"swingier|looser)" + _THAN_SAMPLE,
    re.IGNORECASE,
)
_LESS_SWING_THAN_RE = re.compile(
    r"\b(?:less\s+(?:swing|swung|shuffle)\w*|swing\w*\s+less|swung\s+less|straighter)"
    + _THAN_SAMPLE,
    re.IGNORECASE,
)
_SLOWER_THAN_RE = re.compile(r"\b(?:slower|less\s+fast)" + _THAN_SAMPLE, re.IGNORECASE)
_FASTER_THAN_RE = re.compile(r"\b(?:faster|quicker|more\s+uptempo)" + _THAN_SAMPLE, re.IGNORECASE)
#: How far past the sample's value a "more/less than" bound starts: strict, not a band.
THAN_STEP_SWING = 0.1
THAN_STEP_TEMPO = 0.005


# "more swing than that?", "straighter than this one": the comparison points at the sample
# in focus (a demonstrative, not "than modern ones")
_THAN_FOCUS_RE = re.compile(
    r"\bthan\s+(?:that|this|it)(?:\s+(?:one|loop|sample|beat|break|groove))?\s*(?:[?.!,]|$)",
    re.IGNORECASE,
)


def than_focus(text: str) -> bool:
    """Whether ``text`` compares with the sample in focus by a demonstrative ("more swing
    than that?", "slower than this one")."""
    return bool(_THAN_FOCUS_RE.search(text)) and compares_with_sample(text)


def compares_with_sample(text: str) -> bool:
    """Whether ``text`` sets a search against a sample's measured swing or tempo ("more
    swing than mine", "slower than the first one", "about the same swing")."""
    return any(
        rx.search(text)
        for rx in (
            _MORE_SWING_THAN_RE,
            _LESS_SWING_THAN_RE,
            _SLOWER_THAN_RE,
            _FASTER_THAN_RE,
            vocab.SAME_SWING_RE,
        )
    )


def sample_bounds(text: str, ref: Analysis) -> dict[str, object]:
    """The swing and tempo bounds ``text`` sets from ``ref``'s measured values: a strict
    bound past it for "more swing than mine" or "slower than it", a window around it for
    "about the same swing"; empty when it compares nothing (or ``ref`` is no loop)."""
    if ref.kind != "loop":
        return {}
    update: dict[str, object] = {}
    swing = ref.swing_percent
    if swing is not None and _MORE_SWING_THAN_RE.search(text):
        update.update(swing_min=round(swing + THAN_STEP_SWING, 1), swing_max=None, swing_words=[])
    elif swing is not None and _LESS_SWING_THAN_RE.search(text):
        update.update(swing_min=None, swing_max=round(swing - THAN_STEP_SWING, 1), swing_words=[])
    elif swing is not None and vocab.SAME_SWING_RE.search(text):
        update.update(
            swing_min=round(swing - vocab.SAME_SWING_WINDOW, 1),
            swing_max=round(swing + vocab.SAME_SWING_WINDOW, 1),
            swing_words=[],
        )
    bpm = ref.tempo_bpm
    if bpm is not None and _SLOWER_THAN_RE.search(text):
        update.update(bpm_min=None, bpm_max=round(bpm * (1 - THAN_STEP_TEMPO), 1), target_bpm=None)
    elif bpm is not None and _FASTER_THAN_RE.search(text):
        update.update(bpm_min=round(bpm * (1 + THAN_STEP_TEMPO), 1), bpm_max=None, target_bpm=None)
    return update


def bounded_by_sample(
    text: str, request: ParsedRequest, analyses: Mapping[str, Analysis]
) -> ParsedRequest:
    """``request`` with a strict bound from the one sample it names when it searches for
    samples compared with it ("only the ones with more swing than mine": swing above
    mine; "slower than the first one": under that loop's tempo; "about the same swing as
    mine": a window around its swing), replacing any band a feel word or a relative move
    gave. Unchanged when the turn is no search, names no single analysed loop, or compares
    nothing."""
    if "discovery" not in request.specialists or len(request.samples) != 1:
        return request
    ref = analyses.get(request.samples[0])
    if ref is None:
        return request
    update = sample_bounds(text, ref)
    return request.model_copy(update=update) if update else request


def _said_filters(request: ParsedRequest) -> dict[str, str]:
    """The filters of ``request`` a "closest to N" after a search that found nothing may
    drop, each as the answer names it ("the key (F# minor)")."""
    said: dict[str, str] = {}
    if request.keys or request.tonic:
        said["key"] = " or ".join(request.keys) or f"on {request.tonic}"
    elif request.mode:
        said["key"] = request.mode
    if request.vibes:
        said["vibe"] = " or ".join(request.vibes)
    if request.swing_min is not None or request.swing_max is not None or request.swing_words:
        said["swing"] = " ".join(request.swing_words) or "band"
    if request.eras or request.years:
        said["era"] = " or ".join(request.eras) or " or ".join(str(y) for y in request.years)
    if request.meter:
        said["meter"] = request.meter
    return said


def closest_after_nothing(
    text: str,
    request: ParsedRequest,
    last: ParsedRequest | None,
    shown: Sequence[CatalogHit],
) -> tuple[ParsedRequest, str | None]:
    """ "closest to 55 bpm" right after a search that matched nothing exactly (no hit, or
    only near matches it relaxed a filter for): the user now asks by tempo, so that
    search's style (genre, kind of sample) stays and its key, vibe, swing, decade and
    meter, what left it empty, are dropped, unless this turn says them again. Returns
    the request and a note saying what was dropped (``None`` when nothing is)."""
    if (
        last is None
        or "discovery" not in last.specialists
        or "discovery" not in request.specialists
        or request.samples
        or request.for_sample
        or request.mix_with
        or request.target_bpm is None
        or not _CLOSEST_TEMPO_RE.search(text)
        or any(held_by(last, h) is last for h in shown)
    ):
        return request, None
    before = _said_filters(last)
    own = _said_filters(parse_request(text))
    update: dict[str, object] = {"text": request.said}
    # (the filters named as the answer names them → as lifted() names them)
    as_lifted = {"key": "keys", "vibe": "vibes", "swing": "swing", "era": "eras", "meter": "meter"}
    update.update(lifted(*(f for said, f in as_lifted.items() if said not in own)))
    relaxed = request.model_copy(update=update)
    dropped = [f"{k} ({v})" if v != "band" else k for k, v in before.items() if k not in own]
    if not dropped:
        return relaxed, None
    kept = " or ".join(relaxed.genres)
    note = (
        "The last search matched nothing exactly, so this one "
        + (f"keeps {kept} and " if kept else "")
        + "drops its "
        + vocab.spoken_list(dropped, "and")
        + "."
    )
    return relaxed, note


def as_listed(
    request: ParsedRequest, previous: ParsedRequest | None, listed: Sequence[CatalogHit]
) -> ParsedRequest:
    """A narrowing of the list shown ("which of those were from the 70s?") keeps the
    filters that list was found with: a filter of the earlier request that none of the
    listed samples meets (a vibe or swing band the search relaxed to show near matches)
    is dropped, so narrowing the list cannot empty it for a filter it never applied. A
    filter this turn adds is kept."""
    if previous is None or not listed:
        return request
    # the hits shown, and only those: not others of the library the search finds too
    update: dict[str, object] = {"among": [h.sample_id for h in listed]}
    vibes = {(h.tags.vibe or "").lower() for h in listed}
    old_vibes = [v for v in request.vibes if v in previous.vibes]
    if old_vibes and not vibes & {v.lower() for v in old_vibes}:
        update["vibes"] = [v for v in request.vibes if v not in old_vibes]
    genres = {(h.tags.genre or "").lower() for h in listed}
    old_genres = [g for g in request.genres if g in previous.genres]
    if old_genres and not genres & {g.lower() for g in old_genres}:
        update["genres"] = [g for g in request.genres if g not in old_genres]
    swings = [h.swing_percent for h in listed if h.swing_percent is not None]
    lo, hi = request.swing_min, request.swing_max
    inherited = (lo, hi) == (previous.swing_min, previous.swing_max) and (lo, hi) != (None, None)
    if (
        inherited
        and swings
        and not any((lo is None or s >= lo) and (hi is None or s <= hi) for s in swings)
    ):
        update.update(swing_min=None, swing_max=None, swing_words=[])
    return request.model_copy(update=update)


def _ranked_value(sample: CatalogHit | Analysis, field: str) -> float | None:
    """The value a superlative ranks ``sample`` by: a measured field, or the brightness
    of its key (``keys.key_brightness``)."""
    if field == "key_brightness":
        return key_brightness(sample.key)
    value = getattr(sample, field, None)
    return None if value is None else float(value)


def _value_text(field: str, value: float) -> str:
    if field == "tempo_bpm":
        return f"{value:.1f} BPM"
    if field == "swing_percent":
        return f"swing {value:.1f} %"
    if field == "backbeat_lag_ms":
        return f"backbeat {value:+.1f} ms"
    return f"timing deviation {value:.1f} ms"


# What may stand around a superlative for it to pick one sample with no "which": "the
# brightest one", "and the darkest?", "ok show me the most laid back of them" (a plural
# noun, "the darkest loops", is a search, not a pick)
_BARE_PICK_FILLER_RE = re.compile(
    r"(?:\W|\b(?:and|ok(?:ay)?|so|now|then|what|how|about|give|show|me|just|the|one|of|"
    r"them|those|these|please|pls|loop|sample|track|key)\b)*",
    re.IGNORECASE,
)


# "which era has the most swing", "what decade swings the hardest", "which of the genres
# is the fastest": the group a superlative picks is a decade or a style, not a sample
_WHICH_GROUP_RE = re.compile(
    r"\b(?:which|what)\s+(?:(?:one\s+)?of\s+(?:the|my)\s+)?(?:(?P<era>eras?|decades?|periods?)"
    r"|(?P<genre>genres?|styles?))\b",
    re.IGNORECASE,
)
#: The superlatives a group of the catalog is ranked by: the sample field and the
#: per-group statistic (:class:`~groovegraph.state.GroupStat`) that stands for it
GROUP_STATS: dict[str, str] = {
    "tempo_bpm": "median_bpm",
    "swing_percent": "median_swing_percent",
    "backbeat_lag_ms": "median_backbeat_lag_ms",
}


class GroupSuperlative(NamedTuple):
    """A superlative asked of the library's decades or styles: the tag to group by
    (``"era"`` or ``"genre"``), the group statistic ranked, highest first or not, and
    the word for the one ranked first ("most swung")."""

    by: str
    stat: str
    highest: bool
    word: str


def group_superlative(text: str) -> GroupSuperlative | None:
    """ "which era has the most swing in the library", "what decade swings the hardest",
    "which genre is the fastest": the decades or styles of the whole catalog ranked by a
    measured value (a group statistic), not a sample picked from a list; else ``None``."""
    which = _WHICH_GROUP_RE.search(text)
    if which is None:
        return None
    for rx, field, sign, word in vocab.SUPERLATIVES:
        if field in GROUP_STATS and rx.search(text, which.end()):
            by = "era" if which.group("era") else "genre"
            return GroupSuperlative(by, GROUP_STATS[field], sign > 0, word)
    return None


# "which is less swung", "ok which one's faster": a bare which-question opening the message
_WHICH_ONE_IS_RE = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|so|now|then|but|cool|hmm+)\W+)*which\s+(?:one\s+)?"
    r"(?:is|'s|’s|has|got|sits|swings|feels|plays|sounds)\b",
    re.IGNORECASE,
)


def _superlative(text: str) -> tuple[str, int, str] | None:
    if group_superlative(text) is not None:
        return None  # "which era swings the most": decades ranked, no sample picked
    which = bool(vocab.WHICH_RE.search(text))
    for rx, field, sign, word in vocab.SUPERLATIVES:
        m = rx.search(text)
        if m is None:
            continue
        rest = text[: m.start()] + " " + text[m.end() :]
        if which or _BARE_PICK_FILLER_RE.fullmatch(rest):
            return field, sign, word
    if (vocab.WHICH_OF_SHOWN_RE.search(text) or _WHICH_ONE_IS_RE.match(text)) and not re.search(
        r"\bor\b", text, re.I
    ):
        # "which of those has the lazier snare?", "which is less swung": the comparative
        # picks as a superlative (no "than", no "X or Y" to compare instead)
        for rx, field, sign, word in vocab.COMPARATIVES:
            if rx.search(text):
                return field, sign, word
    return None


def asks_superlative(text: str) -> bool:
    """Whether ``text`` asks which sample ranks first by a measured value ("which of my
    loops is the fastest?", "which one of those swings the hardest?")."""
    return _superlative(text) is not None


#: How many of a list a plural superlative keeps ("which ones are the most swung")
PLURAL_PICK_COUNT = 3
# "which ones are the most swung", "the most swung ones", "which of them are the fastest":
# a superlative asked of several, not one
_PLURAL_PICK_RE = re.compile(
    r"\b(?:which|what)\s+(?:ones|are|of\s+(?:them|those|these)\s+are)\b|\bones\b",
    re.IGNORECASE,
)


def plural_pick(text: str, listed: Sequence[CatalogHit]) -> list[str]:
    """The ids of the :data:`PLURAL_PICK_COUNT` listed hits a plural superlative ranks
    first ("which ones are the most swung"), best first; ``[]`` when ``text`` asks it of
    one, or the list is no longer than that."""
    found = _superlative(text) if _PLURAL_PICK_RE.search(text) else None
    if found is None:
        return []
    field, sign, _ = found
    pool = [(h.sample_id, v) for h in listed if (v := _ranked_value(h, field)) is not None]
    if len(pool) <= PLURAL_PICK_COUNT:
        return []
    pool.sort(key=lambda p: -sign * p[1])  # stable: ties keep the list's order
    return [sid for sid, _ in pool[:PLURAL_PICK_COUNT]]


def ranked_pick(
    text: str,
    *,
    own: Sequence[tuple[str, str, Analysis]],
    listed: Sequence[CatalogHit],
    fresh: bool,
) -> tuple[str, str] | None:
    """The sample a superlative question picks, by its measured value, and the line that
    answers it ("Fastest of your 3 samples: …"), else ``None``. It ranks the list shown
    when the turn points at it ("of those", or a list just shown and nothing of the
    user's named), else the user's own samples of the thread (``own``: id, label,
    analysis); it needs two with the value measured."""
    found = _superlative(text)
    if found is None:
        return None
    field, sign, word = found
    mine = bool(re.search(r"\b(?:my|mine|i\s+(?:sent|uploaded|gave|made))\b", text, re.I))
    pool: list[tuple[str, str, float, str | None]]
    own_measured = sum(_ranked_value(a, field) is not None for _, _, a in own)
    if listed and (points_at_shown_list(text) or (not mine and (fresh or own_measured < 2))):
        # the list shown, when the turn points at it, was just shown, or is all there is
        # to rank ("which is fastest" after a mix check of two of its loops)
        pool = [
            (h.sample_id, h.path.rsplit("/", 1)[-1], v, h.key)
            for h in listed
            if (v := _ranked_value(h, field)) is not None
        ]
        whose = f"the {len(listed)} listed"
    else:
        pool = [
            (sid, label, v, a.key)
            for sid, label, a in own
            if (v := _ranked_value(a, field)) is not None
        ]
        whose = f"your {len(own)} samples"
    if len(pool) == 1 and len(listed) == 1 and whose.endswith("listed"):
        # "which is in the darkest key?" of a list of one: that one, said to be the only
        # one (no ranking to make, but no question left unanswered either)
        sid, label, value, key = pool[0]
        said = f"in {key}" if field == "key_brightness" else f"at {_value_text(field, value)}"
        return sid, f"The list has only one: {label}, {said}."
    if len(pool) < 2:
        return None
    pool.sort(key=lambda p: -sign * p[2])  # stable: ties keep the list's order
    sid = pool[0][0]
    line = _ranking_line(word, whose, field, [(lab, v, k) for _, lab, v, k in pool[:5]])
    if field == "key_brightness":
        line += (
            " Key brightness: a minor key is darker than a major one, and within a mode "
            "more flats are darker, more sharps brighter."
        )
    return sid, line


def _ranking_line(
    word: str, whose: str, field: str, ranked: Sequence[tuple[str, float, str | None]]
) -> str:
    """ "Most swung of #2 and #4: a.wav at 61 % (then b.wav 55 %)." — the first of
    ``ranked`` (label, value, key; best first) and the others after it."""
    (label, value, key), rest = ranked[0], ranked[1:]
    if field == "key_brightness":
        said, then = f"in {key}", ", ".join(f"{lab} {k}" for lab, _, k in rest)
    else:
        said = f"at {_value_text(field, value)}"
        then = ", ".join(f"{lab} {_value_text(field, v)}" for lab, v, _ in rest)
    return f"{word[0].upper()}{word[1:]} of {whose}: {label} {said} (then {then})."


def named_ranking(
    text: str, listed: Sequence[CatalogHit], *, fresh: bool
) -> tuple[list[str], str] | None:
    """ "which swings more, 2 or 4?", "of the top 3 which is the fastest", "those two,
    which sits further back": a comparison among the listed hits the question names by
    rank (:func:`~groovegraph.graph.parser.compared_refs`), not the whole list. Returns
    the ids named, in list order, and the line ranking them by the measured value asked
    (a superlative or a comparative in a which-question); ``None`` when the question
    compares nothing or names fewer than two."""
    found = _superlative(text)
    if found is None and vocab.WHICH_RE.search(text) and group_superlative(text) is None:
        found = next(((f, s, w) for rx, f, s, w in vocab.COMPARATIVES if rx.search(text)), None)
    if found is None:
        return None
    ids = compared_refs(text, results=[h.sample_id for h in listed], fresh=fresh)
    if not ids:
        return None
    field, sign, word = found
    rank = {h.sample_id: i + 1 for i, h in enumerate(listed)}
    named = [h for h in listed if h.sample_id in ids]
    pool = [
        (h.path.rsplit("/", 1)[-1], v, h.key, rank[h.sample_id])
        for h in named
        if (v := _ranked_value(h, field)) is not None
    ]
    if len(pool) < 2:
        return None
    whose = ", ".join(f"#{r}" for *_, r in pool[:-1]) + f" and #{pool[-1][3]}"
    pool.sort(key=lambda p: -sign * p[1])  # stable: ties keep the list's order
    return ids, _ranking_line(word, whose, field, [(lab, v, k) for lab, v, k, _ in pool])


def asked_value(text: str, label: str, analysis: Analysis) -> str | None:
    """The one measured value ``text`` asks of an analysed sample ("does it swing?",
    "what key is my keys loop again?"), answered first in a line, else ``None``."""
    for rx, field in vocab.ASKED_FIELDS:
        if not rx.search(text):
            continue
        if field == "swing_percent":
            if analysis.swing_percent is None:
                return None
            feel = swing_word(analysis.swing_percent)
            said = f"{label} is {feel} at {analysis.swing_percent:.1f} % swing."
            if re.match(
                r"\W*(?:(?:so|and|ok|but|hey)\W+)?(?:does|do|did|is|was|are)\b", text, re.I
            ):
                return ("No: " if feel == "straight" else "Yes: ") + said
            return said
        if field == "key":
            if analysis.kind == "one_shot" and analysis.root_note:
                return f"{label} is a one-shot rooted on {analysis.root_note}."
            return f"{label}: {key_text(analysis.key, analysis.camelot)}."
        if analysis.tempo_bpm is None:
            return None
        if analysis.tempo_confidence >= STATED:
            return f"{label} runs at {analysis.tempo_bpm:.1f} BPM (your figure, not measured)."
        return f"{label} runs at {analysis.tempo_bpm:.1f} BPM."
    return None
