"""Offline mode's words: tool-call planning and answers from tool results.

This is what :class:`~groovegraph.graph.offline_model.OfflineChatModel` — the embedded
default (``GROOVEGRAPH_MODEL=offline``) — says in the graph: :func:`plan_tool_calls` where
a chat model would emit tool calls, :func:`compose_section` / :func:`compose_note` /
:func:`compose_answer` where it would write prose. :func:`plan_stages` orders the
specialists of a turn in both modes; :func:`route_request` is the rule-based routing of a
parsed request (the rules' reading, kept for comparison). Every number in an offline
answer is read from a tool result (analyses, catalog hits, compatibility reports,
knowledge-table entries, catalog statistics); nothing is made up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

from groovegraph.graph.followups import (
    ATTRIBUTE_PHRASE_RE,
    find_mode,
    group_superlative,
    tempo_move,
)
from groovegraph.graph.knowledge import lookup_facts
from groovegraph.graph.names import looks_like_file_name
from groovegraph.graph.parser import (
    GROOVE_QUESTION_RE,
    TEMPO_LIMITS_BPM,
    UNMEASURED_METER_RE,
    UNUSABLE_TEMPO_RE,
)
from groovegraph.graph.repeats import NO_ANTECEDENT, UNKNOWN_STYLE, ordinal
from groovegraph.graph.tools import sample_label, shown_name
from groovegraph.state import (
    SPECIALISTS,
    Analysis,
    CatalogHit,
    CompatibilityReport,
    EraBrief,
    GroupStat,
    ParsedRequest,
    Route,
    SpecialistName,
)
from groovegraph.tools import harmony, vocab
from groovegraph.tools.errors import InvalidQueryError
from groovegraph.tools.feel import (
    NO_KEY,
    confidence_words,
    key_doubt,
    key_text,
    pocket_word,
    swing_word,
    tempo_doubt,
    timing_word,
)
from groovegraph.tools.keys import parse_key

__all__ = [
    "UNFIT_OWN",
    "asks_what_mixes",
    "can_compare",
    "compose_answer",
    "compose_asked",
    "compose_note",
    "compose_section",
    "own_audio_noun",
    "past_the_list",
    "plan_stages",
    "plan_tool_calls",
    "route_request",
]


# ---------------------------------------------------------------------------- routing

# "my loop", "my own break", "this track" — the user's audio, named but maybe not attached.
_OWN_AUDIO_NOUN = vocab.alternation(
    (*vocab.SAMPLE_NOUNS, "drums", "file", "song", "tune", "stem", "bounce", "demo")
)
_OWN_AUDIO_RE = re.compile(
    rf"\b(?:my|our|this|that)\s+(?:own\s+|new\s+|drum\s+)?(?P<noun>{_OWN_AUDIO_NOUN})s?\b",
    re.IGNORECASE,
)


def own_audio_noun(request: ParsedRequest) -> str | None:
    """The noun of "my loop"/"this break" when the turn names the user's own audio but
    nothing is attached or carried over (``request.samples`` empty), else ``None``."""
    if request.samples or request.for_sample:
        return None  # attached, carried over, or the analysed sample a search is for
    m = _OWN_AUDIO_RE.search(request.text)
    return m.group("noun").lower() if m else None


# "what would mix with …", "what goes with my loop", "anything that fits 8A at 124?"
_WHAT_FITS_RE = re.compile(
    r"\b(?:what|which|anything|something|suggest\w*|recommend\w*|options?|ideas?)\b",
    re.IGNORECASE,
)
_SAMPLE_NOUN_RE = re.compile(rf"\b(?:{vocab.alternation(vocab.SAMPLE_NOUNS)})s?\b", re.IGNORECASE)
# ... unless it is the keys themselves that are asked for ("what keys mix with A minor?")
_KEYS_ASKED_RE = re.compile(
    r"\b(?:keys|camelot|wheel|neighbou?rs?)\b"
    r"|\b(?:next|compatible|harmonic|other)\s+(?:\w+\s+)?key\b"
    # ("the best key to sing over it", "what scale should the chords use": a key or
    # scale asked for, as a part against it asks one)
    rf"|{vocab.KEY_OR_SCALE_ASKED}",
    re.IGNORECASE,
)
# ... though a mode the loops must be in is a constraint, no question about the keys
# ("what goes with my loop? only minor keys please", "in major keys only")
_MODE_CONSTRAINT_RE = re.compile(
    r"\b(?:only|just|in|stick\s+to|keep\s+(?:it\s+)?to)\s+(?:the\s+)?(?:minor|major)\s+keys?\b"
    r"|\b(?:minor|major)\s+keys?\s+only\b",
    re.IGNORECASE,
)


def asks_what_mixes(request: ParsedRequest) -> bool:
    """A mix question with one reference and nothing to set it against ("what would mix
    with a 124 bpm loop in A minor?", "what goes with my loop" with the loop attached):
    the answer is library loops that mix with it, so discovery searches around the
    reference's key (Camelot neighbours) and tempo beside the compatibility check."""
    if "compatibility" not in request.specialists or "discovery" in request.specialists:
        return False
    if len(request.samples) + len(request.keys) != 1 or len(request.bpms) > 1:
        return False
    if request.samples and (request.keys or request.bpms):
        return False  # "will it mix with A minor?": a verdict on the pair
    if request.energy or request.key_moves:
        return False  # "something for an energy boost": advice on moves up the wheel
    if not request.samples and not (request.bpms or _SAMPLE_NOUN_RE.search(request.text)):
        return False  # "what mixes with D minor?": a bare key asks for its keys
    asked = _MODE_CONSTRAINT_RE.sub(" ", request.text)
    return bool(_WHAT_FITS_RE.search(asked)) and not _KEYS_ASKED_RE.search(asked)


def route_request(request: ParsedRequest) -> Route:
    """Which specialists a parsed request needs.

    Rules, in words: a referenced sample is always analysed (``groove``) because every
    other specialist reasons from its numbers; a search clause goes to ``discovery``; a
    question about whether given items (samples, keys, tempi) go together goes to
    ``compatibility`` when there is something to compare; history, style and
    library-statistics questions go to ``era``. Greetings and help need none.
    """
    chosen: set[SpecialistName] = set()
    reasons: list[str] = []
    intents = set(request.intents)
    own = own_audio_noun(request)
    if request.samples:
        chosen.add("groove")
        reasons.append(f"{len(request.samples)} sample(s) to analyse")
    if "find" in intents:
        chosen.add("discovery")
        reasons.append("a catalog search")
    items = len(request.samples) + len(request.keys) + len(request.bpms)
    if "compatibility" in intents and (items >= 2 or request.keys or request.samples):
        chosen.add("compatibility")
        reasons.append("a mix/compatibility question")
    if "history" in intents or "stats" in intents:
        chosen.add("era")
        reasons.append("an era/genre question" if "history" in intents else "library statistics")
    if own and "compatibility" in intents and "compatibility" not in chosen:
        chosen.add("compatibility")
        reasons.append(f"a mix question about your {own} (not attached)")
    if own and not chosen:
        # "what's the swing on my loop?" with nothing attached: the groove specialist
        # asks for the file rather than the turn falling through to the help text.
        chosen.add("groove")
        reasons.append(f"a question about your {own} (not attached)")
    ordered = [s for s in SPECIALISTS if s in chosen]
    return Route(
        specialists=ordered,
        reason="; ".join(reasons) or "no specialist needed (greeting, thanks or help)",
    )


def plan_stages(
    specialists: Sequence[SpecialistName], *, has_samples: bool
) -> list[list[SpecialistName]]:
    """Order specialists into stages: ``groove`` first when others need its analyses,
    everything else of a turn in parallel."""
    chosen = [s for s in SPECIALISTS if s in specialists]
    if "groove" in chosen and has_samples and len(chosen) > 1:
        rest: list[SpecialistName] = [s for s in chosen if s != "groove"]
        first: list[SpecialistName] = ["groove"]
        return [first, rest]
    return [chosen] if chosen else []


# ----------------------------------------------------------------------- tool calling


def _call(name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:12]}", "type": "tool_call"}


def _style_swapped(request: ParsedRequest) -> bool:
    """Whether a search carried over from an earlier one now asks for other styles than
    the earlier turns named ("what about house instead" after disco): a new list, not a
    narrowing of the one shown."""
    earlier, _, last = request.text.rpartition("\n")
    # a style named only to rule it out ("forget reggae, what about hip hop") is not
    # one asked for now
    said = {g for (a, _), g in vocab.find_genres(last) if not vocab.negated_at(last, a)}
    before = {g for _, g in vocab.find_genres(earlier)}
    if said and not before and _STYLE_SWAP_RE.search(last):
        # "deep stuff, any genre" then "swap to disco, keep the tempo": a style put in
        # place of a search of every style is a new list too
        return set(request.genres) <= said
    return bool(said and before and set(request.genres) <= said and not said & before)


# "swap to disco", "switch to breakbeat", "disco instead", "change it to house": a style
# put in place of the last search's
_STYLE_SWAP_RE = re.compile(
    r"\b(?:swap|switch|change|move)\s+(?:it\s+|that\s+|over\s+)?(?:to|into)\b|\binstead\b",
    re.IGNORECASE,
)


# "in 8a", "10B": a Camelot code, whose digits are no tempo
_CAMELOT_CODE_RE = re.compile(rf"\b{vocab.CAMELOT_CODE}", re.IGNORECASE)


