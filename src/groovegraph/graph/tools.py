"""LangChain tools the specialists call, wrapping the pure functions in ``groovegraph.tools``.

:func:`build_toolsets` closes over the catalog and the settings and returns each
specialist's tools. Every tool returns ``(content, artifact)``: the content is short
text a chat model reads, the artifact is the structured result (pydantic dumps) the
specialist node copies into the graph state — so offline answers and state read the
same numbers the model saw.

Paths from users or models go through :class:`~groovegraph.tools.paths.OwnerPaths` of the
run's owner: the shared library folders and that owner's own uploads, never another
owner's; sample ids through the catalog (owner-scoped). What a tool returns (the text
the model reads and the artifact clients see in ``tool_end`` and the state) names files
library-relative, never by server path. The tools are synchronous: ``ToolNode`` runs them
in a worker thread, so librosa and pandas never block the event loop.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from langchain_core.tools import BaseTool, StructuredTool
from langgraph.prebuilt import ToolRuntime
from langgraph.types import interrupt
from pydantic import BaseModel, Field

from groovegraph.graph.context import GrooveContext
from groovegraph.graph.knowledge import ERA_TABLE, lookup_facts, match_groove, rank_by_groove
from groovegraph.graph.parser import AUDIO_EXTENSIONS, around_band
from groovegraph.settings import Settings
from groovegraph.state import (
    Analysis,
    CatalogHit,
    CatalogQuery,
    CompatibilityReport,
    GroupStat,
    PlotRef,
    SampleRecord,
    SpecialistName,
)
from groovegraph.tools import catalog as catalog_tools
from groovegraph.tools import harmony, vocab
from groovegraph.tools.catalog import SampleSource
from groovegraph.tools.errors import GrooveGraphError, InvalidQueryError, NotFoundError
from groovegraph.tools.feel import (
    NO_KEY,
    confidence_words,
    key_doubt,
    key_text,
    pocket_word,
    swing_word,
    tempo_doubt,
)
from groovegraph.tools.keys import Key, from_camelot, parse_key, parse_note
from groovegraph.tools.library_progress import library_progress
from groovegraph.tools.paths import OwnerPaths, shown_name, upload_name

if TYPE_CHECKING:
    from groovegraph.tools.analysis import Analyzer

__all__ = [
    "MixItem",
    "build_toolsets",
    "owner_from_config",
    "sample_label",
    "shown_name",
    "stored_analyses",
    "upload_name",
]

# Parametrised so the tool's argument schema knows the context type (an unparametrised
# ToolRuntime makes pydantic warn when it serialises the injected runtime).
Runtime = ToolRuntime[GrooveContext, dict[str, Any]]

# Genres whose loops a user asking for the first usually also wants (catalog tag spelling).
RELATED_GENRES: dict[str, tuple[str, ...]] = {
    "hip hop": ("boom bap", "lo fi"),
    "boom bap": ("hip hop",),
    "lo fi": ("boom bap", "hip hop"),
    "g funk": ("hip hop", "funk"),
    # (jungle is early drum and bass, at its tempos: the breakbeat loops are not it)
    "jungle": ("drum and bass",),
    "drum and bass": ("jungle",),
    "philly soul": ("soul", "disco"),
    "motown": ("soul",),
    "stax": ("soul",),
    "neo soul": ("soul",),
    "r and b": ("soul",),
    "gospel": ("soul",),
    "go go": ("funk",),
    "afrobeat": ("funk",),
    "dub": ("reggae",),
    "dancehall": ("reggae",),
    "new jack swing": ("r and b", "hip hop"),
    "uk garage": ("house",),
    "electro": ("breakbeat",),
    "dubstep": ("trap",),
}


# Genres a word may mean at a tempo far from its own (catalog tag spelling): "breaks
# around 170" are drum and bass breaks to a DJ, not breakbeat at 135; "hip hop at 140" is
# trap; "dnb at 130" is breakbeat. Used only when nothing of the genre named is near the
# tempo asked and the other genre has loops there.
TEMPO_SIBLINGS: dict[str, tuple[str, ...]] = {
    "breakbeat": ("drum and bass", "jungle"),
    "drum and bass": ("breakbeat",),
    "jungle": ("breakbeat",),
    "hip hop": ("trap",),
    "boom bap": ("trap",),
    "trap": ("hip hop", "boom bap"),
}
#: How far (as a share of the tempo asked) the nearest loop of the genre named must be
#: before a sibling genre at that tempo is shown in its place.
FAR_FROM_GENRE = 0.12


def _genre_tempos(df: pd.DataFrame, genres: Sequence[str]) -> pd.Series:
    """The measured tempos of the loops of ``df`` tagged one of ``genres`` (normalised
    tags); empty when the catalog has no genre or tempo column."""
    if "genre" not in df.columns or "tempo_bpm" not in df.columns:
        return pd.Series(dtype=float)
    own = df[df["genre"].map(catalog_tools.normalize_tag).isin(list(genres)).to_numpy(dtype=bool)]
    return pd.to_numeric(own["tempo_bpm"], errors="coerce").dropna()


def _tempo_sibling(
    df: pd.DataFrame, query: CatalogQuery
) -> tuple[list[CatalogHit], CatalogQuery, str] | None:
    """The loops of a genre the one named means at the tempo asked (:data:`TEMPO_SIBLINGS`)
    when every loop of the genre named is far from it ("some breaks around 170": drum and
    bass, not breakbeat at 138), the query searched and the note saying so; ``None``
    otherwise."""
    named = [*query.genres, *([query.genre] if query.genre else [])]
    target = query.target_bpm
    if not named or target is None or query.bpm_min is None or query.bpm_max is None:
        return None
    norm = [catalog_tools.normalize_tag(g) or "" for g in named]
    siblings = [s for g in norm for s in TEMPO_SIBLINGS.get(g, ()) if s not in norm]
    if not siblings:
        return None
    tempos = _genre_tempos(df, norm)
    if tempos.empty:
        return None
    closest = float(tempos.iloc[(tempos - target).abs().argmin()])
    if abs(closest - target) <= FAR_FROM_GENRE * target:
        return None
    candidate = query.model_copy(
        update={"genre": None, "genres": list(dict.fromkeys(siblings)), "half_double": False}
    )
    hits = catalog_tools.search(df, candidate)
    if not hits:
        return None
    said = " or ".join(named)
    found = " or ".join(dict.fromkeys(h.tags.genre or "" for h in hits if h.tags.genre))
    return (
        hits,
        candidate,
        f"no {said} loop is near {target:g} BPM (the closest is {closest:.1f} BPM); at "
        f"{target:g} BPM that usually means {found or ' or '.join(siblings)}, so showing "
        f"those (ask for {said} at its own tempo for {said} loops)",
    )


def _near_tempo(df: pd.DataFrame, genre: str, target: float | None) -> bool:
    """Whether ``df`` has a loop of ``genre`` near ``target`` BPM (at its tempo, half or
    double, within :data:`FAR_FROM_GENRE`); never without a target."""
    if target is None:
        return False
    tempos = _genre_tempos(df, [genre])
    return any(
        abs(t * m - target) <= FAR_FROM_GENRE * target for t in tempos for m in (1.0, 2.0, 0.5)
    )


def _closest_styles(df: pd.DataFrame, names: Sequence[str]) -> list[str] | None:
    """The related styles (:data:`RELATED_GENRES`) the catalog ``df`` has samples of, when
    it has none tagged any of ``names`` (normalised genre tags); ``None`` otherwise."""
    tags = set(df["genre"].map(catalog_tools.normalize_tag)) if "genre" in df.columns else set()
    wanted = [catalog_tools.normalize_tag(n) for n in names]
    if not tags or any(n in tags for n in wanted):
        return None
    related = [a for n in wanted for a in RELATED_GENRES.get(n or "", ()) if a in tags]
    return list(dict.fromkeys(related)) or None


#: A search like a loop that finds fewer than this many loops within 8 % of its tempo
#: widens the band to ±WIDE_LIKE_BAND.
FEW_LIKE_HITS = 3
WIDE_LIKE_BAND = 0.10
#: A tempo band said loosely ("around 92", "at 95") that holds fewer than FEW_LIKE_HITS
#: loops takes in the loops this far (BPM) past its edges: a tempo reading's tolerance.
TEMPO_READING_BPM = 0.5

_YES = {"yes", "y", "ok", "okay", "sure", "go", "go ahead", "proceed", "true", "1", "confirm"}


def owner_from_config(config: Any, settings: Settings) -> str:
    """The owner a run acts for: ``configurable.owner`` (bound by the server) or the local owner."""
    conf = (config or {}).get("configurable") or {}
    owner = conf.get("owner")
    return str(owner) if owner else settings.local_owner


def _is_path(ref: str) -> bool:
    return "/" in ref or "\\" in ref or ref.lower().rsplit(".", 1)[-1] in AUDIO_EXTENSIONS


class MixItem(BaseModel):
    """One side of a compatibility check: a sample (id or library path), a key, a tempo or a mix."""

    sample: str | None = Field(default=None, description="Sample id or library path.")
    key: str | None = Field(default=None, description="Key, e.g. 'A minor', 'F#m' or '8A'.")
    bpm: float | None = Field(default=None, gt=0, le=400, description="Tempo in BPM.")
    note: str | None = Field(
        default=None,
        description="Root note of a pitched one-shot ('E', 'F#1': 'an 808 on E'), set "
        "against a key on the other side.",
    )


def _as_shown(record: SampleRecord) -> Analysis | None:
    """The record's stored analysis, named as the owner knows the file."""
    if record.analysis is None:
        return None
    name = upload_name(record.tags.source)
    if name and Path(record.analysis.file).name != name:
        # An upload is stored by content hash: answers name it as it was sent.
        shown = str(Path(record.analysis.file).with_name(name))
        return record.analysis.model_copy(update={"file": shown})
    return record.analysis


