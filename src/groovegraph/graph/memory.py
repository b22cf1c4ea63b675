"""Conversation memory: what a model sees of a thread, and how the thread stays bounded.

Summary-buffer memory: a model prompt carries the recent turns that fit about half of
``settings.memory_tokens`` (user messages and the turn's answer, trimmed to the
whole newest turns within LangChain's approximate token count), and, in the system prompt,
a running summary of the older turns plus every constraint the user stated (tempo, key,
genre, era, vibe, swing, samples) with the turn that stated it. At the end of each turn
:func:`remember` folds the turns that fell out of that window into the summary (one
line each; the oldest lines give way past a fifth of the budget, their constraints stay
in :class:`~groovegraph.state.ConversationMemory`), and drops from the state the
messages of turns older than ``settings.history_turns``.

Everything here is deterministic and offline: the summary is built from the messages
themselves, so it costs no model call and never invents anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    BaseMessage,
    HumanMessage,
    RemoveMessage,
)
from langchain_core.messages.utils import count_tokens_approximately

from groovegraph.state import (
    Analysis,
    CatalogHit,
    CompatibilityReport,
    Constraint,
    ConversationMemory,
    EraBrief,
    ParsedRequest,
)

__all__ = [
    "SUMMARY_SHARE",
    "WINDOW_SHARE",
    "Turn",
    "compose_recap",
    "conversation_for_model",
    "count_tokens",
    "memory_prompt",
    "message_text",
    "remember",
    "split_turns",
    "turn_number",
    "turn_topics",
]

#: Share of ``memory_tokens`` for the recent turns shown verbatim.
WINDOW_SHARE = 0.5
#: Share of ``memory_tokens`` for the summary and the constraints.
SUMMARY_SHARE = 0.2

_LINE_CHARS = 220  # one summary line: the question and the answer's first line, clipped

# Request fields that are constraints a later turn may rely on, with their labels.
_CONSTRAINTS: dict[str, str] = {
    "bpm_range": "tempo",
    "target_bpm": "target tempo",
    "keys": "key",
    "genres": "genre",
    "eras": "era",
    "vibes": "vibe",
    "swing_range": "swing",
    "swing_words": "feel",
    "samples": "samples",
}


def count_tokens(messages: Sequence[BaseMessage] | str) -> int:
    """Approximate token count (LangChain's 4-characters-a-token estimate, offline)."""
    if isinstance(messages, str):
        messages = [HumanMessage(content=messages)]
    return int(count_tokens_approximately(list(messages)))


def message_text(message: BaseMessage) -> str:
    """The text of a message: its string content, or the text parts of a content list."""
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(
        part.get("text", "") if isinstance(part, dict) else str(part)
        for part in content
        if not isinstance(part, dict) or part.get("type") in (None, "text")
    )


class Turn:
    """One user turn: its human message and the AI messages that followed it."""

    __slots__ = ("human", "replies")

    def __init__(self, human: HumanMessage) -> None:
        self.human = human
        self.replies: list[AnyMessage] = []

    @property
    def answer(self) -> AIMessage | None:
        """The turn's answer: its last AI message without tool calls (DESIGN: graph contract)."""
        for m in reversed(self.replies):
            if isinstance(m, AIMessage) and not m.tool_calls and message_text(m).strip():
                return m
        return None

    def messages(self) -> list[AnyMessage]:
        return [self.human, *self.replies]


def split_turns(messages: Sequence[AnyMessage]) -> list[Turn]:
    """The thread's messages grouped by user turn (anything before the first human
    message is dropped: a thread always starts with one)."""
    turns: list[Turn] = []
    for m in messages:
        if isinstance(m, HumanMessage):
            turns.append(Turn(m))
        elif turns:
            turns[-1].replies.append(m)
    return turns


def _unfolded(turns: list[Turn], memory: ConversationMemory | None) -> list[Turn]:
    """Turns after the last one folded into the summary."""
    if memory is None or memory.folded_through is None:
        return turns
    for i, t in enumerate(turns):
        if t.human.id == memory.folded_through:
            return turns[i + 1 :]
    return turns  # the folded turns were already dropped from the state


def _pair(turn: Turn) -> list[BaseMessage]:
    """What a model sees of one turn: the user's words (attached sample ids written in)
    and the answer, without ids or metadata."""
    human = turn.human
    samples = (human.additional_kwargs or {}).get("samples") or []
    text = message_text(human)
    if samples:
        text = f"{text}\n[attached samples: {', '.join(map(str, samples))}]"
    out: list[BaseMessage] = [HumanMessage(content=text)]
    answer = turn.answer
    if answer is not None:
        out.append(AIMessage(content=message_text(answer)))
    return out


#: Token counts of recent turns as a model sees them (:func:`_pair_tokens`).
_PAIR_TOKENS: dict[tuple[str, str | None], int] = {}
_PAIR_TOKENS_KEPT = 4096


def _pair_tokens(turn: Turn) -> int:
    """``count_tokens(_pair(turn))``, remembered by the turn's texts: every turn ends by
    measuring each unfolded turn of the thread, which are the same turns as the turn
    before (building their messages again was most of the cost)."""
    human = turn.human
    samples = (human.additional_kwargs or {}).get("samples") or []
    answer = turn.answer
    key = (
        f"{message_text(human)}\0{', '.join(map(str, samples))}",
        None if answer is None else message_text(answer),
    )
    found = _PAIR_TOKENS.get(key)
    if found is None:
        found = count_tokens(_pair(turn))
        if len(_PAIR_TOKENS) >= _PAIR_TOKENS_KEPT:
            _PAIR_TOKENS.clear()
        _PAIR_TOKENS[key] = found
    return found


def conversation_for_model(
    messages: Sequence[AnyMessage],
    *,
    memory: ConversationMemory | None = None,
    max_tokens: int = 3000,
    keep: int | None = None,
) -> list[BaseMessage]:
    """The recent turns a model sees, newest last, within ``max_tokens``.

    Each turn is the user's message and its answer (specialist notes and tool calls of
    earlier turns are left out: their numbers are in the answers). Turns already folded
    into ``memory`` are skipped (the summary in :func:`memory_prompt` stands for them);
    ``keep`` caps the number of turns as well. The newest user message is always kept,
    clipped if it alone exceeds the budget.
    """
    turns = _unfolded(split_turns(messages), memory)
    if keep is not None:
        turns = turns[-keep:]
    if not turns:
        return []
    # What LangChain's ``trim_messages(strategy="last", start_on="human")`` keeps of
    # every turn's messages, without building them: the approximate count is a sum over
    # messages, so that is the newest whole turns whose counts (remembered per turn by
    # :func:`_pair_tokens`) add up to at most the budget.
    budget, used, start = max(1, max_tokens), 0, len(turns)
    while start > 0:
        tokens = _pair_tokens(turns[start - 1])
        if used + tokens > budget:
            break
        start, used = start - 1, used + tokens
    if start < len(turns):
        return [m for t in turns[start:] for m in _pair(t)]
    # One huge message: keep its end, which is what the user asked last.
    last = _pair(turns[-1])[-1]
    chars = max(200, max_tokens * 4 - 40)
    return [last.model_copy(update={"content": message_text(last)[-chars:]})]


def _constraint_text(name: str, value: Any) -> str:
    if name in ("bpm_range", "swing_range"):
        lo, hi = value
        unit = " BPM" if name == "bpm_range" else " %"
        return f"{lo:g}–{hi:g}{unit}"
    if name == "target_bpm":
        return f"{value:g} BPM"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


#: Topic lines a thread keeps (the oldest go first), and the length of one.
TOPICS_KEPT = 16
_TOPIC_CHARS = 160
# Topic kinds, in the order a recap lists them, with their headings.
_TOPIC_HEADINGS = {
    "sample": "Samples we looked at",
    "search": "Searches",
    "mix": "Mix verdicts",
    "style": "Styles and eras we talked about",
}


def _clip(text: str) -> str:
    return text if len(text) <= _TOPIC_CHARS else text[: _TOPIC_CHARS - 1] + "…"


def _relation_to(request: ParsedRequest) -> str:
    """How a search stood to the samples it was given ("mixing with", "backbeat like")."""
    if request.compatible:
        return "mixing with"
    if request.kind == "one_shot":
        return "for"
    return "backbeat like" if request.pocket else "like"


def _filters(request: ParsedRequest, like: Sequence[str] = ()) -> str:
    """The constraints of a search in words ("funk, 70s, 91.2–100.8 BPM"), led by the
    samples it started from (``like``: their labels, see :func:`_relation_to`)."""
    c = request_constraints(request)
    parts = [f"{_relation_to(request)} {', '.join(like)}"] if like else []
    parts += [
        _constraint_text(name, c[name])
        for name in ("genres", "eras", "vibes", "keys", "bpm_range", "swing_words")
        if name in c
    ]
    if request.mode and not request.keys:
        parts.append(f"{request.mode} keys")  # "which ones did we say were minor?"
    if "bpm_range" not in c and request.bpm_max is not None:
        parts.append(f"up to {request.bpm_max:g} BPM")
    elif "bpm_range" not in c and request.bpm_min is not None:
        parts.append(f"from {request.bpm_min:g} BPM up")
    what = " ".join(
        x for x in (request.instrument, "one-shots" if request.kind == "one_shot" else None) if x
    )
    return ", ".join([*([what] if what else []), *parts]) or "no filters"


def turn_topics(
    *,
    request: ParsedRequest | None,
    analyses: dict[str, Analysis],
    hits: Sequence[CatalogHit],
    reports: Sequence[CompatibilityReport],
    era: EraBrief | None,
    specialists: Sequence[str],
) -> list[str]:
    """What one turn was about, as topic lines ``"<kind>: <text>"`` (see ``TOPICS_KEPT``):
    the samples it analysed, its search and what it found, its mix verdicts, the styles
    it looked up. Every value comes from the turn's results."""
    from groovegraph.graph.tools import sample_label, shown_name
    from groovegraph.tools.feel import key_text

    if request is None:
        return []
    out: list[str] = []
    for ref in request.samples:
        a = analyses.get(ref)
        if a is None:
            continue
        if a.tempo_bpm is None:
            what = " ".join(x for x in ("one-shot", a.instrument, a.root_note) if x)
        else:
            what = f"{a.tempo_bpm:.1f} BPM, {key_text(a.key, a.camelot)}, swing {a.swing_percent or 50.0:.1f} %"
        out.append(f"sample: {sample_label(ref, a)} — {what}")
    if "discovery" in specialists:
        names = ", ".join(shown_name(h.path, h.tags.source) for h in hits[:3])
        found = f"{len(hits)} hit(s)" + (
            f" ({names}{', …' if len(hits) > 3 else ''})" if hits else ""
        )
        like = [sample_label(ref, analyses.get(ref)) for ref in request.samples]
        out.append(f"search: {_filters(request, like)} → {found}")
    for r in reports[:4]:
        out.append(f"mix: {r.a} × {r.b} → {r.verdict} ({r.score:.2f})")
    if era is not None and era.facts:
        styles = ", ".join(dict.fromkeys(f"{f.genre} ({f.era})" for f in era.facts))
        out.append(f"style: {styles}")
    return [_clip(line) for line in out]


def _topic_subject(kind: str, item: str) -> object:
    """What a topic line is about: a mix verdict's pair (either way round), a sample's
    label; other lines are their own subject."""
    if kind == "mix" and " → " in item:
        return frozenset(item.rsplit(" → ", 1)[0].split(" × "))
    if kind == "sample" and " — " in item:
        return item.split(" — ", 1)[0]
    return item


def compose_recap(memory: ConversationMemory | None) -> str:
    """The answer to "what were we talking about?": the thread's topics by kind, and the
    constraints still in force."""
    topics = list(memory.topics) if memory is not None else []
    if not topics:
        return (
            "We haven't covered anything yet in this conversation: ask me to analyse a loop, "
            "find samples, check a mix or talk about an era."
        )
    lines = ["Here is what we covered in this conversation:"]
    for kind, heading in _TOPIC_HEADINGS.items():
        items = [t.split(": ", 1)[1] for t in topics if t.startswith(f"{kind}: ")]
        # one line per thing: a pair checked both ways round is one verdict, a sample
        # whose tempo or key the user corrected since is one sample (the latest line)
        latest = {_topic_subject(kind, item): item for item in items}
        items = list(dict.fromkeys(latest.values()))
        if items:
            lines.append(f"{heading}:")
            lines.extend(f"- {item}" for item in items)
    return "\n".join(lines)


def memory_prompt(memory: ConversationMemory | None) -> str:
    """The summary and constraints as text for a system prompt ("" when there is none)."""
    if memory is None or not (
        memory.summary or memory.constraints or memory.omitted_turns or memory.topics
    ):
        return ""
    lines: list[str] = []
    if memory.topics:
        lines.append("What the conversation covered (oldest first):")
        lines.extend(f"- {t}" for t in memory.topics)
    if memory.constraints:
        lines.append("What the user asked for so far (latest value, with the turn that said it):")
        lines.extend(
            f"- {_CONSTRAINTS.get(name, name)}: {_constraint_text(name, c.value)} (turn {c.turn})"
            for name, c in memory.constraints.items()
        )
    if memory.summary or memory.omitted_turns:
        lines.append("Summary of earlier turns:")
        if memory.omitted_turns:
            lines.append(f"- ({memory.omitted_turns} earlier turn(s) omitted)")
        lines.extend(f"- {line}" for line in memory.summary)
    return "\n".join(lines)


def request_constraints(request: ParsedRequest | None) -> dict[str, Any]:
    """The constraint fields a request sets (see ``_CONSTRAINTS``), as plain values."""
    if request is None:
        return {}
    out: dict[str, Any] = {}
    if request.bpm_min is not None and request.bpm_max is not None:
        out["bpm_range"] = [request.bpm_min, request.bpm_max]
    if request.target_bpm is not None:
        out["target_bpm"] = request.target_bpm
    if request.swing_min is not None and request.swing_max is not None:
        out["swing_range"] = [request.swing_min, request.swing_max]
    for name in ("keys", "genres", "eras", "vibes", "swing_words", "samples"):
        value = list(getattr(request, name) or [])
        if value:
            out[name] = value
    return out


def _summary_line(number: int, turn: Turn) -> str:
    asked = " ".join(message_text(turn.human).split())
    answer = turn.answer
    said = (
        " ".join(message_text(answer).split("\n", 1)[0].split())
        if answer is not None
        else "(no answer)"
    )
    line = f"turn {number}: user: “{asked[:100]}” → {said}"
    return line if len(line) <= _LINE_CHARS else line[: _LINE_CHARS - 1] + "…"


def remember(
    *,
    messages: Sequence[AnyMessage],
    memory: ConversationMemory | None,
    request: ParsedRequest | None,
    memory_tokens: int,
    history_turns: int,
    topics: Sequence[str] = (),
) -> tuple[ConversationMemory, list[RemoveMessage]]:
    """Update the memory at the end of a turn (``messages`` include its answer).

    Returns the new memory and the ``RemoveMessage``s for turns past ``history_turns``.
    Turns are folded oldest first while the unfolded ones exceed the window share of
    ``memory_tokens``; the newest turn is never folded.
    """
    # A copy whose containers this function may change (their items are replaced, never
    # changed in place: a deep copy cost more than the rest of the function).
    base = memory or ConversationMemory()
    mem = base.model_copy(
        update={
            "summary": list(base.summary),
            "constraints": dict(base.constraints),
            "topics": list(base.topics),
        }
    )
    turns = split_turns(messages)
    # Absolute turn numbers: folded and dropped turns count too.
    unfolded = _unfolded(turns, mem)
    first_number = mem.folded_turns + 1
    number_of = {id(t): first_number + i for i, t in enumerate(unfolded)}
    current = first_number + len(unfolded) - 1
    for name, value in request_constraints(request).items():
        mem.constraints[name] = Constraint(value=value, turn=max(current, 1))
    for line in topics:
        if line in mem.topics:
            mem.topics.remove(line)  # seen again: it moves to the end
        mem.topics.append(line)
    del mem.topics[:-TOPICS_KEPT]

    window = int(memory_tokens * WINDOW_SHARE)
    sizes = [_pair_tokens(t) for t in unfolded]
    total = sum(sizes)
    # Turns about to leave the state are folded first, whatever the window holds.
    excess = len(turns) - history_turns
    fold = max(0, min(len(unfolded) - 1, excess - (len(turns) - len(unfolded))))
    total -= sum(sizes[:fold])
    while fold < len(unfolded) - 1 and total > window:
        total -= sizes[fold]
        fold += 1
    for t in unfolded[:fold]:
        mem.summary.append(_summary_line(number_of[id(t)], t))
        mem.folded_through = t.human.id
    mem.folded_turns += fold

    # The summary keeps its share together with the constraints; the oldest lines go.
    budget = int(memory_tokens * SUMMARY_SHARE)
    while (mem.summary or mem.topics) and count_tokens(memory_prompt(mem)) > budget:
        if mem.summary:
            mem.summary.pop(0)
            mem.omitted_turns += 1
        else:
            mem.topics.pop(0)

    # Bounded state: messages of turns past history_turns are dropped (already folded,
    # since the window is never longer than the kept history).
    removals: list[RemoveMessage] = []
    still_unfolded = {id(t) for t in unfolded[fold:]}
    for t in turns[: max(0, excess)]:
        if id(t) in still_unfolded:
            break  # never drop what the summary does not hold
        removals.extend(RemoveMessage(id=m.id) for m in t.messages() if m.id)
        mem.dropped_turns += 1
    return mem, removals


def turn_number(messages: Sequence[AnyMessage], memory: ConversationMemory | None) -> int:
    """The number of the thread's latest user turn, counting turns whose messages left
    the state (``len`` of the human messages alone stops growing at ``history_turns``)."""
    humans = sum(isinstance(m, HumanMessage) for m in messages)
    return humans + (memory.dropped_turns if memory is not None else 0)