def _writes_a_number(line: str) -> bool:
    """Whether ``line`` writes a number other than a Camelot code or a decade ("trap in 8a
    then", "only the 80s" carry the last search's tempo as it was said)."""
    return bool(re.search(r"\d", _CAMELOT_CODE_RE.sub(" ", vocab.ERA_RE.sub(" ", line))))


def _key_swapped(request: ParsedRequest) -> bool:
    """Whether a search carried over from an earlier one now names other keys than the
    earlier turns did ("and in 9B?" after house in 9A): a new list, as a style swapped in
    is, not a narrowing of the one shown."""
    earlier, _, last = request.text.rpartition("\n")
    said, before = _keys_named(last), _keys_named(earlier)
    return bool(said and before and not said & before and set(request.keys) <= said)


def _keys_named(text: str) -> set[str]:
    """The canonical names of the keys ``text`` writes."""
    named: set[str] = set()
    for _, said in vocab.find_keys(text):
        try:
            named.add(parse_key(said).name)
        except InvalidQueryError:
            continue
    return named


def _alternative_keys(request: ParsedRequest) -> list[str]:
    """The keys a search names as alternatives ("E major or E minor", "11A or 12A"): joined
    by "or" (or a slash), none of them ruled out ("A minor, not E minor", "A minor instead
    of E minor" name one key)."""
    text = request.text
    if len(request.keys) > 1 and not _keys_named(text) & set(request.keys):
        # keys the turn took from an answer ("in those keys" after an energy boost's two
        # moves), none written: each one is an alternative
        return list(dict.fromkeys(request.keys))
    if not re.search(r"\bor\b|/|\beither\b", text, re.I):
        return list(request.keys[:1])
    ruled_out = set()
    for pos, said in vocab.find_keys(text):
        if vocab.negated_at(text, pos):
            try:
                ruled_out.add(parse_key(said).name)
            except InvalidQueryError:
                continue
    return [k for k in dict.fromkeys(request.keys) if k not in ruled_out]


# "loops", "stuff", "something": the turn asks for samples (a search), not about a pair
_ASKS_FOR_SAMPLES_RE = re.compile(
    rf"\b(?:{vocab.SAMPLE_NOUN}|stuff|something|anything|ones)\b", re.IGNORECASE
)


def plan_tool_calls(
    specialist: SpecialistName,
    request: ParsedRequest,
    *,
    samples: Sequence[str],
    result_count: int,
) -> list[dict[str, Any]]:
    """Tool calls a specialist makes for a request (offline stand-in for a chat model).

    ``samples`` are the turn's sample references (explicit, inline or carried over from
    the previous turn when the user says "this"/"it").
    """
    said = request.said  # this turn's message
    if specialist == "groove":
        return [_call("analyze_samples", {"samples": list(samples)})] if samples else []
    if specialist == "discovery":
        args: dict[str, Any] = {"limit": request.limit or result_count}
        clash = request.clash  # read once, by the understanding
        # the reference and the user's own samples are never offered back as finds
        excluded = [*samples, *([request.for_sample] if request.for_sample else [])]
        excluded = list(dict.fromkeys([*excluded, *request.exclude]))
        if excluded:
            args["exclude"] = excluded
        if request.among:
            args["among"] = list(request.among)
        if seen := [s for s in request.shown if s not in excluded]:
            args["listed_before"] = seen
        if not samples and request.for_sample and request.kind == "one_shot":
            # "a clap for my loop": one-shots for the loop, which the search names as its
            # reference (its key for a pitched sound), never a search like the loop
            args["like_sample"] = request.for_sample
        if not samples and request.for_sample and request.pocket:
            # "just the 70s ones" after "laid back snare like this one": the narrowing is
            # still ranked by the backbeat lag nearest that loop's
            args["like_sample"] = request.for_sample
            args["pocket"] = True
        if samples:
            args["like_sample"] = samples[0]
            if not request.keys and not request.compatible and not request.mix_with:
                # "more 00s loops like the break": its key is lent, not asked for
                args["loose_ref_key"] = True
            if request.pocket:
                args["pocket"] = True  # "laid back snare like this one": by its backbeat lag
            if not request.keys and clash:
                args["clash"] = True  # "which would clash with it": against its key
        # "under 72 bpm" and "125+" are open bounds: each side is passed on its own
        # ("under 100" leaves 100 out, "up to 100" keeps it)
        for side, value, upper in (
            ("bpm_min", request.bpm_min, False),
            ("bpm_max", request.bpm_max, True),
        ):
            if value is not None:
                args[side] = value
                if vocab.strict_tempo_bound(request.text, value, upper=upper):
                    args[f"{side}_exclusive"] = True
        if request.target_bpm is not None:
            args["target_bpm"] = request.target_bpm
        if request.keys and request.mix_with:
            # "F minor loops that mix with it": the key stated, compatible with the loop's
            args["key"] = request.keys[0]
            args["compatible_with"] = request.mix_with
        elif request.keys:
            # "compatible with G minor" widens to Camelot neighbours; "in G minor" is exact.
            # A one-shot has a root, not a key: the search matches roots on the key's tonic.
            wants_mix = (
                request.compatible
                or (
                    # "the ones in 5A" after a mix search: that key itself
                    not vocab.key_to_be_in(said)
                    and (
                        re.search(r"compatib|mix", request.text, re.I)
                        or vocab.KEY_AS_PARTNER_RE.search(request.text)
                    )
                )
            ) and not vocab.key_is_a_filter(said)
            one_shot = request.kind == "one_shot"
            args["compatible_with" if wants_mix and not one_shot else "key"] = request.keys[0]
            named = _alternative_keys(request)
            if (
                len(named) > 1
                and not one_shot
                and not re.search(r"compatib|mix", request.text, re.I)
            ):
                # "soul loops in E major or E minor", "house to follow it, 11A or 12A": the
                # keys named are alternatives, each matched exactly (a mixing word keeps
                # the neighbours of the first)
                args.pop("compatible_with", None)
                args["key"] = named[0]
                args["keys"] = named
            if wants_mix and not one_shot and clash:
                args["clash"] = True  # "which loops in my library would clash with A minor"
        elif request.key_moves:
            args["key"] = request.key_moves[0]  # "find loops for an energy boost"
        elif request.tonic:
            args["tonic"] = request.tonic  # "trap loops in that key" after an 808 in F
        if request.root_note and request.kind == "one_shot":
            args["root_note"] = request.root_note  # "a kick tuned to A"
        if request.swing_min is not None or request.swing_max is not None:
            args["swing_min"], args["swing_max"] = request.swing_min, request.swing_max
        if len(request.genres) > 1:
            args["genres"] = list(request.genres)  # "soul or funk loops": either one
        elif request.genres:
            args["genre"] = request.genres[0]
        if request.not_genres:
            args["not_genres"] = list(request.not_genres)
        if len(request.eras) > 1:
            args["eras"] = list(request.eras)  # "70s or 80s disco": either one
        elif request.eras:
            args["era"] = request.eras[0]
        if request.not_eras:
            args["not_eras"] = list(request.not_eras)
        if request.vibes:
            args["vibe"] = request.vibes[0]
        if not request.keys and (mode := request.mode or find_mode(request.text)):
            # "which ones are in minor?": a mode, not a key.
            args["mode"] = mode
        elif request.mode and "compatible_with" in args and "key" not in args:
            # "only the minor ones" after loops that mix with A minor: the mode stated
            # keeps that mode among the mixing keys (its relative major goes); an exact
            # key needs none, and a key's own name ("in A minor") is no mode asked for
            args["mode"] = request.mode
        if request.instrument:
            args["instrument"] = request.instrument  # "a punchy kick", "an 808 in F"
        if request.meter:
            args["meter"] = request.meter  # "loops in 3/4", "waltz loops", "6/8"
        if request.kind:
            args["kind"] = request.kind
        if request.refines and request.genres and _style_swapped(request):
            # "swap to disco": the style put in place is what was asked, never relaxed
            args["keep_genre"] = True
        if request.refines and request.eras and vocab.find_eras(said):
            # "only the straight ones from the 70s": a decade this turn names is what it
            # narrows by, never let go
            args["keep_era"] = True
        if (
            request.refines
            and not tempo_move(said)
            and not _style_swapped(request)
            and not _key_swapped(request)
        ):
            # "which of them swing?" may honestly find none; "something slower" asks for
            # a tempo, and when nothing of the rest is there, the nearest slower ones
            # (another genre, any vibe: said so) answer it better than nothing; "what
            # about breakbeat instead" asks for another style with the rest kept, so a
            # feel said of the old style ("straight", "uplifting") gives way, said so,
            # when that style has none of it
            args["relax"] = False
        # A vague tempo ("around 90", "at 90") may find its 180 BPM double-time loops when
        # nothing is at 90 itself; a range the user states ("between 85 and 95"), an open
        # bound ("under 72", "above 125") or a narrowing follow-up ("within 5 bpm of it")
        # never does: the hits lie in it.
        closed = request.bpm_min is not None and request.bpm_max is not None
        # a band carried from an earlier turn ("swap to jazz but keep the tempo" after
        # "80ish bpm") stays as vague as it was said
        # ... but "anything way slower?" moves the band: the tempo asked is what it asks
        carried = request.refines and not _writes_a_number(said) and not tempo_move(said)
        vague = closed and len(set(request.bpms)) <= 1 and (not request.refines or carried)
        # ... nor does a tempo said beside a loop to mix with ("loops that mix with it
        # around 170"): the loop alone sets a band from its tempo, so a tempo said as
        # well is the tempo the finds are wanted at (half time only when asked)
        vague = vague and not (args.get("like_sample") and request.kind != "one_shot")
        args["half_double"] = request.half_double or vague
        if (request.bpm_min is not None or request.bpm_max is not None) and not vague:
            # "85-95 bpm", "under 65", "faster than 170": an empty search that offers near
            # matches relaxes the other constraints, never the tempo the user set.
            args["stated_range"] = True
        if len(request.instruments) < 2:
            return [_call("search_catalog", args)]
        # "a kick one-shot and an 808 that fit it": one search per sound; a drum hit is
        # not matched on a key the reference lent the search (a stated root still holds)
        calls = []
        for sound in request.instruments:
            one = {**args, "instrument": sound}
            if sound in vocab.DRUM_KIT or sound in vocab.UNPITCHED_INSTRUMENTS:
                for name in ("key", "compatible_with", "tonic", "clash"):
                    one.pop(name, None)
                if sound != request.instrument:
                    one.pop("root_note", None)
            calls.append(_call("search_catalog", one))
        return calls
    own = None if samples else own_audio_noun(request)
    if specialist == "compatibility":
        if own:
            return []  # "will my break mix with A minor?": the section asks for the break
        asks_samples = (
            ("find" in request.intents or vocab.SAMPLES_THAT_MIX_RE.search(said))
            and _ASKS_FOR_SAMPLES_RE.search(said)
        ) or (vocab.WHAT_GOES_WITH_RE.search(said) and not request.keys)
        if (
            "discovery" in request.specialists
            and asks_samples
            and request.compatible
            and len(samples) == 1
            and not vocab.MIX_VERDICT_RE.search(said)
        ):
            # "find loops that mix with my keys loop at 100 bpm", "loops that mix with the
            # second one at 100 bpm", "what mixes with it around 96": the search's key
            # filter is the mix check; its tempo is the search's, not a second thing to set
            # the loop against (no "keys loop × 100 BPM" verdict; a yes/no mix question
            # keeps it)
            return []
        return [_call("check_compatibility", pair) for pair in _pairs(request, samples)]
    if specialist == "era":
        calls = []
        stats_only = "stats" in request.intents and "history" not in request.intents
        ranked = group_superlative(request.text) if stats_only and not samples else None
        if ranked is not None:
            # "which era has the most swing in the library": every decade (or style) of
            # the catalog ranked by that statistic, within the other tags named
            ranked_args: dict[str, Any] = {
                "by": [ranked.by],
                "rank_by": ranked.stat,
                "highest": ranked.highest,
            }
            if request.genres and ranked.by != "genre":
                ranked_args["genres"] = list(request.genres)
            if request.eras and ranked.by != "era":
                ranked_args["eras"] = list(request.eras)
            return [_call("catalog_stats", ranked_args)]
        if own and not stats_only and not (request.eras or request.genres):
            return []  # "what era does my loop sound like?" needs the loop
        if samples and not stats_only:
            # "what era does this sound like?" / "is it more 70s or 90s?": match the measured
            # groove to the table (the named styles, if any) and to the library at its tempo.
            return [
                _call(
                    "era_facts",
                    {
                        "like_sample": samples[0],
                        "eras": request.eras,
                        "genres": request.genres,
                        "text": request.text,
                    },
                ),
                _call("catalog_stats", {"by": ["era"], "like_sample": samples[0]}),
            ]
        if not stats_only:
            calls.append(
                _call(
                    "era_facts",
                    {"eras": request.eras, "genres": request.genres, "text": request.text},
                )
            )
        stats_args: dict[str, Any] = {"by": _stats_by(request)}
        if stats_only:
            # "how many 70s loops", "average tempo of my house loops": filter by what is named.
            if len(request.eras) == 1:
                stats_args["era"] = request.eras[0]
            if len(request.genres) == 1:
                stats_args["genre"] = request.genres[0]
        else:
            # History: the user's own library, only in the styles the answer talks about
            # (a J Dilla vs DJ Premier question gets 90s hip hop and boom bap numbers, not
            # trap, jazz and house).
            facts = lookup_facts(eras=request.eras, genres=request.genres, text=request.text)
            eras = list(dict.fromkeys([*request.eras, *(f.era for f in facts)]))
            genres = list(dict.fromkeys(f.genre for f in facts))
            stats_args = {"by": ["era", "genre"] if len(eras) != 1 else ["genre"]}
            if len(eras) == 1:
                stats_args["era"] = eras[0]
            elif eras:
                stats_args["eras"] = eras
            if genres:
                stats_args["genres"] = genres
        calls.append(_call("catalog_stats", stats_args))
        return calls
    raise ValueError(f"unknown specialist {specialist!r}")