def stored_analyses(
    catalog: SampleSource, refs: Sequence[str], owner: str, settings: Settings
) -> dict[str, Analysis]:
    """The analyses the catalog already holds for these sample ids (indexed samples, listed
    hits): nothing has to be measured for them. Files are named as the owner sees them
    (library-relative, as the tools name them). Paths, unknown ids and samples indexed
    without an analysis are left out."""
    paths = OwnerPaths.for_owner(settings, owner)
    out: dict[str, Analysis] = {}
    for ref in dict.fromkeys(refs):
        if _is_path(ref) or not re.fullmatch(r"[0-9A-Za-z_-]{1,128}", ref):
            continue
        try:
            record = catalog.get(ref, owner)
        except GrooveGraphError:
            continue
        stored = _as_shown(record)
        if stored is not None:
            out[ref] = Analysis.model_validate(paths.scrub(stored.model_dump()))
    return out


class _Resolver:
    """Finds an analysis for a sample reference: thread state, catalog row, or fresh analysis."""

    def __init__(
        self, *, catalog: SampleSource, settings: Settings, analyzer: Analyzer | None = None
    ) -> None:
        from groovegraph.tools.analysis import LocalAnalyzer

        self.catalog = catalog
        self.settings = settings
        self.analyzer: Analyzer = analyzer or LocalAnalyzer(settings=settings)

    def known(
        self, ref: str, state: dict[str, Any], owner: str
    ) -> tuple[Analysis | None, str | None]:
        """(analysis, file-to-analyse) for ``ref``; exactly one is set. Raises typed errors."""
        analyses: dict[str, Analysis] = state.get("analyses") or {}
        if ref in analyses:
            return analyses[ref], None
        paths = OwnerPaths.for_owner(self.settings, owner)
        if _is_path(ref):
            path = paths.resolve(ref)
            if not path.is_file():
                raise NotFoundError(f"no audio file {ref!r} in the library")
            return None, str(path)
        if not re.fullmatch(r"[0-9A-Za-z_-]{1,128}", ref):
            raise InvalidQueryError(f"not a sample id or library path: {ref!r}")
        record = self.catalog.get(ref, owner)
        stored = _as_shown(record)
        if stored is not None:
            return stored, None
        path = paths.resolve(record.path)
        return None, str(path)

    def minutes(self, files: Sequence[str]) -> float:
        from groovegraph.tools.decode import probe

        total_s = 0.0
        for f in files:
            info = probe(
                f,
                max_file_bytes=self.settings.max_file_bytes,
                max_duration_s=self.settings.max_duration_s,
            )
            # The real length: the analysis reads at most analysis_max_s of each file, but
            # capping here made an 11-minute file count as 10 and never ask (issue 10).
            total_s += info.duration_s
        return total_s / 60.0

    def analyse(self, files: Sequence[str]) -> dict[str, Analysis | GrooveGraphError]:
        return dict(self.analyzer.analyze(list(files)))

    def analysis(self, ref: str, state: dict[str, Any], owner: str) -> Analysis:
        """The analysis of ``ref``: known (state or catalog) or measured now."""
        analysis, file = self.known(ref, state, owner)
        if analysis is None and file is not None:
            outcome = self.analyse([file]).get(file)
            if not isinstance(outcome, Analysis):
                raise InvalidQueryError(f"could not analyse {ref}: {outcome}")
            analysis = outcome
        if analysis is None:
            raise NotFoundError(f"no analysis for {ref!r}")
        return analysis


def _nearest(
    df: pd.DataFrame, query: CatalogQuery, *, keep_tempo: bool = False, keep_genre: bool = False
) -> tuple[list[CatalogHit], CatalogQuery, str | None]:
    """The first single relaxation of ``query`` that finds something, with a note saying
    which constraint was relaxed: the vibe, the era, the key (to the keys that mix with
    it, then any key), the tempo band around a tempo asked for (closest tempos first; a
    stated range such as "85-95 bpm" stays), the genre (not with ``keep_genre``: a style
    just put in place of another is what was asked)."""
    steps: list[tuple[dict[str, Any], str]] = []
    if query.vibe:
        steps.append(({"vibe": None}, f"nothing {query.vibe} matches exactly; showing any vibe"))
    if query.era:
        steps.append(
            ({"era": None}, f"nothing from the {query.era} matches exactly; showing any era")
        )
    if query.key:
        steps.append(
            (
                {"key": None, "keys": [], "compatible_with": query.key},
                f"nothing in {' or '.join(query.keys or [query.key])} matches exactly; showing "
                f"keys that mix with {query.key}",
            )
        )
    elif query.compatible_with:
        steps.append(
            (
                {"compatible_with": None},
                f"nothing in a key that mixes with {query.compatible_with}; showing any key",
            )
        )
    if not keep_tempo and (query.bpm_min is not None or query.bpm_max is not None):
        # "at 70" is a band around a tempo and may widen; "85-95 bpm" is where the user
        # said the tempo lies, and stays.
        lo = f"{query.bpm_min:g}" if query.bpm_min is not None else ""
        hi = f"{query.bpm_max:g}" if query.bpm_max is not None else ""
        steps.append(
            (
                {"bpm_min": None, "bpm_max": None},
                f"nothing at {lo}–{hi} BPM matches exactly; showing the closest tempos",
            )
        )
    if (query.genre or query.genres) and not keep_genre:
        named = " or ".join([*query.genres, *([query.genre] if query.genre else [])])
        steps.append(
            (
                {"genre": None, "genres": []},
                f"nothing tagged {named} matches exactly; showing other genres",
            )
        )
    for change, note in steps:
        hits, candidate = _relaxed_search(df, query, change)
        if hits:
            return hits, candidate, note
    if query.root_note:
        # "a kick tuned to A" and none is: the ones whose measured root is nearest
        near = _nearest_roots(df, query)
        if near is not None:
            return near
    # No single relaxation finds anything ("jazz, dusty, at 80" where the jazz loops are
    # neither dusty nor that slow): relax them together, the least defining first, and
    # stop at the first set that finds something, every relaxed filter named.
    together: dict[str, Any] = {}
    said: list[str] = []
    # (the genre named stays: without it, this list would answer another question)
    for change, note in steps:
        if "genre" in change:
            break
        together.update(change)
        said.append(note.split("; ", 1)[-1])
        if len(said) < 2:
            continue
        hits, candidate = _relaxed_search(df, query, together)
        if hits:
            return (
                hits,
                candidate,
                "nothing matches exactly, even with one filter relaxed; showing "
                + ", ".join(s.removeprefix("showing ") for s in said),
            )
    return [], query, None


def _semitones(asked: tuple[int, int | None], root: str | None) -> int | None:
    """Signed semitones from the pitch asked for to ``root`` (a pitch class asked for:
    the nearer way round, up to a tritone), or None for no readable root."""
    try:
        pc, octave = parse_note(root or "")
    except InvalidQueryError:
        return None
    if asked[1] is not None and octave is not None:
        return (octave * 12 + pc) - (asked[1] * 12 + asked[0])
    d = (pc - asked[0]) % 12
    return d - 12 if d > 6 else d


def _nearest_roots(
    df: pd.DataFrame, query: CatalogQuery
) -> tuple[list[CatalogHit], CatalogQuery, str] | None:
    """One-shots of the sound asked for whose measured root is nearest the pitch asked
    for, when none sits on it ("a kick tuned to A": the ones on A# and G), nearest first,
    with the note saying how far each is; None when none has a root."""
    assert query.root_note is not None
    try:
        asked = parse_note(query.root_note)
    except InvalidQueryError:
        return None
    wide = query.model_copy(update={"root_note": None, "limit": 10_000})
    found = [
        (abs(d), -d, i, h)
        for i, h in enumerate(catalog_tools.search(df, wide))
        if (d := _semitones(asked, h.root_note)) is not None
    ]
    if not found:
        return None
    found.sort(key=lambda t: t[:3])
    hits = [h for *_, h in found[: query.limit]]
    sound = f"{query.instrument} one-shot" if query.instrument else "one-shot"
    said: list[str] = []
    for dist, neg, _, h in found[: query.limit]:
        way = "above" if neg < 0 else "below"
        said_root = f"{h.root_note} ({dist} semitone{'s' * (dist != 1)} {way})"
        if said_root not in said and len(said) < 3:
            said.append(said_root)
    note = (
        f"no {sound} here is tuned to {query.root_note}; showing the nearest roots: "
        f"{', '.join(said)}"
    )
    return hits, query.model_copy(update={"root_note": None}), note


def _library_lacks(df: pd.DataFrame, **tag: Any) -> bool:
    """Whether no sample of the library at all carries this tag (``genre="lo fi"``,
    ``vibe="dusty"``, ``era="40s"``), whatever the other filters."""
    return not catalog_tools.search(df, CatalogQuery(limit=1, **tag))


def _same_meter_first(
    df: pd.DataFrame, query: CatalogQuery, hits: list[CatalogHit], meter: int
) -> tuple[list[CatalogHit], str | None]:
    """``hits`` with the loops measured in ``meter`` beats per bar (the reference loop's)
    first — the same search kept to that meter, then the rest — and the note saying so,
    or that none is in that meter; ``None`` when every hit is in it or none has one."""
    other = [h for h in hits if h.meter and h.meter != meter]
    if not other:
        return hits, None
    sig = f"{meter}/4"
    same = catalog_tools.search(df, query.model_copy(update={"meter": meter}))
    ids = {h.sample_id for h in same}
    ranked = [*same, *(h for h in hits if h.sample_id not in ids)][: query.limit]
    others = sorted({f"{h.meter}/4" for h in ranked if h.meter and h.meter != meter})
    drift = (
        f"against it the bars of a loop in {' or '.join(others)} do not line up (a "
        "polymeter only on purpose: the mix check lowers such a pair)"
    )
    if not same:
        return ranked, f"none in {sig} like the reference; {drift}"
    return ranked, f"{len(same)} loop(s) in {sig} like the reference, listed first; {drift}"


