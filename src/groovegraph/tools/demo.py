"""The demo library: licence-clean loops the project synthesizes itself, with exact truth.

:func:`build_demo` writes ``Genre/Era/<vibe>_<genre>_<nn>_<bpm>bpm_<key>.wav`` files (10
genres, 7 eras, 15 loops per genre by default) and a ``manifest.json`` holding, for every
file, its relative path, sample id, tags and ground truth (tempo, swing, pocket, key,
pattern, seed). Everything is derived from one seed, so two builds are byte-identical
and the sample ids (content hashes) are stable across machines. Beside the loops,
``One-shots/`` holds kicks, snares, claps, hats and 808 notes with known roots
(:func:`demo_one_shots`, synthesized by :mod:`groovegraph.tools.hits`), listed under
``one_shots`` in the manifest.

Each genre draws from distributions typical of it — boom bap 85–95 BPM and heavily
swung, house 120–128 straight, drum & bass 170–176, funk 95–110 moderately swung … — so
that era and genre statistics and "find me something like X" queries have real answers.

:func:`ensure_demo_library` builds and indexes the library only when it is missing or
incomplete; servers starting together serialise on a lock file.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from groovegraph.settings import Settings
from groovegraph.tools.catalog import normalize_era, normalize_tag
from groovegraph.tools.decode import sha256_file
from groovegraph.tools.keys import parse_key
from groovegraph.tools.synth import progression_cycle_s

__all__ = [
    "DEMO_GENRES",
    "MANIFEST_NAME",
    "DemoItem",
    "DemoOneShot",
    "GenreProfile",
    "build_demo",
    "demo_items",
    "demo_one_shots",
    "describe_manifest",
    "ensure_demo_library",
    "load_manifest",
]

MANIFEST_NAME = "manifest.json"
# 2: one-shots (kicks, snares, claps, hats, 808 notes) in "one_shots".
# 3: loops hold whole chord progressions.
_MANIFEST_VERSION = 3
_DEFAULT_SEED = 1977


@dataclass(frozen=True)
class GenreProfile:
    """How one genre's loops are drawn: tempo, swing and pocket ranges, pattern, eras, keys."""

    folder: str  # display name used as the folder
    pattern: str  # synth pattern
    bpm: tuple[int, int]  # integer tempo range, inclusive
    swing: tuple[float, float]  # MPC swing percent range
    lag_ms: tuple[float, float]  # backbeat lag range (positive = laid back)
    jitter_ms: tuple[float, float]
    eras: tuple[tuple[str, float], ...]  # (era, weight)
    minor_share: float  # probability of a minor key
    vibes: tuple[str, ...]


#: The genres of the demo library (≥ 8), with the distributions each one is drawn from.
DEMO_GENRES: tuple[GenreProfile, ...] = (
    GenreProfile(
        "Funk",
        "funk",
        (95, 110),
        (54.0, 60.0),
        (0.0, 12.0),
        (2.0, 6.0),
        (("60s", 0.3), ("70s", 0.7)),
        0.6,
        ("dusty", "groovy", "gritty"),
    ),
    GenreProfile(
        "Soul",
        "rock",
        (72, 92),
        (52.0, 58.0),
        (4.0, 16.0),
        (2.0, 5.0),
        (("60s", 0.6), ("70s", 0.4)),
        0.5,
        ("warm", "smooth", "mellow"),
    ),
    GenreProfile(
        "Disco",
        "house",
        (112, 124),
        (50.0, 53.0),
        (-2.0, 4.0),
        (1.0, 3.0),
        (("70s", 0.7), ("80s", 0.3)),
        0.4,
        ("bright", "uplifting", "groovy"),
    ),
    GenreProfile(
        "Jazz",
        "shuffle",
        (100, 126),
        (62.0, 68.0),
        (0.0, 10.0),
        (3.0, 7.0),
        (("50s", 0.5), ("60s", 0.5)),
        0.5,
        ("smooth", "mellow", "jazzy"),
    ),
    GenreProfile(
        "Reggae",
        "halftime",
        (68, 80),
        (52.0, 58.0),
        (6.0, 18.0),
        (2.0, 5.0),
        (("70s", 0.6), ("80s", 0.4)),
        0.6,
        ("warm", "deep", "chill"),
    ),
    GenreProfile(
        "Boom Bap",
        "boombap",
        (85, 95),
        (60.0, 66.0),
        (8.0, 25.0),
        (3.0, 7.0),
        (("80s", 0.2), ("90s", 0.8)),
        0.8,
        ("dusty", "raw", "gritty"),
    ),
    GenreProfile(
        "House",
        "house",
        (120, 128),
        (50.0, 52.0),
        (-2.0, 2.0),
        (0.0, 1.5),
        (("80s", 0.3), ("90s", 0.4), ("00s", 0.3)),
        0.5,
        ("deep", "uplifting", "warm"),
    ),
    GenreProfile(
        "Breakbeat",
        "funk",
        (125, 138),
        (52.0, 56.0),
        (0.0, 6.0),
        (1.0, 4.0),
        (("90s", 0.7), ("00s", 0.3)),
        0.6,
        ("raw", "heavy", "crunchy"),
    ),
    GenreProfile(
        "Drum & Bass",
        "dnb",
        (170, 176),
        (50.0, 53.0),
        (-2.0, 4.0),
        (0.5, 2.5),
        (("90s", 0.6), ("00s", 0.4)),
        0.85,
        ("dark", "heavy", "deep"),
    ),
    GenreProfile(
        "Trap",
        "halftime",
        (130, 150),
        (50.0, 54.0),
        (-4.0, 2.0),
        (0.0, 1.5),
        (("10s", 1.0),),
        0.9,
        ("dark", "hard", "moody"),
    ),
)

