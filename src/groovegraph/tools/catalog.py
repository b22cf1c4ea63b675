"""Catalog queries over a pandas DataFrame of samples (one row per analysed file).

The graph never talks to a database: it asks a :class:`SampleSource` for a DataFrame and
runs :func:`search` and :func:`stats_by` on it. :class:`~groovegraph.persistence.catalog_store.CatalogStore`
is the real source; :class:`FrameSource` wraps any DataFrame (tests, evals, Studio).

Frame layout (:data:`FRAME_COLUMNS`): ``id, owner, path, sha256, size_bytes, mtime,
status, genre, era, vibe, instrument, source`` and every scalar analysis field
(``tempo_bpm``, ``swing_percent``, ``key``, ``camelot`` …; no ``beats_s``). :func:`prepare_frame`
adds the private helper columns the queries use (``_cam`` Camelot index, ``_genre``/``_era``
normalised categories, …) so that a 100 000-row search is a handful of vectorised masks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from groovegraph.state import (
    ANALYSIS_FIELDS,
    Analysis,
    CatalogHit,
    CatalogQuery,
    SampleRecord,
    SampleTags,
)
from groovegraph.tools.errors import InvalidQueryError, NotFoundError
from groovegraph.tools.harmony import (
    CAMELOT_CODES,
    MIXES_MIN_SCORE,
    camelot_score_matrix,
    key_relation,
    note_compatibility,
)
from groovegraph.tools.keys import ALL_KEYS, Key, parse_key, parse_note
from groovegraph.tools.vocab import GENRE_ALIASES, GENRES

__all__ = [
    "ALL_TAG_FIELDS",
    "FRAME_COLUMNS",
    "SCALAR_ANALYSIS_FIELDS",
    "TAG_FIELDS",
    "FrameSource",
    "SampleSource",
    "at_tempo",
    "canonical_instrument",
    "check_genre",
    "concat_frames",
    "empty_frame",
    "meter_filter",
    "normalize_era",
    "normalize_tag",
    "parse_span",
    "prepare_frame",
    "record_from_row",
    "records_to_frame",
    "search",
    "stats_by",
]

#: Free-text tags a user filters and groups on.
TAG_FIELDS: tuple[str, ...] = ("genre", "era", "vibe", "instrument", "source")
#: Everything in :class:`SampleTags` (tags plus the file-name hints ``bpm_hint``/``key_hint``).
ALL_TAG_FIELDS: tuple[str, ...] = tuple(SampleTags.model_fields)
#: The analysis fields stored one value per column (everything but the beat list).
# List-valued fields stay out of the frame; the analysis's ``instrument`` shares the tag
# column of the same name (a tag, when present, wins).
SCALAR_ANALYSIS_FIELDS: tuple[str, ...] = tuple(
    f for f in ANALYSIS_FIELDS if f not in {"beats_s", "downbeats_s", "instrument"}
)
FRAME_COLUMNS: tuple[str, ...] = (
    "id",
    "owner",
    "path",
    "sha256",
    "size_bytes",
    "mtime",
    "status",
    *ALL_TAG_FIELDS,
    *SCALAR_ANALYSIS_FIELDS,
)
_CAM_INDEX = {code: i for i, code in enumerate(CAMELOT_CODES)}
# Keys scoring under this against a reference have no harmonic move to it (same, relative,
# adjacent, diagonal and the ±2 energy jump all score 0.5 or more): they clash.
_CLASH_BELOW = 0.5

# Ranking weights of the components that are active in a query (renormalised per query).
_W_TEMPO, _W_KEY, _W_SWING, _W_QUALITY = 0.45, 0.35, 0.2, 0.1
#: A backbeat lag asked for ranks first: it is what such a search is about.
_W_LAG, _LAG_SIGMA_MS = 0.6, 4.0

# Spelling variants of genres ("dnb", "hip-hop", "breaks") from the one shared vocabulary.
_GENRE_ALIASES = GENRE_ALIASES


# ------------------------------------------------------------------------ normalisation


def normalize_tag(text: object) -> str | None:
    """Canonical lower-case form of a free-text tag (``"Drum & Bass"`` → ``"drum and bass"``).

    ``None``, NaN and blank text give ``None``.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    s = str(text).strip().lower()
    if not s:
        return None
    s = s.replace("&", " and ").replace("'n'", " n ").replace("+", " and ")
    s = re.sub(r"[^0-9a-z]+", " ", s).strip()
    s = re.sub(r"\s+", " ", s)
    if not s:
        return None
    return _GENRE_ALIASES.get(s, s)


_ERA_RE = re.compile(
    r"^(?:(?P<century>1[89]|20)?(?P<decade>\d)0|(?P<year>(?:1[89]|20)\d\d))\s*'?\s*s?$"
)


def normalize_era(text: object) -> str | None:
    """Decade label ``"70s"`` from ``"70s"``, ``"1970s"``, ``"70's"``, ``"1975"``; 2000s → ``"00s"``.

    Text that is not a decade or year is returned normalised (``"golden age"``), ``None`` for blank.
    """
    s = normalize_tag(text)
    if s is None:
        return None
    compact = s.replace(" ", "")
    m = _ERA_RE.match(compact)
    if m:
        if m.group("year"):
            return f"{m.group('year')[2]}0s"
        return f"{m.group('decade')}0s"
    return s


# ---------------------------------------------------------------------------- sources


@runtime_checkable
class SampleSource(Protocol):
    """Anything that can hand the graph a samples DataFrame and single records."""

    def frame(self, owner: str | None = None) -> pd.DataFrame:
        """Shared rows plus ``owner``'s own rows, status ``ok``, in :data:`FRAME_COLUMNS` layout."""
        ...

    def get(self, sample_id: str, owner: str | None = None) -> SampleRecord:
        """One sample visible to ``owner``; raises :class:`NotFoundError` otherwise."""
        ...