def _kept_text(query: CatalogQuery) -> str:
    """The filters a search still applies, in words ("dusty, 76–84 BPM")."""
    kept: list[str] = []
    named = [*query.genres, *([query.genre] if query.genre else [])]
    if named:
        kept.append(" or ".join(named))
    if query.vibe:
        kept.append(query.vibe)
    eras = [*query.eras, *([query.era] if query.era else [])]
    if eras:
        kept.append("the " + " or ".join(eras))
    if query.bpm_min is not None and query.bpm_max is not None:
        kept.append(f"{query.bpm_min:g}–{query.bpm_max:g} BPM")
    elif query.bpm_min is not None:
        kept.append(f"over {query.bpm_min:g} BPM")
    elif query.bpm_max is not None:
        kept.append(f"under {query.bpm_max:g} BPM")
    keys = [*query.keys] or ([query.key] if query.key else [])
    if keys:
        kept.append(" or ".join(keys))
    if query.swing_min is not None or query.swing_max is not None:
        kept.append("the swing asked for")
    if query.instrument:
        kept.append(query.instrument)
    return ", ".join(kept)


def _without_absent_tags(
    df: pd.DataFrame, query: CatalogQuery, *, relax: bool
) -> tuple[CatalogQuery, list[str]]:
    """``query`` without the style tags no sample of the library carries at all (a "lo fi"
    search in a library with no lo-fi loops), each said so: a genre gives way to its
    related genres the library has (else goes), a vibe or era goes, and the note names
    what is kept (the caller adds it: ``(kept: …)`` names the filters the search applies
    in the end, after any later relaxation). Without ``relax`` (narrowing a list) the
    filters stay and only the note says why nothing can match."""
    notes: list[str] = []
    update: dict[str, Any] = {}
    named = [*query.genres, *([query.genre] if query.genre else [])]
    if named and all(_library_lacks(df, genre=g) for g in named):
        # (and a genre it means at another tempo with loops near the tempo asked: a
        # library with no loop tagged hip hop has its "hip hop at 70" as trap at 140)
        related = [
            alt
            for g in named
            for alt in (
                *RELATED_GENRES.get(catalog_tools.normalize_tag(g) or "", ()),
                *(
                    s
                    for s in TEMPO_SIBLINGS.get(catalog_tools.normalize_tag(g) or "", ())
                    if _near_tempo(df, s, query.target_bpm)
                ),
            )
            if alt not in named and not _library_lacks(df, genre=alt)
        ]
        related = list(dict.fromkeys(related))
        update.update(genre=None, genres=related)
        what = " or ".join(named)
        if related:
            notes.append(
                f"the library has no loops tagged {what}; showing the related "
                f"{' or '.join(related)} instead"
            )
        else:
            notes.append(f"the library has no loops tagged {what}, so the genre is left out")
    if query.vibe and _library_lacks(df, vibe=query.vibe):
        update["vibe"] = None
        style = vocab.genre_of_vibe(query.vibe)
        if style and not named and not _library_lacks(df, genre=style):
            # "funky 60s stuff": no loop is tagged funky, but funk is the style it names
            update["genre"] = style
            notes.append(f"no sample in the library is tagged {query.vibe}, so showing {style}")
        else:
            notes.append(
                f"no sample in the library is tagged {query.vibe}, so the vibe is left out"
            )
    eras = [*query.eras, *([query.era] if query.era else [])]
    if eras and all(_library_lacks(df, era=e) for e in eras):
        update.update(era=None, eras=[])
        notes.append(
            f"the library has nothing from the {' or '.join(eras)}, so the era is left out"
        )
    if not notes:
        return query, []
    if not relax:
        return query, [n.split(",")[0].split(";")[0] for n in notes]
    return query.model_copy(update=update), notes


def _relaxed_search(
    df: pd.DataFrame, query: CatalogQuery, change: dict[str, Any]
) -> tuple[list[CatalogHit], CatalogQuery]:
    """``query`` searched with ``change`` applied (one relaxation or several): a relaxed
    tempo band gives the closest tempos; otherwise near matches at the tempo asked for
    first, their half- or double-time twins only when the query allows them and none is
    at the tempo itself."""
    if "bpm_min" in change:
        return _closest_tempos(df, query.model_copy(update=change), query)
    candidate = query.model_copy(update={"half_double": False, **change})
    hits = catalog_tools.search(df, candidate)
    if not hits and query.half_double:
        candidate = candidate.model_copy(update={"half_double": True})
        hits = catalog_tools.search(df, candidate)
    return hits, candidate


def _nearest_of_instrument(
    df: pd.DataFrame, query: CatalogQuery, *, keep_tempo: bool
) -> tuple[list[CatalogHit], CatalogQuery, str]:
    """The samples of the instrument asked for that come nearest when no single relaxation
    finds one: both the key and the tempo band go ("bass loops that sit on top of it":
    the key and tempo came from the loop; a band the user stated stays), the style filters
    stay; the tempo still ranks, and the note names what went."""
    dropped: list[str] = []
    wide = query
    hits: list[CatalogHit] = []
    if query.key or query.compatible_with:
        dropped.append("key")
        wide = query.model_copy(update={"key": None, "compatible_with": None})
        hits = catalog_tools.search(df, wide)
    if not hits and not keep_tempo and (query.bpm_min is not None or query.bpm_max is not None):
        dropped.append("tempo")
        hits, wide = _closest_tempos(
            df, wide.model_copy(update={"bpm_min": None, "bpm_max": None}), wide
        )
    instrument = catalog_tools.canonical_instrument(query.instrument)
    if (
        dropped == ["key"]
        and query.kind == "one_shot"
        and instrument in vocab.DRUM_KIT
        and query.instrument
    ):
        # "a kick one-shot for it": none tuned to the loop's key, but a drum hit needs
        # no key — said plainly, not as a near miss ("nothing matches … key relaxed")
        key = query.key or query.compatible_with
        plural = f"{query.instrument}s" if not query.instrument.endswith("s") else query.instrument
        note = (
            f"{plural} are drums, with no key to match {key}, so the key is left out of "
            f"this search (none here is tuned to it); showing {query.instrument} one-shots "
            "of any pitch"
        )
        return hits, wide, note
    if dropped == ["key"] and query.kind == "one_shot" and query.key and query.instrument:
        # "808s in A minor" with no 808 rooted in its scale: the 808s are there, their
        # roots are not in the key — said so, not as if nothing were tagged 808
        note = (
            f"no {query.instrument} one-shot here has a root in the {parse_key(query.key).name} "
            f"scale; showing the {query.instrument} ones of any root (outside the key: "
            "retune one to fit)"
        )
        return hits, wide, note
    note = (
        f"nothing tagged {query.instrument} matches exactly; showing the nearest "
        f"{query.instrument} ones ({', '.join(dropped) or 'filters'} relaxed)"
    )
    return hits, wide, note


#: How far the band around a vague tempo widens, step by step, for "the closest tempos".
_CLOSEST_TEMPO_WIDTHS = (0.1, 0.2, 0.35, 0.6, 0.9)


def _closest_tempos(
    df: pd.DataFrame, unbounded: CatalogQuery, query: CatalogQuery
) -> tuple[list[CatalogHit], CatalogQuery]:
    """The closest tempos to the one asked for: the narrowest of a few widening bands
    around it (at most ±90 %) that finds something, ranked by distance within it (the
    band's width is the ranking's spread, so a farther tempo never outranks a nearer one
    on quality alone).
    With half/double time allowed (``query.half_double``), a loop counts at ×2 and ×½ too:
    "closest to 55" ranks a 118 BPM loop (59 counted half) above a 64 BPM one."""
    lo, hi, target = query.bpm_min, query.bpm_max, query.target_bpm
    if target is None and lo is not None and hi is not None:
        target = (lo + hi) / 2.0
    if target is None:
        base = unbounded.model_copy(update={"half_double": False})
        return catalog_tools.search(df, base), base
    for width in _CLOSEST_TEMPO_WIDTHS:
        candidate = unbounded.model_copy(
            update={
                "bpm_min": round(target * (1 - width), 1),
                "bpm_max": round(target * (1 + width), 1),
                "bpm_min_exclusive": False,
                "bpm_max_exclusive": False,
                "target_bpm": target,
            }
        )
        exact = candidate.model_copy(update={"half_double": False})
        hits = catalog_tools.search(df, exact)
        if hits and not query.half_double:
            return hits, exact
        if query.half_double:
            # the twins join the band: a nearer twin beats a farther loop at the raw tempo
            candidate = candidate.model_copy(update={"tempo_first": False})
            hits = catalog_tools.search(df, candidate)
        if hits:
            return hits, candidate
    return [], unbounded


def sample_label(ref: str, analysis: Analysis | None = None) -> str:
    """How answers name a sample: a library path as written, a catalog id by its file
    name with the id alongside (``"amen.wav [3f2a9c…]"``), never a bare hash id."""
    if _is_path(ref) or analysis is None or not analysis.file:
        return ref
    name = Path(analysis.file).name
    return name if name == ref else f"{name} [{ref}]"


#: Plots one tool result shows at most (a batch of twenty loops is not twenty pictures).
MAX_PLOTS = 4