_NAMES_MAJOR = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_NAMES_MINOR = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")


@dataclass(frozen=True)
class DemoItem:
    """One planned demo loop: where it goes, its tags and the spec it is made from."""

    relative: str
    genre: str  # normalised tag, e.g. "drum and bass"
    era: str
    vibe: str
    spec: dict[str, Any]  # GrooveSpec keyword arguments


def _slug(text: str) -> str:
    return (normalize_tag(text) or "x").replace(" ", "")


def demo_items(
    *,
    per_genre: int = 15,
    duration_s: float = 8.0,
    sample_rate: int = 22050,
    seed: int = _DEFAULT_SEED,
) -> list[DemoItem]:
    """The deterministic plan of the demo library (no audio is made here).

    Parameters
    ----------
    per_genre : int
        Loops per genre (1–200); the default gives 150 loops.
    duration_s : float
        Target loop length in seconds (4–60). Each loop is a whole number of passes
        through its chord progression (four bars, eight from 135 BPM), the number that
        comes nearest this target, at least one: a loop cut inside its progression
        (i–III–VII of i–III–VII–i) is heard in another key than the one it was written in.
    sample_rate : int
        Sample rate of the written WAV files in Hz.
    seed : int
        Master seed; the same seed gives the same library.
    """
    if not 1 <= per_genre <= 200:
        raise ValueError("per_genre must be 1..200")
    if not 4.0 <= duration_s <= 60.0:
        raise ValueError("duration_s must be 4..60 seconds")
    rng = np.random.default_rng(seed)
    items: list[DemoItem] = []
    for profile in DEMO_GENRES:
        eras = [e for e, _ in profile.eras]
        weights = np.array([w for _, w in profile.eras], dtype=float)
        weights /= weights.sum()
        for n in range(per_genre):
            bpm = int(rng.integers(profile.bpm[0], profile.bpm[1] + 1))
            swing = round(float(rng.uniform(*profile.swing)), 1)
            lag = round(float(rng.uniform(*profile.lag_ms)), 1)
            jitter = round(float(rng.uniform(*profile.jitter_ms)), 1)
            era = str(rng.choice(eras, p=weights))
            pc = int(rng.integers(12))
            minor = bool(rng.random() < profile.minor_share)
            key_name = (
                f"{(_NAMES_MINOR if minor else _NAMES_MAJOR)[pc]} {'minor' if minor else 'major'}"
            )
            short = key_name.split()[0] + ("m" if minor else "")
            vibe = str(rng.choice(profile.vibes))
            clip_seed = int(rng.integers(2**31 - 1))
            cycle_s = progression_cycle_s(bpm)
            loop_s = round(max(1, round(duration_s / cycle_s)) * cycle_s, 4)
            rel = f"{profile.folder}/{era}/{vibe}_{_slug(profile.folder)}_{n + 1:02d}_{bpm}bpm_{short}.wav"
            items.append(
                DemoItem(
                    relative=rel,
                    genre=normalize_tag(profile.folder) or profile.folder.lower(),
                    era=normalize_era(era) or era,
                    vibe=vibe,
                    spec={
                        "tempo_bpm": float(bpm),
                        "swing_percent": swing,
                        "jitter_ms": jitter,
                        "backbeat_lag_ms": lag,
                        "key": key_name,
                        "pattern": profile.pattern,
                        "duration_s": loop_s,
                        "sample_rate": int(sample_rate),
                        "seed": clip_seed,
                    },
                )
            )
    return items