def empty_frame() -> pd.DataFrame:
    """A frame with the catalog columns and no rows."""
    return prepare_frame(pd.DataFrame({c: pd.Series(dtype=object) for c in FRAME_COLUMNS}))


def records_to_frame(records: Iterable[SampleRecord]) -> pd.DataFrame:
    """Frame (prepared) from :class:`SampleRecord` objects; the inverse of :func:`record_from_row`."""
    rows: list[dict[str, Any]] = []
    for rec in records:
        row: dict[str, Any] = {
            "id": rec.id,
            "owner": rec.owner,
            "path": rec.path,
            "sha256": rec.sha256,
            "size_bytes": rec.size_bytes,
            "mtime": rec.mtime,
            "status": rec.status,
        }
        row.update(rec.tags.model_dump())
        if rec.analysis is not None:
            row.update(
                rec.analysis.model_dump(
                    exclude={"file", "sha256", "beats_s", "downbeats_s", "instrument"}
                )
            )
            if row.get("instrument") is None:
                row["instrument"] = rec.analysis.instrument
        rows.append(row)
    if not rows:
        return empty_frame()
    return prepare_frame(pd.DataFrame(rows, columns=list(FRAME_COLUMNS)))


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def record_from_row(
    row: Mapping[str, Any], *, beats_s: Sequence[float] | None = None
) -> SampleRecord:
    """Build a :class:`SampleRecord` from one frame row (``beats_s`` is not in the frame)."""
    r = {k: _clean(v) for k, v in row.items()}
    analysis = None
    # ``kind`` is set exactly when the row has an analysis (a one-shot has no tempo and a
    # drums-only loop no key).
    if r.get("kind") is not None:
        analysis = Analysis(
            file=str(r["path"]),
            sha256=str(r["sha256"]),
            beats_s=list(beats_s) if beats_s is not None else None,
            instrument=r.get("instrument"),
            **{f: r.get(f) for f in SCALAR_ANALYSIS_FIELDS},
        )
    return SampleRecord(
        id=str(r["id"]),
        owner=r.get("owner"),
        path=str(r["path"]),
        sha256=str(r["sha256"]),
        size_bytes=int(r.get("size_bytes") or 0),
        mtime=float(r.get("mtime") or 0.0),
        status=str(r.get("status") or "ok"),
        error=r.get("error"),
        tags=SampleTags(**{t: r.get(t) for t in ALL_TAG_FIELDS}),
        analysis=analysis,
        created_at=r.get("created_at"),
        updated_at=r.get("updated_at"),
    )


class FrameSource:
    """In-memory :class:`SampleSource` over a DataFrame (tests, evals, Studio)."""

    def __init__(self, df: pd.DataFrame) -> None:
        missing = [c for c in ("id", "path", "sha256") if c not in df.columns]
        if missing:
            raise InvalidQueryError(f"frame lacks columns {missing}")
        self._df = prepare_frame(df)

    def frame(self, owner: str | None = None) -> pd.DataFrame:
        df = self._df
        mask = df["owner"].isna() if "owner" in df.columns else pd.Series(True, index=df.index)
        if owner is not None and "owner" in df.columns:
            mask |= df["owner"] == owner
        if "status" in df.columns:
            mask &= df["status"].fillna("ok") == "ok"
        return df[mask]

    def get(self, sample_id: str, owner: str | None = None) -> SampleRecord:
        df = self.frame(owner)
        hit = df[df["id"] == sample_id]
        if hit.empty:
            raise NotFoundError(f"no sample {sample_id!r}")
        row = {str(k): v for k, v in hit.iloc[0].to_dict().items()}
        beats = row.pop("beats_s", None)
        return record_from_row(row, beats_s=beats if isinstance(beats, list) else None)


# ------------------------------------------------------------------------------ search


def prepare_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Add the helper columns :func:`search` needs; idempotent, returns a new frame.

    Missing catalog columns are added empty so that partial frames (tests, uploads) work.
    """
    if "_cam" in df.columns:
        return df
    out = df.copy()
    for col in FRAME_COLUMNS:
        if col not in out.columns:
            out[col] = None
    for col in ("tempo_bpm", "swing_percent", "duration_s", "tempo_confidence", "key_confidence"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    # Rows from before the one-shot contract (or hand-built frames) have an analysis
    # exactly when they have a tempo: those are loops.
    loop_or_none = out["tempo_bpm"].notna().map({True: "loop", False: None})
    out["kind"] = out["kind"].where(out["kind"].notna(), loop_or_none)
    out["_ok"] = (out["status"].isna() | (out["status"] == "ok")).astype(bool)
    cam = out["camelot"].map(_CAM_INDEX)
    out["_cam"] = cam.fillna(-1).astype("int16")
    for col in ("genre", "vibe", "instrument", "era"):
        out[f"_{col}"] = _normalized_category(
            out[col], normalize_era if col == "era" else normalize_tag
        )
    return out


def tagged_genres(df: pd.DataFrame) -> frozenset[str]:
    """The genres samples in ``df`` are tagged with (normalised as :func:`normalize_tag`
    spells them), the vocabulary's or not."""
    return frozenset(str(c) for c in prepare_frame(df)["_genre"].cat.categories)


def check_genre(df: pd.DataFrame, genre: str | None, *, what: str = "genre") -> None:
    """Refuse a genre filter that can match nothing because nobody has such a genre.

    A genre is known when the vocabulary has it (under any spelling: "hip-hop", "rap")
    or a sample in ``df`` is tagged with it; a known genre with no samples is simply an
    empty result. An unknown one ("zzz", a typo) would be an empty list with no hint,
    so it is an :class:`InvalidQueryError` (HTTP 422) listing the known genres. Only the
    typed filters (``GET /v1/samples?genre=``, ``groovegraph search --genre``) check:
    the agent words an empty search itself.
    """
    want = normalize_tag(genre)
    if want is None:
        return
    known = {*GENRES, *_GENRE_ALIASES.values(), *tagged_genres(df)}
    if want not in known:
        raise InvalidQueryError(
            f"{what}: {genre!r} is not a genre of the vocabulary or of any sample; "
            f"known genres: {', '.join(sorted(known))}"
        )