def plot_refs(refs: dict[str, Analysis], *, prefer: Literal["grid", "key"]) -> list[dict[str, Any]]:
    """The plots an answer about these samples shows: ``prefer`` ("grid" for a groove,
    "key" for a mix) where the sample has it, else the grid; a one-shot has neither a
    grid nor (unless pitched) a key, so it gets the key wheel only when it has a key."""
    out: list[dict[str, Any]] = []
    for ref, a in refs.items():
        has = {"grid": a.tempo_bpm is not None, "key": a.key is not None}
        kind = next((k for k in (prefer, "grid", "key") if has[k]), None)
        if kind is None:
            continue
        out.append(
            PlotRef(sample=ref, sha256=a.sha256, kind=kind, label=sample_label(ref, a)).model_dump()
        )
    return out[:MAX_PLOTS]


def _analysis_text(label: str, a: Analysis) -> str:
    if a.kind == "one_shot" or a.tempo_bpm is None:
        pitch = f"root {a.root_note}" if a.root_note else "unpitched"
        return (
            f"{label}: one-shot {a.instrument or 'sound'} ({pitch}); no tempo, swing or "
            f"pocket; duration {a.duration_s:.2f} s, level {a.rms_db:.1f} dBFS"
        )
    key = f"key {a.key} ({a.camelot}, {confidence_words(a.key_confidence)})" if a.key else NO_KEY
    return (
        f"{label}: tempo {a.tempo_bpm:.1f} BPM ({confidence_words(a.tempo_confidence)}), {key}, "
        f"swing {a.swing_percent:.1f}% (ratio {a.swing_ratio:.2f}), "
        + (
            f"backbeat lag {a.backbeat_lag_ms:+.1f} ms, timing deviation {a.timing_deviation_ms:.1f} ms, "
            if a.backbeat_lag_ms is not None and a.timing_deviation_ms is not None
            else "no backbeat lag or timing deviation (no drums to measure them on), "
        )
        + f"duration {a.duration_s:.1f} s, onset rate {a.onset_rate_hz:.2f}/s"
        + (f", {a.instrument}" if a.instrument else "")
        # A tempo or key under the "not sure" line says so, with its other reading, in
        # what the specialist reads (the offline answer words it the same way).
        + "".join(
            f". {d[0].upper()}{d[1:]}"
            for d in (
                tempo_doubt(label, a.tempo_bpm, a.tempo_confidence),
                key_doubt(label, a.key, a.key_confidence, a.key_runner_up),
            )
            if d
        )
    )


def _roots_in_key_note(query: CatalogQuery, hits: Sequence[CatalogHit]) -> str | None:
    """How many of the one-shots listed for a key sit on its tonic, and what the others
    are ("1 on the tonic of A minor (A); the others have roots in the A minor scale, the
    fifth (E) first"), so an exact tonic match is never mistaken for a near one."""
    if not (query.roots_in_key and query.key and query.kind == "one_shot" and hits):
        return None
    key = parse_key(query.key)
    tonic = key.name.split()[0]
    fifth = Key((key.pc + 7) % 12, key.mode).name.split()[0]
    fits = [catalog_tools.root_fit(query.key, h.root_note) for h in hits]
    on_tonic = sum(1 for f in fits if f is not None and f[0] >= 1.0)
    if on_tonic == len(hits):
        return f"every one listed is on the tonic of {key.name} ({tonic})"
    on_fifth = any(f is not None and 0.85 < f[0] < 1.0 for f in fits)
    others = f"roots in the {key.name} scale" + (f", the fifth ({fifth}) first" if on_fifth else "")
    if on_tonic == 0:
        return f"none is on the tonic of {key.name} ({tonic}); showing {others}"
    return f"{on_tonic} on the tonic of {key.name} ({tonic}); the others have {others}"


def _loop_or_none(a: Analysis) -> Analysis | None:
    """``a`` when it has a groove (tempo and swing) to match styles against; None for a
    one-shot, so era notes and library statistics fall back to what the question names."""
    return None if a.tempo_bpm is None or a.swing_percent is None else a


def _key_or_none(text: object) -> Key | None:
    try:
        return parse_key(text) if isinstance(text, str) and text.strip() else None
    except InvalidQueryError:
        return None


def _normalized(
    norm: Callable[[Any], str | None], values: Sequence[str], value: str | None
) -> set[str]:
    """A filter's values (its list and its single value) as ``norm`` spells them."""
    return {v for v in map(norm, [*values, *([value] if value else [])]) if v}


def _tags_missed(row: Mapping[Any, Any], query: CatalogQuery, mode: str | None) -> list[str]:
    """What a listed catalog row is instead, for each of ``query``'s era, genre and key
    filters it fails ("from the 70s", "funk", "in C major")."""
    said: list[str] = []
    eras = _normalized(catalog_tools.normalize_era, query.eras, query.era)
    era = catalog_tools.normalize_era(row.get("era"))
    if eras and era not in eras:
        said.append(f"from the {era}" if era else "of no known era")
    genres = _normalized(catalog_tools.normalize_tag, query.genres, query.genre)
    genre = catalog_tools.normalize_tag(row.get("genre"))
    if genres and genre not in genres:
        said.append(str(row.get("genre")) if genre else "of no tagged genre")
    wanted = {k.name for k in map(_key_or_none, [*query.keys, query.key]) if k}
    parsed = _key_or_none(row.get("key"))
    if (mode or wanted) and parsed is None:
        said.append("in no measured key")
    elif parsed is not None and (
        (mode and parsed.mode != mode) or (wanted and parsed.name not in wanted)
    ):
        said.append(f"in {parsed.name}")
    return said


def _hit_text(h: CatalogHit) -> str:
    if h.kind == "one_shot":
        what = " ".join(x for x in ("one-shot", h.instrument, h.root_note) if x)
        return (
            f"{h.sample_id} {h.path}: {what}, {h.duration_s or 0.0:.2f} s, "
            f"{h.tags.genre or '-'} / {h.tags.era or '-'}, score {h.score:.2f} ({h.reason})"
        )
    return (
        f"{h.sample_id} {h.path}: {h.tempo_bpm} BPM, {key_text(h.key, h.camelot)}, "
        f"swing {h.swing_percent}%, "
        f"{h.tags.genre or '-'} / {h.tags.era or '-'}, score {h.score:.2f} ({h.reason})"
    )