def can_compare(request: ParsedRequest, samples: Sequence[str]) -> bool:
    """Whether the compatibility specialist has anything to check: two items (samples,
    keys, tempi) or one key whose neighbours it can list."""
    return bool(_pairs(request, samples))


def _stats_by(request: ParsedRequest) -> list[str]:
    text = request.text.lower()
    by = [
        dim
        for dim in ("era", "genre")
        if re.search(rf"\b(?:by|per|each|which of my|across) (?:\w+ )?{dim}s?\b", text)
        or f"by {dim}" in text
    ]
    if re.search(r"\bgenres?\b", text) and "genre" not in by:
        by.append("genre")
    if re.search(r"\b(?:eras?|decades?)\b", text) and "era" not in by:
        by.append("era")
    if by:
        return [d for d in ("era", "genre") if d in by]
    if request.genres and not request.eras:
        return ["genre"]
    if request.eras and not request.genres:
        return ["era"]
    return ["era", "genre"]


# "an 808 on E", "a bass note of F#", "an 808 tuned to G", "a sub in D": a pitched one-shot
# and its root (not a key: "an 808 in A minor" names the key it is searched in)
_ONE_SHOT_NOTE_RE = re.compile(
    r"\b(?:808s?|sub(?:\s*bass)?|bass(?:\s+(?:note|hit|one-?shot))?|one-?shot|note|stab|hit)"
    r"\s+(?:(?:tuned|pitched|rooted)\s+)?(?:on|in|at|of|to)\s+(?:an?\s+)?"
    r"([A-Ga-g])([#♯b♭]|\s*(?:sharp|flat)\b)?(?![\w#♯♭])"
    r"(?!\s*(?:minor|major|min\b|maj\b|m\b))",
)


def _one_shot_note(said: str) -> str | None:
    """The root note of a pitched one-shot this turn's message sets against a key, else None."""
    m = _ONE_SHOT_NOTE_RE.search(said)
    if m is None:
        return None
    acc = (m.group(2) or "").strip().lower()
    acc = {"sharp": "#", "♯": "#", "flat": "b", "♭": "b"}.get(acc, acc)
    return m.group(1).upper() + acc


def _pairs(request: ParsedRequest, samples: Sequence[str]) -> list[dict[str, Any]]:
    """Items to compare, pairwise: samples first, then keys (with tempi in order), then tempi
    (a bare tempo against a sample comes first: it is the tempo the sample is taken to)."""
    items: list[dict[str, Any]] = [{"sample": s} for s in samples]
    keys = list(request.keys)
    bpms = list(request.bpms)
    if keys:
        # "5A at 124 into 7B at 128": tempi written next to keys belong to them.
        paired_bpms = bpms if len(bpms) == len(keys) else [None] * len(keys)
        items.extend({"key": k, "bpm": b} for k, b in zip(keys, paired_bpms, strict=True))
        if len(bpms) != len(keys):
            items.extend({"bpm": b} for b in bpms)
    else:
        # "is 145 half time of 72" read 145 twice: one tempo is one item
        items.extend({"bpm": b} for b in dict.fromkeys(bpms))
    if request.energy and items and request.key_moves:
        # "an energy boost from this loop": the loop (or key) against each move up the wheel
        start = {k: v for k, v in items[0].items() if v is not None}
        return [{"a": start, "b": {"key": move}} for move in request.key_moves]
    if len(keys) == 1 and not samples and (note := _one_shot_note(request.said)):
        # "does an 808 on E fit a loop in C major": the note against the key (in its
        # scale or not), not the keys that mix with C major
        return [{"a": {"key": keys[0]}, "b": {"note": note}}]
    if len(samples) >= 2 and keys:
        # "will it mix with something in A minor?" about the minor ones picked from a list,
        # "do they mix with A minor?": the key stated is the other side, each sample set
        # against it (not the samples against each other)
        stated = [{k: v for k, v in i.items() if v is not None} for i in items if "key" in i]
        return [{"a": {"sample": s}, "b": k} for s in samples for k in stated][:6]
    own = [s for s in samples if s in request.exclude]
    others = [s for s in samples if s not in request.exclude]
    if own and len(others) >= 2 and not keys and not bpms:
        # "would the first two mix with my loop?", "the B major ones - would either mix
        # with my dub?": each listed one against the user's own, not against each other
        return [{"a": {"sample": o}, "b": {"sample": m}} for o in others for m in own][:6]
    # A sample compared with a lone key or tempo: only its key/tempo is judged.
    if len(items) == 1 and request.keys and not samples:
        return [{"a": items[0], "b": None}]
    if (
        len(items) == 1
        and samples
        and (
            vocab.RELATIVE_KEY_RE.search(request.text)
            or vocab.KEY_NEIGHBOURS_RE.search(request.text)
            # ("the best key to sing over it": the keys that mix with it are the answer)
            or vocab.KEY_FOR_A_PART_RE.search(request.said)
        )
    ):
        # "what's the relative major of it", "its neighbours on the wheel": the keys that
        # mix with the sample's own key
        return [{"a": items[0], "b": None}]
    out: list[dict[str, Any]] = []
    for a, b in combinations(items, 2):
        if not a.get("sample") and not b.get("sample"):
            a_has = {k for k in ("key", "bpm") if a.get(k) is not None}
            b_has = {k for k in ("key", "bpm") if b.get(k) is not None}
            if not a_has & b_has:
                continue  # a key against a bare tempo: nothing to compare
        if a.get("sample") and not b.get("sample") and b.get("key") is None:
            # a sample against a bare tempo ("pitch the 3rd one to 118", "will it work at
            # 140?"): the tempo is the target and the sample is what is stretched (the
            # check stretches B onto A's tempo)
            a, b = b, a
        out.append(
            {
                "a": {k: v for k, v in a.items() if v is not None},
                "b": {k: v for k, v in b.items() if v is not None},
            }
        )
    return out[:6]


