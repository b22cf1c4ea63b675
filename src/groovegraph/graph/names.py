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
  ``gritty_funk_03_97bpm_Em.wav``, not ``…_funk_030_…``).

One row: the name is that sample. Several: the supervisor asks which
(:func:`pick`). None: the word is left alone (a path that is not in the library is
reported by the tools as before). :func:`with_ids` writes ``sample <id>`` in place of
each resolved name, so the understanding reads a named file like an inline sample id.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from groovegraph.graph.parser import AUDIO_EXTENSIONS
from groovegraph.tools import vocab

__all__ = [
    "NamedFile",
    "find_described_files",
    "find_named_files",
    "looks_like_file_name",
    "may_describe",
    "own_files",
    "pick",
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
    stems: np.ndarray  # lower-case stems, sorted (prefix look-ups by bisection)
    order: np.ndarray  # row of each sorted stem
    tails: tuple[np.ndarray, np.ndarray] | None = None
    """Every stem's tails after a separator, sorted, and the row of each: whole-part
    look-ups inside a stem ("funk_03"), built on first use."""


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
    for i, (n, st) in enumerate(zip(lower, stems, strict=True)):
        by_name.setdefault(n, []).append(i)
        by_stem.setdefault(st, []).append(i)
    stem_array = np.array(stems, dtype=object)
    order = np.argsort(stem_array, kind="stable")
    index = _Index(
        ids=df["id"].astype(str).to_numpy(),
        names=names.astype(str).to_numpy(),
        stored=df["path"].astype(str).to_numpy(),
        paths=paths.str.lower(),
        by_name=by_name,
        by_stem=by_stem,
        stems=stem_array[order],
        order=order,
    )
    with _INDEX_LOCK:
        for key in [k for k, (ref, _) in _INDEX.items() if ref() is None]:
            del _INDEX[key]
        _INDEX[id(df)] = (weakref.ref(df), index)
    return index


_SEP_RE = re.compile("|".join(re.escape(s) for s in _SEPARATORS))


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
    return sorted(set(rows))


def find_named_files(text: str, frame: Callable[[], pd.DataFrame]) -> list[NamedFile]:
    """Words of ``text`` that name catalog samples (see the module docstring), in order.

    ``frame`` is called only when a word looks like a file name, so a turn without one
    never touches the catalog.
    """
    words = [(w, s, e) for w, s, e in _words(text) if looks_like_file_name(w)]
    if not words:
        return []
    df = frame()
    if df.empty:
        return []
    index = _name_index(df)
    found: list[NamedFile] = []
    for word, start, end in words:
        rows = _rows(index, word)
        if not rows:
            continue
        # one audio, one sample: the same id twice (a copy) counts once
        first = {str(index.ids[r]): r for r in reversed(rows)}
        ids = list(dict.fromkeys(str(index.ids[r]) for r in rows))
        found.append(
            NamedFile(
                phrase=word,
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


def pick(named: NamedFile, answer: object, labels: Sequence[str] | None = None) -> str | None:
    """The sample id the user chose among ``named``'s candidates (as offered, ``labels``
    in the order of ``named.ids``; default their file names): a number or rank ("2",
    "#2", "the second one", "last"), an id, a label or file name, or a word only one
    label contains. ``None`` when the answer picks none or several."""
    text = str(answer or "").strip()
    if not text:
        return None
    shown = list(zip(named.ids, labels or named.names, strict=True))[:MAX_CHOICES]
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
