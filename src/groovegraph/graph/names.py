"""Library files named in a message, resolved from the catalog.

"does gritty_funk_03_97bpm_Em.wav mix with uplifting_disco_01_123bpm_Bm.wav?" or
"analyse gritty_funk_03" name indexed samples by file name or stem, without attaching
them or giving their library path. :func:`find_named_files` finds such names in the
text and the catalog rows they name:

* a word ending in an audio extension (``amen.wav``, ``Funk/70s/break.wav``) names the
  rows whose file name (or path, when the word has folders) ends with it;
* a word without an extension names rows only when it looks like a file stem — it joins
  parts with ``_`` (``gritty_funk``, ``dusty_soul``: prose never writes an underscore),
  or with ``-`` and has a digit (``kick-01``), so genre words ("funk", "hip-hop", "lo-fi")
  and tempo ranges never do — and then the row whose stem it is, else the rows whose
  stem starts with it up to a separator (``gritty_funk_03`` →
  ``gritty_funk_03_97bpm_Em.wav``; ``gritty_funk`` → every ``gritty_funk_…`` file), else
  the rows whose stem holds it as whole parts (``funk_03`` →
  ``gritty_funk_03_97bpm_Em.wav``, not ``…_funk_030_…``), else the rows whose number
  part it names without its zeros (``raw_boombap_7`` → ``raw_boombap_07_…``);
* words written with spaces and a number no tempo reads as ("raw boombap 7", "the
  boombap one 07", "dnb 7") name the rows whose stem has those words as the parts right
  before that number part (a style by any of its names: ``drumandbass`` for "dnb").

One row: the name is that sample. Several: the supervisor asks which
(:func:`pick`). None: the word is left alone (a path that is not in the library is
reported by the tools as before). :func:`with_ids` writes ``sample <id>`` in place of
each resolved name, so the understanding reads a named file like an inline sample id.
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from groovegraph.graph.parser import AUDIO_EXTENSIONS
from groovegraph.state import Analysis, CatalogHit
from groovegraph.tools import vocab

__all__ = [
    "NamedFile",
    "OwnSample",
    "find_described_files",
    "find_named_files",
    "find_own_refs",
    "looks_like_file_name",
    "may_describe",
    "own_files",
    "own_samples",
    "pick",
    "replies_to",
    "sent_as_roles",
    "shown_samples",
    "unfit_own_refs",
    "with_ids",
]

_EXT_RE = re.compile(rf"\.(?:{'|'.join(AUDIO_EXTENSIONS)})$", re.IGNORECASE)
# A word as a file name may be written: no spaces, no sentence punctuation around it.
_WORD_RE = re.compile(r"[^\s,;:!?()\[\]{}\"'`<>*]+")
# parts joined by "_" (any), or by "-" with a digit somewhere ("kick-01", not "lo-fi")
_STEM_LIKE_RE = re.compile(r"(?=[\w-]*_)\w+(?:[_-]\w+)+|(?=.*\d)\w+(?:[_-]\w+)+")
_SEPARATORS = ("_", "-", " ", ".")
#: At most this many candidates are offered when a name is ambiguous.
MAX_CHOICES = 8


@dataclass(frozen=True)
class NamedFile:
    """A file name written in a message and the catalog samples it may mean."""

    phrase: str
    start: int
    end: int
    ids: tuple[str, ...]
    names: tuple[str, ...]
    paths: tuple[str, ...]
    """Each candidate's stored path (a server path: show it through ``OwnerPaths``)."""