# ------------------------------------------------------------------------------ prose


def _fmt(value: float | None, digits: int = 1, *, signed: bool = False) -> str:
    if value is None:
        return "?"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _key_words(a: Analysis) -> str:
    # key None = nothing pitched to take a key from: a drum loop, not a failed estimate.
    if a.key is None:
        return NO_KEY
    return f"{a.key} / {a.camelot} ({confidence_words(a.key_confidence)})"


def _with_doubts(ref: str, a: Analysis) -> str:
    """The "not sure" lines of a loop's tempo and key (below the README's 0.6), each
    naming the other reading the analysis has, to stand before its numbers; "" if sure."""
    label = sample_label(ref, a)
    tempo = tempo_doubt(label, a.tempo_bpm, a.tempo_confidence)
    doubts = [
        tempo and tempo + "; check it by ear, or tell me its tempo",
        key_doubt(label, a.key, a.key_confidence, a.key_runner_up),
    ]
    return "".join(f"(?) {d[0].upper()}{d[1:]}.\n" for d in doubts if d)


def describe_analysis(ref: str, a: Analysis) -> str:
    """One line per analysed sample; every number is a field of the analysis.

    A one-shot has no tempo, swing or pocket (those fields are null): it is described by
    what it is, its root and its length instead."""
    if a.kind == "one_shot" or a.tempo_bpm is None:
        what = f"one-shot ({a.instrument})" if a.instrument else "one-shot"
        root = f"root {a.root_note}" if a.root_note else "no pitched root"
        key = f", {_key_words(a)}" if a.key else ""
        return (
            f"- {sample_label(ref, a)}: {what}, {root}{key}, {_fmt(a.duration_s)} s long "
            "(a single hit: no tempo, swing or pocket)"
        )
    meter = f", {a.meter} beats per bar" if a.meter else ""
    return (
        _with_doubts(ref, a)
        + f"- {sample_label(ref, a)}: {_fmt(a.tempo_bpm)} BPM ({confidence_words(a.tempo_confidence)}){meter}, "
        f"{_key_words(a)}, "
        f"swing {_fmt(a.swing_percent)} % ({swing_word(a.swing_percent)}, ratio {_fmt(a.swing_ratio, 2)}), "
        + (
            f"backbeat {_fmt(a.backbeat_lag_ms, signed=True)} ms ({pocket_word(a.backbeat_lag_ms)}), "
            f"timing deviation {_fmt(a.timing_deviation_ms)} ms ({timing_word(a.timing_deviation_ms)}), "
            if a.backbeat_lag_ms is not None
            else "no backbeat pocket or timing deviation (no drums to measure them on), "
        )
        + f"{_fmt(a.duration_s)} s long"
    )


# "is it in 3/4?", "what's the time signature", "is this a waltz", "how many beats per bar"
_METER_Q_RE = re.compile(
    r"\b(?P<num>[2-9]|1[0-2])\s*/\s*(?P<den>4|8)\b|\btime[\s-]signature\b|\bmeter\b|\bmetre\b"
    r"|\bwaltz\b|\bbeats? (?:per|in a|to the) bar\b|\bcount(?:ed)? in (?:three|four|3|4)\b",
    re.IGNORECASE,
)


# "is that one swung more than mine?", "which is faster, that one or my loop?"
_COMPARE_RE = re.compile(
    r"\b(?:more|less|than|vs\.?|versus|compare\w*|faster|slower|harder|straighter|"
    r"looser|tighter|which\s+(?:one\s+)?(?:is|has|swings))\b",
    re.IGNORECASE,
)
_TEMPO_WORD_RE = re.compile(r"\b(?:faster|slower|tempo|bpm|speed|quicker)\b", re.IGNORECASE)


def groove_comparison(text: str, analyses: dict[str, Analysis]) -> list[str]:
    """Two loops set against each other ("is that one swung more than mine?"): their
    swing (and, when the question is about speed, their tempo) side by side, the larger
    named — measured values only."""
    loops = [(k, a) for k, a in analyses.items() if a.kind == "loop"]
    if len(loops) != 2 or not _COMPARE_RE.search(text):
        return []
    (ka, a), (kb, b) = loops
    la, lb = sample_label(ka, a), sample_label(kb, b)
    out: list[str] = []
    if _TEMPO_WORD_RE.search(text) and a.tempo_bpm and b.tempo_bpm:
        fast = la if a.tempo_bpm >= b.tempo_bpm else lb
        out.append(
            f"Tempo: {la} {_fmt(a.tempo_bpm)} BPM vs {lb} {_fmt(b.tempo_bpm)} BPM — "
            + (
                "the same tempo."
                if abs(a.tempo_bpm - b.tempo_bpm) < 0.5
                else f"{fast} is faster (by {_fmt(abs(a.tempo_bpm - b.tempo_bpm))} BPM)."
            )
        )
    if a.swing_percent is not None and b.swing_percent is not None:
        gap = abs(a.swing_percent - b.swing_percent)
        more = la if a.swing_percent >= b.swing_percent else lb
        out.append(
            f"Swing: {la} {_fmt(a.swing_percent)} % vs {lb} {_fmt(b.swing_percent)} % — "
            + (
                "about the same swing."
                if gap < 1.0
                else f"{more} swings more (by {_fmt(gap)} points)."
            )
        )
    return out


def meter_answer(text: str, label: str, a: Analysis) -> str | None:
    """The meter line for a meter question ("is it in 3/4?"), ``None`` for other questions
    ("does it mix with my waltz?" names a sample: no meter is asked)."""
    m = _METER_Q_RE.search(vocab.MY_SAMPLE_RE.sub(lambda r: " " * len(r.group(0)), text))
    if m is None:
        return None
    if a.tempo_bpm is None:
        return f"Meter: {label} is a one-shot, a single hit with no bars or meter."
    if not a.meter:
        return f"Meter: I could not count the beats per bar of {label} (no downbeats found)."
    written = f"{a.meter}/4"
    line = f"Meter: {label} has {a.meter} beats per bar ({written} time)"
    said: str | None = None
    if m.group("num"):
        said = f"{m.group('num')}/{m.group('den')}"
    elif re.search(r"waltz|three|\b3\b", m.group(0), re.IGNORECASE):
        said = "3/4"
    fits = None if said is None else vocab.meter_reads_as(said, a.meter, a.swing_percent)
    if said is None or fits is None:
        return line + "."
    if vocab.METER_SIGNATURES[said][1]:
        # a compound meter is read from the beats and their triplet swing
        line += f", swing {_fmt(a.swing_percent or 50.0)} %"
    return f"{line}: {'yes, it is' if fits else 'no, not'} {said}."


def describe_hit(rank: int, h: CatalogHit) -> str:
    tags = ", ".join(v for v in (h.tags.genre, h.tags.era, h.tags.vibe) if v)
    if h.kind == "one_shot":
        # a one-shot has no tempo or swing: what it is, and its root when it is pitched
        bits = [
            " ".join(x for x in ("one-shot", h.instrument) if x),
            f"root {h.root_note}" if h.root_note else None,
            f"{h.key} ({h.camelot})" if h.key else None,
        ]
    else:
        bits = [
            f"{_fmt(h.tempo_bpm)} BPM" if h.tempo_bpm is not None else None,
            f"{h.key} ({h.camelot})" if h.key else None,
            f"swing {_fmt(h.swing_percent)} %" if h.swing_percent is not None else None,
        ]
    detail = ", ".join(b for b in bits if b)
    head = f"{rank}. `{shown_name(h.path, h.tags.source)}` [{h.sample_id}]"
    shown = " — ".join(x for x in (head, detail, tags) if x)
    return f"{shown} (score {h.score:.2f}: {h.reason})"


def _bpm_said(value: float | None) -> str | None:
    """A search's tempo bound as the answer says it: to a tenth of a BPM, no trailing
    zeros ("101.1", "100"; a bound taken from measured tempi is not "104.111")."""
    return None if value is None else f"{round(value, 1):g}"


