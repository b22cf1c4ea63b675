"""A folder of audio as a library: walking it and reading tags from where producers put them.

Tags come from three places, later ones winning field by field:

1. folder and file names — ``Funk/70s/break_96bpm_Am.wav`` gives genre ``funk``, era
   ``70s``, a tempo hint of 96 BPM, a key hint of A minor and instrument ``drums``
   (from "break"; ``kick_808.wav`` gives ``kick``);
2. embedded metadata read with ``mutagen`` (genre, date/year → era);
3. a sidecar CSV (``path,genre,era,vibe,instrument,source``; paths relative to the library
   root or absolute), read from a local file only.

Tag values are stored normalised (:func:`groovegraph.tools.catalog.normalize_tag`), so
``Drum & Bass`` and ``drum and bass`` are one genre.
"""

from __future__ import annotations

import csv
import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from groovegraph.state import SampleTags
from groovegraph.tools.catalog import TAG_FIELDS, normalize_era, normalize_tag
from groovegraph.tools.errors import InvalidQueryError, PathNotAllowedError
from groovegraph.tools.keys import parse_key

__all__ = [
    "AUDIO_SUFFIXES",
    "KNOWN_GENRES",
    "LibraryFile",
    "embedded_tags",
    "extract_tags",
    "merge_tags",
    "name_tags",
    "read_tags_csv",
    "walk_audio",
]

#: File suffixes treated as audio (lower case).
AUDIO_SUFFIXES: frozenset[str] = frozenset(
    {".wav", ".wave", ".aif", ".aiff", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".w64", ".rf64"}
)

#: Genres recognised in folder names (normalised form). Other folder names still become
#: the genre when no known genre and no era is found (the first unrecognised folder).
KNOWN_GENRES: frozenset[str] = frozenset(
    {
        "funk",
        "soul",
        "disco",
        "jazz",
        "house",
        "techno",
        "hip hop",
        "boom bap",
        "trap",
        "drum and bass",
        "jungle",
        "breakbeat",
        "reggae",
        "dub",
        "dancehall",
        "afrobeat",
        "r and b",
        "neo soul",
        "lo fi",
        "garage",
        "uk garage",
        "electro",
        "latin",
        "samba",
        "bossa nova",
        "gospel",
        "rock",
        "pop",
        "ambient",
        "trip hop",
        "dubstep",
        "footwork",
        "gqom",
        "amapiano",
        "grime",
        "drill",
        "go go",
        "new jack swing",
        "motown",
        "blues",
    }
)

# Words in folder and file names → instrument tag, in the analysis contract's names
# (kick, snare, hat, …, drums) where it has one, so a tag and a measured instrument
# share one vocabulary (the catalog keeps one column for both; a tag wins).
_INSTRUMENT_WORDS: Mapping[str, str] = {
    "break": "drums",
    "breaks": "drums",
    "drum": "drums",
    "drums": "drums",
    "beat": "drums",
    "kick": "kick",
    "kicks": "kick",
    "snare": "snare",
    "snares": "snare",
    "rim": "snare",
    "clap": "clap",
    "claps": "clap",
    "hat": "hat",
    "hats": "hat",
    "hihat": "hat",
    "hihats": "hat",
    "cymbal": "cymbal",
    "crash": "cymbal",
    "ride": "cymbal",
    "tom": "tom",
    "toms": "tom",
    "perc": "perc",
    "percussion": "perc",
    "conga": "perc",
    "bongo": "perc",
    "shaker": "perc",
    "cowbell": "perc",
    "bass": "bass",
    "bassline": "bass",
    "sub": "bass",
    "808": "bass",
    "keys": "keys",
    "piano": "keys",
    "rhodes": "keys",
    "organ": "keys",
    "wurli": "keys",
    "guitar": "guitar",
    "gtr": "guitar",
    "horn": "horns",
    "horns": "horns",
    "brass": "horns",
    "sax": "horns",
    "trumpet": "horns",
    "vocal": "vocal",
    "vox": "vocal",
    "vocals": "vocal",
    "synth": "synth",
    "pad": "pad",
    "pads": "pad",
    "lead": "lead",
    "fx": "fx",
    "sfx": "fx",
    "riser": "fx",
    "strings": "strings",
    "string": "strings",
}
# Folder names that sort a pack by kind, never a genre (instrument words are skipped too).
_NOT_GENRES: frozenset[str] = frozenset(
    {"one shots", "one shot", "oneshots", "oneshot", "shots", "hits", "loops", "samples", "808s"}
)
_VIBE_WORDS: frozenset[str] = frozenset(
    {
        "dusty",
        "dark",
        "warm",
        "chill",
        "gritty",
        "lofi",
        "bright",
        "mellow",
        "heavy",
        "smooth",
        "jazzy",
        "raw",
        "deep",
        "uplifting",
        "moody",
        "groovy",
        "hard",
        "soft",
        "crunchy",
    }
)