def _words(text: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _WORD_RE.finditer(text):
        word, start = m.group(0), m.start()
        stripped = word.rstrip(".")
        out.append((stripped, start, start + len(stripped)))
    return out


def looks_like_file_name(word: str) -> bool:
    """Whether a word may name a file: an audio extension, or a stem of ``_``-joined
    parts, or of ``-``-joined parts with a digit."""
    if _EXT_RE.search(word):
        return len(word) > 4
    return "/" not in word and "\\" not in word and bool(_STEM_LIKE_RE.fullmatch(word))


@dataclass
class _Index:
    """A frame's file names, looked up without a pass over the rows per turn."""

    ids: np.ndarray  # str per row
    names: np.ndarray  # shown file name per row
    stored: np.ndarray  # stored path per row
    paths: pd.Series  # lower-case posix path per row (for words with folders)
    by_name: dict[str, list[int]]  # lower-case file name → rows
    by_stem: dict[str, list[int]]  # lower-case stem → rows
    by_loose: dict[str, list[int]]  # file name, separators as one space ("funk loop 02.wav")
    by_loose_stem: dict[str, list[int]]  # stem, likewise ("funk loop 02")
    stems: np.ndarray  # lower-case stems, sorted (prefix look-ups by bisection)
    order: np.ndarray  # row of each sorted stem
    tails: tuple[np.ndarray, np.ndarray] | None = None
    """Every stem's tails after a separator, sorted, and the row of each: whole-part
    look-ups inside a stem ("funk_03"), built on first use."""
    numbered: dict[tuple[str, int], list[int]] | None = None
    """(the parts right before a number part, run together; that number) → rows:
    ``raw_boombap_07_90bpm_Am`` under ("boombap", 7) and ("rawboombap", 7), for names
    written with spaces or without the number's zeros ("raw boombap 7"), built on first
    use."""


_INDEX: dict[int, tuple[weakref.ref[pd.DataFrame], _Index]] = {}
_INDEX_LOCK = threading.Lock()


def _shown_names(df: pd.DataFrame) -> pd.Series:
    """Each row's name as its owner knows it (``tools.paths.shown_name``, vectorised): an
    upload by the name it was sent with, else its file name."""
    paths = df["path"].astype(str).str.replace("\\", "/", regex=False)
    names = paths.str.rsplit("/", n=1).str[-1]
    if "source" in df.columns:
        source = df["source"].astype("string")
        uploaded = source.str.startswith("upload:").fillna(False).astype(bool)
        sent = source.str.removeprefix("upload:").str.rsplit("/", n=1).str[-1]
        names = names.where(~uploaded, sent)  # an upload is named as it was sent
    return names


def _name_index(df: pd.DataFrame) -> _Index:
    """The name index of ``df``, built once per frame: the catalog hands out the same
    frame object until it changes."""
    with _INDEX_LOCK:
        cached = _INDEX.get(id(df))
        if cached is not None and cached[0]() is df:
            return cached[1]
    paths = df["path"].astype(str).str.replace("\\", "/", regex=False)
    names = _shown_names(df)
    lower = names.str.lower().tolist()
    stems = [_EXT_RE.sub("", n) for n in lower]
    by_name: dict[str, list[int]] = {}
    by_stem: dict[str, list[int]] = {}
    by_loose: dict[str, list[int]] = {}
    by_loose_stem: dict[str, list[int]] = {}
    for i, (n, st) in enumerate(zip(lower, stems, strict=True)):
        by_name.setdefault(n, []).append(i)
        by_stem.setdefault(st, []).append(i)
        by_loose.setdefault(_loose(n), []).append(i)
        by_loose_stem.setdefault(_loose(st), []).append(i)
    stem_array = np.array(stems, dtype=object)
    order = np.argsort(stem_array, kind="stable")
    index = _Index(
        ids=df["id"].astype(str).to_numpy(),
        names=names.astype(str).to_numpy(),
        stored=df["path"].astype(str).to_numpy(),
        paths=paths.str.lower(),
        by_name=by_name,
        by_stem=by_stem,
        by_loose=by_loose,
        by_loose_stem=by_loose_stem,
        stems=stem_array[order],
        order=order,
    )
    with _INDEX_LOCK:
        for key in [k for k, (ref, _) in _INDEX.items() if ref() is None]:
            del _INDEX[key]
        _INDEX[id(df)] = (weakref.ref(df), index)
    return index


_SEP_RE = re.compile("|".join(re.escape(s) for s in _SEPARATORS))
_LOOSE_RE = re.compile(r"[\s_-]+")
#: A file name with spaces ("Funk Loop 02.wav") is looked up from its last word back
#: over at most this many words.
MAX_NAME_WORDS = 6


def _loose(name: str) -> str:
    """``name`` lower-case with each run of spaces, ``_`` and ``-`` as one space: "Funk
    Loop 02.wav", "funk_loop_02.wav" and "funk-loop-02.wav" are one name."""
    return _LOOSE_RE.sub(" ", name.strip().lower())


def _tails(index: _Index) -> tuple[np.ndarray, np.ndarray]:
    """The stems' tails after each separator ("gritty_funk_03_97bpm_em" →
    "funk_03_97bpm_em", "03_97bpm_em", …), sorted, with their rows."""
    with _INDEX_LOCK:
        if index.tails is not None:
            return index.tails
    tails: list[str] = []
    rows: list[int] = []
    for pos, stem in enumerate(index.stems):
        for m in _SEP_RE.finditer(stem):
            if m.end() < len(stem):
                tails.append(stem[m.end() :])
                rows.append(int(index.order[pos]))
    tail_array = np.array(tails, dtype=object)
    order = np.argsort(tail_array, kind="stable")
    built = (tail_array[order], np.array(rows, dtype=np.int64)[order])
    with _INDEX_LOCK:
        index.tails = built
    return built


_PART_SPLIT_RE = re.compile(r"[\s_.-]+")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def _numbered(index: _Index) -> dict[tuple[str, int], list[int]]:
    """Each stem's number parts keyed by the run of up to ``MAX_NAME_WORDS - 1`` parts
    right before it ("gritty_funk_03_97bpm_em" → ("funk", 3), ("grittyfunk", 3))."""
    with _INDEX_LOCK:
        if index.numbered is not None:
            return index.numbered
    out: dict[tuple[str, int], list[int]] = {}
    for pos, stem in enumerate(index.stems):
        parts = [_NON_ALNUM_RE.sub("", p) for p in _PART_SPLIT_RE.split(str(stem))]
        for i, part in enumerate(parts):
            if not part.isdigit() or len(part) > 4:
                continue
            for j in range(max(0, i - (MAX_NAME_WORDS - 1)), i):
                key = "".join(parts[j:i])
                if key and not key.isdigit():
                    out.setdefault((key, int(part)), []).append(int(index.order[pos]))
    with _INDEX_LOCK:
        index.numbered = out
    return out


def _numbered_rows(index: _Index, words: Sequence[str], number: str) -> list[int]:
    """Rows whose stem has the parts ``words`` (run together, each a style's canonical
    name too: "boom bap", "dnb" for ``boombap``, ``drumandbass``) right before the number
    part ``number`` (compared as a number: "7" is ``07``)."""
    table = _numbered(index)
    said = " ".join(w.lower() for w in words)
    keys = [_NON_ALNUM_RE.sub("", said)]
    canonical = said
    for (a, b), genre in reversed(vocab.find_genres(said)):
        canonical = canonical[:a] + genre + canonical[b:]
    keys.append(_NON_ALNUM_RE.sub("", canonical))
    rows: list[int] = []
    for key in dict.fromkeys(keys):
        rows.extend(table.get((key, int(number)), []))
    return sorted(set(rows))


def _starting_with(keys: np.ndarray, rows: np.ndarray, word: str) -> list[int]:
    """Rows whose key is ``word`` or starts with ``word`` and a separator."""
    out: list[int] = []
    lo = int(np.searchsorted(keys, word, side="left"))
    hi = int(np.searchsorted(keys, word, side="right"))
    out.extend(int(r) for r in rows[lo:hi])
    for sep in _SEPARATORS:
        lo = int(np.searchsorted(keys, word + sep, side="left"))
        hi = int(np.searchsorted(keys, word + sep + "\U0010ffff", side="left"))
        out.extend(int(r) for r in rows[lo:hi])
    return out


def _rows(index: _Index, word: str) -> list[int]:
    w = word.lower().replace("\\", "/")
    if _EXT_RE.search(w):
        if "/" not in w:
            return index.by_name.get(w, [])
        mask = (index.paths == w) | index.paths.str.endswith("/" + w)
        return [int(i) for i in np.flatnonzero(mask.to_numpy(dtype=bool))]
    if w in index.by_stem:
        return index.by_stem[w]
    # the start of a stem ("gritty_funk" → gritty_funk_03_…, gritty_funk_09_…), else whole
    # parts inside one ("funk_03" → gritty_funk_03_97bpm_Em)
    rows = _starting_with(index.stems, index.order, w)
    if not rows:
        rows = _starting_with(*_tails(index), w)
    if not rows:
        # "raw_boombap_7": the number without its zeros ("raw_boombap_07_90bpm_Am")
        *head, last = _PART_SPLIT_RE.split(w)
        if head and last.isdigit():
            rows = _numbered_rows(index, head, last)
    return sorted(set(rows))


def _spaced_rows(
    index: _Index, text: str, all_words: Sequence[tuple[str, int, int]], i: int
) -> tuple[int, list[int]]:
    """A file name with spaces that ends with the word ``all_words[i]`` (an audio file
    name: "what key is Funk Loop 02.wav?" names ``Funk Loop 02.wav``, not ``02.wav``):
    the start of the longest run of words before it that, with it, is a file name (or,
    failing that, a stem under another audio extension), and its rows."""
    end = all_words[i][2]
    for back in range(min(i, MAX_NAME_WORDS - 1), -1, -1):
        start = all_words[i - back][1]
        rows = index.by_loose.get(_loose(text[start:end]))
        if rows:
            return start, rows
    # "funky_drummer_96.mp3" for the upload sent as funky_drummer_96.wav: the one file of
    # that stem (a stem several files share names none of them here)
    for back in range(min(i, MAX_NAME_WORDS - 1), -1, -1):
        start = all_words[i - back][1]
        rows = index.by_loose_stem.get(_loose(_EXT_RE.sub("", text[start:end])), [])
        if len({str(index.ids[r]) for r in rows}) == 1:
            return start, rows
    return all_words[i][1], []


# "raw boombap 7", "the boombap one 07", "gritty funk 03": a file named by words of its
# stem and its number, written with spaces. The number is one no tempo reads as (under
# 40, or written with a leading zero), with no unit after it ("funk 5 bpm faster").
_FILE_NUMBER_RE = re.compile(r"#?(?P<n>0\d{1,3}|[1-3]?\d)")
_NUMBER_UNIT_RE = re.compile(
    r"^\s*(?:bpm|%|percent|ms|bars?|beats?|semitones?|st|s|secs?|seconds?|mins?|minutes?"
    r"|x|times|of|or|to|and|-|/)\b",
    re.IGNORECASE,
)
#: Words that may stand between a file's name words and its number ("the boombap one 07").
_NUMBER_FILLERS = frozenset(("one", "loop", "file", "sample", "number", "no", "no.", "#"))
_NAME_PART_RE = re.compile(r"[a-z][a-z0-9&']*", re.IGNORECASE)


def _spaced_numbered(
    index: _Index, text: str, all_words: Sequence[tuple[str, int, int]]
) -> list[tuple[int, int, list[int]]]:
    """(start, end, rows) of each file named with spaces and its number: the longest run
    of up to ``MAX_NAME_WORDS - 1`` words right before the number (past a filler such as
    "one") that are the parts of a stem right before that number part."""
    out: list[tuple[int, int, list[int]]] = []
    for i, (word, _, end) in enumerate(all_words):
        m = _FILE_NUMBER_RE.fullmatch(word)
        if m is None or _NUMBER_UNIT_RE.match(text[end:]):
            continue
        k = i - 1
        while k >= 0 and all_words[k][0].lower() in _NUMBER_FILLERS:
            k -= 1
        names: list[tuple[str, int, int]] = []
        while k >= 0 and len(names) < MAX_NAME_WORDS - 1:
            w = all_words[k]
            if not _NAME_PART_RE.fullmatch(w[0]) or w[0].lower() in _NUMBER_FILLERS:
                break
            if k + 1 < len(all_words) and text[w[2] : all_words[k + 1][1]].strip():
                break  # punctuation between: not one name
            names.insert(0, w)
            k -= 1
        for first in range(len(names)):
            rows = _numbered_rows(index, [w for w, _, _ in names[first:]], m["n"])
            if rows:
                out.append((names[first][1], end, rows))
                break
    return out


def find_named_files(text: str, frame: Callable[[], pd.DataFrame]) -> list[NamedFile]:
    """Words of ``text`` that name catalog samples (see the module docstring), in order.
    A name written with spaces ("Funk Loop 02.wav") is found from its extension back.

    ``frame`` is called only when a word looks like a file name, so a turn without one
    never touches the catalog.
    """
    all_words = _words(text)
    words = [(i, w, s, e) for i, (w, s, e) in enumerate(all_words) if looks_like_file_name(w)]
    numbers = any(_FILE_NUMBER_RE.fullmatch(w) for w, _, _ in all_words[1:])
    if not words and not numbers:
        return []
    df = frame()
    if df.empty:
        return []
    index = _name_index(df)
    spans: list[tuple[int, int, list[int]]] = []
    for i, word, start, end in words:
        if spans and start < spans[-1][1]:
            continue  # a word inside the spaced name found before
        rows = _rows(index, word)
        if _EXT_RE.search(word) and "/" not in word and "\\" not in word:
            spaced_start, spaced = _spaced_rows(index, text, all_words, i)
            if spaced and (spaced_start < start or not rows):
                start, rows = spaced_start, spaced
        if rows:
            spans.append((start, end, rows))
    if numbers:
        spans.extend(
            (a, b, rows)
            for a, b, rows in _spaced_numbered(index, text, all_words)
            if not any(a < e and s < b for s, e, _ in spans)
        )
    found: list[NamedFile] = []
    for start, end, rows in sorted(spans, key=lambda x: x[0]):
        # one audio, one sample: the same id twice (a copy) counts once
        first = {str(index.ids[r]): r for r in reversed(rows)}
        ids = list(dict.fromkeys(str(index.ids[r]) for r in rows))
        found.append(
            NamedFile(
                phrase=text[start:end],
                start=start,
                end=end,
                ids=tuple(ids),
                names=tuple(str(index.names[first[i]]) for i in ids),
                paths=tuple(str(index.stored[first[i]]) for i in ids),
            )
        )
    return found


# "my boom bap beat", "the keys loop": a determiner, then words of a file's name
_DETERMINER_RE = re.compile(r"\b(?:my|our|the|that|this)\s+", re.IGNORECASE)
_DESCRIBED_RE = re.compile(r"[a-z0-9][\w'#-]*(?:[ \t_-]+[a-z0-9][\w'#-]*){0,5}", re.IGNORECASE)
_NAME_WORD_RE = re.compile(r"[a-z0-9]+")
#: Nouns that may follow a name without being part of it ("my boom bap loop" for
#: "boom bap beat.wav").
_TRAILING_NOUNS = frozenset(("one", "file", "sample", *vocab.SAMPLE_NOUNS))
_MANY_NOUNS = frozenset(vocab.plurals(*_TRAILING_NOUNS)) - _TRAILING_NOUNS


def _name_words(name: str) -> list[str]:
    return _NAME_WORD_RE.findall(_EXT_RE.sub("", name.lower()))


def _telling(words: Sequence[str]) -> bool:
    """Whether some of ``words`` say more than a style, mood, instrument or sample noun:
    "boom bap" alone is a genre ("the boom bap loops" is a search), "dusty keys" is not."""
    text = " ".join(words)
    for (a, b), _ in vocab.find_genres(text):
        text = text[:a] + " " * (b - a) + text[b:]
    vibes = set(vocab.find_vibes(text))
    return any(
        len(w) >= 3
        and w not in vibes
        and w not in _TRAILING_NOUNS
        and vocab.find_instrument(w) is None
        and not w.isdigit()
        for w in text.split()
    )


def find_described_files(
    text: str, candidates: Sequence[tuple[str, str]], *, taken: Sequence[tuple[int, int]] = ()
) -> list[NamedFile]:
    """The user's own files (``candidates``: sample id and the file name the user knows,
    as uploaded or attached) named in prose by words of that name: "my boom bap beat" for
    ``boom bap beat.wav``, "the keys loop" for ``keys loop.wav``, "my jam take" for
    ``my_jam_take.wav``. After "my", "our", "the", "that" or "this", the
    longest run of words that is a run of the name's words, in order: the whole name, or
    at least two of its words that say more than a style, mood or instrument ("the boom
    bap loops" is a search even with ``boom bap beat.wav`` uploaded). A noun such as
    "loop" or "beat" right after a part of the name belongs to the phrase. The phrase
    runs from the determiner; the longest match wins, a tie names nothing. Spans in
    ``taken`` (names already resolved) are skipped."""
    if not candidates:
        return []
    names = [(sid, name, _name_words(name)) for sid, name in candidates]
    found: list[NamedFile] = []
    for det in _DETERMINER_RE.finditer(text):
        m = _DESCRIBED_RE.match(text, det.end())
        if m is None or any(a < m.end() and det.start() < b for a, b in taken):
            continue
        tokens = list(re.finditer(r"[A-Za-z0-9]+", m.group(0)))
        said = [t.group(0).lower() for t in tokens]
        best: list[tuple[int, int, str, str]] = []  # (words matched, tokens spanned, id, name)
        for sid, name, words in names:
            n = len(words)
            if not n:
                continue
            k = 0
            for start in range(n):
                run = 0
                while run < len(said) and start + run < n and said[run] == words[start + run]:
                    run += 1
                k = max(k, run)
            if k == 0:
                continue
            whole = k == n
            if not whole and (k < 2 or not _telling(said[:k])):
                continue
            if k < len(said) and said[k] in _MANY_NOUNS:
                continue  # "the electro groove loops": a search, not electro groove.wav
            span = k + (1 if not whole and k < len(said) and said[k] in _TRAILING_NOUNS else 0)
            best.append((k, span, sid, name))
        if not best:
            continue
        top = max(b[0] for b in best)
        winners = {b[2]: b for b in best if b[0] == top}
        if len(winners) != 1:
            continue
        (k, span, sid, name) = next(iter(winners.values()))
        end = m.start() + tokens[span - 1].end()
        found.append(
            NamedFile(
                phrase=text[det.start() : end],
                start=det.start(),
                end=end,
                ids=(sid,),
                names=(name,),
                paths=(name,),
            )
        )
    return found


@dataclass(frozen=True)
class OwnSample:
    """A sample the user attached in this thread, with what they may call it by: words
    of its name, its instrument and genre, "waltz" (in 3/4), "break" (drums only)."""

    id: str
    name: str
    instruments: frozenset[str] = frozenset()
    genres: frozenset[str] = frozenset()
    meter: int | None = None
    drums: bool = False
    swing: float | None = None
    called: frozenset[str] = frozenset()
    """What the user called it when they sent it ("then the pad", "the keys loop, 1st of
    2"): :func:`sent_as_roles`."""

    @functools.cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(_name_words(self.name))

    def called_so(self, word: str) -> bool:
        """Whether the user called this sample ``word`` when they sent it, or a word for
        the same instrument ("the drums" for one sent as "the drum loop")."""
        if not self.called:
            return False
        if word in self.called:
            return True
        if word in _DRUMS_ONLY_WORDS and self.called & _DRUMS_ONLY_WORDS:
            return True
        instrument = _role_instrument(word)
        return instrument is not None and any(
            _role_instrument(c) == instrument for c in self.called
        )

    def fits(self, word: str) -> bool:
        """Whether ``word`` says something true of this sample: a word of its name (or
        the start of one: "funk" for ``funky_drummer.wav``), its instrument ("keys",
        "rhodes"), its genre, "waltz" for a loop in 3/4, "break" or "drums" for drums
        only."""
        if word in self.words or (len(word) >= 4 and any(w.startswith(word) for w in self.words)):
            return True
        if self.called_so(word):
            return True
        if word == "808":
            return "bass" in self.instruments
        instrument = vocab.find_instrument(word) or vocab.find_instrument(f"{word} loop")
        if instrument is not None and instrument in self.instruments:
            return True
        if any(g in self.genres for _, g in vocab.find_genres(word)):
            return True
        if word in _TRIPLE_METER_WORDS:
            return self.meter == 3
        if word in vocab.METER_SIGNATURES:
            return bool(vocab.meter_reads_as(word, self.meter, self.swing))
        if word in _SWUNG_WORDS or word in _STRAIGHT_WORDS:
            return self.swing is not None and (
                self.swing >= CALLED_SWUNG
                if word in _SWUNG_WORDS
                else self.swing <= vocab.STRAIGHT_RANGE[1]
            )
        return word in _DRUMS_ONLY_WORDS and self.drums


_TRIPLE_METER_WORDS = frozenset(vocab.TRIPLE_METER_WORDS)
_DRUMS_ONLY_WORDS = frozenset(vocab.DRUMS_ONLY_WORDS)
_SWUNG_WORDS = frozenset(("swung", "swingy", "swinging", "shuffled", "shuffly"))
#: The swing (%) from which a sample of the thread is "the swung one": clearly swung, a
#: point above the floor of a search for swung loops (vocab.SWUNG_RANGE, 55 %), so a
#: lightly swung 55 % upload is not "swung" beside a question about another one
CALLED_SWUNG = 56.0
_STRAIGHT_WORDS = frozenset(("straight",))
#: What a user may call a sample as they send it, beside instruments: a piece of theirs
#: ("my riff", "the waltz"), drums only ("the break"), a take of a recording.
_ROLE_NOUNS = frozenset(
    (*vocab.OWN_PIECE_NOUNS, *_TRIPLE_METER_WORDS, *_DRUMS_ONLY_WORDS, "808")
) - frozenset(("tune", "song", "recording", "sketch", "stem", "jam"))


def _role_instrument(word: str) -> str | None:
    """The instrument a role word names ("keys", "rhodes", "808", "pad"), if any."""
    if word == "808":
        return "bass"
    found = vocab.find_instrument(word) or vocab.find_instrument(f"{word} loop")
    return found if found not in (None, "mix") else None


_ROLE_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9-]*", re.IGNORECASE)
# what follows a role word that makes it no name for the file sent: "the drums on it",
# "a pad for this", "drums like these"; and a role asked for, not given ("find a pad")
_NOT_A_ROLE_AFTER_RE = re.compile(
    r"\s+(?:for|like|on|under|over|with|to|that|which|from)\b", re.IGNORECASE
)
_NOT_A_ROLE_BEFORE_RE = re.compile(
    r"\b(?:find|get|need|want|fit|fits|match|matches|under|over|with|for|against|"
    r"some|any)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


def _roles_in(text: str) -> list[str]:
    """The words of ``text`` that say what a file sent with it is ("uploading my 808
    first", "then the pad", "2nd, the drum loop", "this ride pattern"), in order, each
    role once: instruments, drums, pieces ("riff", "waltz")."""
    found: list[str] = []
    for m in _ROLE_TOKEN_RE.finditer(text):
        word = m.group(0).lower()
        if word not in _ROLE_NOUNS and _role_instrument(word) is None:
            continue
        if _NOT_A_ROLE_BEFORE_RE.search(text[max(0, m.start() - 24) : m.start()]):
            continue
        if _NOT_A_ROLE_AFTER_RE.match(text, m.end()):
            continue
        if any(_same_role(word, f) for f in found):
            continue
        found.append(word)
    return found


def _same_role(a: str, b: str) -> bool:
    if a == b or (a in _DRUMS_ONLY_WORDS and b in _DRUMS_ONLY_WORDS):
        return True
    ia = _role_instrument(a)
    return ia is not None and ia == _role_instrument(b)


def sent_as_roles(turns: Sequence[tuple[str, Sequence[str]]]) -> dict[str, frozenset[str]]:
    """What the user called each sample they sent, from the thread's turns (each turn's
    text and the samples attached to it, in order): one file sent with one role word
    ("then the pad") is that; several files sent with as many role words in one message
    ("first the drums, then the pad") are those, in order; role words said with no file
    ("I'll send the drums, then the pad") name the files sent next without any."""
    out: dict[str, set[str]] = {}
    announced: list[str] = []
    for text, samples in turns:
        roles = _roles_in(text)
        ids = list(dict.fromkeys(samples))
        if not ids:
            announced = roles if len(roles) >= 1 else announced
            continue
        if not roles and announced:
            roles, announced = announced[: len(ids)], announced[len(ids) :]
            if len(roles) != len(ids):
                continue
        else:
            announced = []
        if len(roles) == len(ids):
            for sid, role in zip(ids, roles, strict=True):
                out.setdefault(sid, set()).add(role)
    return {sid: frozenset(r) for sid, r in out.items()}


#: Nouns that end a description of a sample: the plain ones ("loop", "one") and the ones
#: that may also say which sample ("my waltz": the one in 3/4; "my break").
_TELLING_NOUNS = frozenset((*vocab.OWN_PIECE_NOUNS, *vocab.DRUMS_ONLY_WORDS))
_GENERIC_NOUNS = frozenset((*vocab.PLAIN_SAMPLE_NOUNS, *_TELLING_NOUNS))
# Where a sample stands in the order the user sent theirs: "my first loop", "my second
# one", "my latest loop", "the one I sent before" (before the latest).
_ORDER_WORDS: dict[str, int] = {
    **{w: r for w, r in vocab.ORDINALS.items() if " " not in w and w not in ("top", "bottom")},
    **vocab.SENT_ORDER_WORDS,
}
_SENT_RE = re.compile(
    rf"\b(?:the|that)\s+(?:(?P<ord>{vocab.alternation(_ORDER_WORDS)})\s+)?"
    rf"(?:{vocab.alternation((*vocab.PLAIN_SAMPLE_NOUNS, *vocab.DRUMS_ONLY_WORDS))})"
    rf"\s+(?:(?:that|which)\s+)?(?:i|we)\s+(?:just\s+)?(?:{vocab.alternation(vocab.SEND_VERBS)})"
    r"(?:\s+(?:you|u))?(?:\s+(?P<when>just\s+now|at\s+first|"
    rf"{vocab.alternation(_ORDER_WORDS)}))?\b",
    re.IGNORECASE,
)
_MY_RE = re.compile(r"\b(?:my|our)\s+(?:own\s+)?", re.IGNORECASE)
_THE_RE = re.compile(r"\bthe\s+", re.IGNORECASE)
_TOKEN_RE = re.compile(r"[2-9]/[48]\b|1[0-2]/[48]\b|[a-z0-9][a-z0-9'#]*", re.IGNORECASE)


# What may not follow a sample named without a noun: more of a noun phrase ("the pad
# sounds in my library", "the keys of …"), so "the pad" alone is no name there
_NOT_AFTER_BARE_NAME_RE = re.compile(
    rf"\s+(?:of|ones|sounds|patch(?:es)?|presets?|{vocab.alternation(vocab.plurals(*vocab.SAMPLE_NOUNS))}|"
    rf"{vocab.alternation(vocab.PLAIN_SAMPLE_NOUNS)})\b",
    re.IGNORECASE,
)
# Words that name what a sample measures, not the sample: "the key", "the tempo"
_MEASURE_WORDS = frozenset(
    ("key", "keys", "tempo", "bpm", "swing", "groove", "feel", "pocket", "time", "meter", "mix")
)


def _bare_name(
    text: str, at: int, end: int, said: Sequence[str], earlier: Sequence[OwnSample]
) -> bool:
    """Whether ``said`` (the words after "the" up to ``end``) name one of the user's
    samples without a noun after them: "the pad" for ``warm_pad_loop.wav`` or a loop
    whose analysis says pad. The words must be of its name (three letters or more) or
    its instrument, not only a style or mood ("the funk" is the style), no word of what
    a sample measures ("the key"), and no more of a noun phrase may follow ("the pad
    sounds", "the pad of …")."""
    if not said or any(
        w in _MEASURE_WORDS and not any(w in o.called for o in earlier) for w in said
    ):
        return False  # ("the keys" is a file the user sent as "the keys")
    if _NOT_AFTER_BARE_NAME_RE.match(text, end):
        return False
    return any(
        all(
            (len(w) >= 3 and w in o.words)
            or o.called_so(w)
            or (
                (i := vocab.find_instrument(w)) is not None
                and i in o.instruments
                and not w.isdigit()
            )
            for w in said
        )
        for o in earlier
    )


def _by_rank(own: Sequence[OwnSample], rank: int) -> OwnSample | None:
    if 1 <= rank <= len(own):
        return own[rank - 1]
    if rank < 0 and -rank <= len(own):
        return own[rank]
    return None


def _own_phrase(
    text: str, at: int, own: Sequence[OwnSample], *, earlier: Sequence[OwnSample], noun: bool
) -> tuple[int, OwnSample] | None:
    """The own sample the words from ``at`` describe ("keys loop", "waltz", "first
    one", "funk break"), and where the description ends. Words run while each fits one
    of ``earlier`` (the samples sent before this turn), after an optional order word; a
    noun ("loop", "one") ends it, and itself describes when it fits ("waltz", "break").
    ``noun``: the description must end with such a noun."""
    rank = 0
    said: list[str] = []
    last: str | None = None  # the noun that ended the phrase
    end = at
    for m in _TOKEN_RE.finditer(text, at):
        if text[end : m.start()].strip():
            break  # punctuation: the phrase is over
        word = m.group(0).lower()
        # "the pad's 125", "my waltz's tempo": the name ends before the "'s"
        owned = word.endswith("'s") and len(word) > 2
        word, stop = (word[:-2], m.end() - 2) if owned else (word, m.end())
        if not said and not rank and word in _ORDER_WORDS and not owned:
            rank, end = _ORDER_WORDS[word], stop
        elif word in _GENERIC_NOUNS:
            last, end = word, stop
            break
        elif len(said) < 3 and any(o.fits(word) for o in earlier):
            said.append(word)
            end = stop
            if owned:
                break
        else:
            break
    if noun and rank:
        return None  # "the first one" is a listed hit's rank, not the order sent
    if noun and last is None and not _bare_name(text, at, end, said, earlier):
        return None  # "the funk loops", "the keys of …": no sample of theirs
    readings = [said]
    if last in _TELLING_NOUNS and any(o.fits(last) for o in earlier):
        readings.insert(0, [*said, last])  # "my waltz", "my break": the noun may say which
    for words in readings:
        if rank:
            pool = [o for o in own if all(o.fits(w) for w in words)]
            chosen = _by_rank(pool, rank)
            if chosen is not None:
                return end, chosen
        elif words:
            fitting = [o for o in earlier if all(o.fits(w) for w in words)]
            if len(fitting) == 1:
                return end, fitting[0]
    return None


def _sole_own_phrase(text: str, at: int, sample: OwnSample) -> tuple[int, OwnSample] | None:
    """Where "keys loop" (after "my", from ``at``) ends when it is a few words and a
    plain sample noun ("loop", "one", "beat"): the user's name for ``sample``."""
    end, words = at, 0
    for m in _TOKEN_RE.finditer(text, at):
        if text[end : m.start()].strip() or words > 3:
            return None
        word = m.group(0).lower()
        if word in vocab.PLAIN_SAMPLE_NOUNS:
            return (m.end(), sample) if words else None
        if word in _ORDER_WORDS or word.isdigit():
            return None
        words, end = words + 1, m.end()
    return None


#: Instruments with nothing pitched: a drums-only sample may be one of these
_UNPITCHED_ROLES = frozenset((*vocab.DRUM_KIT, *vocab.UNPITCHED_INSTRUMENTS, "drums"))


def _sole_pitched(text: str, at: int, own: Sequence[OwnSample]) -> OwnSample | None:
    """The one sample of ``own`` that the words from ``at`` ("keys loop", "rhodes one")
    may describe when they name a pitched instrument: the only one that is not drums
    only and whose analysis names no other instrument; ``None`` when the words name no
    pitched instrument, or several samples (or none) could be it."""
    said: list[str] = []
    end = at
    for m in _TOKEN_RE.finditer(text, at):
        word = m.group(0).lower()
        if text[end : m.start()].strip() or word in vocab.PLAIN_SAMPLE_NOUNS:
            break
        said.append(word)
        end = m.end()
        if len(said) > 3:
            return None
    kinds = {_role_instrument(w) for w in said}
    if not said or None in kinds or kinds & _UNPITCHED_ROLES:
        return None
    fitting = [o for o in own if not o.drums and (not o.instruments or o.instruments & kinds)]
    return fitting[0] if len(fitting) == 1 else None


def find_own_refs(
    text: str,
    own: Sequence[OwnSample],
    *,
    attached: Sequence[str] = (),
    taken: Sequence[tuple[int, int]] = (),
    the_too: bool = True,
    shown: Sequence[OwnSample] = (),
) -> list[NamedFile]:
    """The user's samples of this thread (``own``, in the order they were sent; the
    ones ``attached`` to this turn last) that ``text`` points at by what they are or
    when they were sent: "my keys loop" (its instrument), "my waltz" (in 3/4 or named
    so), "my funk break", "my first loop", "my second one", "the one I sent before"
    (the one before the latest), "the loop I uploaded first". A description that fits
    several of them, or none, names nothing (the understanding's own rules read "my
    loop" then). ``the_too``: "the keys loop", "the funk one" count too (not while a
    list of results is shown: there they name listed hits). ``shown``: the results
    listed now; "the break" names a sample of the user's only when no listed result is
    one ("the funk one" under a list of funk loops is a listed hit). Spans in ``taken``
    are skipped."""
    if not own:
        return []
    earlier = [o for o in own if o.id not in set(attached)]
    found: list[NamedFile] = []

    def add(start: int, end: int, sample: OwnSample) -> None:
        if any(a < end and start < b for a, b in [*taken, *((f.start, f.end) for f in found)]):
            return
        found.append(
            NamedFile(
                phrase=text[start:end],
                start=start,
                end=end,
                ids=(sample.id,),
                names=(sample.name,),
                paths=(sample.name,),
            )
        )

    for sample in own:
        if len(sample.words) >= 2:
            # its whole name without the extension, spaces for separators: "how swung is
            # funk loop 02" for ``Funk Loop 02.wav``
            stem = r"[\s_-]+".join(re.escape(w) for w in sample.words)
            for m in re.finditer(rf"(?<![\w-]){stem}(?![\w-])", text, re.IGNORECASE):
                add(m.start(), m.end(), sample)
    for m in _SENT_RE.finditer(text):
        rank = _ORDER_WORDS.get((m["ord"] or "").lower(), 0)
        when = re.sub(r"\s+", " ", (m["when"] or "").lower())
        rank = rank or _ORDER_WORDS.get(when.removeprefix("at "), 0) or -1
        sent = _by_rank(own, rank)
        if sent is not None:
            add(m.start(), m.end(), sent)
    for rx, noun in ((_MY_RE, False), *(((_THE_RE, True),) if the_too else ())):
        for m in rx.finditer(text):
            got = _own_phrase(text, m.end(), own, earlier=earlier, noun=noun)
            if got is None and not noun and len(own) == 1:
                # one sample of theirs in the thread: "my keys loop" is the user's name for
                # it, whatever its name or analysis says (as with "my waltz")
                got = _sole_own_phrase(text, m.end(), own[0])
            if got is None and not noun:
                # "my keys loop" beside a break: a pitched instrument is no drums-only
                # sample, so the one sample of theirs that is not drums only is it
                pitched = _sole_pitched(text, m.end(), earlier)
                got = None if pitched is None else _sole_own_phrase(text, m.end(), pitched)
            if got is None:
                continue
            words = [w.lower() for w in _TOKEN_RE.findall(text[m.end() : got[0]])]
            if (
                noun
                and any(all(h.fits(w) for w in words) for h in shown)
                and not all(got[1].called_so(w) for w in words)
            ):
                # a listed result is that too: "the funk one" is one of those (not when
                # the user called their file so as they sent it: "then the pad")
                continue
            add(m.start(), got[0], got[1])
    return sorted(found, key=lambda f: f.start)


def describes_one_of(phrase: str, samples: Sequence[OwnSample]) -> bool:
    """Whether ``phrase`` ("my keys loop", "the pad") says only what one of ``samples``
    is: every word after its determiner, but the sample nouns, fits one of them. A
    file of the wider library that such words also describe is not the one meant."""
    words = [w.lower() for w in _TOKEN_RE.findall(_DETERMINER_RE.sub("", phrase, count=1))]
    words = [w for w in words if w not in _GENERIC_NOUNS and w not in _TRAILING_NOUNS]
    return bool(words) and any(all(o.fits(w) for w in words) for o in samples)


def may_describe(text: str) -> bool:
    """Whether ``text`` has a determiner a described file name could follow (the catalog
    is not read for a turn without one)."""
    return _DETERMINER_RE.search(text) is not None


def own_files(df: pd.DataFrame, ids: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The files of ``df`` that are the user's own, as (sample id, the name the user
    knows): every upload (by the name it was sent with) and the samples ``ids`` (attached
    in the thread, by file name)."""
    if df.empty:
        return []
    mask = pd.Series(False, index=df.index)
    if "source" in df.columns:
        mask |= df["source"].astype("string").str.startswith("upload:").fillna(False).astype(bool)
    if ids:
        mask |= df["id"].astype(str).isin(list(ids))
    rows = df[mask]
    if rows.empty:
        return []
    shown = _shown_names(rows)
    return list(dict.fromkeys(zip(rows["id"].astype(str), shown.astype(str), strict=True)))


def _cell(row: Mapping[str, Any] | None, column: str) -> Any:
    value = None if row is None else row.get(column)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def own_samples(
    df: pd.DataFrame,
    ids: Sequence[str],
    analyses: Mapping[str, Analysis],
    roles: Mapping[str, frozenset[str]] | None = None,
) -> list[OwnSample]:
    """The samples ``ids`` (attached in the thread, in order) as :class:`OwnSample`: the
    name the user knows each by, and what its analysis (this thread's, else the
    catalog's) and tags say it is, and what the user called it as they sent it
    (``roles``: :func:`sent_as_roles`). An id neither knows is left out."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    rows: dict[str, dict[str, Any]] = {}
    if not df.empty:
        mine = df[df["id"].astype(str).isin(ids)]
        shown = _shown_names(mine) if not mine.empty else pd.Series(dtype=object)
        records = mine.to_dict("records")
        for record, name in zip(records, shown, strict=True):
            rows.setdefault(
                str(record["id"]), {**{str(k): v for k, v in record.items()}, "shown": str(name)}
            )
    out: list[OwnSample] = []
    for sid in ids:
        row: Mapping[str, Any] | None = rows.get(sid)
        a = analyses.get(sid)
        if row is None and a is None:
            continue
        name = str(_cell(row, "shown") or (a.file if a else sid)).replace("\\", "/")
        name = name.rsplit("/", 1)[-1]
        instruments = {
            i
            for i in (
                a.instrument if a else None,
                _cell(row, "instrument"),
                vocab.find_instrument(" ".join(_name_words(name))),
            )
            if isinstance(i, str) and i and i != "mix"
        }
        genres = {g for _, g in vocab.find_genres(" ".join(_name_words(name)))}
        if isinstance(tag := _cell(row, "genre"), str):
            genres.add(tag.lower())
        meter = (a.meter if a else None) or _cell(row, "meter")
        key = a.key if a else _cell(row, "key")
        kind = (a.kind if a else None) or _cell(row, "kind") or "loop"
        out.append(
            OwnSample(
                id=sid,
                name=name,
                instruments=frozenset(instruments),
                genres=frozenset(genres),
                meter=int(meter) if meter else None,
                drums=kind == "loop" and (not key or "drums" in instruments),
                swing=_swing_of(a, row) if kind == "loop" else None,
                called=(roles or {}).get(sid, frozenset()),
            )
        )
    return out


def _swing_of(a: Analysis | None, row: Mapping[str, Any] | None) -> float | None:
    value = (a.swing_percent if a is not None else None) or _cell(row, "swing_percent")
    return float(value) if value else None


# What a description of a sample of the user's says that its analysis can check: its
# meter ("waltz", "3/4"), its swing ("swung", "straight"), an 808; the nouns that may end
# it. Drums words are left out: a break's analysis may read a key from its drums.
_CHECKED_WORDS = frozenset((*_TRIPLE_METER_WORDS, *_SWUNG_WORDS, *_STRAIGHT_WORDS, "808"))
_DESCRIPTION_NOUNS = frozenset(
    (*vocab.PLAIN_SAMPLE_NOUNS, *_DRUMS_ONLY_WORDS, "waltz", "riff", "shuffle")
)


def unfit_own_refs(
    text: str, own: Sequence[OwnSample], *, attached: Sequence[str] = (), the_too: bool = True
) -> list[str]:
    """Descriptions of a sample of the user's ("my waltz", "the 3/4 one", "the swung
    break", "my 808") that none of the samples they sent before this turn (``own``, less
    ``attached``) fits by what its analysis or name says: a loop in 3/4, swung (or
    straight), an 808. Such a phrase names none of them, and no other sample should be
    answered about in its place. With one sample sent before, the phrase is the user's
    name for it: nothing is unfit. ``the_too``: "the ..." counts too (not while a list of
    results is shown: there it names a listed hit)."""
    earlier = [o for o in own if o.id not in set(attached)]
    if len(earlier) < 2:
        # one file sent before: "my waltz" is the user's name for it, whatever its
        # analysis reads (a misread meter is likelier than a file never sent)
        return []
    out: list[str] = []
    for rx in (_MY_RE, *((_THE_RE,) if the_too else ())):
        for m in rx.finditer(text):
            words: list[str] = []
            end = m.end()
            noun = False
            for t in _TOKEN_RE.finditer(text, m.end()):
                if text[end : t.start()].strip():
                    break
                word = t.group(0).lower().removesuffix("'s")
                if word in _CHECKED_WORDS or word in vocab.METER_SIGNATURES:
                    words.append(word)
                    end = t.end()
                    noun = word in ("waltz", "808")
                elif word in _DESCRIPTION_NOUNS or vocab.find_instrument(word) is not None:
                    end = t.end()
                    noun = True
                    if word in _DESCRIPTION_NOUNS:
                        break
                else:
                    break
            if not words or (rx is _THE_RE and not noun):
                continue  # "the swung" alone is no name of a sample
            if not any(all(o.fits(w) for w in words) for o in earlier):
                out.append(text[m.start() : end])
    return list(dict.fromkeys(out))


def shown_samples(hits: Sequence[CatalogHit]) -> list[OwnSample]:
    """Listed results as :class:`OwnSample` (what "the funk one", "the break" would say
    of them), for :func:`find_own_refs`'s ``shown``."""
    out = []
    for h in hits:
        name = h.path.replace("\\", "/").rsplit("/", 1)[-1]
        instruments = {
            i
            for i in (h.instrument, vocab.find_instrument(" ".join(_name_words(name))))
            if isinstance(i, str) and i and i != "mix"
        }
        genres = {g for _, g in vocab.find_genres(" ".join(_name_words(name)))}
        if h.tags.genre:
            genres.add(h.tags.genre.lower())
        out.append(
            OwnSample(
                id=h.sample_id,
                name=name,
                instruments=frozenset(instruments),
                genres=frozenset(genres),
                drums=h.kind != "one_shot" and (not h.key or "drums" in instruments),
            )
        )
    return out


def with_ids(text: str, chosen: Sequence[tuple[NamedFile, str]]) -> str:
    """``text`` with each chosen name replaced by ``sample <id>`` (an inline sample id)."""
    out = text
    for named, sample_id in sorted(chosen, key=lambda c: -c[0].start):
        out = out[: named.start] + f"sample {sample_id}" + out[named.end :]
    return out


_RANK_RE = re.compile(
    rf"^(?:the\s+|number\s+|#\s*)?(?P<rank>\d+|{vocab.alternation(tuple(vocab.ORDINALS))}"
    rf"|{vocab.alternation(tuple(vocab.COUNT_WORDS))})\b",
    re.IGNORECASE,
)


_BARE_RANK_RE = re.compile(
    rf"^(?:(?:the|number|no\.?|option|choice|#)\s*)?(?:\d+|{vocab.alternation(tuple(vocab.ORDINALS))}"
    rf"|{vocab.alternation(tuple(vocab.COUNT_WORDS))})(?:\s+(?:one|file|please|pls))?\s*[.!)]?$",
    re.IGNORECASE,
)


def replies_to(question: Mapping[str, Any], reply: str) -> bool:
    """Whether ``reply``, sent as a new message while the thread waits on ``question``
    (the value of a pending interrupt), is the answer to it. To "which file? 1, 2 or 3"
    (``choose_sample``): a number or rank on its own ("3", "#2", "the second one"; one
    out of range too, so the answer can say it picks nothing) or an offered name or id;
    to any other question (a yes/no): a short reply of at most four words. Anything
    else is a new request, read as one."""
    text = reply.strip()
    if not text:
        return False
    if question.get("type") == "choose_sample":
        if _BARE_RANK_RE.match(text):
            return True
        low = text.lower().rstrip(".!")
        for option in question.get("options") or ():
            name = str(option.get("name") or "").lower()
            if low and low in (str(option.get("id") or "").lower(), name, _EXT_RE.sub("", name)):
                return True
        return False
    return len(text.split()) <= 4


#: How each specialist asks which file a phrase means, when it is the one that asks.
_WHICH_FOR: dict[str, str] = {
    "groove": "Which one should I analyse?",
    "compatibility": "Which one should I check?",
    "discovery": "Which one should I search around?",
    "era": "Which one do you mean?",
}


def which_question(ask: Mapping[str, Any], asker: str | None) -> dict[str, Any]:
    """The "which one?" interrupt value for a phrase that fits several samples, in the
    words of the specialist that asks (``None``: the supervisor's plain "Which one?")."""
    offered = [(str(o["id"]), str(o["name"])) for o in ask["options"]]
    more = int(ask["total"]) - len(offered)
    options = "; ".join(f"{n}. {label} [{sid}]" for n, (sid, label) in enumerate(offered, 1))
    which = _WHICH_FOR.get(asker or "", "Which one?")
    return {
        "type": "choose_sample",
        "question": f'"{ask["phrase"]}" fits {ask["total"]} {ask["among"]}: '
        + options
        + (f" (and {more} more)" if more else "")
        + f". {which} (a number or the file name)",
        "phrase": ask["phrase"],
        "options": list(ask["options"]),
        **({"asked_by": asker} if asker else {}),
    }


def answers_pending(questions: Sequence[Any], reply: str) -> bool:
    """Whether a message with no sample attached, sent while the thread waits on
    ``questions`` (the values of its pending interrupts), answers them all
    (:func:`replies_to`), so it resumes the run rather than starting a turn. The server's
    chat routes and the evaluation harness both go by this."""
    return bool(questions) and all(
        isinstance(q, Mapping) and replies_to(q, reply) for q in questions
    )


_PADDED_NUMBER_RE = re.compile(
    r"(?:the\s+|number\s+|#\s*)?(0\d{1,3})(?:\s+(?:one|file|please|pls))?\s*[.!)]?",
    re.IGNORECASE,
)


def pick(named: NamedFile, answer: object, labels: Sequence[str] | None = None) -> str | None:
    """The sample id the user chose among ``named``'s candidates (as offered, ``labels``
    in the order of ``named.ids``; default their file names): a number written with its
    zeros that one file name has as a part ("the 03" for ``gritty_funk_03_…``), a number
    or rank ("2", "#2", "the second one", "last"), an id, a label or file name, or a word only one
    label contains. ``None`` when the answer picks none or several."""
    text = str(answer or "").strip()
    if not text:
        return None
    shown = list(zip(named.ids, labels or named.names, strict=True))[:MAX_CHOICES]
    if m := _PADDED_NUMBER_RE.fullmatch(text):
        # "03", "the 03 one": a number written with its zeros is the file's number part
        # ("gritty_funk_03_…"), not the third option, when one offered file has it
        number = int(m.group(1))
        by_part = [
            sid
            for sid, label in shown
            if any(
                p.isdigit() and int(p) == number
                for p in _PART_SPLIT_RE.split(_EXT_RE.sub("", label.rsplit("/", 1)[-1]))
            )
        ]
        if len(by_part) == 1:
            return by_part[0]
    if m := _RANK_RE.match(text):
        token = m.group("rank")
        rank = int(token) if token.isdigit() else vocab.ordinal_rank(token)
        if 1 <= rank <= len(shown):
            return shown[rank - 1][0]
        if rank < 0 and -rank <= len(shown):
            return shown[rank][0]
    low = text.lower()
    for sample_id, label in shown:
        if low in (sample_id.lower(), label.lower(), _EXT_RE.sub("", label.lower())):
            return sample_id
    hits = [sid for sid, label in shown if low in label.lower()]
    return hits[0] if len(hits) == 1 else None