def describe_search(search: dict[str, Any]) -> str:
    """What was searched, from the tool's own record of the query (so the filters shown
    are the ones applied, not a re-reading of the request)."""
    q = search.get("query") or {}
    parts: list[str] = []
    lo, hi = (_bpm_said(q.get(k)) for k in ("bpm_min", "bpm_max"))
    if lo is not None and hi is not None:
        # a band of one tempo (the list narrowed was all at 100 BPM) is that tempo
        band = lo if q["bpm_min"] == q["bpm_max"] else f"{lo}–{hi}"
        parts.append(f"{band} BPM")
    elif hi is not None:
        # a strict ceiling leaves its tempo out: "under 100", not "up to 100"
        parts.append(f"under {hi} BPM" if q.get("bpm_max_exclusive") else f"up to {hi} BPM")
    elif lo is not None:
        parts.append(f"over {lo} BPM" if q.get("bpm_min_exclusive") else f"from {lo} BPM up")
    if q.get("target_bpm") is not None:
        parts.append(f"closest to {q['target_bpm']:.1f} BPM")
    if q.get("keys"):
        parts.append("in " + " or ".join(q["keys"]))
    elif q.get("key") and q.get("roots_in_key"):
        parts.append(f"roots that fit {q['key']}")  # one-shots: the tonic first
    elif q.get("key"):
        parts.append(f"in {q['key']}")
    if q.get("tonic"):
        parts.append(f"keys on {q['tonic']} (major or minor)")
    if q.get("scale_note"):
        parts.append(f"keys whose scale holds {q['scale_note']} (keys on {q['scale_note']} first)")
    if q.get("compatible_with"):
        verb = "clash" if q.get("clash") else "mix"
        parts.append(f"keys that {verb} with {q['compatible_with']}")
    if q.get("swing_min") is not None and q.get("swing_max") is not None:
        parts.append(f"swing {q['swing_min']:g}–{q['swing_max']:g} %")
    elif q.get("swing_min") is not None:
        parts.append(f"swing above {q['swing_min']:g} %")
    elif q.get("swing_max") is not None:
        parts.append(f"swing below {q['swing_max']:g} %")
    if q.get("genres"):
        parts.append(
            "genre " + " or ".join([*q["genres"], *([q["genre"]] if q.get("genre") else [])])
        )
    if q.get("eras"):
        parts.append("era " + " or ".join([*q["eras"], *([q["era"]] if q.get("era") else [])]))
    for tag in ("genre", "era", "vibe", "instrument"):
        if q.get(tag) and not q.get(f"{tag}s"):
            parts.append(f"{tag} {q[tag]}")
    if q.get("root_note"):
        parts.append(f"root {q['root_note']}")
    size = search.get("catalog_size")
    head = f"Searched {size} sample(s)" if size is not None else "Searched the catalog"
    line = head + (": " + ", ".join(parts) if parts else "") + "."
    notes = [str(n) for n in search.get("notes") or []]
    return " ".join([line, *(n[0].upper() + n[1:] + "." for n in notes if n)])


def _empty_advice(q: dict[str, Any]) -> str:
    """What to loosen after a search that found nothing, naming only filters it applied
    ("kicks tuned to A" had no tempo range to widen)."""
    moves: list[str] = []
    if q.get("bpm_min") is not None or q.get("bpm_max") is not None:
        moves.append("a wider tempo range")
    if q.get("keys") or q.get("key") or q.get("compatible_with") or q.get("tonic"):
        moves.append("another key")
    if q.get("root_note"):
        moves.append("another root note")
    if q.get("swing_min") is not None or q.get("swing_max") is not None:
        moves.append("any swing")
    if q.get("meter"):
        moves.append("another meter")
    tags = ("genre", "genres", "era", "eras", "vibe", "instrument", "not_genres", "not_eras")
    if any(q.get(t) for t in tags):
        moves.append("fewer tags")
    if not moves:
        return "try other words for what you are after"
    return "try " + vocab.spoken_list(moves, "or")


def describe_report(r: CompatibilityReport) -> str:
    """A mix verdict: the word and score (``harmony.verdict_for``: one word per score),
    then the key line (or why the key does not apply), the tempo line, and the plain
    warnings (a stretch too far, key lock)."""
    parts = [f"- {r.a} × {r.b}: **{r.verdict}** (score {r.score:.2f})"]
    if r.key is not None:
        parts.append(f"  - key ({r.key.relation.replace('_', ' ')}): {r.key.explanation}")
    if r.tempo is not None:
        parts.append(f"  - tempo: {r.tempo.explanation}")
    shown = {r.key.explanation if r.key else None, r.tempo.explanation if r.tempo else None}
    parts.extend(f"  - {reason}" for reason in r.reasons if reason and reason not in shown)
    return "\n".join(parts)


# "MPC swing around 54–60 %": a swing figure a history fact quotes
_FACT_SWING_RE = re.compile(
    r"swing[^.;%]*?(\d{2}(?:\.\d)?)\s*(?:–|-|to)\s*(\d{2}(?:\.\d)?)\s*%", re.IGNORECASE
)


def _against_library(fact: str, genre: str, era: str, brief: EraBrief) -> str:
    """A fact as written, and when it quotes a swing range that the user's library median
    for the same style lies outside, the library's figure beside it, said to differ (the
    same answer must not quote two swing figures as if they agreed)."""
    m = _FACT_SWING_RE.search(fact)
    if m is None or not brief.stats:
        return fact
    lo, hi = float(m.group(1)), float(m.group(2))
    names = {x.strip().lower() for x in (genre, era) if x}
    for st in brief.stats:
        values = {str(v).strip().lower() for v in st.group.values() if v}
        median = st.median_swing_percent
        if median is None or not values or not values <= names:
            continue
        if lo - 0.5 <= median <= hi + 0.5:
            continue
        label = ", ".join(v for v in st.group.values() if v)
        return (
            f"{fact} (your library's {label} samples differ: median swing {median:.1f} %, "
            f"{'above' if median > hi else 'below'} that range)"
        )
    return fact


#: How the group a ranking puts first is called, by the statistic and its direction, and
#: how its value is written
_RANKED_WORDS: dict[str, tuple[str, str, str]] = {
    "median_bpm": ("fastest", "slowest", "median tempo {:.1f} BPM"),
    "median_swing_percent": ("most swung", "straightest", "median swing {:.1f} %"),
    "median_backbeat_lag_ms": ("most laid back", "most pushed", "median backbeat {:+.1f} ms"),
}


def _ranked_first(brief: EraBrief) -> str:
    """The headline of a ranking of the library's groups ("Most swung era in your
    library: 60s, median swing 59.9 % over 25 samples"), the runners-up after it."""
    assert brief.ranked_by is not None
    high, low, fmt = _RANKED_WORDS.get(brief.ranked_by, ("first", "first", "{:.1f}"))
    word = high if brief.ranked_highest is not False else low
    ranked = [s for s in brief.stats if getattr(s, brief.ranked_by, None) is not None]
    if not ranked:
        return f"No group of your library has that measured, so none is {word}."
    dims = " and ".join(brief.stats[0].group)

    def said(s: GroupStat) -> str:
        label = ", ".join(v for v in s.group.values() if v) or "untagged"
        return f"{label} ({fmt.format(getattr(s, brief.ranked_by or ''))}, {s.count} sample(s))"

    line = f"{word[0].upper()}{word[1:]} {dims} in your library: {said(ranked[0])}"
    if len(ranked) > 1:
        line += "; then " + ", ".join(said(s) for s in ranked[1:4])
    return line + "."


def describe_era(brief: EraBrief) -> str:
    lines: list[str] = []
    if brief.reference and brief.facts:
        lines.append(
            f"Closest styles to {brief.reference} ({_fmt(brief.reference_tempo_bpm)} BPM, "
            f"swing {_fmt(brief.reference_swing_percent)} %), by typical tempo and feel:"
        )
    for f in brief.facts:
        lines.append(
            f"**{f.genre} ({f.era})** — typically {f.tempo_bpm_min:.0f}–{f.tempo_bpm_max:.0f} BPM, {f.feel}."
        )
        lines.extend(f"- {_against_library(fact, f.genre, f.era, brief)}" for fact in f.facts)
    if brief.stats and brief.ranked_by is not None:
        lines.append(_ranked_first(brief))
    if brief.stats:
        lines.append(
            f"In your library, {brief.stats_filter}:" if brief.stats_filter else "In your library:"
        )
        for s in brief.stats:
            label = ", ".join(v for v in s.group.values() if v) or "all samples"
            parts = [f"{s.count} sample(s)"]
            if s.median_bpm is not None:
                parts.append(f"median {s.median_bpm:.1f} BPM")
            if s.bpm_p25 is not None and s.bpm_p75 is not None:
                parts.append(f"middle half {s.bpm_p25:.1f}–{s.bpm_p75:.1f} BPM")
            if s.median_swing_percent is not None:
                parts.append(f"median swing {s.median_swing_percent:.1f} %")
            if s.median_backbeat_lag_ms is not None:
                parts.append(f"median backbeat {s.median_backbeat_lag_ms:+.1f} ms")
            if s.common_keys:
                parts.append("common keys " + ", ".join(s.common_keys))
            lines.append(f"- {label}: " + ", ".join(parts))
    elif brief.facts:
        lines.append("Your library has no samples tagged with this era/genre yet.")
    if brief.library_note and (brief.stats or brief.facts):
        lines.append(brief.library_note[0].upper() + brief.library_note[1:] + ".")
    return "\n".join(lines)


#: The church modes a user may ask about: (major or minor family, the degree that sets it
#: apart from plain major/natural minor as (semitones it has, semitones the plain scale
#: has), what that degree is called).
_MODES: dict[str, tuple[str, tuple[int, int] | None, str]] = {
    "ionian": ("major", None, "it is the major scale itself"),
    "lydian": ("major", (6, 5), "a raised 4th"),
    "mixolydian": ("major", (10, 11), "a flat 7th"),
    "aeolian": ("minor", None, "it is the natural minor scale itself"),
    "dorian": ("minor", (9, 8), "a raised (major) 6th"),
    "phrygian": ("minor", (1, 2), "a flat 2nd"),
    "locrian": ("minor", (1, 2), "a flat 2nd and a flat 5th"),
}
_MODE_Q_RE = re.compile(rf"\b({'|'.join(_MODES)})\b", re.IGNORECASE)
_PC_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