@dataclass(frozen=True)
class DemoOneShot:
    """One planned demo one-shot: where it goes, what it is, its root and seed."""

    relative: str
    instrument: str  # kick, snare, clap, hat or bass (an 808)
    root_note: str | None
    seed: int


#: 808 roots of the demo (a spread over the keys trap and hip hop producers use).
_DEMO_808_ROOTS = ("C2", "D2", "E1", "F1", "F#1", "G1", "A1", "A#1")


def demo_one_shots(*, seed: int = _DEFAULT_SEED) -> list[DemoOneShot]:
    """The deterministic plan of the demo one-shots: 3 kicks, 3 snares, 2 claps, 3 hats
    and an 808 on each of :data:`_DEMO_808_ROOTS` (``One-shots/<Kind>/…wav``)."""
    rng = np.random.default_rng(seed + 808)
    plan: list[DemoOneShot] = []
    for instrument, folder, count in (
        ("kick", "Kicks", 3),
        ("snare", "Snares", 3),
        ("clap", "Claps", 2),
        ("hat", "Hats", 3),
    ):
        for n in range(count):
            plan.append(
                DemoOneShot(
                    relative=f"One-shots/{folder}/{instrument}_{n + 1:02d}.wav",
                    instrument=instrument,
                    root_note=None,
                    seed=int(rng.integers(2**31 - 1)),
                )
            )
    for n, root in enumerate(_DEMO_808_ROOTS):
        plan.append(
            DemoOneShot(
                relative=f"One-shots/808s/808_{root}_{n + 1:02d}.wav",
                instrument="bass",
                root_note=root,
                seed=int(rng.integers(2**31 - 1)),
            )
        )
    return plan


def load_manifest(dest: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The manifest of a demo folder, or ``None`` when there is none (or it is unreadable)."""
    path = Path(dest) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("samples"), list) else None


def _complete(dest: Path, manifest: dict[str, Any] | None) -> bool:
    if manifest is None or manifest.get("version") != _MANIFEST_VERSION:
        return False
    return all((dest / s["path"]).is_file() for s in _entries(manifest))


_PLURAL = {"bass": "808s"}


def describe_manifest(manifest: dict[str, Any]) -> str:
    """What a demo library holds, every file counted: ``"169 files: 150 loops (10 genres,
    7 eras) and 19 one-shots (3 kicks, 3 snares, 2 claps, 3 hats, 8 808s)"``."""
    loops = manifest["samples"]
    shots = manifest.get("one_shots", [])
    counts: dict[str, int] = {}
    for shot in shots:
        what = (shot.get("tags") or {}).get("instrument") or "other"
        counts[what] = counts.get(what, 0) + 1
    kinds = ", ".join(f"{n} {_PLURAL.get(k, k + 's')}" for k, n in counts.items())
    text = (
        f"{len(loops) + len(shots)} files: {len(loops)} loops ({len(manifest['genres'])} "
        f"genres, {len(manifest['eras'])} eras)"
    )
    if shots:
        text += f" and {len(shots)} one-shots ({kinds})"
    return text