_BPM_RE = re.compile(r"(?<![0-9.])(?P<bpm>\d{2,3}(?:\.\d+)?)\s*-?\s*bpm(?![a-z])", re.IGNORECASE)
# A key token between separators: "Am", "F#m", "Bbmaj", "C_major", "8A".
_KEY_TOKEN_RE = re.compile(
    r"(?:^|[\s_\-.()\[\]])(?P<key>[A-G](?:#|b)?(?:[\s_\-]?(?:minor|major|min|maj|m))?|(?:1[0-2]|[1-9])[AB])(?=$|[\s_\-.()\[\]])"
)


@dataclass(frozen=True)
class LibraryFile:
    """One audio file found under a library root."""

    path: Path | str  # absolute, symlinks resolved; or an fsspec URL (str)
    relative: str  # POSIX path relative to the root
    size_bytes: int
    mtime: float


def walk_audio(root: str | os.PathLike[str]) -> Iterator[LibraryFile]:
    """Audio files under ``root`` (recursive, sorted, hidden entries skipped).

    Symlinked files and folders are followed only when they resolve inside ``root``;
    anything pointing outside is skipped, so a link cannot pull foreign files into the
    library. Raises :class:`PathNotAllowedError` if ``root`` is not a folder.

    An fsspec URL ``root`` (``s3://bucket/prefix``) is listed by its filesystem
    (:func:`groovegraph.tools.remote.walk_url`); its files' ``path`` is their URL.
    """
    from groovegraph.tools.remote import is_url, walk_url

    if is_url(root):
        for url, rel, size, mtime in walk_url(os.fspath(root)):
            yield LibraryFile(path=url, relative=rel, size_bytes=size, mtime=mtime)
        return
    base = Path(root).expanduser().resolve()
    if not base.is_dir():
        raise PathNotAllowedError("not a folder", path=os.fspath(root))
    seen_dirs: set[Path] = set()

    def _walk(folder: Path) -> Iterator[LibraryFile]:
        real = folder.resolve()
        if real in seen_dirs or not real.is_relative_to(base):
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=True):
                    yield from _walk(Path(entry.path))
                    continue
                if not entry.is_file(follow_symlinks=True):
                    continue
                if Path(entry.name).suffix.lower() not in AUDIO_SUFFIXES:
                    continue
                resolved = Path(entry.path).resolve()
                if not resolved.is_relative_to(base):
                    continue
                st = resolved.stat()
            except OSError:
                continue
            # The walk starts at the resolved root, so entry paths are lexically under it
            # (symlinked folders keep the name the producer gave them: good for tags).
            rel = Path(entry.path).relative_to(base).as_posix()
            yield LibraryFile(path=resolved, relative=rel, size_bytes=st.st_size, mtime=st.st_mtime)

    yield from _walk(base)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", text.lower()) if w]


# Genre names of several words ("drum and bass", "r and b"), longest first
_GENRE_PHRASE_RE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(g) for g in sorted(KNOWN_GENRES, key=len, reverse=True) if " " in g)
    + r")\b"
)


def _without_genres(part: str) -> str:
    """A folder or file name with the genre names in it blanked (as tags normalise it:
    "Drum & Bass" → "drum and bass", "DnB" → "drum and bass")."""
    norm = normalize_tag(part)
    return "" if norm is None else _GENRE_PHRASE_RE.sub(" ", norm)


def name_tags(relative: str) -> SampleTags:
    """Tags read from a path relative to the library root (folders, then the file name)."""
    parts = Path(relative).parts
    folders, filename = parts[:-1], Path(parts[-1]).stem if parts else ""
    genre: str | None = None
    era: str | None = None
    fallback_genre: str | None = None
    for folder in folders:
        norm = normalize_tag(folder)
        if norm is None:
            continue
        as_era = normalize_era(folder)
        if as_era is not None and re.fullmatch(r"\d0s", as_era):
            era = era or as_era
        elif norm in KNOWN_GENRES:
            genre = genre or norm
        elif norm in _NOT_GENRES or any(w in _INSTRUMENT_WORDS for w in norm.split()):
            continue  # "One-shots/Kicks", "Loops", "808s": how a pack is sorted, not a genre
        elif fallback_genre is None:
            fallback_genre = norm
    genre = genre or fallback_genre

    bpm_hint = None
    m = _BPM_RE.search(filename)
    if m:
        value = float(m.group("bpm"))
        if 30.0 <= value <= 300.0:
            bpm_hint = value
    key_hint = None
    # Drop the "96bpm" token first so its digits are not read as a Camelot code.
    stem = _BPM_RE.sub(" ", filename)
    for km in _KEY_TOKEN_RE.finditer(stem):
        token = km.group("key")
        try:
            key_hint = parse_key(token.replace("_", " ")).name
            break
        except InvalidQueryError:
            continue

    words = _words(filename) + [w for f in folders for w in _words(f)]
    # a genre's name names no instrument: "Drum & Bass/…" loops are not drums-only
    # ("drum breaks" are, README) nor "R&B" ones bass
    played = [w for part in (filename, *folders) for w in _words(_without_genres(part))]
    instrument = next((_INSTRUMENT_WORDS[w] for w in played if w in _INSTRUMENT_WORDS), None)
    vibe = next((w for w in words if w in _VIBE_WORDS), None)
    return SampleTags(
        genre=genre, era=era, vibe=vibe, instrument=instrument, bpm_hint=bpm_hint, key_hint=key_hint
    )


