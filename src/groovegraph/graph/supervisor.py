"""The supervisor: routes each user turn to specialists and closes it with one answer.

On a new turn (a new human message) it parses the request, decides the specialists
(:mod:`groovegraph.graph.understanding`: the offline reader first, the router model's
structured reading when that is unsure), orders them into stages — ``groove`` first when the others need its
analyses, the rest in parallel via ``Send`` — and dispatches the first stage. Every
specialist returns here; when a stage is complete the next one starts, and after the
last stage ``respond`` writes the answer from every specialist's result.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import pandas as pd
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
)
from langgraph.config import get_config
from langgraph.graph.message import REMOVE_ALL_MESSAGES
from langgraph.runtime import Runtime
from langgraph.types import Command, Send, interrupt
from pydantic import ValidationError

from groovegraph import prompts
from groovegraph.graph import focus as focus_q
from groovegraph.graph import followups, names, offline, shown_lists
from groovegraph.graph.context import GrooveContext
from groovegraph.graph.memory import message_text, turn_number
from groovegraph.graph.models import (
    ModelRegistry,
    router_price,
    usage_of,
)
from groovegraph.graph.offline_model import is_offline
from groovegraph.graph.parser import find_result_refs, find_sample_refs
from groovegraph.graph.repeats import UNKNOWN_STYLE, earlier_answer_keys
from groovegraph.graph.specialists import conversation_for_model, scratch_key
from groovegraph.graph.state import RESET
from groovegraph.graph.tools import owner_from_config, sample_label, stored_analyses
from groovegraph.graph.understanding import (
    Conversation,
    from_reading,
    get_offline,
    listed_refs,
    spelling,
)
from groovegraph.settings import Settings
from groovegraph.state import (
    BURST_KEY,
    SPECIALISTS,
    Analysis,
    CatalogHit,
    ParsedRequest,
    RequestReading,
    RoutePlan,
    SpecialistName,
)
from groovegraph.tools import vocab
from groovegraph.tools.catalog import SampleSource, tagged_genres
from groovegraph.tools.feel import NOT_SURE, STATED
from groovegraph.tools.keys import camelot
from groovegraph.tools.paths import OwnerPaths

__all__ = ["make_supervisor", "message_samples", "message_text", "read_with_model"]

log = logging.getLogger(__name__)


def message_samples(message: AnyMessage) -> list[str]:
    """Sample ids/paths attached to a message: ``additional_kwargs["samples"]`` or content
    parts ``{"type": "sample", "id": ...}``."""
    out = [str(s) for s in (message.additional_kwargs or {}).get("samples") or [] if str(s).strip()]
    if isinstance(message.content, list):
        for part in message.content:
            if isinstance(part, dict) and part.get("type") == "sample":
                ref = part.get("id") or part.get("path")
                if ref:
                    out.append(str(ref))
    return list(dict.fromkeys(out))


def _human_turns(messages: list[AnyMessage]) -> list[HumanMessage]:
    return [m for m in messages if isinstance(m, HumanMessage)]


def _burst(messages: list[AnyMessage], humans: list[HumanMessage]) -> list[HumanMessage]:
    """The human messages this turn reads: the last one, and as many before it as the
    server marked as sent with it in one input (``BURST_KEY``), never past an AI message."""
    last = humans[-1]
    try:
        count = int((last.additional_kwargs or {}).get(BURST_KEY) or 1)
    except (TypeError, ValueError):
        count = 1
    out: list[HumanMessage] = []
    for m in reversed(messages):
        if len(out) >= count or isinstance(m, AIMessage):
            break
        if isinstance(m, HumanMessage):
            out.append(m)
    return out[::-1] or [last]


# Words that ask about a sample's groove itself (not just about mixing or searching with
# it): the groove specialist answers them even for a sample whose numbers are known.
#: How near half or double the measured tempo a tempo the user states must be (relative)
#: for the note to call it that level of the same groove.
HALF_DOUBLE_TOLERANCE = 0.04
_ABOUT_GROOVE_RE = re.compile(
    r"\b(?:analy[sz]\w*|swing\w*|swung|groove|feel|pocket|timing|quanti[sz]\w*|tight|loose|"
    r"snare|kick|hats?|straight|laid[\s-]?back|behind|ahead|describe|"
    r"what(?:'s|’s|s| is) (?:the |its )?(?:tempo|bpm|key)|how fast"
    # ("which key would harmonise with it", "what key to sing over it": a key asked for
    # something else against it, not its own)
    r"|(?:what|which) (?:key|tempo|bpm)(?! (?:would|should|could|can|do|to|for|works?|fits?)\b))\b",
    re.IGNORECASE,
)

Destination = Literal["groove", "era", "compatibility", "discovery", "respond"]


# "my waltz", "my break": a noun that says what the sample measured (in three, drums only)
_MEASURED_NOUN_END_RE = re.compile(
    rf"\b(?:{vocab.alternation((*vocab.TRIPLE_METER_WORDS, *vocab.DRUMS_ONLY_WORDS))})$",
    re.IGNORECASE,
)


class _AskFirst(Exception):
    """A phrase fits several samples and the user has not said which yet: the turn asks
    before anything else is read (the specialist whose question it is asks, see
    :func:`names.which_question`; the supervisor itself when no specialist is needed).
    ``question`` holds what :func:`names.which_question` words: the phrase, where it
    looked, how many it fits and the options offered."""

    def __init__(self, key: str, question: dict[str, Any]):
        super().__init__(key)
        self.key, self.question = key, question


def _ask_which(
    phrase: str,
    among: str,
    offered: list[tuple[str, str]],
    total: int,
    answers: Mapping[str, Any],
) -> Any:
    """The user's answer to "which one?" for a phrase that fits ``total`` samples
    (``among`` says where: "files in your library", "of the results listed"; the first
    ``names.MAX_CHOICES`` offered as ``(id, label)``), from ``answers`` (what this turn's
    questions were answered with); :class:`_AskFirst` when it was not asked yet."""
    key = f"{phrase}|{among}|" + ",".join(sid for sid, _ in offered)
    if key in answers:
        return answers[key]
    raise _AskFirst(
        key,
        {
            "phrase": phrase,
            "among": among,
            "total": total,
            "options": [{"id": sid, "name": label} for sid, label in offered],
        },
    )


def _which_listed(
    text: str,
    hits: Sequence[CatalogHit],
    answers: Mapping[str, Any],
    *,
    focus: Sequence[str] = (),
) -> tuple[str, list[str]]:
    """``text`` with each phrase naming one listed hit by an attribute that several of
    ``hits`` fit ("the 115 one", "the minor one") written as the id of the one the user
    picks: the turn is interrupted with the question "which one?" listing them (the
    same question as for a file name that fits several files; the resume value picks a
    number, a rank or a file name). A phrase the answer picks none for is blanked and
    returned as unclear, so no hit, and never all of them, is read for it. After a pair
    of samples was talked about (``focus``), a phrase that fits one of the pair names it
    ("the boom bap one" after a boom bap pick was checked against the user's soul loop)."""
    refs = followups.find_attribute_refs(text, hits=hits) if hits else None
    if refs is None or not refs.several:
        return text, []
    by_id = {h.sample_id: h for h in hits}
    chosen: list[tuple[tuple[int, int], str | None]] = []
    unclear: list[str] = []
    for phrase, span, ids in refs.several:
        in_pair = [i for i in ids if i in focus]
        if len(focus) >= 2 and len(in_pair) == 1:
            chosen.append((span, in_pair[0]))
            continue
        offered = list(ids)[: names.MAX_CHOICES]
        labels = [by_id[i].path.replace("\\", "/").rsplit("/", 1)[-1] for i in offered]
        answer = _ask_which(
            phrase,
            "of the results listed",
            list(zip(offered, labels, strict=True)),
            len(ids),
            answers,
        )
        found = names.NamedFile(
            phrase=phrase,
            start=span[0],
            end=span[1],
            ids=tuple(offered),
            names=tuple(labels),
            paths=tuple(by_id[i].path for i in offered),
        )
        picked = names.pick(found, answer, labels)
        if picked is None:
            unclear.append(phrase)
        chosen.append((span, picked))
    for (a, b), picked in sorted(chosen, key=lambda c: -c[0][0]):
        text = text[:a] + (f"sample {picked}" if picked else " " * (b - a)) + text[b:]
    return text, unclear


def _resolve_names(
    text: str,
    catalog: SampleSource | None,
    owner: str,
    settings: Settings,
    *,
    own: list[str] | None = None,
    attached: list[str] | None = None,
    analyses: dict[str, Analysis] | None = None,
    list_shown: bool = False,
    listed: Sequence[CatalogHit] = (),
    focus: Sequence[str] = (),
    roles: Mapping[str, frozenset[str]] | None = None,
    current: Sequence[CatalogHit] = (),
    answers: Mapping[str, Any] | None = None,
) -> tuple[str, list[str], list[str], str | None, list[tuple[str, str, str]]]:
    """``text`` with the library files it names written as their sample ids, those ids,
    and the names that stayed unclear. A name that fits several files interrupts the
    turn with the question "which one?" (the resume value picks: a number, a rank or a
    file name); the node runs again on resume and gets the same question's answer.
    The user's own files (uploads, and ``own``: the samples attached in the thread, in
    order, with ``attached`` this turn's) are also named in prose by words of their
    names ("my boom bap beat", "the keys loop"); the ones of the thread also by what
    they are or when they were sent ("my waltz", "my keys loop", "my first loop", "the
    one I sent before": :func:`names.find_own_refs`; "the funk one" while a list of
    results is shown, ``list_shown``, only when none of the results listed, ``listed``,
    is a funk one). A name that fits several files but one of the list shown now
    (``current``) names that one. Those are written as ids in a second text
    (``None`` when there are none) and are not among the ids returned: the thread knows
    them already. Last, the uploads described that were not sent in this thread
    (phrase, id, name): the answer says it took them."""
    if catalog is None:
        return text, [], [], None, []
    frame: pd.DataFrame | None = None

    def library() -> pd.DataFrame:
        nonlocal frame
        if frame is None:
            frame = catalog.frame(owner)
        return frame

    named = names.find_named_files(text, library)
    chosen: list[tuple[names.NamedFile, str]] = []
    unclear: list[str] = []
    shown = {h.sample_id for h in current}
    for found in named:
        if len(found.ids) == 1:
            chosen.append((found, found.ids[0]))
            continue
        in_list = [sid for sid in found.ids if sid in shown]
        if len(in_list) == 1:
            # "how swung is gritty_funk?" under a list with one gritty_funk file: that one
            chosen.append((found, in_list[0]))
            continue
        labels = list(found.names)
        if len(set(labels)) < len(labels):
            # two kick_01.wav: each by its library path ("demo/Kicks/kick_01.wav")
            labels = [OwnerPaths.for_owner(settings, owner).name(p) for p in found.paths]
        offered = list(zip(found.ids, labels, strict=True))[: names.MAX_CHOICES]
        answer = _ask_which(
            found.phrase, "files in your library", offered, len(found.ids), answers or {}
        )
        sample_id = names.pick(found, answer, labels)
        if sample_id is None:
            unclear.append(found.phrase)
        else:
            chosen.append((found, sample_id))
    taken = [(f.start, f.end) for f in named]
    # The user's own files described by words of their names ("my keys loop"): this
    # turn's attachments and the samples of this thread first, their other uploads
    # (sent in other threads) only for words none of the thread's samples fits.
    mine = set(own or [])
    files = names.own_files(library(), own or []) if names.may_describe(text) else []
    if files:
        described = names.find_described_files(
            text, [f for f in files if f[0] in mine], taken=taken
        )
        chosen.extend((found, found.ids[0]) for found in described)
        taken.extend((found.start, found.end) for found in described)
    thread: list[tuple[names.NamedFile, str]] = []
    samples = names.own_samples(library(), own, analyses or {}, roles) if own else []
    if own:
        # "my loop", "my break": the latest sample sent before this turn, as the
        # understanding reads them itself ("is that one swung more than my break?")
        latest = next(
            (s for s in reversed(own) if s not in (attached or ()) and s in (analyses or {})),
            None,
        )
        for found in names.find_own_refs(
            text,
            samples,
            attached=attached or (),
            taken=taken,
            the_too=not list_shown or bool(listed),
            shown=names.shown_samples(listed) if list_shown else (),
        ):
            if (
                found.ids[0] == latest
                and not attached  # (beside a file sent now, the understanding reads that)
                and vocab.MY_SAMPLE_RE.fullmatch(found.phrase)
                and (latest in focus or not _MEASURED_NOUN_END_RE.search(found.phrase))
            ):
                # (unless the turns since were about another sample: "my waltz" after a
                # mix check of two others is still the loop in three, not the one in focus)
                continue
            thread.append((found, found.ids[0]))
            taken.append((found.start, found.end))
    elsewhere: list[tuple[str, str, str]] = []
    if files:
        wider = names.find_described_files(
            text, [f for f in files if f[0] not in mine], taken=taken
        )
        for found in wider:
            if not names.describes_one_of(found.phrase, samples):
                chosen.append((found, found.ids[0]))
                elsewhere.append((found.phrase, found.ids[0], found.names[0]))
    return (
        names.with_ids(text, chosen),
        [sid for _, sid in chosen],
        unclear,
        names.with_ids(text, [*chosen, *thread]) if thread else None,
        elsewhere,
    )


def _older_list_note(listed: Sequence[CatalogHit]) -> str:
    """The line saying which list a turn points at when the search just before it found
    nothing: the one shown before, named by its files."""
    files = [h.path.replace("\\", "/").rsplit("/", 1)[-1] for h in listed]
    shown = ", ".join(files[:3]) + (", …" if len(files) > 3 else "")
    only = "only " if len(files) == 1 else ""
    return (
        "The last search found nothing, so I read that against the list I showed "
        f"before it ({only}{shown})."
    )


def _measured(
    text: str, samples: list[str], *, own: list[str], confidence: float | None
) -> ParsedRequest:
    """The turn measures ``samples`` side by side (groove alone): a listed or own sample
    picked by a superlative, or listed hits compared by rank."""
    return ParsedRequest(
        text=text,
        samples=samples,
        intents=["analyze"],
        specialists=["groove"],
        exclude=own,
        confidence=confidence,
    )


def _refs(request: ParsedRequest) -> set[str]:
    """The samples a reading points at: compared, analysed or searched for."""
    return {*request.samples, *([request.for_sample] if request.for_sample else [])}


#: Whose "which one?" it is when a turn needs several specialists: the one the turn is
#: for (a mix check or a search around the file), before the analysis that serves it.
_ASKS_FIRST: tuple[SpecialistName, ...] = ("compatibility", "discovery", "groove", "era")


def _asker(request: ParsedRequest) -> SpecialistName | None:
    """The specialist that asks "which one?" for a turn read as ``request``, ``None``
    when the turn needs none."""
    return next((s for s in _ASKS_FIRST if s in request.specialists), None)


def make_supervisor(
    *, models: ModelRegistry, catalog: SampleSource | None = None
) -> Callable[..., Command[Destination]]:
    """The supervisor node. With ``catalog``, library files named in a message by file
    name or stem are resolved to their samples (:mod:`groovegraph.graph.names`)."""

    def supervisor(state: dict[str, Any], runtime: Runtime[GrooveContext]) -> Command[Destination]:
        messages: list[AnyMessage] = state.get("messages") or []
        humans = _human_turns(messages)
        plan: RoutePlan | None = state.get("plan")
        if not humans:
            return Command(goto="respond")
        # Old turns' messages leave the state (memory.py): count them too.
        turn = turn_number(messages, state.get("memory"))

        if plan is None or plan.turn != turn or plan.asking:
            # ---- a new turn: understand it, route, plan, reset the per-turn results
            last = humans[-1]
            # messages the user sent together before an answer (marked by the server):
            # one turn, read as a whole
            burst = _burst(messages, humans)
            focus: list[str] = list(state.get("focus") or [])
            # "the first one", "#2", "both of them" point into the last list of hits shown:
            # the previous turn's, or an older one when turns since found nothing new.
            # What the list showed and the search behind it also serve "the 97 BPM one"
            # and "which of them swing?" (kept while later turns list nothing new).
            previous: list[CatalogHit] = list(state.get("hits") or [])
            listed_hits = previous or list(state.get("listed_hits") or [])
            last_request: ParsedRequest | None = state.get("request")
            # A search that found nothing is still the search a follow-up narrows or
            # widens ("reggae from the 2010s" → nothing → "any in a minor key?" keeps
            # reggae and the 2010s), not the older one whose list is still shown.
            # ... unless the turn points at the list shown ("which of those were from the
            # 90s?"): that list's search, without the filters of the empty one since.
            text = "\n".join(t for t in (message_text(m).strip() for m in burst) if t)
            searched_last = (
                last_request is not None
                and "discovery" in last_request.specialists
                # (with no list shown yet, "any of those from the 90s?" after "any waltz
                # loops?" found none points at that empty search: it keeps its filters)
                and not (followups.points_at_shown_list(text) and state.get("listed_hits"))
                # "top 3" after a turn that found nothing: the best of the list shown
                # before it, not of the filters that left that turn empty
                and not (
                    followups.is_bare_top(text)
                    and state.get("listed_hits")
                    and state.get("listed_request") is not None
                )
            )
            searched: ParsedRequest | None = (
                last_request if previous or searched_last else state.get("listed_request")
            )
            # the lists shown before the last one ("back to the list", "those three
            # dusty loops", "the C minor one" of a list shown before a single pick)
            stack = shown_lists.stacked(
                state.get("shown_lists") or [],
                listed=state.get("listed_hits") or [],
                listed_request=state.get("listed_request"),
                shown=previous,
            )
            attached = list(dict.fromkeys(s for m in burst for s in message_samples(m)))
            pointed = shown_lists.point(
                text,
                hits=listed_hits,
                request=searched,
                shown_lists=stack,
                fresh=bool(previous),
                attached=bool(attached),
            )
            relist = False
            list_note: str | None = None
            if pointed is not None:
                # that list is the last one shown again: the turn reads it as just shown
                listed_hits, searched, stack, text = (
                    pointed.hits,
                    pointed.request,
                    pointed.shown_lists,
                    pointed.text,
                )
                previous, relist, list_note = listed_hits, pointed.relist, pointed.note
            conversation = Conversation(
                listed_hits=listed_hits,
                fresh=bool(previous),
                listed_request=searched,
                previous=last_request,
                focus=focus,
                analyses=state.get("analyses") or {},
                own=list(
                    dict.fromkeys(
                        s for h in humans[: len(humans) - len(burst)] for s in message_samples(h)
                    )
                ),
            )
            # Library files named in the text ("does gritty_funk_03_97bpm_Em.wav mix with
            # …", "analyse gritty_funk_03") are read as those samples' ids; a name that
            # fits several files is asked about first.
            owner = owner_from_config(get_config(), models.settings)
            # what the user called each file as they sent it ("then the pad")
            roles = names.sent_as_roles([(message_text(h), message_samples(h)) for h in humans])
            # "the 115 one", "the minor one" that several listed hits fit, or a file name
            # that fits several files: which one is asked first, never all of them read.
            # The specialist the turn needs asks ("analyse gritty_funk": groove's
            # question); its answer comes back here (``choices``) and the turn is read
            # again with it. With no specialist to ask, the supervisor asks itself.
            choices = state.get("choices") or {}
            answers: dict[str, Any] = (
                dict(choices.get("answers") or {}) if choices.get("turn") == turn else {}
            )

            def resolve(
                answers: Mapping[str, Any],
            ) -> tuple[
                str, list[str], list[str], str | None, list[tuple[str, str, str]], list[str]
            ]:
                resolved, unclear_refs = (
                    _which_listed(text, listed_hits, answers, focus=focus)
                    if not attached
                    else (text, [])
                )
                return (
                    *_resolve_names(
                        resolved,
                        catalog,
                        owner,
                        models.settings,
                        own=[*conversation.own, *attached],
                        attached=attached,
                        analyses=dict(conversation.analyses),
                        list_shown=bool(previous),
                        listed=previous,
                        focus=focus,
                        roles=roles,
                        current=listed_hits,
                        answers=answers,
                    ),
                    unclear_refs,
                )

            while True:
                try:
                    resolved, named, unclear, own_text, elsewhere, unclear_refs = resolve(answers)
                    break
                except _AskFirst as ask:
                    # whose question it is: the turn read as if the first file offered
                    # were meant ("break down gritty_funk": an analysis either way)
                    provisional = dict(answers)
                    for _ in range(names.MAX_CHOICES):
                        try:
                            as_if = resolve(provisional)[0]
                            break
                        except _AskFirst as next_ask:
                            provisional[next_ask.key] = "1"
                    else:
                        as_if = text
                    asker = _asker(
                        get_offline().understand(
                            as_if, attached=attached, conversation=conversation
                        )
                    )
                    if asker is None:
                        answers[ask.key] = interrupt(names.which_question(ask.question, None))
                        continue
                    return Command(
                        goto=[
                            Send(
                                asker,
                                {
                                    "ask": {
                                        **ask.question,
                                        "key": ask.key,
                                        "turn": turn,
                                        "answers": answers,
                                    }
                                },
                            )
                        ],
                        update={
                            "plan": RoutePlan(
                                turn=turn,
                                specialists=[asker],
                                stages=[[asker]],
                                reason=f'"{ask.question["phrase"]}" fits '
                                f"{ask.question['total']} {ask.question['among']}: "
                                f"{asker} asks which one",
                                asking=True,
                            )
                        },
                    )
            text = resolved
            # The offline understanding reads every turn first; a router model is asked
            # only when it is unsure (settings.router_threshold), and then its reading wins.
            # The offline chat model is that same understanding: nothing to ask it again.
            request = get_offline().understand(text, attached=attached, conversation=conversation)
            if own_text is not None:
                # The user's samples of the thread named by what they are or when they
                # were sent ("my waltz", "my first loop"): read with them as ids when that
                # reading points at more ("does funk_03 mix with my waltz?" with the waltz
                # sent two loops ago), or at as much without a style question the words
                # describing a sample of theirs made ("does my funk loop mix with my
                # waltz?"); the turn's own reading otherwise ("is the wurli gonna mix
                # with my house groove?" names both by words already).
                mine = get_offline().understand(
                    own_text, attached=attached, conversation=conversation
                )
                before, after = _refs(request), _refs(mine)
                if set(find_sample_refs(own_text)) <= after and (
                    (
                        before != after
                        and len(after) >= len(before)
                        # what else the turn pointed at (a listed hit, a file named) stays;
                        # "my ..." read as the latest of the user's samples may change, and
                        # so may a sample the turn did not name but took from the focus
                        # ("will it mix with my drum loop?" after a library loop's key)
                        and before
                        - set(conversation.own)
                        - (set(focus) - set(find_sample_refs(text)))
                        <= after
                    )
                    or (
                        before == after
                        and "era" in request.specialists
                        and set(mine.specialists) == set(request.specialists) - {"era"}
                    )
                    or (
                        # "no, the pad's 125": read as a search around the pad (its
                        # reference only), with the pad named it corrects the pad's tempo
                        before == after
                        and "discovery" in request.specialists
                        and not set(request.samples) & after
                        and "discovery" not in mine.specialists
                        and set(mine.samples) == after
                        and (
                            followups.stated_tempo(own_text, mine) is not None
                            or followups.stated_key(own_text, mine) is not None
                        )
                    )
                ):
                    if (
                        "compatibility" in request.specialists
                        and "compatibility" not in mine.specialists
                        and len(mine.samples) >= 2
                    ):
                        # "will my keys loop sit on my break?": still the mix question
                        # the words asked, now between the two samples they name
                        mine = mine.model_copy(
                            update={
                                "specialists": [*mine.specialists, "compatibility"],
                                "intents": list(dict.fromkeys([*mine.intents, "compatibility"])),
                            }
                        )
                    text, request = own_text, mine
            unfit_note: str | None = None
            if (
                catalog is not None
                and conversation.own
                and not attached
                and "discovery" not in request.specialists
            ):
                # "how swung is my waltz?" when none of the files sent is in 3/4: no other
                # sample of theirs is answered about in its place; the answer asks which
                unfit = names.unfit_own_refs(
                    message_text(last),
                    names.own_samples(
                        catalog.frame(owner), conversation.own, conversation.analyses, roles
                    ),
                    # ("the 808" while a list is or was shown: a listed one, see there)
                    the_too=not listed_hits,
                )
                if unfit:
                    said = {p.lower() for p in unfit}
                    unfit_note = "Your samples in this conversation: " + ", ".join(
                        f"`{o.name}` [{o.id}]"
                        for o in names.own_samples(
                            catalog.frame(owner), conversation.own, conversation.analyses
                        )
                    )
                    request = request.model_copy(
                        update={
                            "samples": [s for s in request.samples if s not in conversation.own],
                            "specialists": [],
                            "intents": [],
                            "unresolved": [
                                # (not also "nothing listed matches" for the same words)
                                *(p for p in request.unresolved if p.lower() not in said),
                                *(offline.UNFIT_OWN + p for p in unfit),
                            ],
                        }
                    )
            reason = f"understood offline (confidence {request.confidence or 0:.2f}): " + (
                ", ".join(request.specialists) or "no specialist needed"
            )
            source: Literal["offline", "model", "fallback"] = "offline"
            usage: dict[str, float] = {}
            _, router = models.for_run((runtime.context or GrooveContext()).model)
            if (
                not relist
                and not is_offline(router)
                and (request.confidence or 0.0) < models.settings.router_threshold
            ):
                try:
                    reading, usage = read_with_model(
                        router,
                        text=text,
                        attached=[*attached, *named],
                        conversation=conversation,
                        messages=messages,
                        settings=models.settings,
                    )
                    request = from_reading(
                        reading, text=text, attached=attached, conversation=conversation
                    ).model_copy(update={"confidence": request.confidence})
                    reason, source = reading.reason or "router model", "model"
                except (OutputParserException, ValidationError):
                    raise  # malformed output: the node's RetryPolicy asks again
                except Exception as err:
                    log.warning(
                        "router model failed (%s: %s); using the offline reading",
                        type(err).__name__,
                        err,
                    )
                    source = "fallback"
            if relist:
                # "ok back to the five dark ones": that list again, as it was found
                found_by = searched or ParsedRequest(text=text)
                request = found_by.model_copy(
                    update={
                        "text": text,
                        "samples": [],
                        "among": [h.sample_id for h in listed_hits],
                        "intents": ["find"],
                        "specialists": ["discovery"],
                        "refines": True,
                        "unresolved": [],
                        "confidence": request.confidence,
                    }
                )
                request = followups.as_listed(request, searched, listed_hits)
                reason += "; back to a list shown before"
            # the user's own samples (attached in this thread) are never offered back to
            # them as finds, whatever the search ("only the ones under 100" after a list)
            own = list(dict.fromkeys([*conversation.own, *attached]))
            request = request.model_copy(update={"exclude": own})
            ranked: list[str] = []
            # slips read as the understanding reads them: "wich is the brightest"
            read_as = spelling.correct(text)
            compared = (
                followups.named_ranking(read_as, listed_hits, fresh=bool(previous))
                if not attached and listed_hits
                else None
            )
            if compared is not None:
                # "which swings more, 2 or 4?", "of the top 3 which is fastest": the hits
                # named by rank, measured side by side and ranked; not the whole list,
                # and no new list shown (the ranks still count in the list shown)
                request = _measured(text, compared[0], own=own, confidence=request.confidence)
                ranked.append(compared[1])
            elif not attached and followups.asks_superlative(read_as):
                # "which of my loops is the fastest?", "which one of those swings the
                # hardest?": the sample first by that measured value, and the ranking
                picked = followups.ranked_pick(
                    read_as,
                    own=[
                        (s, sample_label(s, a), a)
                        for s in conversation.own
                        if (a := conversation.analyses.get(s)) is not None
                    ],
                    listed=listed_hits,
                    fresh=bool(previous),
                )
                if picked is not None and any(h.sample_id == picked[0] for h in listed_hits):
                    # a listed hit: that one of the list, shown as a find of the same search
                    # (what "same thing but 80s" goes on from)
                    # (after a search that found nothing, the list ranked is the one
                    # shown before it: that list's search, not the empty one's filters)
                    found_it = searched if previous else state.get("listed_request")
                    base_search = found_it or searched or ParsedRequest(text=text)
                    request = base_search.model_copy(
                        update={
                            "text": text,
                            "samples": [],
                            # ("which ones are the most swung": the first few)
                            "among": followups.plural_pick(read_as, listed_hits) or [picked[0]],
                            "intents": ["find"],
                            "specialists": ["discovery"],
                            "refines": True,
                            "exclude": own,
                            "confidence": request.confidence,
                        }
                    )
                    # the pick is shown as that search found it: a filter the search
                    # relaxed to list it (the closest tempos, any vibe) does not hide it
                    hit = next(h for h in listed_hits if h.sample_id == picked[0])
                    request = followups.held_by(request, hit)
                    ranked.append(picked[1])
                elif picked is not None:
                    request = _measured(text, [picked[0]], own=own, confidence=request.confidence)
                    ranked.append(picked[1])
            if not ranked and vocab.asks_pocket_like(text):
                # "laid back snare like this one": loops whose backbeat sits like the
                # sample's (its backbeat lag), not a swing amount nor a snare one-shot
                refs = [*attached, *request.samples, *reversed(focus)]
                if refs:
                    ref = refs[0]
                    request = request.model_copy(
                        update={
                            "samples": [ref],
                            "pocket": True,
                            "kind": "loop",
                            "instrument": None,
                            "instruments": [],
                            "root_note": None,
                            "swing_words": [],
                            "swing_min": None,
                            "swing_max": None,
                            "compatible": False,
                            "intents": ["find"],
                            "specialists": (
                                ["groove", "discovery"] if ref in attached else ["discovery"]
                            ),
                        }
                    )
                    reason += "; a search by the sample's backbeat lag (pocket)"
            if offline.asks_what_mixes(request):
                # "what would mix with a 124 bpm loop in A minor?": suggest library loops
                # in the keys and tempo that mix with it, not only the neighbouring keys.
                request = request.model_copy(
                    update={
                        "specialists": [*request.specialists, "discovery"],
                        "intents": list(dict.fromkeys([*request.intents, "find"])),
                        "compatible": True,
                    }
                )
                reason += "; suggests library loops that mix with it"
            if (
                "discovery" in request.specialists
                and (style := vocab.find_other_style(text)) is not None
            ):
                if catalog is not None and style in tagged_genres(catalog.frame(owner)):
                    # "cumbia loops" in a library with loops tagged cumbia: that tag
                    request = request.model_copy(update={"genres": [style]})
                else:
                    # "polka loops around 120": a style no tag stands for is said so, and
                    # nothing is searched in its place (loops of other styles listed as if
                    # they matched), as the search API refuses a genre nobody has
                    request = request.model_copy(
                        update={
                            "specialists": [s for s in request.specialists if s != "discovery"],
                            "intents": [i for i in request.intents if i != "find"],
                            "unresolved": [*request.unresolved, UNKNOWN_STYLE + style],
                        }
                    )
                    reason += f"; no style {style!r} in the vocabulary or the library"
            unclear = [*unclear_refs, *unclear]
            if unclear:
                # "analyse gritty_funk" and no pick among its files: the answer says so.
                request = request.model_copy(update={"unresolved": [*request.unresolved, *unclear]})
            chosen = [s for s in SPECIALISTS if s in request.specialists]
            known = dict(state.get("analyses") or {})
            # A sample attached or named in this very turn is new to the conversation: the
            # groove run reads it (from the catalog when indexed) and shows its analysis,
            # so it is not among the analyses the thread already had ("from earlier").
            new_here = {*attached, *named}
            # A listed or indexed sample has its analysis in the catalog already: it joins
            # the turn's analyses without a groove run (nothing is measured again).
            # A library file named in the turn has one too; it is used only when no groove
            # run is needed ("does it mix with smooth_soul_05?" is a mixing question).
            stored = (
                stored_analyses(
                    catalog,
                    [s for s in request.samples if s not in known and s not in attached],
                    owner,
                    models.settings,
                )
                if catalog is not None
                else {}
            )
            if (
                source != "model"  # a model's reading that asks for groove is followed
                and "groove" in chosen
                and len(chosen) > 1
                and request.samples
                and all((s in known or s in stored) for s in request.samples)
                and not _ABOUT_GROOVE_RE.search(text)
                and (
                    chosen != ["groove", "compatibility"]
                    or offline.can_compare(request, request.samples)
                )
            ):
                # "will the first one mix with A minor?", "find reggae in keys that mix
                # with it": every sample's numbers are known, and the turn asks about the
                # mix or the search, not the groove, so no groove analysis is repeated
                # (unless the mixing check has nothing to compare: then the numbers are
                # the answer). A sample attached or named in this very turn is new to the
                # conversation: its analysis is shown.
                chosen.remove("groove")
                reason += "; no groove run: the stored analysis is reused"
            else:
                # a groove run reads a file named this turn and shows its analysis (it is
                # new to the conversation, not "from earlier")
                stored = {k: v for k, v in stored.items() if k not in new_here}
            # (a superlative's pick, made above, is already among what it ranked)
            mix_among_shown = (
                source != "model"
                and bool(listed_hits)
                and request.compatible
                and len(request.samples) == 1
                and request.samples[0] not in {h.sample_id for h in listed_hits}
            )
            if (
                not ranked
                and (request.refines or mix_among_shown)
                and (
                    followups.points_at_shown_list(text)
                    or followups.names_list_by_asked_style(text, searched, listed_hits)
                )
            ):
                # "which of those were from the 70s?": the list shown, as it was found;
                # "which of them go with my loop?": the list shown, compatible with it;
                # "any of the techno ones in A minor?" after techno shown as breakbeat
                # (none in the library): that list, named by the style asked for
                request = followups.as_listed(request, searched, listed_hits)
                if mix_among_shown and "discovery" not in chosen:
                    # the hits of that list that mix with the loop are what is asked
                    chosen = [s for s in SPECIALISTS if s in {*chosen, "discovery"}]
                    request = request.model_copy(update={"specialists": list(chosen)})
            elif not ranked and not relist and request.among:
                # a narrowing of a list shown turns ago is no longer only among it
                request = request.model_copy(update={"among": []})
            # "only the ones with more swing than mine": a strict bound from that sample
            request = followups.bounded_by_sample(text, request, {**known, **stored})
            # "closest to 55 bpm" after a search that matched nothing exactly: by tempo
            # now, in the style asked, without the key or feel that left it empty
            request, closest_note = followups.closest_after_nothing(
                text, request, last_request, list(state.get("hits") or [])
            )
            notes: list[str] = [
                *([list_note] if list_note else []),
                *ranked,
                *([closest_note] if closest_note else []),
            ]
            if unfit_note is not None:
                notes.append(unfit_note + ".")
            for phrase, sid, sent in elsewhere:
                if sid in _refs(request):
                    # "will it mix with my keys loop" with that loop not sent in this
                    # thread (uploaded, or sent in another one): used, and said so
                    notes.append(
                        f"“{phrase}”: you haven't sent it in this conversation, so I took "
                        f"`{sent}`, a file you uploaded before (maybe in another "
                        "conversation) that those words fit. If you meant another file, "
                        "attach it here."
                    )
            if (
                not previous
                and listed_hits
                and last_request is not None
                and "discovery" in last_request.specialists
                and not attached
                and (
                    followups.points_at_shown_list(text)
                    or followups.is_bare_top(text)
                    or find_result_refs(
                        text, results=[h.sample_id for h in listed_hits], fresh=False
                    ).spans
                )
            ):
                # the search just before found nothing: "those", "the second one" are
                # the list shown before it, and the answer says which list that is
                notes.append(_older_list_note(listed_hits))
            move = followups.tempo_move(text)
            if (
                move
                and "discovery" in chosen
                and not request.samples
                and last_request is not None
                and "discovery" not in last_request.specialists
                and len(set(last_request.samples)) == 1
                and not previous
                and not attached
                and (moved_from := conversation.analyses.get(last_request.samples[0])) is not None
                and moved_from.tempo_bpm
            ):
                # "something faster" right after one loop was picked and analysed: the
                # answer says what the tempo moved from, and which filters stayed
                kept = [*request.genres, *request.eras, *request.vibes]
                notes.append(
                    f"{'Slower' if move < 0 else 'Faster'} than "
                    f"{sample_label(last_request.samples[0], moved_from)} "
                    f"({moved_from.tempo_bpm:.1f} BPM)"
                    + (f", still {', '.join(kept)}" if kept else "")
                    + "."
                )
            if (
                "compatibility" in chosen
                and len(request.samples) == 1
                and request.samples[0] in named
                and request.samples[0]
                in find_result_refs(
                    text, results=[h.sample_id for h in listed_hits], fresh=conversation.fresh
                ).ids
            ):
                # "does the first one mix with <that same file>?": one file named twice is
                # no pair to compare; said so rather than "nothing to compare yet"
                same = request.samples[0]
                hit = next(h for h in listed_hits if h.sample_id == same)
                label = f"{hit.path.rsplit('/', 1)[-1]} [{same}]"
                notes.append(
                    f"Those are the same file: {label}. A loop always mixes with itself; "
                    "name another one to compare it with."
                )
                chosen = [s for s in chosen if s != "compatibility"] or ["groove"]
            if (
                listed_hits
                and not request.samples
                and any(offline.past_the_list(p) for p in request.unresolved)
            ):
                # "the second one" after a list of one: which the list had, by name
                shown_list = "; ".join(
                    f"{i}. `{h.path.replace(chr(92), '/').rsplit('/', 1)[-1]}` [{h.sample_id}]"
                    for i, h in enumerate(listed_hits[:3], 1)
                )
                count = len(listed_hits)
                notes.append(
                    f"The last list had only {'one result' if count == 1 else f'{count} results'}"
                    + (f": {shown_list}." if count <= 3 else ".")
                )
            said_bpm = followups.stated_tempo(text, request)
            if said_bpm is not None:
                sid = request.samples[0]
                base = (
                    stored.get(sid)
                    or known.get(sid)
                    or (
                        stored_analyses(catalog, [sid], owner, models.settings).get(sid)
                        if catalog is not None
                        else None
                    )
                )
                if base is not None and base.tempo_bpm and abs(base.tempo_bpm - said_bpm) >= 0.5:
                    # The user's stated tempo beats a reading they doubt: later mix and
                    # search answers of the thread use it (the analysis kept for it here).
                    stored[sid] = base.model_copy(
                        update={"tempo_bpm": said_bpm, "tempo_confidence": STATED}
                    )
                    label = sample_label(sid, base)
                    ratio = said_bpm / base.tempo_bpm
                    # "another level" only for a metrical one: half, double, or the
                    # dotted/triplet ratios (×1.5, ×2/3); 85 against 80 is none
                    metrical = any(
                        abs(ratio / r - 1.0) <= HALF_DOUBLE_TOLERANCE
                        for r in (0.5, 2.0, 1.5, 2.0 / 3.0)
                    )
                    sure = (
                        "not sure of it"
                        if base.tempo_confidence < NOT_SURE
                        else "it may have read another level"
                        if metrical
                        else "a confident reading, but your number wins"
                    )
                    level = next(
                        (
                            f" {said_bpm:g} is {word} {base.tempo_bpm:.1f}: the same groove "
                            f"counted at {feel} time, so both readings are right at their level."
                            for r, word, feel in (
                                (0.5, "half of", "half"),
                                (2.0, "double", "double"),
                            )
                            if abs(ratio / r - 1.0) <= HALF_DOUBLE_TOLERANCE
                        ),
                        "",
                    )
                    earlier = (
                        f" Before, you gave it {base.tempo_bpm:g} BPM."
                        if base.tempo_confidence >= STATED
                        else f" I measured {base.tempo_bpm:.1f} BPM at confidence "
                        f"{base.tempo_confidence:.2f} ({sure}).{level}"
                    )
                    notes.append(
                        f"Noted: {label} is {said_bpm:g} BPM as you say.{earlier} From here on "
                        f"I use your {said_bpm:g} BPM for it in mix checks and searches."
                    )
            said_key = followups.stated_key(text, request)
            if said_key is not None:
                sid = request.samples[0]
                base = stored.get(sid) or known.get(sid)
                if base is not None and base.key and base.key != said_key:
                    # The user's stated key beats the reading, as a stated tempo does:
                    # later mix and search answers of the thread use it.
                    stored[sid] = base.model_copy(
                        update={
                            "key": said_key,
                            "camelot": camelot(said_key),
                            "key_confidence": STATED,
                            "key_runner_up": None,
                        }
                    )
                    earlier = (
                        f"Before, you gave it {base.key}."
                        if base.key_confidence >= STATED
                        else f"I measured {base.key} at confidence {base.key_confidence:.2f}."
                    )
                    notes.append(
                        f"Noted: {sample_label(sid, base)} is in {said_key} as you say. "
                        f"{earlier} From here on I use {said_key} ({camelot(said_key)}) for "
                        "it in mix checks and searches."
                    )
            if (
                any(s not in known and s not in stored for s in request.samples)
                and chosen
                and "groove" not in chosen
            ):
                # Others reason from the analysis: a sample with none yet (in this thread
                # or the catalog), or new to the thread in this turn, is analysed first.
                chosen.insert(0, "groove")
            if (
                not notes
                and not attached
                and chosen == ["groove"]
                and len(request.samples) == 1
                and (base := {**known, **stored}.get(request.samples[0])) is not None
                and request.samples[0] in conversation.analyses  # analysed before
                and (
                    line := followups.asked_value(
                        text, sample_label(request.samples[0], base), base
                    )
                )
            ):
                # "does it swing?", "what key is my keys loop again?" about a sample analysed
                # before: the value asked comes first, then its analysis
                notes.append(line)
            elif (
                not notes
                and not attached
                and chosen == ["groove"]
                and len(request.samples) == 1
                and (base := {**known, **stored}.get(request.samples[0])) is not None
                and (
                    line := focus_q.pocket_line(text, sample_label(request.samples[0], base), base)
                )
            ):
                # "is the snare behind the beat?", "does it rush?": where its backbeat
                # sits comes first, then its analysis
                notes.append(line)
            if (
                not notes
                and not attached
                and chosen == ["compatibility"]
                and len(request.samples) == 2
                and all(s in {**known, **stored} for s in request.samples)
            ):
                pair = [
                    (sample_label(s, a), a)
                    for s in request.samples
                    if (a := {**known, **stored}.get(s)) is not None
                ]
                analysed = [(s, a) for s in request.samples if (a := {**known, **stored}.get(s))]
                if focus_q.half_double_only(text):
                    # "and at half time?" after a tempo gap: the pair counted at half time
                    line = focus_q.half_double_line(text, pair[0], pair[1])
                elif focus_q.stretch_order(text, analysed) == list(request.samples):
                    # "how much do I speed up the slower one?": the stretch comes first
                    line = focus_q.stretch_line(pair[0], pair[1])
                else:
                    line = None
                if line:
                    notes.append(line)
            stages = offline.plan_stages(chosen, has_samples=bool(request.samples))
            new_plan = RoutePlan(
                turn=turn,
                specialists=chosen,
                stages=stages,
                stage=0,
                reason=reason,
                router=source,
            )
            update: dict[str, Any] = {
                "request": request,
                "plan": new_plan,
                "choices": {},
                "completed": None,
                "hits": [],
                "reports": [],
                "era": None,
                "focus": request.samples or focus,
                "listed_hits": listed_hits,
                "listed_request": searched,
                "shown_lists": stack,
                # what earlier turns said: the answer of this one must not say it again
                "answered": earlier_answer_keys(messages),
                "notes": notes,
                **{scratch_key(s): [RemoveMessage(id=REMOVE_ALL_MESSAGES)] for s in SPECIALISTS},
            }
            if stored:
                update["analyses"] = stored
            if usage:
                update["usage"] = usage
            # This turn's usage starts from nothing, then counts the router's call.
            update["turn_usage"] = {RESET: 1, **usage}
            if not stages:
                return Command(goto="respond", update=update)
            # Send carries what the specialists must see (this step's updates are not in
            # their input yet); it is checkpointed with the task, so it stays small.
            payload = _send_payload({**state, **update, "analyses": {**known, **stored}})
            return Command(goto=[Send(s, payload) for s in stages[0]], update=update)

        # ---- a specialist came back: wait for its stage, then start the next one
        done = set(state.get("completed") or [])
        if plan.stage < len(plan.stages) and not set(plan.stages[plan.stage]) <= done:
            return Command(goto=[])
        next_stage = plan.stage + 1
        advanced = plan.model_copy(update={"stage": next_stage})
        if next_stage < len(plan.stages):
            payload = _send_payload({**state, "plan": advanced})
            return Command(
                goto=[Send(s, payload) for s in plan.stages[next_stage]], update={"plan": advanced}
            )
        return Command(goto="respond", update={"plan": advanced})

    return supervisor


_PAYLOAD_MESSAGES = 16


def _send_payload(state: dict[str, Any]) -> dict[str, Any]:
    """A specialist's first-visit input: the turn's request and plan, the analyses of the
    turn's samples and the recent conversation — not the whole thread, because every
    ``Send`` argument is stored in the checkpoint with its task."""
    request: ParsedRequest | None = state.get("request")
    analyses = state.get("analyses") or {}
    refs = request.samples if request else []
    return {
        "messages": list(state.get("messages") or [])[-_PAYLOAD_MESSAGES:],
        "request": request,
        "plan": state.get("plan"),
        "focus": state.get("focus") or [],
        "analyses": {k: analyses[k] for k in refs if k in analyses},
        "memory": state.get("memory"),
        "answered": state.get("answered") or [],
        "notes": state.get("notes") or [],
        "completed": [],
        **{scratch_key(s): [] for s in SPECIALISTS},
    }


def _structured(model: Any) -> Any:
    """Structured-output runnable for the router, using tool calling where supported
    (the most widely implemented mode among OpenAI-compatible servers)."""
    try:
        return model.with_structured_output(
            RequestReading, method="function_calling", include_raw=True
        )
    except (TypeError, ValueError, NotImplementedError):
        return model.with_structured_output(RequestReading, include_raw=True)


def read_with_model(
    model: Any,
    *,
    text: str,
    attached: list[str],
    conversation: Conversation,
    messages: list[AnyMessage],
    settings: Any,
) -> tuple[RequestReading, dict[str, float]]:
    """The router model's reading of the turn, shown the hits listed last (numbered as
    the answer showed them), the attached samples and the last search's filters."""
    listed = listed_refs(conversation.listed_hits)
    last_search = conversation.listed_request
    system = prompts.ROUTER_PROMPT.format(
        samples=", ".join(attached) or "none",
        listed="\n".join(
            f"{r.number}. {r.file} [{r.sample_id}]"
            + (f" {r.tempo_bpm:.1f} BPM" if r.tempo_bpm is not None else "")
            + (f", {r.key}" if r.key else "")
            + (f", {r.genre}" if r.genre else "")
            + (f", {r.era}" if r.era else "")
            for r in listed
        )
        or "none",
        analysed=", ".join(conversation.focus) or "none",
        last_search=json.dumps(
            last_search.model_dump(
                exclude_defaults=True,
                exclude={"text", "samples", "intents", "specialists", "confidence", "unresolved"},
            )
        )
        if last_search is not None
        else "none",
    )
    raw = _structured(model).invoke(
        [SystemMessage(content=system), *conversation_for_model(messages, keep=6)]
    )
    reading = raw["parsed"] if isinstance(raw, dict) else raw
    if reading is None:  # include_raw with a parse failure
        raise raw.get("parsing_error") or ValueError("router returned no reading")
    usage: dict[str, float] = (
        usage_of(raw["raw"], price=router_price(settings))
        if isinstance(raw, dict) and isinstance(raw.get("raw"), AIMessage)
        else {"llm_calls": 1}
    )
    return reading, usage