def _entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file of a manifest: loops (``samples``) and ``one_shots``."""
    return [*manifest["samples"], *manifest.get("one_shots", [])]


@contextmanager
def _locked(dest: Path) -> Iterator[None]:
    """Exclusive lock on ``dest/.build.lock``: replicas starting together build once."""
    dest.mkdir(parents=True, exist_ok=True)
    with open(dest / ".build.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def build_demo(
    *,
    settings: Settings | None = None,
    dest: str | os.PathLike[str] | None = None,
    per_genre: int = 15,
    duration_s: float = 8.0,
    sample_rate: int = 22050,
    seed: int = _DEFAULT_SEED,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Write the demo library and its ``manifest.json``; returns the manifest.

    Files already present from an identical plan are kept (a rebuild after an interrupted
    one only writes what is missing). ``dest`` defaults to ``settings.demo_dir``.
    ``workers`` > 1 synthesizes in a spawn process pool (opt-in; serial by default).

    Returns
    -------
    dict
        ``{"version", "seed", "root", "samples": [{"path", "id", "sha256", "tags", "truth"}],
        "one_shots": [...]}``; ``one_shots`` entries have the same keys, their ``truth``
        holding ``kind`` (``"one_shot"``), ``instrument``, ``root_note`` (808s; null for
        drums), ``tempo_bpm`` (null), ``duration_s``, ``sample_rate`` and ``seed``.
        with ``path`` relative to ``dest`` (POSIX), ``truth`` holding ``tempo_bpm``,
        ``swing_percent``, ``swing_ratio``, ``backbeat_lag_ms``, ``jitter_ms``, ``key``,
        ``camelot``, ``pattern``, ``duration_s``, ``sample_rate`` and ``seed``.
    """
    if dest is None:
        if settings is None:
            raise ValueError("give settings or dest")
        dest = settings.demo_dir
    root = Path(dest).expanduser().resolve()
    items = demo_items(
        per_genre=per_genre, duration_s=duration_s, sample_rate=sample_rate, seed=seed
    )
    shots = demo_one_shots(seed=seed)
    # progress counts every file the library holds, loops and one-shots, as the indexing
    # that follows does (150 + 19 = 169 for the default library)
    total = len(items) + len(shots)
    with _locked(root):
        old = load_manifest(root)
        same_plan = bool(
            old
            and old.get("version") == _MANIFEST_VERSION
            and old.get("seed") == seed
            and old.get("per_genre") == per_genre
            and old.get("duration_s") == duration_s
            and old.get("sample_rate") == sample_rate
        )
        known = {s["path"]: s for s in old["samples"]} if old and same_plan else {}
        todo: list[DemoItem] = []
        kept: dict[str, dict[str, Any]] = {}
        for item in items:
            prior = known.get(item.relative)
            path = root / item.relative
            if prior is not None and path.is_file() and sha256_file(path) == prior.get("sha256"):
                kept[item.relative] = prior
            else:
                todo.append(item)
        done = len(kept)
        if on_progress is not None:
            on_progress(done, total)
        n_workers = max(1, min(workers or 1, len(todo)))
        if n_workers > 1 and len(todo) >= 8:
            # Opt-in only: on a busy two-core machine a spawn pool measured slower than the
            # serial loop (worker start-up plus contention), so the default stays serial.
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx) as pool:
                futures = [pool.submit(_render, item, str(root)) for item in todo]
                for fut in futures:
                    entry = fut.result()
                    kept[entry["path"]] = entry
                    done += 1
                    if on_progress is not None:
                        on_progress(done, total)
        else:
            for item in todo:
                entry = _render(item, str(root))
                kept[entry["path"]] = entry
                done += 1
                if on_progress is not None:
                    on_progress(done, total)
        samples = [kept[item.relative] for item in items]
        old_shots = {s["path"]: s for s in (old or {}).get("one_shots", [])} if same_plan else {}
        one_shots = []
        for shot in shots:
            prior = old_shots.get(shot.relative)
            path = root / shot.relative
            if prior is not None and path.is_file() and sha256_file(path) == prior.get("sha256"):
                one_shots.append(prior)
            else:
                one_shots.append(_render_one_shot(shot, str(root), sample_rate))
            done += 1
            if on_progress is not None:
                on_progress(done, total)
        manifest: dict[str, Any] = {
            "version": _MANIFEST_VERSION,
            "seed": seed,
            "per_genre": per_genre,
            "duration_s": duration_s,
            "sample_rate": sample_rate,
            "genres": sorted({s["tags"]["genre"] for s in samples}),
            "eras": sorted({s["tags"]["era"] for s in samples}),
            "samples": samples,
            "one_shots": one_shots,
        }
        tmp_manifest = root / (MANIFEST_NAME + ".partial")
        tmp_manifest.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(tmp_manifest, root / MANIFEST_NAME)
    return manifest