def embedded_tags(path: str | os.PathLike[str]) -> SampleTags:
    """Genre and era from the file's own metadata (ID3, Vorbis comments, RIFF INFO…).

    Unreadable or tagless files give empty tags; this never raises for a bad file.
    """
    from groovegraph.tools.remote import is_url, open_url

    try:
        import mutagen

        if is_url(path):
            # Tag readers seek to the headers: a few ranged reads, not the whole file.
            with open_url(os.fspath(path)) as fh:
                meta = mutagen.File(fh, easy=True)
        else:
            meta = mutagen.File(os.fspath(path), easy=True)
    except Exception:  # mutagen raises many types on odd files; tags are optional
        return SampleTags()
    if meta is None or not getattr(meta, "tags", None):
        return SampleTags()

    def first(*names: str) -> str | None:
        # Easy/Vorbis containers use "genre"/"date"; ID3 inside WAV/AIFF comes back as raw
        # frames ("TCON", "TDRC") even with easy=True.
        for name in names:
            try:
                values = meta.tags.get(name)  # type: ignore[union-attr]
            except Exception:  # some tag containers reject unknown keys
                continue
            if not values:
                continue
            text = getattr(values, "text", values)
            value = text[0] if isinstance(text, list) and text else text
            if str(value).strip():
                return str(value).strip()
        return None

    genre = normalize_tag(first("genre", "TCON", "GENRE"))
    date = first("date", "TDRC", "TYER", "year", "originaldate", "TDOR", "DATE")
    era = None
    if date:
        m = re.search(r"(1[89]\d\d|20\d\d)", date)
        if m:
            era = normalize_era(m.group(1))
    return SampleTags(genre=genre, era=era)


def read_tags_csv(
    csv_path: str | os.PathLike[str], *, root: str | os.PathLike[str]
) -> dict[Path | str, SampleTags]:
    """Read a sidecar tag file: columns ``path`` and any of ``genre,era,vibe,instrument,source``.

    ``path`` is relative to ``root`` or absolute; rows pointing outside ``root`` are
    ignored. With a URL ``root`` (``s3://bucket/lib``) the keys are the files' URLs. Only a local file is read (the text is never handed to a URL-capable reader).

    Raises
    ------
    PathNotAllowedError
        If ``csv_path`` looks like a URL.
    InvalidQueryError
        If the file has no ``path`` column.
    """
    text = os.fspath(csv_path)
    if "://" in text or re.match(r"^[A-Za-z][A-Za-z0-9+.\-]+:", text):
        raise PathNotAllowedError("the tags CSV must be a local file", path=text)
    from groovegraph.tools.remote import is_url, join_url

    url_root = os.fspath(root).rstrip("/") if is_url(root) else None
    base = Path(root).expanduser().resolve() if url_root is None else Path("/")
    out: dict[Path | str, SampleTags] = {}
    with open(text, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
        if "path" not in fields:
            raise InvalidQueryError(f"{text}: the tags CSV needs a 'path' column (has {fields})")
        for raw in reader:
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            if not row.get("path"):
                continue
            key: Path | str
            if url_root is not None:
                # A library behind a URL: rows name files relative to it or by full URL.
                raw_path = row["path"]
                if raw_path.startswith(url_root + "/"):
                    raw_path = raw_path[len(url_root) + 1 :]
                if is_url(raw_path):  # a URL outside this library
                    continue
                relative = posixpath.normpath(raw_path)
                if relative.startswith(("/", "..")) or relative == ".":
                    continue
                key = join_url(url_root, relative)
            else:
                p = Path(row["path"]).expanduser()
                key = (p if p.is_absolute() else base / p).resolve()
                if not key.is_relative_to(base):
                    continue
            values: dict[str, str | None] = {}
            for field in TAG_FIELDS:
                v = row.get(field) or None
                values[field] = (
                    normalize_era(v)
                    if field == "era"
                    else (normalize_tag(v) if field != "source" else v)
                )
            out[key] = SampleTags(**values)
    return out


def merge_tags(*layers: SampleTags) -> SampleTags:
    """Combine tag layers; a later layer's non-empty field wins."""
    merged: dict[str, object] = {}
    for layer in layers:
        for name, value in layer.model_dump().items():
            if value is not None and value != "":
                merged[name] = value
    return SampleTags(**merged)  # type: ignore[arg-type]


def extract_tags(
    file: LibraryFile,
    *,
    csv_tags: Mapping[Path | str, SampleTags] | None = None,
    read_metadata: bool = True,
) -> SampleTags:
    """All tags of one library file: names, then embedded metadata, then the CSV row."""
    layers = [name_tags(file.relative)]
    if read_metadata:
        layers.append(embedded_tags(file.path))
    if csv_tags and file.path in csv_tags:
        layers.append(csv_tags[file.path])
    return merge_tags(*layers)
