"""Terse and misspelt words read as the request words they stand for.

A chat user types "minr only", "slowr", "2nd one swng?", "kiks", "maj only", "mix w <file>".
The rules downstream match whole words, so one missing or swapped letter would make the
turn say nothing. :func:`correct` rewrites, before anything else reads the message:

* a word **one edit** (insertion, deletion, substitution or a swap of two neighbours) away
  from exactly one request word of :data:`groovegraph.tools.vocab.SPELLING_TARGETS` (two
  edits for words of eight letters or more) with the same first letter (or its first two
  swapped), when the word itself is neither an English
  word (the encoder's vocabulary) nor a word the vocabulary module reads (a genre such as
  "dnb", a vibe, an instrument, a key);
* the chat abbreviations of :data:`groovegraph.tools.vocab.CHAT_ABBREVIATIONS` ("maj",
  "w/", "w/e"), and "min" as a mode where it closes a clause or sits by "only"/"ones"
  ("min only", "only min"), never "5 min" or "min bpm".

Words with digits, underscores, dots or slashes (file names, ids, "2nd", "8A") are left
alone, as are words of under three letters. A word of three letters has too many near
neighbours for one edit: it is read only as its target with two neighbours swapped ("hte")
or with a doubled letter typed once ("jaz").
"""

from __future__ import annotations

import functools
import re

from groovegraph.tools import vocab

__all__ = ["correct", "edit_distance"]

_TOKEN_RE = re.compile(r"(?<![\w./\\#-])[A-Za-z]+(?![\w./\\#-])")


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b`` (insertions, deletions,
    substitutions and swaps of neighbours cost 1); ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


@functools.lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    from groovegraph.graph.understanding.encoder import VOCAB_PATH

    lines = VOCAB_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w.isalpha())


def _read_by_vocab(word: str) -> bool:
    """Whether the vocabulary module already reads ``word`` as something."""
    return bool(
        vocab.find_genres(word)
        or vocab.find_vibes(word)
        or vocab.find_instrument(word)
        or vocab.find_instrument(f"an {word}")
        or vocab.find_kind(word)
        or vocab.find_keys(word)
        or vocab.find_entities(word)
    )


@functools.lru_cache(maxsize=4096)
def _nearest(word: str) -> str | None:
    """The request word ``word`` is a misspelling of, else ``None``: the nearest one, the
    earlier of :data:`~groovegraph.tools.vocab.SPELLING_TARGETS` on a tie ("swng" is
    "swing" before "swung")."""
    low = word.lower()
    if (
        len(low) < 3
        or low in _english()
        or low in vocab.SPELLING_TARGETS
        or low in vocab.SPELLING_KEEP
        or _inflected(low)
        or _read_by_vocab(low)
    ):
        return None
    limit = 2 if len(low) >= 8 else 1
    best: tuple[int, int, str] | None = None
    for rank, target in enumerate(vocab.SPELLING_TARGETS):
        if target[0] != low[0] and target[:2] != low[1::-1]:
            continue  # a slip keeps the first letter ("slaps" is no "claps")
        if len(low) == 3 and not _short_slip(low, target):
            continue
        d = edit_distance(low, target, limit)
        if d <= limit and (best is None or (d, rank) < best[:2]):
            best = (d, rank, target)
    return best[2] if best is not None else None


def _short_slip(word: str, target: str) -> bool:
    """Whether ``word`` is ``target`` with two neighbours swapped ("hte" for "the") or
    with one letter of a doubled pair left out ("jaz" for "jazz")."""
    if len(target) == len(word):
        return any(
            word == target[:i] + target[i + 1] + target[i] + target[i + 2 :]
            for i in range(len(target) - 1)
            if target[i] != target[i + 1]
        )
    return len(target) == len(word) + 1 and any(
        target[i] == target[i + 1] and word == target[:i] + target[i + 1 :]
        for i in range(len(target) - 1)
    )


_SUFFIXES = ("s", "es", "d", "ed", "ing", "er", "ers", "y", "ey", "ly", "able", "ish")


def _inflected(word: str) -> bool:
    """Whether ``word`` is a known word with an ending added ("blends", "samplers",
    "grimy", "doable"): not a slip of another word."""
    known = _english()
    return any(
        word.endswith(suffix)
        and word[: -len(suffix)] in known
        # a bare "d" ends a word only after an "e" ("used", "tuned"): "sould" is no
        # inflection of "soul"
        and (suffix != "d" or word.endswith("ed"))
        for suffix in _SUFFIXES
        if len(word) - len(suffix) >= 2
    )


# "min only", "only min", "min ones", "and min?": the minor mode, not minutes ("5 min")
# or a minimum ("min bpm")
_MIN_RE = re.compile(r"(?<![\w-])min(?![\w-])", re.IGNORECASE)
_MODE_BEFORE_RE = re.compile(r"\b(?:only|just|in|and)\s+$", re.IGNORECASE)
_MODE_AFTER_RE = re.compile(r"^\s*(?:$|[?!.,;]|only\b|ones?\b|keys?\b|instead\b)", re.IGNORECASE)
_NUMBER_BEFORE_RE = re.compile(r"\d\s*$")


def _min_as_mode(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        before, after = text[: m.start()], text[m.end() :]
        if _NUMBER_BEFORE_RE.search(before):
            return m.group(0)
        if _MODE_BEFORE_RE.search(before) or _MODE_AFTER_RE.match(after):
            return "minor"
        return m.group(0)

    return _MIN_RE.sub(fix, text)


def correct(text: str) -> str:
    """``text`` with chat abbreviations spelled out and misspelt request words corrected
    (see the module docstring); unchanged when there is nothing to correct."""
    out = text
    for rx, word in vocab.CHAT_ABBREVIATIONS:
        out = rx.sub(word, out)
    out = _min_as_mode(out)

    def fix(m: re.Match[str]) -> str:
        near = _nearest(m.group(0))
        return near if near is not None else m.group(0)

    return _TOKEN_RE.sub(fix, out)