def _render(item: DemoItem, root: str) -> dict[str, Any]:
    """Synthesize and write one loop; returns its manifest entry (runs in pool workers)."""
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

    path = Path(root) / item.relative
    spec = GrooveSpec(**item.spec)
    y, truth = synthesize_groove(spec)
    # Hidden temporary name: the library walker skips dot-files, so an interrupted build
    # never gets a half-written loop indexed.
    tmp = path.with_name(f".{path.stem}.partial.wav")
    write_audio(tmp, y, spec.sample_rate)
    os.replace(tmp, path)  # a crash never leaves a half-written loop under its real name
    sha = sha256_file(path)
    key = parse_key(truth.key)
    return {
        "path": item.relative,
        "id": sha[:16],
        "sha256": sha,
        "tags": {"genre": item.genre, "era": item.era, "vibe": item.vibe, "instrument": None},
        "truth": {
            "tempo_bpm": truth.tempo_bpm,
            "swing_percent": truth.swing_percent,
            "swing_ratio": round(truth.swing_ratio, 4),
            "backbeat_lag_ms": truth.backbeat_lag_ms,
            "jitter_ms": truth.jitter_ms,
            "key": key.name,
            "camelot": key.camelot,
            "pattern": truth.pattern,
            "duration_s": truth.duration_s,
            "sample_rate": truth.sample_rate,
            "seed": truth.seed,
        },
    }


def _render_one_shot(shot: DemoOneShot, root: str, sample_rate: int) -> dict[str, Any]:
    """Synthesize and write one one-shot; returns its manifest entry."""
    from groovegraph.tools.hits import synthesize_hit
    from groovegraph.tools.synth import write_audio

    path = Path(root) / shot.relative
    y = synthesize_hit(
        shot.instrument,  # type: ignore[arg-type]
        note=shot.root_note,
        seed=shot.seed,
        sample_rate=sample_rate,
    )
    tmp = path.with_name(f".{path.stem}.partial.wav")
    write_audio(tmp, y, sample_rate)
    os.replace(tmp, path)
    sha = sha256_file(path)
    return {
        "path": shot.relative,
        "id": sha[:16],
        "sha256": sha,
        "tags": {"genre": None, "era": None, "vibe": None, "instrument": shot.instrument},
        "truth": {
            "kind": "one_shot",
            "instrument": shot.instrument,
            "root_note": shot.root_note,
            "tempo_bpm": None,
            "duration_s": round(y.size / sample_rate, 6),
            "sample_rate": sample_rate,
            "seed": shot.seed,
        },
    }


class _Indexable(Protocol):
    # Roots are always a resolved Path here; CatalogStore (str | Path) then fits.
    def index_directory(self, root: Path, *, settings: Settings, **kwargs: Any) -> Any: ...

    def count(self, owner: str | None = None, *, status: str | None = "ok") -> int: ...

    def files_under(self, root: Path) -> dict[str, Any]: ...


def ensure_demo_library(
    settings: Settings,
    store: _Indexable,
    *,
    dest: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    on_progress: Callable[[Any], None] | None = None,
    on_build_progress: Callable[[int, int], None] | None = None,
    per_genre: int = 15,
    duration_s: float = 8.0,
) -> Any | None:
    """Build and index the demo library unless it is already there; the server's first start.

    Returns the indexing summary when work was done, ``None`` when the library was
    complete and indexed already. ``per_genre`` and ``duration_s`` size the library (tests
    build a small one). ``store`` is a
    :class:`~groovegraph.persistence.catalog_store.CatalogStore` (anything with
    ``index_directory`` and ``files_under``); the tools layer does not import it.
    ``on_build_progress(done, total)`` follows the synthesis (files written of all),
    ``on_progress`` the indexing (:class:`~groovegraph.persistence.indexer.IndexProgress`).
    """
    root = Path(dest or settings.demo_dir).expanduser().resolve()
    manifest = load_manifest(root)
    if _complete(root, manifest) and manifest is not None:
        indexed = store.files_under(root)
        live = {p for p, row in indexed.items() if getattr(row, "status", "ok") != "gone"}
        if all(str(root / s["path"]) in live for s in _entries(manifest)):
            return None
    if not _complete(root, manifest):
        build_demo(
            settings=settings,
            dest=root,
            per_genre=per_genre,
            duration_s=duration_s,
            on_progress=on_build_progress,
        )
    with _locked(root):
        return store.index_directory(
            root, settings=settings, workers=workers, on_progress=on_progress
        )
