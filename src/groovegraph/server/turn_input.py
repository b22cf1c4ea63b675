"""What a turn's input may hold, on every route that starts one, and which of its
messages the thread already has.

Checked before any run starts (so before a stream's 200), each a 422:

* a message's text is at most :data:`MAX_MESSAGE_CHARS` characters (the SSE chat route's
  cap). The request parsing reads the text with regular expressions whose time grows
  faster than its length: a 1 MB message held the server's event loop for many minutes,
  every other request with it;
* a turn needs a human message (an input of AI, system or tool messages alone was run
  and stored, answered as if the user had said nothing);
* a human message needs text or an attached sample: an empty one (``""``, only spaces,
  ``[]``, only image parts) was run and stored as a turn about nothing;
* attached samples (``additional_kwargs.samples``) are a list of non-empty strings;
* a batch (``/agent/batch``, ``/agent/chat/batch``) holds at most
  :data:`MAX_BATCH_INPUTS` inputs: each is a turn, and fifty 20,000-character turns kept
  two cores busy for minutes while the client waited on one response.

A client may re-send the whole conversation it shows (as chat UIs do) with the new
message at its end: :func:`unsent` keeps only what the thread does not hold yet.

Several human messages sent in one input after the agent last spoke ("find 70s funk
loops", "between 94 and 97", "minor ones only") are one turn: :func:`mark_burst` tells the
graph how many of them its last message closes (``additional_kwargs["burst"]``), and the
graph reads them as one request. Only the server can tell them apart from a message of
the thread that was never answered (a turn paused on a question, then left), which is
not part of the new turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from groovegraph.state import BURST_KEY
from groovegraph.tools.errors import GrooveGraphError

#: Characters of text one message may hold (as ``POST /v1/threads/{id}/chat``'s message).
MAX_MESSAGE_CHARS = 20_000
#: Inputs (turns) one batch request may hold.
MAX_BATCH_INPUTS = 16


class BatchTooLargeError(GrooveGraphError):
    """422: more inputs in one batch than :data:`MAX_BATCH_INPUTS`."""

    code = "validation_error"
    http_status = 422


def check_batch(count: int) -> None:
    """Raise :class:`BatchTooLargeError` for a batch of more than :data:`MAX_BATCH_INPUTS`."""
    if count > MAX_BATCH_INPUTS:
        raise BatchTooLargeError(
            f"inputs: at most {MAX_BATCH_INPUTS} turns per batch ({count} sent); "
            "send the rest in further requests"
        )


_HUMAN = {"human", "user", "humanmessage", "humanmessagechunk"}
_AI = {"ai", "assistant", "aimessage", "aimessagechunk"}


def _field(message: Any, name: str) -> Any:
    if isinstance(message, dict):
        return message.get(name)
    return getattr(message, name, None)


def message_id(message: Any) -> Any:
    """The message's id, if it has one."""
    return _field(message, "id")


def role(message: Any) -> str:
    """``human``, ``ai`` or the message's own type (``system``, ``tool`` …)."""
    kind = _field(message, "type")
    if kind in (None, "chat") or (isinstance(message, dict) and "type" not in message):
        kind = _field(message, "role") or kind
    if isinstance(message, str):
        return "human"  # LangGraph reads a bare string as a human message
    name = str(kind or "").lower()
    if name in _HUMAN:
        return "human"
    if name in _AI:
        return "ai"
    return name


def text(message: Any) -> str:
    """A message's text: its string content, or its text parts joined."""
    if isinstance(message, str):
        return message
    content = _field(message, "content")
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    return " ".join(
        str(part.get("text") or "") if isinstance(part, dict) else str(part)
        for part in content
        if isinstance(part, str) or (isinstance(part, dict) and part.get("type") in (None, "text"))
    )


def _has_samples(message: Any) -> bool:
    extra = _field(message, "additional_kwargs")
    if isinstance(extra, dict) and extra.get("samples"):
        return True
    content = _field(message, "content")
    return isinstance(content, list) and any(
        isinstance(p, dict) and p.get("type") == "sample" and (p.get("id") or p.get("path"))
        for p in content
    )