def mode_answer(text: str, label: str, a: Analysis) -> str | None:
    """The mode line for a church-mode question ("is it dorian?"): the key estimate gives
    major or minor only, so the answer says so, what the reading means for the mode asked
    and which note would tell them apart by ear; ``None`` for other questions."""
    m = _MODE_Q_RE.search(text)
    if m is None:
        return None
    mode = m.group(1).lower()
    family, degree, what = _MODES[mode]
    if a.tempo_bpm is None and a.key is None:
        return f"Mode: {label} is a one-shot, a single note with no scale to have a mode."
    if a.key is None:
        return f"Mode: {label} has nothing pitched to take a key or mode from (drums only)."
    tonic, _, reading = a.key.partition(" ")
    line = (
        f"Mode: the analysis reports major or minor only, not the church modes — {label} "
        f"reads as {a.key} (confidence {_fmt(a.key_confidence, 2)})."
    )
    if reading != family:
        return (
            line + f" {mode.capitalize()} is a {family} mode, so this {reading} reading does "
            f"not point to it (a {mode} loop would read as {family})."
        )
    if degree is None:
        return line + f" {mode.capitalize()} is what a {family} reading means: {what}."
    pc = parse_key(a.key).pc
    has, plain = degree
    return (
        line + f" {mode.capitalize()} is {family} with {what}, so the {reading} reading "
        f"fits {mode} as well as plain {reading}: it turns on whether the loop plays "
        f"{_PC_NAMES[(pc + has) % 12]} ({mode}) or {_PC_NAMES[(pc + plain) % 12]} "
        f"(plain {reading}) over {tonic} — listen for that note."
    )


def drift_answer(text: str, label: str, a: Analysis) -> str | None:
    """The tempo-steadiness line for a drift question ("does the tempo drift?"), read
    from ``tempo_stability`` (1 − the 5–95 % spread of the local tempo); ``None`` for other
    questions."""
    if not vocab.DRIFT_RE.search(text):
        return None
    if a.tempo_bpm is None:
        return f"Tempo drift: {label} is a one-shot, a single hit with no tempo to drift."
    if a.tempo_stability is None:
        return f"Tempo drift: the analysis of {label} has no tempo-stability reading."
    spread = max(0.0, (1.0 - a.tempo_stability) * 100.0)
    head = (
        f"Tempo drift: {label} has a tempo stability of {a.tempo_stability:.2f} (its local "
        f"tempo moves about {spread:.1f} % around {_fmt(a.tempo_bpm)} BPM over the clip)"
    )
    if a.tempo_stability >= 0.98:
        return head + " — steady: no drift to speak of, like a programmed or click-tracked loop."
    if a.tempo_stability >= 0.95:
        return head + " — a slight drift, as a live band's push and pull; it loops fine."
    return (
        head + " — it drifts: the tempo moves enough that a fixed-BPM grid will go out of "
        "step; warp it to its beats (or pick a steadier take) before looping it against others."
    )


def compose_section(
    specialist: SpecialistName,
    *,
    request: ParsedRequest,
    analyses: dict[str, Analysis],
    hits: Sequence[CatalogHit],
    reports: Sequence[CompatibilityReport],
    era: EraBrief | None,
    errors: Sequence[str],
    reused: Sequence[str] = (),
    alone: bool = True,
    searches: Sequence[dict[str, Any]] = (),
) -> str:
    """The offline write-up of one specialist's results.

    ``reused`` are samples analysed in an earlier turn of the thread: when another
    specialist builds on them, they get one short line instead of the full read-out.
    """
    lines: list[str] = []
    own = own_audio_noun(request)
    if specialist == "groove":
        asks_groove = bool(GROOVE_QUESTION_RE.search(request.text))
        fresh = {k: a for k, a in analyses.items() if alone or asks_groove or k not in reused}
        # the meter of the samples new to this turn, when some are (not of one from earlier
        # that it is set against)
        asked = {k: a for k, a in analyses.items() if k not in reused} or analyses
        meters = [meter_answer(request.text, sample_label(k, a), a) for k, a in asked.items()]
        lines.extend(m for m in meters if m)
        drifts = [drift_answer(request.text, sample_label(k, a), a) for k, a in asked.items()]
        lines.extend(d for d in drifts if d)
        modes = [mode_answer(request.text, sample_label(k, a), a) for k, a in asked.items()]
        lines.extend(x for x in modes if x)
        lines.extend(groove_comparison(request.text, analyses))
        if fresh:
            lines.append("Groove analysis:")
            lines.extend(describe_analysis(ref, a) for ref, a in fresh.items())
        for k, a in analyses.items():
            if k not in fresh and a.kind == "one_shot":
                what = " ".join(x for x in ("one-shot", a.instrument) if x)
                root = f"root {a.root_note}" if a.root_note else "no pitched root"
                lines.append(f"Using {sample_label(k, a)} from earlier: {what}, {root}.")
            elif k not in fresh:
                lines.append(
                    f"Using {sample_label(k, a)} from earlier: {_fmt(a.tempo_bpm)} BPM, "
                    f"{key_text(a.key, a.camelot)}, "
                    f"swing {_fmt(a.swing_percent)} %."
                )
                lines.extend(_with_doubts(k, a).splitlines())
        if not analyses and not errors:
            noun = own or "loop"
            lines.append(
                f"I need to hear your {noun} first: attach it (upload it, or pass its sample "
                f"id) or name its path in your library (e.g. `breaks/{noun}.wav`), and I'll "
                "measure its tempo, swing, pocket and key."
            )
    elif specialist == "discovery":
        if own:
            lines.append(
                f"To match your {own} I need the audio: attach it or name its library path. "
                "Until then, this search uses only the other filters you gave."
            )
        lines.extend(describe_search(s) for s in searches)
        # nothing matched every filter: the search relaxed one and its note says which
        relaxed = any("matches exactly" in str(n) for s in searches for n in s.get("notes") or [])
        side = vocab.list_tempo_side(request.said) if request else 0
        if hits and request is not None and request.among and side:
            # "drop the slow ones": what was done to the list shown, said in numbers
            tempi = [h.tempo_bpm for h in hits if h.tempo_bpm is not None]
            span = f", {min(tempi):.0f}–{max(tempi):.0f} BPM" if tempi else ""
            lines.append(
                f"Kept the {len(hits)} {'faster' if side > 0 else 'slower'} of the "
                f"{len(request.among)} listed{span}; dropped the "
                f"{'slower' if side > 0 else 'faster'} ones."
            )
        if hits:
            # near matches are listed like exact ones (the note above says what was relaxed)
            lines.append(
                f"Found {len(hits)} near match(es) instead:"
                if relaxed
                else f"Found {len(hits)} matching sample(s):"
            )
            lines.extend(describe_hit(i, h) for i, h in enumerate(hits, 1))
        elif request is not None and request.among:
            # "which of them swing?" and none of the list shown does: said of that list
            # (the search's note says what each measures), not of the whole catalog
            if not any("listed match" in str(n) for s in searches for n in s.get("notes") or []):
                lines.append(f"None of the {len(request.among)} listed sample(s) match that.")
        else:
            query = (searches[-1].get("query") or {}) if searches else {}
            lines.append(
                "No sample in the catalog matches those filters; " + _empty_advice(query) + "."
            )
    elif specialist == "compatibility":
        if request is not None and request.energy:
            lines.append(_energy_words(reports))
        elif (
            request is not None
            and len(request.keys) + len(request.samples) == 1
            and len({(r.a, r.key.camelot_a if r.key else None) for r in reports}) == 1
            and len(reports) > 1
            and reports[0].key is not None
        ):
            # "what's the Camelot code for A minor and its neighbours?"
            lines.append(
                f"{reports[0].a} is {reports[0].key.camelot_a} on the Camelot wheel. {_WHEEL_AROUND}"
            )
            relative = next((r for r in reports if r.key and r.key.relation == "relative"), None)
            if relative is not None and relative.key and vocab.RELATIVE_KEY_RE.search(request.text):
                # "and its relative major?": the relative key named first, then the others
                # a key's label may carry its code already ("F# major (2B)")
                a_name = relative.a.removesuffix(f" ({relative.key.camelot_a})")
                b_name = relative.b.removesuffix(f" ({relative.key.camelot_b})")
                lines[-1] = (
                    f"The relative key of {a_name} ({relative.key.camelot_a}) is "
                    f"{b_name} ({relative.key.camelot_b}): same notes, other mood. " + _WHEEL_AROUND
                )
            elif (step := vocab.wheel_step(request.said)) is not None:
                # "+1 from there", "two steps down from 2B": the key the move lands on
                # named first, then the others around the key it starts from
                lines[-1] = _step_words(reports[0], step) + " " + _WHEEL_AROUND
        if reports:
            lines.append("Mix check:")
            lines.extend(describe_report(r) for r in reports)
        elif alone and not own and not errors:
            lines.append(
                "To check a mix I need two things to compare: two samples (attached, listed "
                'or analysed earlier: "will it mix with my other loop?"), a sample and a key '
                'or tempo, or two keys or tempi ("does 8A go into 9A?").'
            )
        elif own and not errors:
            against = " and ".join(request.keys) or " and ".join(f"{b:g} BPM" for b in request.bpms)
            lines.append(
                f"To tell whether your {own} mixes{f' with {against}' if against else ''}, I need "
                f"its key and tempo: attach the {own} (or name its library path) and I'll "
                "check it."
            )
    elif specialist == "era":
        if own and (era is None or not (era.facts or era.stats)):
            lines.append(
                f"Attach your {own} (or name its library path) and I'll match its measured "
                "tempo and swing to the eras and styles it sounds like."
            )
        elif era is not None and (era.facts or era.stats):
            lines.append(describe_era(era))
        else:
            lines.append(
                "I have no notes on that era or genre, and no matching samples in your library."
            )
    lines.extend(f"(!) {e}" for e in errors)
    return "\n".join(lines).strip()