def _normalized_category(series: pd.Series, fn: Callable[[object], str | None]) -> pd.Series:
    # Normalise each distinct value once (a few dozen), not each of 100k rows.
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = [fn(u) for u in uniques]
    cats = sorted({m for m in mapped if m is not None})
    pos = {c: i for i, c in enumerate(cats)}
    lookup = np.array([pos[m] if m is not None else -1 for m in mapped] + [-1], dtype=np.int64)
    new_codes = lookup[codes]  # code -1 (missing) picks the trailing -1
    return pd.Series(
        pd.Categorical.from_codes(new_codes, categories=pd.Index(cats, dtype=object)),
        index=series.index,
    )


def concat_frames(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate prepared frames and rebuild the helper categories over the union."""
    parts = [f for f in frames if not f.empty]
    if not parts:
        return empty_frame()
    raw = [f[[c for c in f.columns if not c.startswith("_")]] for f in parts]
    return prepare_frame(pd.concat(raw, ignore_index=True))


_SPAN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:(?:-|–|\.\.|:)\s*(\d+(?:\.\d+)?))?\s*")


def parse_span(text: str, *, what: str) -> tuple[float, float | None]:
    """Parse a range typed by a user (CLI ``--bpm``, HTTP ``?bpm=``).

    Parameters
    ----------
    text : str
        ``"LO-HI"`` (``-``, ``–``, ``..`` or ``:`` between) or one number; non-negative
        decimals only, in the unit of ``what`` (BPM, swing percent).
    what : str
        The argument's name, for the error message.

    Returns
    -------
    tuple
        ``(lo, hi)`` with ``lo <= hi``, ``hi`` None for a single number. What a single
        number means (an exact value, a tolerance around it) is the caller's choice.

    Raises
    ------
    InvalidQueryError
        A reversed range (``100-90``) — the CLI and the HTTP API both refuse it rather
        than guess whether the bounds were swapped or mistyped — and anything else
        (words, ``1-2-3``, a lone ``-``, ``nan``).
    """
    m = _SPAN.fullmatch(text or "")
    if not m:
        raise InvalidQueryError(f"{what}: give LO-HI or one number, not {text!r}")
    lo, hi = float(m.group(1)), None if m.group(2) is None else float(m.group(2))
    if hi is not None and lo > hi:
        raise InvalidQueryError(
            f"{what}: range {text.strip()!r} is reversed; write the lower bound first "
            f"({m.group(2)}-{m.group(1)})"
        )
    return lo, hi


#: What one typed number means in a search: a tempo ±4 %, a swing ±3 points.
# The search parameter (``?bpm=``, ``--bpm``) behind each ``CatalogQuery`` field that is
# named differently, so a refused value is reported by the name the caller used.
QUERY_PARAMETERS: dict[str, str] = {
    "bpm_min": "bpm",
    "bpm_max": "bpm",
    "target_bpm": "bpm",
    "swing_min": "swing",
    "swing_max": "swing",
    "target_swing": "swing",
    "root_note": "root",
}

BPM_TOLERANCE = 0.04
SWING_TOLERANCE = 3.0


def parse_filter_span(
    text: str, *, what: str, tolerance: float, relative: bool
) -> tuple[float, float, float]:
    """A typed range as search filters: ``(lo, hi, target)``.

    ``"90-100"`` → (90, 100, 95); one number gets ± ``tolerance`` around it (a fraction
    of it when ``relative``), so ``"124"`` with 4 % is (119.04, 128.96, 124). The CLI's
    ``--bpm``/``--swing`` and the HTTP API's ``?bpm=``/``?swing=`` both read ranges here.
    """
    lo, given_hi = parse_span(text, what=what)
    if given_hi is None:
        tol = lo * tolerance if relative else tolerance
        return max(lo - tol, 0.0), lo + tol, lo
    return lo, given_hi, (lo + given_hi) / 2.0


def meter_search(
    text: str, *, swing_given: bool, what: str = "meter"
) -> tuple[int, tuple[float, float] | None, str]:
    """:func:`meter_filter` as a search applies it, for the CLI, the HTTP filter and the
    agent alike: (beats per bar, the swing range to add — a compound meter's triplet
    swing, unless the search gives its own swing — or ``None``, the line saying how)."""
    from groovegraph.tools.vocab import COMPOUND_SWING

    beats, compound, note = meter_filter(text, what=what)
    return beats, (COMPOUND_SWING if compound and not swing_given else None), note


def meter_filter(text: str, *, what: str = "meter") -> tuple[int, bool, str]:
    """A meter typed or said ("3/4", "6/8", "12/8", "waltz", "3") as a search filter:
    (beats per bar as the analysis counts them, whether the meter is compound, the line
    saying how it is searched). A compound meter (6/8, 9/8, 12/8) counts its dotted beats
    — 12/8 is 4, 6/8 two per bar read as 4 over two bars, 9/8 is 3 — and divides each in
    three, which the analysis measures as a triplet swing (``vocab.COMPOUND_SWING``).

    Raises :class:`InvalidQueryError` for anything else (5/4, words that name no meter).
    """
    from groovegraph.tools.vocab import COMPOUND_SWING, METER_SIGNATURES, find_meter

    raw = (text or "").strip()
    if raw in {"3", "4"}:
        return int(raw), False, f"{raw} beats per bar"
    sig = raw.replace(" ", "") if raw.replace(" ", "") in METER_SIGNATURES else find_meter(raw)
    if sig is None:
        known = ", ".join(METER_SIGNATURES)
        raise InvalidQueryError(
            f"{what}: {text!r} is not a meter the analysis measures (3 or 4 beats per bar: "
            f"{known}, or 'waltz')"
        )
    beats, compound = METER_SIGNATURES[sig]
    if compound:
        lo, hi = COMPOUND_SWING
        return (
            beats,
            True,
            f"in {sig}: measured as {beats} dotted beats per bar with a triplet swing "
            f"({lo:g}–{hi:g} %)",
        )
    if sig in {"3/4", "4/4"}:
        return beats, False, f"in {sig} ({beats} beats per bar)"
    return beats, False, f"in {sig}: measured as {beats} beats per bar"


def _check_range(lo: float | None, hi: float | None, what: str) -> None:
    if lo is not None and hi is not None and lo > hi:
        raise InvalidQueryError(f"{what}: minimum {lo} is above maximum {hi}")


def _tag_mask(
    df: pd.DataFrame, col: str, value: str | None, *, exact: bool, era: bool = False
) -> np.ndarray | None:
    if value is None:
        return None
    want = normalize_era(value) if era else normalize_tag(value)
    if want is None:
        return None
    series = df[f"_{col}"]
    if exact:
        return (series == want).to_numpy(dtype=bool, na_value=False)
    # Free-text tags ("dusty, warm"): a word match, done once per category, not per row.
    cats = series.cat.categories
    hits = [c for c in cats if re.search(rf"\b{re.escape(want)}\b", c)]
    return series.isin(hits).to_numpy(dtype=bool)


def _drums_mask(df: pd.DataFrame) -> np.ndarray:
    """Rows that are drums only though not tagged so: loops with no key (the analysis
    found nothing pitched) and no other instrument tag, and the drum kit's one-shots."""
    from groovegraph.tools.vocab import DRUM_KIT

    kind = df["kind"].to_numpy(dtype=object)
    untagged = df["_instrument"].isna().to_numpy(dtype=bool)
    keyless = (df["_cam"].to_numpy() < 0) & (kind == "loop") & untagged
    kit = (kind == "one_shot") & df["_instrument"].isin(sorted(DRUM_KIT)).to_numpy(dtype=bool)
    return np.asarray(keyless | kit, dtype=bool)


def canonical_instrument(text: str | None) -> str | None:
    """The contract's name for an instrument word (``"hi-hat"`` → ``"hat"``,
    ``"percussion"`` → ``"perc"``); other words normalised as tags (``"drums"``)."""
    if text is None:
        return None
    from groovegraph.tools.vocab import find_instrument

    word = normalize_tag(text)
    if word in {"808", "808s", "tr 808"}:
        return "bass"  # as a sound, "an 808" is a sub-bass note
    return find_instrument(text) or word


def _root_query(query: CatalogQuery) -> tuple[int, int | None] | None:
    """(pitch class, octave or None) a search matches one-shot roots against."""
    if query.root_note:
        try:
            return parse_note(query.root_note)
        except InvalidQueryError as err:
            raise InvalidQueryError(f"root: {err.message}") from err
    if query.key and query.kind == "one_shot":
        return parse_key(query.key).pc, None
    return None


def _in_scale_mask(roots: pd.Series, key: str) -> np.ndarray:
    """Rows whose ``root_note`` is a note of ``key``'s scale ("an 808 that fits E minor"
    when no root sits on E: a B or a G one still does)."""
    return _root_mask(roots, parse_key(key).scale_pcs, None)


def _fits_key(query: CatalogQuery) -> str | None:
    """The key a one-shot search matches roots against (a key and no root asked for)."""
    return query.key if query.key and query.kind == "one_shot" and not query.root_note else None


def root_fit(key: str, note: str | None) -> tuple[float, str] | None:
    """How a one-shot's root sits in ``key`` (:func:`harmony.note_compatibility`: tonic
    1.0, fifth 0.9, another note of the scale 0.8, outside 0.1) and the words for it
    ("the tonic of A minor"), or None for no (readable) root."""
    if not note:
        return None
    try:
        fit = note_compatibility(key, note)
    except InvalidQueryError:
        return None
    name = parse_key(key).name
    words = {
        "root": f"on the tonic of {name}",
        "fifth": f"the fifth of {name}",
        "in_key": f"in the {name} scale",
    }.get(fit.relation, f"outside the {name} scale")
    return fit.score, words


def _root_fit(roots: pd.Series, key: str) -> np.ndarray:
    """Each row's :func:`root_fit` score in ``key`` (0 for no root); each distinct root
    is scored once."""
    codes, uniques = pd.factorize(roots, use_na_sentinel=True)
    scores = [(f[0] if (f := root_fit(key, str(u))) else 0.0) for u in uniques]
    return np.array([*scores, 0.0], dtype=np.float64)[codes]


def _root_mask(roots: pd.Series, pcs: Collection[int], octave: int | None) -> np.ndarray:
    """Rows whose ``root_note`` has one of the pitch classes ``pcs`` (and ``octave`` when
    given); each distinct root is parsed once."""
    codes, uniques = pd.factorize(roots, use_na_sentinel=True)
    ok = []
    for u in uniques:
        try:
            u_pc, u_oct = parse_note(str(u))
        except InvalidQueryError:
            ok.append(False)
            continue
        ok.append(u_pc in pcs and (octave is None or u_oct == octave))
    lookup = np.array([*ok, False], dtype=bool)
    return lookup[codes]


def _key_index(text: str, what: str) -> int:
    try:
        return _CAM_INDEX[parse_key(text).camelot]
    except InvalidQueryError as err:
        raise InvalidQueryError(f"{what}: {err.message}") from err


def search(df: pd.DataFrame, query: CatalogQuery) -> list[CatalogHit]:
    """Filter and rank catalog rows; best hits first.

    Filters (all optional, combined with AND): BPM range (also matching half and double
    time when ``query.half_double``), exact key, Camelot-compatible keys
    (``compatible_with``: score ≥ ``key_min_score``, by default
    :data:`~groovegraph.tools.harmony.MIXES_MIN_SCORE` — same, relative, adjacent), swing
    range, genre and era (normalised exact match), vibe and instrument (word match;
    instrument words are mapped to the contract's names first: "hi-hat" → hat; "drums" also
    matches the loops with no key and no other instrument tag, and drum-kit one-shots), kind
    (loop or one_shot), root note of one-shots (a pitch class, or a note with octave;
    with ``kind="one_shot"`` a key filter matches the roots on the key's tonic, else, when
    none is, the roots in its scale),
    duration range, excluded ids.

    With a BPM range and ``half_double``, the half- and double-time matches are a
    fallback (``tempo_first``, the default): they are returned only when no row passing
    the other filters is in the range at its own tempo, so the CLI, the HTTP API and the
    agent rank alike. ``tempo_first=False`` lets them rank beside it.

    Ranking: a weighted mean of the components the query asks about — tempo closeness
    (Gaussian in percent, σ ≈ max(4 %, half the range)), key score from the Camelot
    relation, swing closeness (σ = 5 points) — plus a small weight for analysis
    confidence. Scores are in 0..1; ties break on path for a stable order.

    Parameters
    ----------
    df : pandas.DataFrame
        Catalog frame (see module docstring); :func:`prepare_frame` is applied if needed.
    query : CatalogQuery
        Filters and targets.

    Returns
    -------
    list of CatalogHit
        At most ``query.limit`` hits with a score and a short reason each.

    Raises
    ------
    InvalidQueryError
        For an unparsable key or an inverted range.
    """
    _check_range(query.bpm_min, query.bpm_max, "bpm")
    _check_range(query.swing_min, query.swing_max, "swing")
    _check_range(query.duration_min_s, query.duration_max_s, "duration")
    key_idx = _key_index(query.key, "key") if query.key else None
    root = _root_query(query)
    if root is not None and query.key and query.kind == "one_shot":
        key_idx = None  # the key's tonic is matched against the one-shots' roots instead
    compat_idx = (
        _key_index(query.compatible_with, "compatible_with") if query.compatible_with else None
    )
    # "in E major or E minor": any of several keys, each an exact match
    any_keys = list(dict.fromkeys([*([query.key] if query.key else []), *query.keys]))
    any_idx = (
        [_key_index(k, "keys") for k in any_keys]
        if len(any_keys) > 1 and query.kind != "one_shot"
        else []
    )
    if any_idx:
        key_idx = None

    df = prepare_frame(df)
    n = len(df)
    if n == 0:
        return []
    mask = df["_ok"].to_numpy(dtype=bool).copy()

    tempo = df["tempo_bpm"].to_numpy(dtype=np.float64)
    # --- tempo: filter on the raw tempo, or on its half/double when allowed
    lo, hi = query.bpm_min, query.bpm_max
    target_bpm = query.target_bpm
    if target_bpm is None and lo is not None and hi is not None:
        target_bpm = (lo + hi) / 2.0
    elif target_bpm is None and (lo is not None or hi is not None):
        target_bpm = lo if lo is not None else hi
    variants = [(1.0, tempo)]
    if query.half_double:
        variants += [(2.0, tempo * 2.0), (0.5, tempo / 2.0)]
    # one mask per variant: which rows are in the tempo range at that multiple
    tempo_masks: list[np.ndarray] = []
    with np.errstate(invalid="ignore"):
        if lo is not None or hi is not None:
            for _, t in variants:
                # a tempo is in a range as it is shown (0.1 BPM): "80–90 BPM" holds the
                # loop listed at 90.0 BPM even when it measured 90.03
                t = np.round(t, 1)
                tempo_masks.append(~np.isnan(t) & _in_tempo_bounds(t, query))

    cam = df["_cam"].to_numpy()
    matrix = camelot_score_matrix()
    if key_idx is not None:
        mask &= cam == key_idx
    if any_idx:
        mask &= np.isin(cam, any_idx)
    if query.tonic:
        # either mode on that tonic: the Camelot codes of its major and minor key
        pc = parse_note(query.tonic)[0]
        on_tonic = [_CAM_INDEX[Key(pc, mode).camelot] for mode in ("major", "minor")]
        mask &= np.isin(cam, on_tonic)
    scale_scores: np.ndarray | None = None
    if query.scale_note:
        # keys whose scale holds the note: the key on it first, then the one a fifth below
        # (the note its fifth), then any other key it is a note of
        pc = parse_note(query.scale_note)[0]
        by_cam = np.zeros(len(_CAM_INDEX) + 1)
        for key in ALL_KEYS:
            if key.has_note(pc):
                degree = (pc - key.pc) % 12
                rank = 1.0 if degree == 0 else 0.8 if degree == 7 else 0.6
                by_cam[_CAM_INDEX[key.camelot]] = rank
        scale_scores = np.where(cam >= 0, by_cam[np.clip(cam, 0, len(_CAM_INDEX))], 0.0)
        mask &= scale_scores > 0
    if compat_idx is not None:
        compat_scores = np.where(cam >= 0, matrix[compat_idx, np.clip(cam, 0, 23)], 0.0)
        if query.clash:
            # "which would clash with it": a key, and no harmonic move to the reference
            mask &= (cam >= 0) & (compat_scores < _CLASH_BELOW)
        else:
            least = MIXES_MIN_SCORE if query.key_min_score is None else query.key_min_score
            mask &= compat_scores >= least

    swing = df["swing_percent"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        if query.swing_min is not None:
            mask &= swing >= query.swing_min
        if query.swing_max is not None:
            mask &= swing <= query.swing_max
        dur = df["duration_s"].to_numpy(dtype=np.float64)
        if query.duration_min_s is not None:
            mask &= dur >= query.duration_min_s
        if query.duration_max_s is not None:
            mask &= dur <= query.duration_max_s

    if query.meter is not None:
        # beats per bar as measured; a row with no meter reading (a one-shot) never matches
        meters = pd.to_numeric(df["meter"], errors="coerce").to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore"):
            mask &= meters == float(query.meter)
    if query.kind is not None:
        mask &= (df["kind"] == query.kind).to_numpy(dtype=bool, na_value=False)
    fits_key = _fits_key(query)
    root_fit: np.ndarray | None = None
    if root is not None:
        on_root = _root_mask(df["root_note"], {root[0]}, root[1])
        if fits_key is not None and (query.roots_in_key or not (mask & on_root).any()):
            # a one-shot for a key: a root in its scale (all of them when asked; else
            # when no root is on its tonic), the tonic first, then the fifth
            on_root = _in_scale_mask(df["root_note"], fits_key)
            root_fit = _root_fit(df["root_note"], fits_key)
        mask &= on_root
    instrument = canonical_instrument(query.instrument)
    for col, value, exact, era in (
        ("genre", None if query.genres else query.genre, True, False),
        ("era", None if query.eras else query.era, True, True),
        ("vibe", query.vibe, False, False),
        ("instrument", instrument, False, False),
    ):
        m = _tag_mask(df, col, value, exact=exact, era=era)
        if m is not None and col == "instrument" and instrument == "drums":
            m = m | _drums_mask(df)
        if m is not None:
            mask &= m
    if query.genres:
        # "soul or funk loops": any of the genres (the single ``genre`` joins them)
        named = [*query.genres, *([query.genre] if query.genre else [])]
        wanted = {g for g in (normalize_tag(x) for x in named) if g}
        mask &= df["_genre"].isin(wanted).to_numpy(dtype=bool)
    if query.eras:
        # "disco from the 70s or 80s": any of the eras
        named = [*query.eras, *([query.era] if query.era else [])]
        wanted = {e for e in (normalize_era(x) for x in named) if e}
        mask &= df["_era"].isin(wanted).to_numpy(dtype=bool)
    if query.exclude_ids:
        mask &= ~df["id"].isin(query.exclude_ids).to_numpy(dtype=bool)
    if query.only_ids:
        mask &= df["id"].isin(query.only_ids).to_numpy(dtype=bool)
    if tempo_masks:
        # Loops at the tempo asked for first; their half- or double-time twins only when
        # none is (a 180 BPM loop is no answer to "around 90" beside 90 BPM ones).
        at_tempo = mask & tempo_masks[0]
        if len(tempo_masks) == 1 or (query.tempo_first and at_tempo.any()):
            mask, variants = at_tempo, variants[:1]
        else:
            mask &= np.logical_or.reduce(tempo_masks)

    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []

    # --- ranking, only over the rows that passed
    weights: list[float] = []
    parts: list[np.ndarray] = []
    eff_tempo = tempo[idx]
    mult = np.ones(idx.size)
    if target_bpm is not None:
        # One log per row; the half/double variants are a shift of ±log 2 in log space.
        with np.errstate(invalid="ignore", divide="ignore"):
            lt = np.log(eff_tempo / target_bpm)
        lt = np.where(np.isnan(lt), np.inf, lt)
        best = np.abs(lt)
        for k, (m_, _) in enumerate(variants[1:], 1):
            d = np.abs(lt + math.log(m_))
            # a half- or double-time reading only where it is close: within the band
            # searched (the loop is in it at that multiple), or, with no band, within
            # the tolerance of a tempo asked for; never a 120 BPM loop read as 240 for
            # "170" (+41 %, outside the band) when it is in the band at its own tempo
            close = tempo_masks[k][idx] if len(tempo_masks) > k else d <= math.log1p(BPM_TOLERANCE)
            better = (d < best) & close
            best = np.where(better, d, best)
            mult = np.where(better, m_, mult)
        eff_tempo = eff_tempo * mult
        pct = (eff_tempo / target_bpm - 1.0) * 100.0
        half_width = 0.0
        if lo is not None and hi is not None:
            half_width = (hi - lo) / 2.0 / target_bpm * 100.0
        sigma = max(4.0, half_width)
        if lo is None and hi is None and np.isfinite(pct).any():
            # no band, only a tempo to rank by ("closest to 55" among house loops at
            # 120-126): the spread is the nearest loop's distance, so a nearer
            # tempo still outranks a farther one instead of all scoring nought alike
            sigma = max(sigma, float(np.nanmin(np.abs(pct))))
        t_score = np.exp(-((pct / sigma) ** 2))
        t_score = np.where(mult != 1.0, t_score * 0.9, t_score)
        parts.append(np.nan_to_num(t_score, nan=0.0))
        weights.append(_W_TEMPO)
    else:
        pct = np.full(idx.size, np.nan)
    ref_key = compat_idx if compat_idx is not None and not query.clash else key_idx
    cam_sel = cam[idx]
    if ref_key is not None:
        k_score = np.where(cam_sel >= 0, matrix[ref_key, np.clip(cam_sel, 0, 23)], 0.0)
        parts.append(k_score)
        weights.append(_W_KEY)
    elif any_idx:
        # each key named is as good a match as the others
        k_score = np.max(
            [np.where(cam_sel >= 0, matrix[i, np.clip(cam_sel, 0, 23)], 0.0) for i in any_idx],
            axis=0,
        )
        parts.append(k_score)
        weights.append(_W_KEY)
    if scale_scores is not None and ref_key is None:
        parts.append(scale_scores[idx])
        weights.append(_W_KEY)
    if root_fit is not None:
        parts.append(root_fit[idx])
        weights.append(_W_KEY)
    target_swing = query.target_swing
    if target_swing is None and query.swing_min is not None and query.swing_max is not None:
        target_swing = (query.swing_min + query.swing_max) / 2.0
    if target_swing is not None:
        s_score = np.exp(-(((swing[idx] - target_swing) / 5.0) ** 2))
        parts.append(np.nan_to_num(s_score, nan=0.0))
        weights.append(_W_SWING)
    lag = pd.to_numeric(df["backbeat_lag_ms"], errors="coerce").to_numpy(dtype=np.float64)
    if query.target_lag_ms is not None:
        # "a snare as laid back as this one": the pocket nearest the reference's (half the
        # score 4 ms away, about what tells a laid-back backbeat from one on the grid), and
        # every further ms a little less, so the whole list stays in order of distance (a
        # Gaussian's tail fell to 0 past ~12 ms: the rest were ranked by file name);
        # no reading scores 0
        l_score = 1.0 / (1.0 + ((lag[idx] - query.target_lag_ms) / _LAG_SIGMA_MS) ** 2)
        parts.append(np.nan_to_num(l_score, nan=0.0))
        weights.append(_W_LAG)
    tconf = np.nan_to_num(df["tempo_confidence"].to_numpy(dtype=np.float64)[idx], nan=0.0)
    kconf = np.nan_to_num(df["key_confidence"].to_numpy(dtype=np.float64)[idx], nan=0.0)
    # A keyless row (drums only) is judged on its tempo confidence alone: having no key is
    # not a weak key estimate, and must not sink drum breaks below pitched loops.
    quality = np.where(cam_sel >= 0, (tconf + kconf) / 2.0, tconf)
    # A one-shot has no tempo or key to be confident about: neutral, not bad.
    one_shot = (df["kind"].to_numpy(dtype=object)[idx] == "one_shot").astype(bool)
    quality = np.where(one_shot, 0.5, quality)
    parts.append(np.clip(quality, 0.0, 1.0))
    weights.append(_W_QUALITY)
    w = np.asarray(weights)
    score = np.clip(np.vstack(parts).T @ w / w.sum(), 0.0, 1.0)

    k = min(query.limit, idx.size)
    if idx.size > k:
        # every sample tied with the k-th best score is a candidate, so the ties are cut
        # by path as in the full ranking ("top 2" is the first two of the list shown)
        rounded = np.round(score, 6)
        top = np.flatnonzero(rounded >= np.partition(rounded, idx.size - k)[idx.size - k])
    else:
        top = np.arange(idx.size)
    paths = df["path"].to_numpy(dtype=object)[idx[top]]
    order_in_top = sorted(
        range(top.size), key=lambda j: (-round(float(score[top[j]]), 6), str(paths[j]))
    )
    order = [int(top[j]) for j in order_in_top[:k]]
    if len(query.genres) > 1 and idx.size > k:
        # "soul or funk loops": the best of each genre in turn, so one genre's higher
        # scores do not push the other out of the list
        every = df["path"].to_numpy(dtype=object)[idx]
        ranked = sorted(range(idx.size), key=lambda j: (-round(float(score[j]), 6), str(every[j])))
        genre_of = df["_genre"].to_numpy(dtype=object)[idx]
        buckets: dict[object, list[int]] = {}
        for j in ranked:
            buckets.setdefault(genre_of[j], []).append(j)
        queues = list(buckets.values())
        picked: list[int] = []
        while len(picked) < k:
            for q in queues:
                if q and len(picked) < k:
                    picked.append(q.pop(0))
        # The turns choose which samples are listed; the list itself is in score order
        # like every other, so "the first one" is the best one shown.
        picked.sort(key=lambda j: (-round(float(score[j]), 6), str(every[j])))
        order = picked

    # One small slice for the winners: building hits row by row through .iloc would cost
    # more than the whole query above.
    rows = df.iloc[idx[order]][_HIT_COLUMNS].to_dict("records")
    return [
        _hit(
            {str(k): v for k, v in row.items()},
            float(score[i]),
            float(pct[i]),
            float(mult[i]),
            ref_key,
            query,
            target_swing,
        )
        for row, i in zip(rows, order, strict=True)
    ]


def at_tempo(hit: CatalogHit, query: CatalogQuery) -> bool:
    """Whether ``hit`` is in the query's BPM range at its own tempo, not as a half- or
    double-time match (True when the query names no range)."""
    if query.bpm_min is None and query.bpm_max is None:
        return True
    t = None if hit.tempo_bpm is None else round(hit.tempo_bpm, 1)  # as shown, see above
    return t is not None and bool(_in_tempo_bounds(np.float64(t), query))


def _in_tempo_bounds(t: Any, query: CatalogQuery) -> Any:
    """Where tempo ``t`` (an array, or one tempo) is within the query's BPM bounds: a
    bound is kept ("up to 100", ``<= 100``) unless the query leaves it out
    (``bpm_max_exclusive``: "under 100", ``< 100``)."""
    ok = np.ones_like(t, dtype=bool)
    if query.bpm_min is not None:
        ok &= t > query.bpm_min if query.bpm_min_exclusive else t >= query.bpm_min
    if query.bpm_max is not None:
        ok &= t < query.bpm_max if query.bpm_max_exclusive else t <= query.bpm_max
    return ok


def _opt_float(value: Any) -> float | None:
    v = _clean(value)
    return None if v is None else float(v)


_HIT_COLUMNS = [
    "id",
    "path",
    "tempo_bpm",
    "swing_percent",
    "backbeat_lag_ms",
    "meter",
    "camelot",
    "key",
    "duration_s",
    "kind",
    "root_note",
    *ALL_TAG_FIELDS,
]


def _hit(
    row: Mapping[str, Any],
    score: float,
    pct: float,
    mult: float,
    ref_key: int | None,
    query: CatalogQuery,
    target_swing: float | None,
) -> CatalogHit:
    tempo = _opt_float(row["tempo_bpm"])
    swing = _opt_float(row["swing_percent"])
    camelot = _clean(row["camelot"])
    bits: list[str] = []
    if tempo is not None:
        txt = f"{tempo:.1f} BPM"
        if not math.isnan(pct):
            if mult == 2.0:
                txt += f" (half time, {tempo * 2:.1f} {pct:+.0f}%)"
            elif mult == 0.5:
                txt += f" (double time, {tempo / 2:.1f} {pct:+.0f}%)"
            else:
                txt += f" ({pct:+.0f}%)"
        bits.append(txt)
    if camelot:
        if ref_key is not None:
            rel = key_relation(CAMELOT_CODES[ref_key], camelot).relation.replace("_", " ")
            bits.append(f"{camelot} = {rel}")
        else:
            bits.append(f"{_clean(row['key'])} ({camelot})")
    if swing is not None and (
        target_swing is not None or query.swing_min is not None or query.swing_max is not None
    ):
        bits.append(f"swing {swing:.1f}%")
    lag = _opt_float(row["backbeat_lag_ms"])
    if lag is not None and query.target_lag_ms is not None:
        bits.append(f"backbeat {lag:+.1f} ms")
    meter = _opt_float(row["meter"])
    if meter is not None and query.meter is not None:
        bits.append(f"{int(meter)} beats per bar")
    tags = {t: _clean(row[t]) for t in ALL_TAG_FIELDS}
    kind = _clean(row["kind"])
    root_note = _clean(row["root_note"])
    if kind == "one_shot":
        bits.append(" ".join(x for x in ("one-shot", tags.get("instrument"), root_note) if x))
        if (fits_key := _fits_key(query)) is not None and (fit := root_fit(fits_key, root_note)):
            bits.append(fit[1])  # "the fifth of A minor": how its root sits in the key
    tag_bits = [str(tags[t]) for t in ("genre", "era") if tags.get(t)]
    if tag_bits:
        bits.append(" ".join(tag_bits))
    return CatalogHit(
        sample_id=str(row["id"]),
        path=str(row["path"]),
        score=round(score, 4),
        reason=", ".join(bits) or "matches the filters",
        tempo_bpm=tempo,
        key=_clean(row["key"]),
        camelot=camelot,
        swing_percent=swing,
        backbeat_lag_ms=lag,
        meter=None if meter is None else int(meter),
        duration_s=_opt_float(row["duration_s"]),
        kind=kind,
        instrument=tags.get("instrument"),
        root_note=root_note,
        tags=SampleTags(**tags),
    )


# ------------------------------------------------------------------------------ stats


#: The measured columns of a :func:`stats_by` row, in order: ``{name: (column, aggregation)}``
#: (rounded to two decimals).
_STATS: dict[str, tuple[str, Any]] = {
    "median_bpm": ("tempo_bpm", "median"),
    "bpm_p25": ("tempo_bpm", lambda s: s.quantile(0.25)),
    "bpm_p75": ("tempo_bpm", lambda s: s.quantile(0.75)),
    "median_swing_percent": ("swing_percent", "median"),
    "median_backbeat_lag_ms": ("backbeat_lag_ms", "median"),
    "median_timing_deviation_ms": ("timing_deviation_ms", "median"),
}


def stats_by(
    df: pd.DataFrame,
    by: str | Sequence[str] = ("era", "genre"),
    *,
    genre: str | None = None,
    era: str | None = None,
    top_keys: int = 3,
) -> pd.DataFrame:
    """Per-group groove statistics: what a decade or a genre typically sounds like.

    Parameters
    ----------
    df : pandas.DataFrame
        Catalog frame.
    by : str or sequence of str
        Tag columns to group on (``"era"``, ``"genre"``, ``"vibe"``, ``"instrument"``,
        ``"source"``). Groups use the normalised tag (``"1970s"`` and ``"70s"`` together).
    genre, era : str, optional
        Restrict to one genre and/or era before grouping.
    top_keys : int
        How many of the most common keys to list per group.

    Returns
    -------
    pandas.DataFrame
        One row per group: the group columns, ``count``, ``median_bpm``, ``bpm_p25``,
        ``bpm_p75``, ``median_swing_percent``, ``median_backbeat_lag_ms``,
        ``median_timing_deviation_ms`` and ``common_keys`` (list of key names), sorted by
        count (largest first).
    """
    cols = [by] if isinstance(by, str) else list(by)
    if not cols:
        raise InvalidQueryError("stats_by needs at least one column to group on")
    bad = [c for c in cols if c not in TAG_FIELDS]
    if bad:
        raise InvalidQueryError(f"cannot group by {bad}; use some of {list(TAG_FIELDS)}")
    if not 0 < top_keys <= 24:
        raise InvalidQueryError("top_keys must be 1..24")
    df = prepare_frame(df)
    mask = np.ones(len(df), dtype=bool)
    if "status" in df.columns:
        mask &= (df["status"].fillna("ok") == "ok").to_numpy(dtype=bool)
    for col, value in (("genre", genre), ("era", era)):
        m = _tag_mask(df, col, value, exact=True, era=col == "era")
        if m is not None:
            mask &= m
    sub = df[mask]
    group_cols = [f"_{c}" for c in cols]
    out_cols = [*cols, "count", *_STATS, "common_keys"]
    if sub.empty:
        return pd.DataFrame(columns=out_cols)
    sub = sub.assign(
        **{
            c: pd.to_numeric(sub[c], errors="coerce")
            for c in ("backbeat_lag_ms", "timing_deviation_ms")
        }
    )
    grouped = sub.groupby(group_cols, observed=True, dropna=True)
    agg = grouped.agg(count=("id", "size"), **_STATS)
    keys = (
        sub.dropna(subset=["key"])
        .groupby([*group_cols, "key"], observed=True)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(
            [*group_cols, "n", "key"], ascending=[*([True] * len(group_cols)), False, True]
        )
        .groupby(group_cols, observed=True)["key"]
        .agg(lambda s: list(s.head(top_keys)))
        .rename("common_keys")
    )
    agg = agg.join(keys, how="left")
    agg["common_keys"] = agg["common_keys"].map(lambda v: v if isinstance(v, list) else [])
    agg = agg.reset_index().rename(columns=dict(zip(group_cols, cols, strict=True)))
    for c in _STATS:
        agg[c] = agg[c].astype("float64").round(2)
    agg = agg.sort_values(["count", *cols], ascending=[False, *([True] * len(cols))]).reset_index(
        drop=True
    )
    for c in cols:
        agg[c] = agg[c].astype(object)
    return agg[out_cols]