def build_toolsets(
    *, catalog: SampleSource, settings: Settings, analyzer: Analyzer | None = None
) -> dict[SpecialistName, list[BaseTool]]:
    """The tools of each specialist, bound to ``catalog`` and ``settings``.

    Parameters
    ----------
    catalog : SampleSource
        Where samples are looked up and searched (owner-scoped).
    settings : Settings
        Library roots, audio caps and ``confirm_audio_minutes``.
    analyzer : Analyzer, optional
        Where files are analysed; default this machine
        (:class:`~groovegraph.tools.analysis.LocalAnalyzer`).

    Returns
    -------
    dict
        ``{"groove": [...], "era": [...], "compatibility": [...], "discovery": [...]}``.
    """
    resolver = _Resolver(catalog=catalog, settings=settings, analyzer=analyzer)

    def library_note() -> str | None:
        """Said with library results while the demo library is still being built or
        indexed (the server is ready long before), else None."""
        progress = library_progress(settings)
        return None if progress is None else progress.note()

    # ------------------------------------------------------------------ audio tools
    def analyze_samples(samples: list[str], runtime: Runtime) -> tuple[str, dict[str, Any]]:
        """Measure tempo (BPM), beats, swing (MPC %), pocket (backbeat lag, ms), timing
        deviation (ms) and key of library samples, given sample ids or library paths."""
        if not samples:
            raise InvalidQueryError("analyze_samples needs at least one sample id or path")
        owner = owner_from_config(runtime.config, settings)
        state = runtime.state if isinstance(runtime.state, dict) else {}
        found: dict[str, Analysis] = {}
        to_run: dict[str, str] = {}
        errors: list[str] = []
        known_before = set((state.get("analyses") or {}).keys())
        for ref in dict.fromkeys(samples):
            try:
                analysis, file = resolver.known(ref, state, owner)
            except GrooveGraphError as err:
                errors.append(f"{ref}: {err.message}")
                continue
            if analysis is not None:
                found[ref] = analysis
            elif file is not None:
                to_run[ref] = file
        if to_run:
            try:
                minutes = resolver.minutes(list(to_run.values()))
            except GrooveGraphError as err:
                errors.append(str(err))
                to_run, minutes = {}, 0.0
            # Human in the loop: long batches are confirmed before any decoding starts.
            if minutes > settings.confirm_audio_minutes:
                answer = interrupt(
                    {
                        "type": "confirm_audio",
                        "question": f"Analyse {minutes:.1f} minutes of audio in {len(to_run)} file(s)? (yes/no)",
                        "minutes": round(minutes, 2),
                        "files": list(to_run),
                    }
                )
                if str(answer).strip().lower() not in _YES and answer is not True:
                    errors.append(
                        f"skipped {len(to_run)} file(s) ({minutes:.1f} min of audio): not confirmed"
                    )
                    to_run = {}
            outcomes = resolver.analyse(list(to_run.values())) if to_run else {}
            for ref, file in to_run.items():
                outcome = outcomes.get(file)
                if isinstance(outcome, Analysis):
                    found[ref] = outcome
                elif outcome is not None:
                    errors.append(f"{ref}: {outcome}")
        lines = [_analysis_text(sample_label(ref, a), a) for ref, a in found.items()] + [
            f"error: {e}" for e in errors
        ]
        artifact = {
            "analyses": {k: v.model_dump() for k, v in found.items()},
            "errors": errors,
            "reused": [k for k in found if k in known_before],
            "plots": plot_refs(found, prefer="grid"),
        }
        return "\n".join(lines) or "nothing analysed", artifact

    # ---------------------------------------------------------------- catalog tools
    def search_catalog(
        runtime: Runtime,
        bpm_min: float | None = None,
        bpm_max: float | None = None,
        target_bpm: float | None = None,
        half_double: bool = True,
        key: str | None = None,
        keys: list[str] | None = None,
        compatible_with: str | None = None,
        clash: bool = False,
        swing_min: float | None = None,
        swing_max: float | None = None,
        genre: str | None = None,
        genres: list[str] | None = None,
        era: str | None = None,
        eras: list[str] | None = None,
        vibe: str | None = None,
        instrument: str | None = None,
        like_sample: str | None = None,
        exclude: list[str] | None = None,
        among: list[str] | None = None,
        listed_before: list[str] | None = None,
        limit: int | None = None,
        mode: Literal["major", "minor"] | None = None,
        kind: Literal["loop", "one_shot"] | None = None,
        root_note: str | None = None,
        tonic: str | None = None,
        not_genres: list[str] | None = None,
        not_eras: list[str] | None = None,
        relax: bool = True,
        stated_range: bool = False,
        meter: str | None = None,
        pocket: bool = False,
        keep_genre: bool = False,
        keep_era: bool = False,
        loose_ref_key: bool = False,
        bpm_min_exclusive: bool = False,
        bpm_max_exclusive: bool = False,
    ) -> tuple[str, dict[str, Any]]:
        """Search the sample catalog. Filters: tempo range/target in BPM (with half_double,
        half/double time match when nothing matches the tempo itself; a bound is kept,
        "up to 100" is bpm_max 100, unless bpm_max_exclusive / bpm_min_exclusive leave it
        out: "under 100" is bpm_max 100 with bpm_max_exclusive, "over 100" bpm_min 100
        with bpm_min_exclusive), exact key (keys: any of several, "in E major or E minor") or keys compatible with a key (Camelot), mode ('major' or
        'minor' keys only), swing percent range, genre, era ('70s'), vibe, instrument
        (kick, snare, clap, hat, cymbal, tom, perc, bass, keys, pad, lead, vocal, fx,
        drums, mix), genres: any of several genres ("soul or funk loops"), eras: any of several
        eras ("70s or 80s"), kind ('loop' or 'one_shot': single hits and notes), root_note of
        one-shots ('F', 'F#1'; with kind='one_shot' a key also matches roots on its
        tonic: "an 808 in F" = kind one_shot, instrument bass, root_note F).
        clash: with compatible_with (or like_sample), the keys that clash with it instead
        ("which loops would clash with it"). tonic: keys on that tonic in either mode ('F': F major or F minor), for a key
        known only by a one-shot's root. not_genres: genres to leave out ("loops around 120 but not house"); not_eras:
        eras to leave out ("but not the 70s ones"). among: sample ids, the only ones searched
        (the list shown, narrowed: "which of those were from the 70s?"). listed_before:
        sample ids listed before, left out unless nothing else matches ("anything
        slower?" after a list: loops not seen yet).
        like_sample: a sample id/path whose tempo, key and swing become the targets.
        relax: when nothing matches, drop the swing/vibe filters (default; a stated
        instrument only last, said so) or
        report the empty result (narrowing an earlier list); with relax, an empty search
        shows the nearest matches, one constraint relaxed (said in the notes).
        stated_range: the user gave the tempo range itself ("85-95 bpm"): it is never
        widened. meter: a time signature ('3/4', '6/8', '12/8', '4/4') or beats per bar
        ('3'): loops measured with that many beats per bar (a compound meter counts its
        dotted beats and also asks for a triplet swing). pocket: with like_sample, rank
        by the backbeat lag nearest the sample's ("laid back snare like this one"), not by
        its tempo, key or swing. keep_genre: the genre was just put in place of another
        ("swap to disco", "what about house instead"): an empty search relaxes the rest
        (the old style's vibe, the tempo), never the genre. keep_era: the decade was named
        by this turn ("only the straight ones from the 70s"): a narrowing that finds
        nothing in a loose tempo band never lets it go (a decade carried from earlier
        turns goes before the band does). loose_ref_key: with
        like_sample, its key was not asked for ("more 00s loops like the break", not "loops
        that mix with it"): an empty search relaxes it before any filter stated."""
        if kind is not None and kind not in ("loop", "one_shot"):
            raise InvalidQueryError(f"kind must be 'loop' or 'one_shot', not {kind!r}")
        if mode is not None and mode not in ("major", "minor"):
            raise InvalidQueryError(f"mode must be 'major' or 'minor', not {mode!r}")
        owner = owner_from_config(runtime.config, settings)
        state = runtime.state if isinstance(runtime.state, dict) else {}
        if limit is None:
            ctx = runtime.context
            limit = (
                ctx.result_count if ctx is not None and ctx.result_count else None
            ) or settings.result_count
        notes: list[str] = []
        if kind == "one_shot" and (bpm_min, bpm_max, target_bpm) != (None, None, None):
            # a single hit has no tempo: a tempo filter would leave no one-shot at all
            # (a tempo said elsewhere in the message, "an 808 in E and is 145 half of 72")
            bpm_min = bpm_max = target_bpm = None
            notes.append("one-shots have no tempo, so the tempo was left out of this search")
        target_lag: float | None = None
        auto_range = False
        ref_key = False  # the key filter is the reference's, never asked for itself
        ref_file: str | None = None
        target_swing: float | None = None
        excluded = list(exclude or [])
        scale_note: str | None = None
        ref_meter: int | None = None  # a loop reference's measured beats per bar
        if like_sample:
            ref_analysis = resolver.analysis(like_sample, state, owner)
            ref_file = ref_analysis.file
            if ref_analysis.tempo_bpm is not None and kind != "one_shot":
                ref_meter = ref_analysis.meter
            if ref_analysis.tempo_bpm is None and kind == "loop":
                # "trap loops this 808 would sit with": loops are not like a one-shot (no
                # tempo, kind or instrument to share); they sit on its root, either mode
                # (every key whose scale holds the root, the keys on it first); the word
                # naming the one-shot's own sound ("this 808") is no filter on the loops
                if key is None and compatible_with is None and tonic is None:
                    scale_note = re.sub(r"-?\d+$", "", ref_analysis.root_note or "") or None
                if instrument is not None and catalog_tools.canonical_instrument(
                    instrument
                ) == catalog_tools.canonical_instrument(ref_analysis.instrument):
                    instrument = None
                notes.append(
                    f"for {sample_label(like_sample, ref_analysis)}: one-shot "
                    f"{ref_analysis.instrument or 'sound'}"
                    + (f", root {ref_analysis.root_note}" if ref_analysis.root_note else "")
                )
            elif ref_analysis.tempo_bpm is None:
                # A one-shot reference: more one-shots of its instrument (and root).
                kind = kind or "one_shot"
                # "a kick that goes with it" about an 808: a drum of another kind is not
                # asked on the 808's root (a kick tuned to it is asked for by its note)
                other_drum = (
                    instrument is not None
                    and instrument != ref_analysis.instrument
                    and instrument in vocab.DRUM_KIT
                )
                instrument = instrument or ref_analysis.instrument
                root_note = root_note or (None if other_drum else ref_analysis.root_note)
                notes.append(
                    f"reference {sample_label(like_sample, ref_analysis)}: one-shot {ref_analysis.instrument or 'sound'}"
                    + (f", root {ref_analysis.root_note}" if ref_analysis.root_note else "")
                )
            elif kind == "one_shot":
                # "a snare for this loop": a one-shot has no tempo or swing to match, a drum
                # hit no key unless one is asked for ("a kick tuned to A"), and a pitched
                # one ("an 808 that fits this") the loop's key: roots on its tonic
                if instrument not in vocab.DRUM_KIT and key is None and compatible_with is None:
                    key = ref_analysis.key  # a pitched one-shot on the loop's tonic
                notes.append(
                    f"for {sample_label(like_sample, ref_analysis)}: "
                    f"{ref_analysis.tempo_bpm:.1f} BPM, "
                    f"{key_text(ref_analysis.key, ref_analysis.camelot)}"
                )
            elif pocket and ref_analysis.backbeat_lag_ms is not None:
                # "laid back snare like this one": how the backbeat sits is the search;
                # the loop's tempo, key and swing are not asked for
                target_lag = round(ref_analysis.backbeat_lag_ms, 1)
                notes.append(
                    f"reference {sample_label(like_sample, ref_analysis)}: backbeat "
                    f"{target_lag:+.1f} ms ({pocket_word(target_lag)}); ranked by the backbeat "
                    "lag nearest it"
                )
            elif target_bpm is None:
                target_bpm = round(ref_analysis.tempo_bpm, 2)
                if bpm_min is None and bpm_max is None:
                    # "like this": within 8 % of its tempo (or half/double), widened below if empty.
                    bpm_min, bpm_max = round(target_bpm * 0.92, 1), round(target_bpm * 1.08, 1)
                    auto_range = True
            if ref_analysis.tempo_bpm is not None and kind != "one_shot" and target_lag is None:
                if key is None and compatible_with is None:
                    compatible_with = ref_analysis.key
                    ref_key = loose_ref_key
                if ref_analysis.swing_percent is not None:
                    target_swing = round(ref_analysis.swing_percent, 2)
                notes.append(
                    f"reference {sample_label(like_sample, ref_analysis)}: "
                    f"{ref_analysis.tempo_bpm:.1f} BPM, "
                    f"{key_text(ref_analysis.key, ref_analysis.camelot)}, "
                    f"swing {ref_analysis.swing_percent or 50.0:.1f}%"
                )
            if not _is_path(like_sample):
                excluded.append(like_sample)
        excluded = [e for e in excluded if not _is_path(e)]
        seen = [s for s in dict.fromkeys(listed_before or []) if s not in excluded]
        beats: int | None = None
        if meter:
            beats, triplet, meter_note = catalog_tools.meter_search(
                meter, swing_given=swing_min is not None or swing_max is not None
            )
            if triplet is not None:
                swing_min, swing_max = triplet
            notes.append(meter_note)
        query = CatalogQuery(
            meter=beats,
            target_lag_ms=target_lag,
            bpm_min=bpm_min,
            bpm_max=bpm_max,
            bpm_min_exclusive=bpm_min_exclusive and bpm_min is not None,
            bpm_max_exclusive=bpm_max_exclusive and bpm_max is not None,
            target_bpm=target_bpm,
            half_double=half_double,
            key=key,
            keys=list(dict.fromkeys(k for k in keys or [] if k)),
            compatible_with=compatible_with,
            clash=clash and compatible_with is not None,
            # "loops that mix with B minor": the keys that mix as every search reads them
            # (harmony.MIXES_MIN_SCORE: same key, relative, one step round the wheel)
            swing_min=swing_min,
            swing_max=swing_max,
            target_swing=target_swing,
            genre=genre,
            genres=list(dict.fromkeys(g for g in genres or [] if g)),
            era=era,
            eras=list(dict.fromkeys(e for e in eras or [] if e)),
            vibe=vibe,
            instrument=instrument,
            kind=kind,
            root_note=root_note,
            # "808s in A minor": the one-shots whose roots fit the key (its scale), those on
            # the tonic first; "an 808 in F" names the root itself (root_note)
            roots_in_key=kind == "one_shot" and bool(key) and not root_note,
            tonic=tonic,
            scale_note=scale_note,
            exclude_ids=[*excluded, *seen],
            only_ids=list(among or []),
            limit=max(1, min(int(limit), 50)),
        )
        df = catalog.frame(owner)
        catalog_size = len(df)
        if (partial := library_note()) is not None:
            notes.append(partial)
        for column, norm, values in (
            ("_genre", catalog_tools.normalize_tag, not_genres),
            ("_era", catalog_tools.normalize_era, not_eras),
        ):
            ruled_out = [v for v in (norm(x) for x in values or []) if v]
            if ruled_out:
                df = catalog_tools.prepare_frame(df)
                if auto_range and column == "_genre" and ref_file is not None:
                    # "stuff from other genres that mixes with it": the reference's own
                    # style left out, its tempo band is no filter (its key is)
                    own = df.loc[df["path"].astype("string") == ref_file, "_genre"]
                    if own.isin(ruled_out).any():
                        query = query.model_copy(update={"bpm_min": None, "bpm_max": None})
                        auto_range = False
                df = df[~df[column].isin(ruled_out).to_numpy(dtype=bool)]
                notes.append("not " + ", ".join(ruled_out))
        if mode is not None:
            # CatalogQuery has no mode; "which ones are in minor?" keeps the minor-key rows.
            df = df[df["key"].astype("string").str.endswith(f" {mode}", na=False)]
            notes.append(f"{mode} keys only")
        # The search shows half- or double-time matches only when nothing is at the
        # tempo itself; then it says so.
        hits = catalog_tools.search(df, query)
        if not hits and seen:
            # nothing new: the ones listed before that meet it, said so
            query = query.model_copy(update={"exclude_ids": excluded})
            hits = catalog_tools.search(df, query)
            if hits:
                notes.append("nothing new matches; these were listed before")
        elif hits and seen:
            # the ones listed before that meet it too are left out, never silently: the
            # answer names them ("anything slower?" finds 1 new and 4 seen ones)
            again = catalog_tools.search(
                df, query.model_copy(update={"exclude_ids": excluded, "limit": 50})
            )
            if left := [h for h in again if h.sample_id in seen]:
                seen_names = ", ".join(Path(h.path).name for h in left[:5])
                rest = f" and {len(left) - 5} more" if len(left) > 5 else ""
                notes.append(
                    f"{len(left)} more that meet it were listed before, so left out: "
                    f"{seen_names}{rest}"
                )
        if hits and not any(catalog_tools.at_tempo(h, query) for h in hits):
            notes.append("nothing at that tempo; showing half- or double-time matches")
        asked_genres = [*query.genres, *([query.genre] if query.genre else [])]
        switched: dict[str, Any] | None = None  # the request's fields a kind switch changed
        if (
            not hits
            and query.kind == "one_shot"
            and asked_genres
            and not catalog_tools.search(
                df, CatalogQuery(kind="one_shot", genres=asked_genres, limit=1)
            )
        ):
            # one-shots tagged with no such style (the demo's carry none): "what about
            # disco instead" after kicks changes the style, so it is disco loops; "a disco
            # kick" asks for the kick, so it is kicks of any style — either said so
            styles = " or ".join(asked_genres)
            sound = f"{query.instrument} one-shots" if query.instrument else "one-shots"
            if keep_genre:
                switched = {"kind": "loop", "instrument": None, "root_note": None}
                query = query.model_copy(
                    update={
                        "kind": "loop",
                        "instrument": None,
                        "root_note": None,
                        "roots_in_key": False,
                    }
                )
                notes.append(
                    f"no one-shot here is tagged {styles}, so these are {styles} loops "
                    f"instead of {sound} (ask for {sound} again to list them)"
                )
            else:
                query = query.model_copy(update={"genre": None, "genres": []})
                notes.append(
                    f"no one-shot here is tagged {styles}, so the style is left out; "
                    f"showing {sound} of any style"
                )
            hits = catalog_tools.search(df, query)
        kept_at: int | None = None  # the note of a tag the library lacks (what it kept)
        if not hits:
            # a genre, vibe or era no sample of the library has cannot match: it goes
            # first (said so, with what is kept), the rest relaxes as usual below
            query, absent = _without_absent_tags(catalog.frame(owner), query, relax=relax)
            notes.extend(absent)
            if absent and relax:
                kept_at = len(notes) - 1
                hits = catalog_tools.search(df, query)
        applied = query
        if (
            len(hits) < FEW_LIKE_HITS
            and not stated_range
            and not auto_range
            and query.bpm_min is not None
            and query.bpm_max is not None
            and all(catalog_tools.at_tempo(h, query) for h in hits)
        ):
            # "funk around 92" with one or two loops in 87.4-96.6: a tempo said loosely
            # (not a range the user set) takes in the loops a tempo reading off its edges
            # (97.1 BPM), before anything else is relaxed, said so
            edges = applied.model_copy(
                update={
                    "bpm_min": round(query.bpm_min - TEMPO_READING_BPM, 1),
                    "bpm_max": round(query.bpm_max + TEMPO_READING_BPM, 1),
                }
            )
            more = catalog_tools.search(df, edges)
            if len(more) > len(hits):
                held = f"only {len(hits)}" if hits else "nothing"
                notes.append(
                    f"{held} at {query.bpm_min:g}–{query.bpm_max:g} BPM; loops within "
                    f"{TEMPO_READING_BPM:g} BPM of that band added"
                )
                hits, applied = more, edges
        # Relaxation ladder, each step reported: a related genre first (the user's "hip
        # hop" library may be tagged "boom bap"), then the fuzzy feel filters.
        if not hits and query.genres and not keep_genre:
            # any of several genres: each one's related genres join them
            named = [*query.genres, *([query.genre] if query.genre else [])]
            alts = [
                alt
                for g in named
                for alt in RELATED_GENRES.get(catalog_tools.normalize_tag(g) or "", ())
                if alt not in named
            ]
            if alts:
                candidate = query.model_copy(update={"genres": [*named, *alts]})
                hits = catalog_tools.search(df, candidate)
                if hits:
                    notes.append(
                        f"nothing tagged {' or '.join(named)}; also showing {' or '.join(alts)}"
                    )
                    applied = candidate
        elif not hits and query.genre and not keep_genre:
            # every related genre at once, as a search of the genre the library lacks
            # substitutes them (a narrowing of "philly soul" loops listed as soul or
            # disco keeps both, not the first that has a match)
            alts = list(RELATED_GENRES.get(catalog_tools.normalize_tag(query.genre) or "", ()))
            for some in ([alts] if len(alts) > 1 else []) + [[alt] for alt in alts]:
                candidate = query.model_copy(
                    update={"genre": None, "genres": some} if len(some) > 1 else {"genre": some[0]}
                )
                hits = catalog_tools.search(df, candidate)
                if hits:
                    related = " or ".join(some)
                    notes.append(
                        f"nothing tagged {query.genre}; showing the related genre {related}"
                    )
                    applied = candidate
                    break
        half_double_note = "nothing at that tempo; showing half- or double-time matches"
        if (
            hits
            and half_double_note not in notes
            and not any(catalog_tools.at_tempo(h, applied) for h in hits)
        ):
            # "hip hop" at 70 in a library of boom bap and trap: the trap loops at 140
            # are found at double time, said so as for the genre asked
            notes.append(half_double_note)
        if (
            not hits
            and relax
            and not keep_genre
            and not stated_range
            and like_sample is None
            and compatible_with is None
        ):
            # "some breaks around 170": no breakbeat loop anywhere near 170, and at 170
            # breaks are drum and bass: those, said so, not breakbeat at 138 (a tempo the
            # user asked for: not one taken from a sample to mix with, "dnb that would
            # mix with this break" at its 135 BPM is still drum and bass)
            sibling = _tempo_sibling(df, applied)
            if sibling is not None:
                hits, applied, sibling_note = sibling
                notes.append(sibling_note)
        if auto_range and 0 < len(hits) < FEW_LIKE_HITS and target_bpm is not None:
            # "loops that mix with it" and only one within 8 % of its tempo: the loops
            # a short stretch further away (within 10 %) are still candidates
            band = applied.model_copy(
                update={
                    "bpm_min": round(target_bpm * (1 - WIDE_LIKE_BAND), 1),
                    "bpm_max": round(target_bpm * (1 + WIDE_LIKE_BAND), 1),
                }
            )
            more = catalog_tools.search(df, band)
            if len(more) > len(hits):
                notes.append(
                    f"only {len(hits)} within 8 % of the reference tempo; "
                    f"widened to {WIDE_LIKE_BAND:.0%}"
                )
                hits, applied = more, band
        if relax and auto_range and 0 < len(hits) < FEW_LIKE_HITS and target_bpm is not None:
            # ... and still fewer within 10 % (a fresh search; a narrowing of a list keeps
            # its honest count): the mixing loops at the next closest
            # tempos follow them, up to FEW_LIKE_HITS (one loop alone is no list to pick
            # from while the library has more in a key that mixes), said so
            near = {h.sample_id for h in hits}
            anywhere = applied.model_copy(update={"bpm_min": None, "bpm_max": None})
            further = [h for h in catalog_tools.search(df, anywhere) if h.sample_id not in near]
            if further:
                notes.append(
                    f"only {len(hits)} within {WIDE_LIKE_BAND:.0%} of the reference tempo; "
                    "the next closest tempos follow"
                )
                hits = [*hits, *further[: FEW_LIKE_HITS - len(hits)]]
        if not hits and auto_range:
            wider = applied.model_copy(update={"bpm_min": None, "bpm_max": None})
            hits = catalog_tools.search(df, wider)
            if hits:
                notes.append(
                    "nothing within 8 % of the reference tempo; showing the closest tempos"
                )
                applied = wider
        if (
            not hits
            and relax
            and ref_key
            and applied.compatible_with is not None
            and (applied.vibe or applied.era or applied.eras or applied.genre or applied.genres)
        ):
            # "more 00s loops like the break": the decade, style or feel the user said is
            # the search; the break's key was only lent to it, so it goes first, said so
            anykey = applied.model_copy(update={"compatible_with": None})
            hits = catalog_tools.search(df, anykey)
            if hits:
                notes.append(
                    f"nothing in a key that mixes with {applied.compatible_with} matches "
                    "exactly; showing any key"
                )
                applied = anykey
        # relax=False: a follow-up narrowing a list ("which of them swing?") wants the
        # honest empty answer, not the list again without its new filter.
        feel_free: CatalogQuery | None = None  # the search without its swing and vibe
        if not hits and relax and (swing_min is not None or vibe):
            relaxed = applied.model_copy(
                update={"swing_min": None, "swing_max": None, "vibe": None}
            )
            hits = catalog_tools.search(df, relaxed)
            if hits:
                notes.append("no exact match; swing/vibe filters relaxed")
                applied = relaxed
            else:
                feel_free = relaxed
        if (
            not hits
            and (relax or among)
            and catalog_tools.canonical_instrument(applied.instrument) == "drums"
        ):
            # "some drums around 78": no drums-only loop there, but loops with drums under
            # other parts (analysed as a full mix) still have drums in them; said so
            # (so does a list of those narrowed: "drop the slow ones" after drum loops
            # shown as full mixes keeps its faster mixes, not drums-only loops none is)
            mixed = applied.model_copy(update={"instrument": "mix"})
            hits = catalog_tools.search(df, mixed)
            if hits:
                notes.append(
                    "nothing drums-only matches exactly; showing loops with drums under "
                    "other parts (full mixes)"
                )
                applied = mixed
        if not hits and relax:
            # Nothing matches exactly: the nearest matches, relaxing one constraint at a
            # time (the least defining first) and saying which, rather than nothing. The
            # instrument asked for ("bass loops", "a snare") stays: it is what was asked.
            hits, nearest, note = _nearest(
                df, applied, keep_tempo=stated_range, keep_genre=keep_genre
            )
            if not hits and feel_free is not None:
                # swung disco in A minor at 124 where no disco swings: the swing (or vibe)
                # relaxed and then one more filter, both said
                hits, nearest, note = _nearest(
                    df, feel_free, keep_tempo=stated_range, keep_genre=keep_genre
                )
                if hits:
                    notes.append("no exact match; swing/vibe filters relaxed")
            applied = nearest if hits else applied
            if note:
                notes.append(note)
        if not hits and relax and applied.instrument:
            # ... when no single relaxation finds that instrument, the nearest of it with
            # every other filter it misses relaxed, each named
            hits, kept, note = _nearest_of_instrument(df, applied, keep_tempo=stated_range)
            if hits:
                notes.append(note)
                applied = kept
        if not hits and relax and applied.instrument:
            # ... and when nothing of that instrument comes near, that is the answer: the
            # filter is kept (other sounds in its place would answer another question)
            notes.append(
                f"nothing tagged {applied.instrument} matches, even with the other filters "
                f"relaxed; the {applied.instrument} filter is kept (ask without it for "
                "other sounds)"
            )
        if (
            not hits
            and not relax
            and not among
            and not stated_range
            and (applied.bpm_min is not None or applied.bpm_max is not None)
        ):
            # "the ones in E minor" after a list around 85 with none in it: the band was a
            # tempo said loosely (or a reference loop's), not what this turn narrows by, so
            # the closest tempos that meet every other filter answer it, said so
            lo = f"{applied.bpm_min:g}" if applied.bpm_min is not None else ""
            hi = f"{applied.bpm_max:g}" if applied.bpm_max is not None else ""
            decades = [d for d in (applied.era, *applied.eras) if d]
            fallbacks: list[tuple[CatalogQuery, str]] = []
            if decades and not keep_era:
                # ... but the band is where the user just moved ("slower", then "only
                # minor"), and a decade asked turns before gave way first, as the search
                # before this narrowing had already let it when nothing of it was there
                fallbacks.append(
                    (
                        applied.model_copy(update={"era": None, "eras": []}),
                        f"nothing from the {' or '.join(dict.fromkeys(decades))} at "
                        f"{lo}–{hi} BPM matches; showing any era",
                    )
                )
            fallbacks.append(
                (
                    applied.model_copy(update={"bpm_min": None, "bpm_max": None}),
                    f"nothing at {lo}–{hi} BPM matches; showing the closest tempos",
                )
            )
            for query_wider, note in fallbacks:
                hits = catalog_tools.search(df, query_wider)
                if hits:
                    notes.append(note)
                    applied = query_wider
                    break
        if not hits and among:
            # "which of them swing?" and none does: what each listed one measures instead
            shown_rows = df[df["id"].isin(list(among)).to_numpy(dtype=bool)]
            values = []
            for row in shown_rows.head(5).to_dict("records"):
                name = str(row.get("path") or row["id"]).rsplit("/", 1)[-1]
                said = []
                if (swing_min is not None or swing_max is not None) and pd.notna(
                    row.get("swing_percent")
                ):
                    swing = float(row["swing_percent"])
                    said.append(f"{swing_word(swing)} at {swing:.1f} % swing")
                if (bpm_min is not None or bpm_max is not None) and pd.notna(row.get("tempo_bpm")):
                    said.append(f"{float(row['tempo_bpm']):.1f} BPM")
                if missed := _tags_missed(row, applied, mode):
                    # the filter asked that the listed one fails ("which of those were
                    # from the 80s?": each one's era), not only the ones it meets
                    said = missed
                if said:
                    values.append(f"{name} is {' and '.join(said)}")
            notes.append(
                f"none of the {len(shown_rows)} listed match"
                + (f": {'; '.join(values)}" if values else "")
            )
        query = applied
        if kept_at is not None and (kept_text := _kept_text(applied)):
            # what the search kept, as it applied it in the end (a tempo band widened to
            # the closest tempos since is named as widened, not as asked)
            notes[kept_at] += f" (kept: {kept_text})"
        if (fit_note := _roots_in_key_note(query, hits)) is not None:
            notes.append(fit_note)
        if ref_meter and query.meter is None and hits:
            # "loops that mix with my waltz": loops in the reference's meter first, and
            # the others said to be in another meter, as the mix check would lower them
            # (harmony.METER_FACTOR: the bars drift apart)
            hits, same_note = _same_meter_first(df, query, hits, ref_meter)
            if same_note:
                notes.append(same_note)
        if ref_file:
            # A reference given by path may itself be in the catalog: never suggest it.
            # (Compared by shown name: an analysis from the thread state names its file
            # library-relative, the catalog by its server path.)
            shown = OwnerPaths.for_owner(settings, owner)
            hits = [h for h in hits if shown.name(h.path) != shown.name(ref_file)]
        lines = notes + [f"{i}. {_hit_text(h)}" for i, h in enumerate(hits, 1)]
        artifact = {
            "hits": [h.model_dump() for h in hits],
            "query": query.model_dump(exclude_defaults=True),
            "catalog_size": catalog_size,
            "notes": notes,
        }
        if switched is None and hits and root_note and applied.root_note is None:
            # "a kick tuned to A" answered with the nearest roots: the pitch is what was
            # relaxed, so a follow-up on the kicks listed does not ask it again
            switched = {"root_note": None}
        if switched is not None and hits:
            artifact["switched"] = switched
        return "\n".join(lines) if hits else "\n".join(
            [*notes, f"no matches among {catalog_size} samples"]
        ), artifact

    def catalog_stats(
        runtime: Runtime,
        by: list[Literal["era", "genre", "vibe", "instrument", "source"]] | None = None,
        era: str | None = None,
        genre: str | None = None,
        like_sample: str | None = None,
        genres: list[str] | None = None,
        eras: list[str] | None = None,
        rank_by: Literal["median_bpm", "median_swing_percent", "median_backbeat_lag_ms"]
        | None = None,
        highest: bool = True,
    ) -> tuple[str, dict[str, Any]]:
        """Per-group statistics of the user's catalog (count, median/quartile tempo in BPM,
        median swing %, median backbeat lag ms, common keys), grouped by era and/or genre,
        optionally restricted to one era or genre (or to several: genres, eras), or
        (like_sample: a sample id/path) to samples within 5 % of that sample's tempo.
        rank_by orders the groups by that statistic (highest first unless highest is
        false) instead of by size: "which era has the most swing"."""
        owner = owner_from_config(runtime.config, settings)
        state = runtime.state if isinstance(runtime.state, dict) else {}
        cols = list(by or ["era", "genre"])
        df = catalog.frame(owner)
        if genre and not genres and _closest_styles(df, [genre]) is not None:
            # one style the library has no sample of ("80s hip hop" where the loops are
            # tagged boom bap): its numbers come from the closest styles, said so below
            genres, genre = [genre], None
        filters = [f"{name} {value}" for name, value in (("era", era), ("genre", genre)) if value]
        # Several styles at once ("J Dilla vs DJ Premier": 90s hip hop and boom bap), so
        # the library numbers shown are the ones the question is about.
        for column, wanted, norm in (
            ("genre", genres, catalog_tools.normalize_tag),
            ("era", eras, catalog_tools.normalize_era),
        ):
            names = [n for n in dict.fromkeys(norm(w) for w in wanted or []) if n]
            if not names:
                continue
            if column == "genre" and (closest := _closest_styles(df, names)) is not None:
                # none tagged "philly soul": the library's soul loops, named as a stand-in
                filters.append(
                    f"genre {' or '.join(closest)} (no sample is tagged {' or '.join(names)}; "
                    "the closest styles your library has)"
                )
                names = closest
            else:
                filters.append(f"{column} {' or '.join(names)}")
            df = df[df[column].map(norm).isin(names)]
        stats_filter = ", ".join(filters) or None
        ref = _loop_or_none(resolver.analysis(like_sample, state, owner)) if like_sample else None
        if like_sample and ref is not None:
            assert ref.tempo_bpm is not None
            lo, hi = around_band(ref.tempo_bpm)
            tempo = pd.to_numeric(df["tempo_bpm"], errors="coerce")
            df = df[(tempo >= lo) & (tempo <= hi)]
            stats_filter = ", ".join(
                [
                    *filters,
                    f"samples at {lo:.1f}–{hi:.1f} BPM "
                    f"(within 5 % of {sample_label(like_sample, ref)})",
                ]
            )
        table = catalog_tools.stats_by(df, cols, era=era, genre=genre)
        if rank_by is not None and not table.empty:
            # every group ranked (a group with the value unmeasured last), not the largest
            table = table.sort_values(
                rank_by, ascending=not highest, na_position="last", kind="stable"
            )
        stats: list[GroupStat] = []
        for row in table.head(8).to_dict("records"):

            def num(name: str, row: dict[Any, Any] = row) -> float | None:
                v = row.get(name)
                return None if v is None or v != v else round(float(v), 2)

            stats.append(
                GroupStat(
                    group={c: (None if row.get(c) is None else str(row.get(c))) for c in cols},
                    count=int(row["count"]),
                    median_bpm=num("median_bpm"),
                    bpm_p25=num("bpm_p25"),
                    bpm_p75=num("bpm_p75"),
                    median_swing_percent=num("median_swing_percent"),
                    median_backbeat_lag_ms=num("median_backbeat_lag_ms"),
                    common_keys=list(row.get("common_keys") or []),
                )
            )
        lines = [f"restricted to {stats_filter}"] if stats_filter else []
        partial = library_note()
        if partial is not None:
            lines.append(partial)
        lines += [
            f"{', '.join(str(v) for v in s.group.values())}: n={s.count}, median {s.median_bpm} BPM, "
            f"swing {s.median_swing_percent}%, keys {', '.join(s.common_keys)}"
            for s in stats
        ]
        artifact = {
            "stats": [s.model_dump() for s in stats],
            "stats_filter": stats_filter,
            "groups_total": len(table),
            "library_note": partial,
            "ranked_by": rank_by,
            "ranked_highest": highest if rank_by is not None else None,
        }
        return "\n".join(lines) or "no samples in that group", artifact

    # ---------------------------------------------------------------- era knowledge
    def era_facts(
        runtime: Runtime,
        eras: list[str] | None = None,
        genres: list[str] | None = None,
        text: str = "",
        like_sample: str | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """Built-in notes on an era's or genre's groove: typical tempo range (BPM), feel,
        key players, machines and records. eras like '70s'; genres like 'funk'.
        like_sample (a sample id/path): the eras/genres whose tempo and feel are closest
        to that sample's measured groove."""
        artifact: dict[str, Any] = {}
        ref: Analysis | None = None
        if like_sample:
            owner = owner_from_config(runtime.config, settings)
            state = runtime.state if isinstance(runtime.state, dict) else {}
            ref = _loop_or_none(resolver.analysis(like_sample, state, owner))
        if like_sample and ref is not None:
            assert ref.tempo_bpm is not None
            assert ref.swing_percent is not None
            if eras or genres:
                # "is it more 70s or 90s?": the named styles, best fit first.
                named = lookup_facts(
                    eras=eras or [], genres=genres or [], text=text, limit=len(ERA_TABLE)
                )
                facts = rank_by_groove(
                    named, tempo_bpm=ref.tempo_bpm, swing_percent=ref.swing_percent
                )[:4]
            else:
                facts = match_groove(tempo_bpm=ref.tempo_bpm, swing_percent=ref.swing_percent)
            artifact.update(
                reference=sample_label(like_sample, ref),
                reference_tempo_bpm=ref.tempo_bpm,
                reference_swing_percent=ref.swing_percent,
            )
        else:
            facts = lookup_facts(eras=eras or [], genres=genres or [], text=text)
        lines = [
            f"{f.genre} ({f.era}): {f.tempo_bpm_min:.0f}-{f.tempo_bpm_max:.0f} BPM, {f.feel}. "
            + " ".join(f.facts)
            for f in facts
        ]
        if like_sample and ref is not None:
            lines.insert(
                0,
                f"closest to {artifact['reference']} ({artifact['reference_tempo_bpm']:.1f} BPM, "
                f"swing {artifact['reference_swing_percent']:.1f}%):",
            )
        artifact["facts"] = [f.model_dump() for f in facts]
        return "\n".join(lines) or "no notes for that era/genre", artifact

    # ---------------------------------------------------------------- harmony tools
    def _side(
        item: MixItem | None, state: dict[str, Any], owner: str, seen: dict[str, Analysis]
    ) -> tuple[Any, str | None]:
        if item is None:
            return None, None
        if item.sample:
            analysis = resolver.analysis(item.sample, state, owner)
            seen[item.sample] = analysis
            if _is_path(item.sample):
                return analysis, Path(item.sample).name
            return analysis, sample_label(item.sample, analysis)
        label = " @ ".join(x for x in (item.key, f"{item.bpm:g} BPM" if item.bpm else None) if x)
        if item.note and not label:
            label = f"a one-shot on {item.note}"
        return None, label or None

    def check_compatibility(
        a: MixItem, runtime: Runtime, b: MixItem | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Will A and B mix? Each side is a sample (id or library path), a key, a tempo
        (BPM) or key+tempo. Returns key relation (Camelot), tempo stretch % and a verdict.
        With only A given as a key, lists the keys that mix with it."""
        owner = owner_from_config(runtime.config, settings)
        state = runtime.state if isinstance(runtime.state, dict) else {}
        reports: list[CompatibilityReport] = []
        sides: dict[str, Analysis] = {}
        obj_a, label_a = _side(a, state, owner, sides)
        if b is None:
            # one key, or one sample's key: the keys that mix with it
            key_a = a.key or (obj_a.key if isinstance(obj_a, Analysis) else None)
            if not key_a:
                raise InvalidQueryError(
                    "give two items, or one key (or a sample with a key) to list its "
                    "compatible keys"
                )
            name_a = label_a if not a.key else a.key
            own = parse_key(key_a).camelot
            for code in harmony.compatible_camelots(key_a):
                if code != own:
                    label = f"{from_camelot(code).name} ({code})"
                    reports.append(
                        harmony.compatibility(
                            key_a=key_a, key_b=code, label_a=name_a, label_b=label
                        )
                    )
            reports.sort(key=lambda r: -r.score)
        else:
            obj_b, label_b = _side(b, state, owner, sides)
            reports.append(
                harmony.compatibility(
                    obj_a,
                    obj_b,
                    key_a=a.key,
                    key_b=b.key,
                    bpm_a=a.bpm,
                    bpm_b=b.bpm,
                    label_a=label_a,
                    label_b=label_b,
                    root_a=a.note,
                    root_b=b.note,
                )
            )
        lines = [
            f"{r.a} vs {r.b}: {r.verdict} (score {r.score:.2f}); " + "; ".join(r.reasons)
            for r in reports
        ]
        return "\n".join(lines), {
            "reports": [r.model_dump() for r in reports],
            "plots": plot_refs(sides, prefer="key"),
        }

    def tool(fn: Any, name: str) -> BaseTool:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def shown_to_owner(*args: Any, **kwargs: Any) -> tuple[str, Any]:
            # Text, artifact and errors name files as the run's owner sees them
            # (library-relative), never by server path.
            runtime = signature.bind_partial(*args, **kwargs).arguments.get("runtime")
            owner = owner_from_config(getattr(runtime, "config", None), settings)
            paths = OwnerPaths.for_owner(settings, owner)
            try:
                content, artifact = fn(*args, **kwargs)
            except GrooveGraphError as err:
                err.message = paths.scrub(err.message)
                err.args = (err.message,)
                if err.path:
                    err.path = paths.scrub(err.path)
                raise
            return paths.scrub(content), paths.scrub(artifact)

        return StructuredTool.from_function(
            shown_to_owner, name=name, response_format="content_and_artifact"
        )

    return {
        "groove": [tool(analyze_samples, "analyze_samples")],
        "discovery": [tool(search_catalog, "search_catalog")],
        "compatibility": [tool(check_compatibility, "check_compatibility")],
        "era": [tool(era_facts, "era_facts"), tool(catalog_stats, "catalog_stats")],
    }