#: The heading over a key's neighbours on the wheel: the moves that mix
#: (harmony.MIXES_MIN_SCORE) and the energy moves beyond them, each with its verdict.
_WHEEL_AROUND = (
    "The keys around it: the same key, its relative and one step either way mix; the "
    "diagonal and two-step moves are energy changes, rated lower:"
)


#: What a move of so many steps round the Camelot wheel does to the key.
_STEP_INTERVALS = {
    1: "a fifth higher",
    -1: "a fifth lower",
    2: "a whole tone higher, an energy boost",
    -2: "a whole tone lower, an energy drop",
}


def _step_words(report: CompatibilityReport, step: int) -> str:
    """ "One step up the Camelot wheel from A minor (8A) is E minor (9A): a fifth higher." """
    assert report.key is not None
    start = report.key.camelot_a
    name = report.a.removesuffix(f" ({start})")
    to = parse_key(harmony.camelot_step(start, step))
    count = {1: "One step", 2: "Two steps", 3: "Three steps"}.get(abs(step), f"{abs(step)} steps")
    way = "up" if step > 0 else "down"
    said = f"{count} {way} the Camelot wheel from {name} ({start}) is {to.name} ({to.camelot})"
    interval = _STEP_INTERVALS.get(step)
    return f"{said}: {interval}." if interval else f"{said}."


def _energy_words(reports: Sequence[CompatibilityReport]) -> str:
    """What an energy boost is in a mix, with the moves the reports checked."""
    moves = [(r, r.key) for r in reports if r.key is not None]
    if not moves:
        return (
            "An energy boost, in DJ terms, is a key move up the Camelot wheel: one step up "
            "(a fifth higher, 8A → 9A) or two steps up (a whole tone higher, 8A → 10A), or a "
            "faster tempo. Attach the loop (or name its key) and I'll give you its moves."
        )
    start, start_key = moves[0]
    targets = " or ".join(f"{r.b} ({k.camelot_b})" for r, k in moves)
    return (
        f"Energy boost from {start.a} ({start_key.camelot_a}): move up the Camelot wheel to "
        f"{targets}: one step up is a fifth higher, two steps a whole tone higher; "
        "pushing the tempo up a little lifts it too."
    )


def _search_key_note(request: ParsedRequest, references: Mapping[str, Analysis] | None) -> str:
    """What the search of a "find loops that mix with it" turn does with keys, as the
    discovery search will apply it (:func:`plan_tool_calls`): the key it mixes with, the
    key it keeps, or — when its reference has no key (a drum loop) — no key filter."""
    calls = plan_tool_calls("discovery", request, samples=list(request.samples), result_count=1)
    args: dict[str, Any] = calls[0]["args"] if calls else {}
    if args.get("compatible_with"):
        return f"The search lists only keys that mix with {args['compatible_with']}."
    if args.get("key"):
        return f"The search keeps {args['key']} only."
    ref = args.get("like_sample")
    if ref is not None and args.get("kind") != "one_shot":
        a = (references or {}).get(ref)
        if a is not None and a.key:
            return (
                f"The search lists only keys that mix with {sample_label(ref, a)}'s key, "
                f"{key_text(a.key, a.camelot)}."
            )
        if a is not None:
            return (
                f"{sample_label(ref, a)} has {NO_KEY}: nothing pitched in it can clash, so "
                "the search filters no key."
            )
        return "The search lists only keys that mix with the reference's key, when it has one."
    return "No key to check the matches against."


def compose_note(
    specialist: SpecialistName,
    *,
    request: ParsedRequest | None = None,
    analyses: dict[str, Analysis],
    hits: Sequence[CatalogHit],
    reports: Sequence[CompatibilityReport],
    era: EraBrief | None,
    errors: Sequence[str],
    reused: Sequence[str] = (),
    searches: Sequence[dict[str, Any]] = (),
    references: Mapping[str, Analysis] | None = None,
) -> str:
    """A specialist's findings in one short paragraph, for turns where several specialists
    work and the answer (:func:`compose_answer`) gives the full write-up: the thread shows
    who found what without showing the answer twice. ``references`` are the analyses the
    thread holds of the turn's samples (what a search around them matches)."""
    parts: list[str] = []
    if specialist == "groove":
        for ref, a in analyses.items():
            verb = "Reused the earlier analysis of" if ref in reused else "Measured"
            if a.kind == "one_shot" or a.tempo_bpm is None:
                # a single hit has no tempo or swing: what it is and its root
                hit = " ".join(x for x in ("one-shot", a.instrument) if x)
                root = f"root {a.root_note}" if a.root_note else "no pitched root"
                parts.append(f"{verb} {sample_label(ref, a)}: {hit}, {root}.")
                continue
            parts.append(
                f"{verb} {sample_label(ref, a)}: {_fmt(a.tempo_bpm)} BPM, "
                f"{key_text(a.key, a.camelot)}, swing {_fmt(a.swing_percent)} %."
            )
        if not analyses and not errors:
            parts.append("No audio to analyse this turn.")
    elif specialist == "discovery":
        size = next((s.get("catalog_size") for s in searches if s.get("catalog_size")), None)
        where = f"{size} sample(s)" if size is not None else "the catalog"
        if hits:
            top = hits[0]
            parts.append(
                f"Searched {where}: {len(hits)} match(es); the closest is `{shown_name(top.path, top.tags.source)}` "
                f"[{top.sample_id}]"
                + (f" at {_fmt(top.tempo_bpm)} BPM." if top.tempo_bpm is not None else ".")
            )
        else:
            parts.append(f"Searched {where}: nothing matches.")
    elif specialist == "compatibility":
        if reports:
            parts.append(
                "Checked "
                + "; ".join(f"{r.a} × {r.b} → {r.verdict} ({r.score:.2f})" for r in reports[:6])
                + "."
            )
        elif (
            request is not None
            and request.compatible
            and (request.keys or request.samples)
            and "discovery" in request.specialists
        ):
            # "find loops that mix with it": the search's key filter is the mix check —
            # said only as the search applies it (a drum loop has no key to mix with)
            parts.append(_search_key_note(request, references))
        elif request is not None and "discovery" in request.specialists:
            parts.append(
                "No key or sample to check the matches against: name a key "
                '("loops that mix with A minor") or attach a loop.'
            )
        else:
            parts.append(
                "Nothing to compare yet: two samples, a sample and a key or tempo, "
                "or two keys or tempi are needed."
            )
    elif specialist == "era":
        if era is not None and era.facts:
            styles = ", ".join(f"{f.genre} ({f.era})" for f in era.facts)
            parts.append(f"Looked up {styles}.")
        if era is not None and era.stats:
            parts.append(f"Library numbers for {len(era.stats)} group(s).")
        if not parts:
            parts.append("No notes or library numbers for that.")
    if errors:
        what = {"groove": "the audio", "discovery": "the search", "era": "the lookup"}
        parts.append(
            f"{len(errors)} problem(s) with {what.get(specialist, 'the comparison')}, "
            "listed in the answer."
        )
    return " ".join(parts)


_HELP = (
    "I can analyse a loop's tempo, swing, pocket and key (attach a sample or name a library path), "
    "find loops in your library by tempo, key, swing, genre or era, check whether samples or keys "
    'will mix, and talk about what defined an era\'s groove. Try: "find me 70s funk loops near 96 BPM".'
)
#: What the assistant does, in one line (after "that's outside what I do").
_CAN_DO = (
    "I analyse loops and one-shots, find samples in your library, check whether two will mix "
    "and talk about an era's groove."
)
# "thanks", "cheers mate", "ty!", "appreciate it": the user thanks (only then "you're
# welcome"); "ok", "cool", "great, got it", "bye": acknowledgements and goodbyes alone
_THANKS_RE = re.compile(
    r"\b(?:thanks?|thank\s*(?:you|u|ya)|thx|thnx|tnx|ty|tyvm|cheers|ta|appreciated?|"
    r"much\s+obliged|grateful|merci|gracias|danke)\b",
    re.IGNORECASE,
)
_BYE_RE = re.compile(
    r"\b(?:bye|goodbye|later|laters|see\s+(?:ya|you)|cya|ciao|peace(?:\s+out)?|gotta\s+go)\b",
    re.IGNORECASE,
)
_ACK_WORDS = (
    r"ok(?:ay)?|k|kk|cool|great|nice(?:\s+one)?|sweet|perfect|awesome|amazing|brilliant|lovely|"
    r"dope|sick|fire|legend|spot\s+on|got\s+it|gotcha|understood|noted|fair\s+enough|alright|"
    r"all\s+right|right|sure|yep|yeah|yes|fine|good|makes\s+sense|love\s+it|love\s+that|"
    r"that\s+works|sounds\s+good|wicked|mate|man|bro|fam|dude|then|so|and|thanks|"
    r"bye|goodbye|later|laters|see\s+(?:ya|you)|cya|ciao|peace(?:\s+out)?|gotta\s+go|"
    r"lol|haha|ha|wow|very|really|so\s+much"
)
_ACK_ONLY_RE = re.compile(rf"\W*(?:(?:{_ACK_WORDS})\b\W*)+", re.IGNORECASE)