def problem(messages: Sequence[Any]) -> str | None:
    """Why these messages cannot start a turn, in words, or None when they can. An empty
    list is left to the caller (the routes answer it with their own message)."""
    for i, message in enumerate(messages):
        extra = _field(message, "additional_kwargs")
        samples = extra.get("samples") if isinstance(extra, dict) else None
        if samples is not None and not (
            isinstance(samples, list) and all(isinstance(s, str) and s.strip() for s in samples)
        ):
            # A string was read letter by letter ("no sample 'a'", 'b', …), a null as 'None'.
            return (
                f"messages[{i}].additional_kwargs.samples must be a list of sample ids or "
                "library paths (non-empty strings)"
            )
        size = len(text(message))
        if size > MAX_MESSAGE_CHARS:
            return (
                f"messages[{i}] has {size:,} characters of text; a message may hold at most "
                f"{MAX_MESSAGE_CHARS:,}"
            )
    if not messages:
        return None
    humans = [m for m in messages if role(m) == "human"]
    if not humans:
        kinds = ", ".join(sorted({role(m) or "?" for m in messages}))
        return (
            f"a human message is required: the input holds only {kinds} message(s). "
            'Send what the user says as {"type": "human", "content": "…"}'
        )
    if not any(text(m).strip() or _has_samples(m) for m in humans):
        return "the human message is empty: it needs text (or an attached sample)"
    return None


def _same(sent: Any, held: Any) -> bool:
    sent_id, held_id = _field(sent, "id"), _field(held, "id")
    if sent_id and held_id and sent_id == held_id:
        return True
    return role(sent) == role(held) and " ".join(text(sent).split()) == " ".join(text(held).split())


def unsent(messages: Sequence[Any], thread: Sequence[Any], *, dropped_turns: int = 0) -> int:
    """How many leading ``messages`` the thread already holds: the client re-sent the
    conversation it shows, and only the rest is new.

    The sent messages are matched in order against the thread's from its start (the
    turns the thread dropped from its state, ``dropped_turns``, skipped on the sent side),
    by id or by role and text (spacing aside). The thread may hold AI messages the client
    does not show (a specialist's note before the answer): those are passed over. A lone
    message equal to the thread's first one is a question asked again, not a copy; two
    or more that the thread holds all are a copy (nothing new: all of them). Messages
    with an id the thread holds anywhere are copies too (see :func:`drop_known_ids`).
    """
    start = 0
    if dropped_turns > 0:
        humans = [i for i, m in enumerate(messages) if role(m) == "human"]
        if len(humans) <= dropped_turns:
            return 0
        start = humans[dropped_turns]
    i, j = start, 0
    while i < len(messages) and j < len(thread):
        if _same(messages[i], thread[j]):
            i += 1
            j += 1
        elif role(thread[j]) != "human":
            j += 1  # an AI message of that turn the client does not show
        else:
            break
    if i == start or (i >= len(messages) and len(messages) - start < 2):
        return 0  # nothing matched, or one message: a question asked again
    return i


def drop_known_ids(messages: Sequence[Any], thread: Sequence[Any]) -> list[Any]:
    """``messages`` without those whose id the thread already holds."""
    held = {_field(m, "id") for m in thread} - {None, ""}
    return [m for m in messages if not (_field(m, "id") and _field(m, "id") in held)]


def _with_burst(message: Any, count: int) -> Any:
    if isinstance(message, str):
        return {"type": "human", "content": message, "additional_kwargs": {BURST_KEY: count}}
    if isinstance(message, dict):
        extra = dict(message.get("additional_kwargs") or {})
        return {**message, "additional_kwargs": {**extra, BURST_KEY: count}}
    extra = dict(getattr(message, "additional_kwargs", None) or {})
    return message.model_copy(update={"additional_kwargs": {**extra, BURST_KEY: count}})


def mark_burst(graph_input: Any) -> Any:
    """The input with its last human message marked as closing a burst when the input
    ends in two or more human messages with no AI message between them (the messages a
    client sent together before an answer). Anything else is returned as it is."""
    if not isinstance(graph_input, dict):
        return graph_input
    messages = graph_input.get("messages")
    if isinstance(messages, str | dict) or not isinstance(messages, list):
        return graph_input
    count = 0
    last: int | None = None
    for i in range(len(messages) - 1, -1, -1):
        kind = role(messages[i])
        if kind == "ai":
            break
        if kind == "human":
            count += 1
            last = i if last is None else last
    if count < 2 or last is None:
        return graph_input
    marked = list(messages)
    marked[last] = _with_burst(messages[last], count)
    return {**graph_input, "messages": marked}