_GREETING_RE = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|howdy|yo|sup|good\s+(?:morning|afternoon|evening)|help"
    r"|help\s+me|how\s+does\s+this\s+work)\b[\s\w,!.?]{0,20}$",
    re.IGNORECASE,
)


def _quote(text: str, limit: int = 80) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def compose_asked(text: str, asked: list[str]) -> str | None:
    """The answer to a question about the user's own earlier messages ("what was the
    first thing I asked you?"), quoted from the thread (``asked``: the user's messages
    the thread still holds, oldest first, this one last); None when ``text`` asks no
    such thing."""
    nth = vocab.asked_before(text)
    if nth is None:
        return None
    before = [t for t in asked[:-1] if t.strip()] if asked else []
    if not before:
        return "This is the first thing you've asked me in this conversation."
    if nth < 0:
        return f"Just before this you asked: “{_quote(before[-1])}”."
    if nth >= len(before):
        return (
            f"You've asked me {len(before)} thing(s) before this one, so there is no "
            f"{ordinal(nth + 1)} yet; the last was: “{_quote(before[-1])}”."
        )
    return f"The {ordinal(nth + 1)} thing you asked me was: “{_quote(before[nth])}”."


def _off_topic(text: str) -> str:
    """The reply to a message that is no task of the assistant's."""
    low = " ".join(text.split())
    in_domain = (
        vocab.SAMPLE_NOUN_RE.search(low)
        or vocab.MIX_RE.search(low)
        or vocab.find_genres(low)
        or vocab.find_instrument(low)
        or re.search(r"\b(?:bpm|tempo|swing|groove|key)\b", low, re.IGNORECASE)
    )
    if in_domain and not vocab.PRODUCTION_TASK_RE.search(low):
        # ("can u master my track": a track, but work on its audio is no task here)
        return f"I couldn't work out what to look up in “{_quote(low)}”. {_HELP}"
    return f"Sorry, “{_quote(low)}” is outside what I do. {_CAN_DO}"


UNFIT_OWN = "sent:"
"""How ``ParsedRequest.unresolved`` holds a description of the user's sample that none
of the samples they sent fits ("sent:my waltz")."""


def past_the_list(phrase: str) -> bool:
    """Whether ``phrase`` of ``ParsedRequest.unresolved`` is a rank past the end of the
    list shown ("the second" after a list of one): not a tempo out of range, an attribute
    no hit has ("the 97 BPM one"), a file name or an "it" with nothing to be."""
    return (
        phrase != NO_ANTECEDENT
        and not phrase.startswith(UNFIT_OWN)
        and not phrase.startswith(UNKNOWN_STYLE)
        and not UNUSABLE_TEMPO_RE.fullmatch(phrase)
        and not UNMEASURED_METER_RE.fullmatch(phrase)
        and not ATTRIBUTE_PHRASE_RE.match(phrase)
        and not looks_like_file_name(phrase)
    )


def _marked(
    mark: str, refs: list[str], unresolved: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """The phrases of ``ParsedRequest.unresolved`` written with ``mark`` (``UNKNOWN_STYLE``,
    ``UNFIT_OWN``), without it, and ``refs`` and ``unresolved`` without them."""
    marked = [p.removeprefix(mark) for p in refs if p.startswith(mark)]
    if not marked:
        return marked, refs, unresolved
    return (
        marked,
        [p for p in refs if not p.startswith(mark)],
        [p for p in unresolved if not p.startswith(mark)],
    )


def compose_answer(request: ParsedRequest | None, sections: dict[str, str]) -> str:
    """The final offline answer: each specialist's section in pipeline order, or help."""
    parts = [sections[s] for s in SPECIALISTS if sections.get(s)]
    unresolved = request.unresolved if request is not None else []
    tempos = [p for p in unresolved if UNUSABLE_TEMPO_RE.fullmatch(p)]
    refs = [p for p in unresolved if p not in tempos]
    if tempos:
        # "find loops at 99999 bpm": say the tempo was not used rather than present an
        # unfiltered search as if it matched.
        lo, hi = TEMPO_LIMITS_BPM
        those = "that tempo" if len(tempos) == 1 else "those tempos"
        parts.insert(
            0,
            f"{' and '.join(tempos)} {'is' if len(tempos) == 1 else 'are'} outside "
            f"{lo:g}–{hi:g} BPM, so I did not filter by {those}; "
            "name a tempo in that range to narrow the search.",
        )
    meters = [p.removesuffix(" meter") for p in refs if UNMEASURED_METER_RE.fullmatch(p)]
    if meters:
        # "anything in 5/4?": a meter no analysis here measures is refused, as the HTTP
        # and CLI meter filters refuse it, rather than a search that ignores it
        refs = [p for p in refs if not UNMEASURED_METER_RE.fullmatch(p)]
        unresolved = [p for p in unresolved if not UNMEASURED_METER_RE.fullmatch(p)]
        parts.insert(
            0,
            f"{' or '.join(meters)} isn't something I measure: meters are 3 or 4 beats per "
            f"bar ({', '.join(vocab.METER_SIGNATURES)}, or 'waltz'), so I searched nothing "
            "for it. Ask for one of those, or leave the meter out.",
        )
    styles, refs, unresolved = _marked(UNKNOWN_STYLE, refs, unresolved)
    if styles:
        # "polka loops around 120": a style no tag of the library stands for is said so,
        # rather than a search that leaves it out and lists loops of other styles
        said = " or ".join(f"“{p}”" for p in styles)
        parts.insert(
            0,
            f"I don't know {said} as a style: it is none of the styles I search by, and no "
            "sample in your library is tagged with it, so I searched nothing rather than "
            "list loops of other styles. Ask for a style I know (funk, soul, boom bap, "
            "house, reggae, jazz, …), or leave the style out and I'll search by the rest.",
        )
    unfit, refs, unresolved = _marked(UNFIT_OWN, refs, unresolved)
    if unfit:
        # "how swung is my waltz?" with no loop in 3/4 sent: no other one in its place
        said = " or ".join(f"“{p}”" for p in unfit)
        parts.insert(
            0,
            f"None of the samples you sent in this conversation fits {said} by what I "
            "measured or by its name, so I did not answer about another one. Which file do "
            "you mean? Name it or attach it.",
        )
    if NO_ANTECEDENT in refs:
        # "would it mix with the A minor one?" in a thread with no sample to be "it"
        refs = [p for p in refs if p != NO_ANTECEDENT]
        unresolved = [p for p in unresolved if p != NO_ANTECEDENT]
        parts.insert(
            0,
            "I can't tell what “it” is: no sample has been attached or analysed in this "
            "conversation yet, so I compared nothing. Which two should I check? Attach or "
            'name your loop, or pick from the list ("does the first one mix with the '
            'second?").',
        )
    if unresolved and request is not None and request.list_empty:
        # "is that one swung more?" right after a search that found nothing
        missing = ", ".join(f'"{p}"' for p in unresolved)
        parts.insert(
            0,
            f"The last search listed nothing, so there is no {missing} to look at. Widen "
            "that search (fewer filters, a wider tempo range) or name the sample you mean.",
        )
        refs = []
    files = [p for p in refs if looks_like_file_name(p)]
    refs = [p for p in refs if p not in files]
    if files:
        # "analyse gritty_funk" fitting several files, and no pick when asked which.
        missing = ", ".join(f'"{p}"' for p in files)
        parts.insert(
            0,
            f"I could not tell which file of your library {missing} means. Name it in full "
            "(e.g. `gritty_funk_03_97bpm_Em.wav`) or attach it.",
        )
    by_attr = [p for p in refs if ATTRIBUTE_PHRASE_RE.match(p)]
    refs = [p for p in refs if p not in by_attr]
    if by_attr:
        # "the 97 BPM one" when no hit shown is at 97 BPM.
        missing = ", ".join(f'"{p}"' for p in by_attr)
        parts.insert(
            0,
            f"Nothing in the last list of results matches {missing}. "
            'Refer to a result by its rank ("the first one", "#2"), its tempo or key '
            '("the 97 BPM one", "the one in E minor") or its id.',
        )
    if refs:
        # "the 9th one" after a list of five: say so rather than answer about nothing.
        missing = ", ".join(f'"{p}"' for p in refs)
        parts.insert(
            0,
            f"The last list of results is shorter than that: {missing} is not in it. "
            'Refer to a result by its rank ("the first one", "#2") or its id.',
        )
    if not parts:
        # a narrowed search's text holds the earlier turns' lines before this one's: the
        # message to answer is its last line, never a glued quote of the whole thread
        said = request.said.strip() if request else ""
        text = said.strip().lower()
        if _THANKS_RE.search(text):
            return "You're welcome — ask any time about a groove, a mix or a crate dig."
        if _BYE_RE.search(text) and _ACK_ONLY_RE.fullmatch(text):
            return "Bye for now — come back any time for a groove, a mix or a crate dig."
        if _ACK_ONLY_RE.fullmatch(text):
            # "ok", "cool, got it", "sweet": an acknowledgement, not a thanks (and "ok what
            # about in half time" is neither: a question is not answered as thanks)
            return "Glad it helps — ask any time about a groove, a mix or a crate dig."
        if not text or vocab.ASSISTANT_QUESTION_RE.match(text) or _GREETING_RE.match(text):
            return _HELP
        if len(text.split()) < 3:
            return _HELP  # "uhh", "hmm?": not a request at all, so what to ask
        return _off_topic(said)
    return "\n\n".join(parts)
