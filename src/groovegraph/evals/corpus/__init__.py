"""An evaluation corpus the analysis is never tuned on: realistic grooves, real
compositions (Bach chorales) and one-shots, rendered through General MIDI soundfonts.

Two splits that differ in seeds *and* in pieces:

* ``tuning`` — what the analysis may be tuned on;
* ``reporting`` — the only split whose figures are quoted. Never move an example from
  the reporting split into tuning.

Grooves draw every spec from a split-specific seed and rotate the soundfonts differently;
chorales are split by a hash of their BWV number (all harmonisations under one BWV fall in
one split); one-shots draw different keys, kits, programs and pitches per split.

Usage::

    from groovegraph.evals.corpus import load_corpus
    for ex in load_corpus("tuning", kinds=("groove",)):
        ex.path, ex.sr, ex.truth["tempo_bpm"]

Audio is rendered once into ``cache_dir`` (default ``<GROOVEGRAPH_DATA_DIR>/eval-corpus``)
and reused; an example whose spec changed is re-rendered. See ``evals/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from groovegraph.evals.corpus import chorales, grooves, oneshots, render

log = logging.getLogger(__name__)

#: Bump when a generator changes what it renders (invalidates the cache).
CORPUS_VERSION = "1"

Split = Literal["tuning", "reporting"]
Kind = Literal["groove", "chorale", "one_shot"]
SPLITS: tuple[str, ...] = ("tuning", "reporting")
KINDS: tuple[str, ...] = ("groove", "chorale", "one_shot")

#: Groove clips per category in each split.
GROOVE_COUNTS: dict[str, int] = {
    "swung16": 36,
    "shuffle8": 24,
    "straight": 30,
    "drift": 30,
    "waltz": 24,
    "twelve_eight": 24,
    "drumless_intro": 24,
    "pocket": 36,
    "modal": 36,
}
#: Chorales per split (the first accepted ones in a split-specific hash order).
CHORALE_COUNT = 72
_SEEDS = {"tuning": 1009, "reporting": 79_192_026}
_FONT_ORDER = {
    "tuning": ("fluidr3", "timgm6mb", "musescore"),
    "reporting": ("musescore", "fluidr3", "timgm6mb"),
}


@dataclass(frozen=True)
class Example:
    """One rendered clip: mono WAV at ``sr`` with its ground truth."""

    id: str
    split: str
    kind: str  # "groove" | "chorale" | "one_shot"
    category: str  # groove category, "chorale", or the one-shot instrument
    path: Path
    sr: int
    truth: dict[str, Any]
    spec: dict[str, Any] = field(default_factory=dict)

    def load(self) -> np.ndarray:
        import soundfile

        y, _ = soundfile.read(str(self.path), dtype="float32")
        return np.asarray(y)


@dataclass(frozen=True)
class _Job:
    id: str
    kind: str
    category: str
    soundfont: str
    spec: Any
    build: Callable[[Any], tuple[render.Performance, dict[str, Any]]]


def default_cache_dir() -> Path:
    base = os.environ.get("GROOVEGRAPH_CORPUS_CACHE")
    if base:
        return Path(base).expanduser()
    from groovegraph.settings import Settings

    return Settings().data_dir / "eval-corpus"


def _seed(split: str, *parts: object) -> int:
    h = hashlib.sha1(":".join([str(_SEEDS[split]), *map(str, parts)]).encode()).hexdigest()
    return int(h[:12], 16)


def _font(split: str, index: int, salt: str) -> str:
    order = _FONT_ORDER[split]
    off = int(hashlib.sha1(salt.encode()).hexdigest()[:4], 16)
    return order[(index + off) % len(order)]


# --------------------------------------------------------------------------- specs


def groove_jobs(split: str) -> list[_Job]:
    jobs = []
    for category, count in GROOVE_COUNTS.items():
        rng = np.random.default_rng(_seed(split, "groove", category))
        for i in range(count):
            gid = f"g-{category}-{i:03d}"
            spec = grooves.draw_spec(
                rng, id=gid, category=category, index=i, soundfont=_font(split, i, category)
            )
            jobs.append(
                _Job(gid, "groove", category, spec.soundfont, spec, grooves.build_performance)
            )
    return jobs


def chorale_jobs(split: str, *, count: int = CHORALE_COUNT) -> list[_Job]:
    """Candidate chorale jobs of a split, in a split-specific order; more than ``count``
    candidates are returned so that dropped (ambiguous) pieces can be replaced."""
    paths = [p for p in chorales.chorale_paths() if chorales.split_of(p) == split]
    paths.sort(key=lambda p: hashlib.sha1(f"{split}:{p.name}".encode()).hexdigest())
    jobs = []
    for i, path in enumerate(paths):
        rng = np.random.default_rng(_seed(split, "chorale", path.name))
        cid = "c-" + path.name.rsplit(".", 1)[0]
        spec = chorales.draw_spec(rng, id=cid, path=path, soundfont=_font(split, i, "chorale"))
        jobs.append(
            _Job(cid, "chorale", "chorale", spec.soundfont, spec, chorales.build_performance)
        )
    return jobs


def oneshot_jobs(split: str, *, scale: int = 1) -> list[_Job]:
    """The one-shot jobs of a split. ``scale`` > 1 (tuning split only) draws ``scale``
    times as many per instrument from the same split seeds: the first ones are the
    split's own examples, the rest more tuning material (every drum key, kit, program
    and soundfont of the rotation) for fitting, never for quoted figures."""
    if scale != 1 and split != "tuning":
        raise ValueError("only the tuning split can be drawn at another scale")
    jobs = []
    for instrument, count in oneshots.COUNTS.items():
        rng = np.random.default_rng(_seed(split, "one_shot", instrument))
        # different drum keys / programs per split: the tuning split starts the rotation
        # half-way through the list
        shift = 0 if split == "reporting" else 1 + count // 2
        for i in range(count * scale):
            oid = f"o-{instrument}-{i:02d}"
            spec = oneshots.draw_spec(
                rng,
                id=oid,
                instrument=instrument,
                index=i + shift,
                soundfont=_font(split, i, instrument),
            )
            jobs.append(
                _Job(oid, "one_shot", instrument, spec.soundfont, spec, oneshots.build_performance)
            )
    return jobs


# --------------------------------------------------------------------------- rendering


def _spec_digest(job: _Job) -> str:
    payload = json.dumps([CORPUS_VERSION, job.kind, asdict(job.spec)], sort_keys=True)
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


def _finish(job: _Job, y: np.ndarray, truth: dict[str, Any]) -> np.ndarray:
    """Per-kind post-processing of a rendered clip (level; one-shot trims)."""
    rng = np.random.default_rng(_seed("reporting", "level", job.id))
    if job.kind == "one_shot":
        mag = np.abs(y)
        peak = float(mag.max()) if mag.size else 0.0
        if peak > 0:
            first = int(np.argmax(mag >= 0.01 * peak))
            y = y[max(0, first - int(0.002 * render.SAMPLE_RATE)) :]
        y = oneshots.trim_tail(y, render.SAMPLE_RATE)
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    if peak > 0:
        target = 10 ** (float(rng.uniform(-9.0, -1.0)) / 20)
        y = y * (target / peak)
    return y.astype(np.float32)


def _render_missing(jobs: Sequence[_Job], out_dir: Path, cache_dir: Path) -> None:
    import soundfile

    fonts = render.soundfonts()
    by_font: dict[str, list[tuple[_Job, render.Performance, dict[str, Any]]]] = {}
    for job in jobs:
        try:
            perf, truth = job.build(job.spec)
        except chorales.Ambiguous as why:
            _write_json(
                out_dir / f"{job.id}.json",
                {"id": job.id, "digest": _spec_digest(job), "dropped": str(why)},
            )
            continue
        by_font.setdefault(job.soundfont, []).append((job, perf, truth))
    for font_name, items in sorted(by_font.items()):
        sf = fonts[font_name]
        perfs = [perf for _, perf, _ in items]
        latency = render.onset_latency_s(sf, render.sounds_of(perfs), cache_dir=cache_dir)
        log.info("rendering %d clips with %s", len(items), font_name)
        clips = render.render_batch(perfs, sf, latency=latency)
        for (job, _, truth), y in zip(items, clips, strict=True):
            y = _finish(job, y, truth)
            wav = out_dir / f"{job.id}.wav"
            tmp = out_dir / f"{job.id}.{os.getpid()}.part.wav"
            soundfile.write(str(tmp), y, render.SAMPLE_RATE, subtype="PCM_16")
            tmp.replace(wav)  # readers never see a half-written file
            _write_json(
                out_dir / f"{job.id}.json",
                {
                    "id": job.id,
                    "kind": job.kind,
                    "category": job.category,
                    "digest": _spec_digest(job),
                    "soundfont": font_name,
                    "spec": asdict(job.spec),
                    "truth": truth,
                    "duration_s": round(len(y) / render.SAMPLE_RATE, 4),
                },
            )


def _write_json(path: Path, obj: Any) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, sort_keys=True))
    tmp.replace(path)


def _cached(job: _Job, out_dir: Path) -> dict[str, Any] | None:
    meta = out_dir / f"{job.id}.json"
    if not meta.is_file():
        return None
    try:
        data = json.loads(meta.read_text())
    except json.JSONDecodeError:
        return None
    if data.get("digest") != _spec_digest(job):
        return None
    if "dropped" not in data and not (out_dir / f"{job.id}.wav").is_file():
        return None
    return dict(data)


def load_corpus(
    split: str = "reporting",
    kinds: Iterable[str] = KINDS,
    cache_dir: Path | None = None,
    *,
    limit: int | None = None,
    categories: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
    oneshot_scale: int = 1,
) -> list[Example]:
    """The examples of a split, rendering whatever is not cached yet.

    Parameters
    ----------
    split : "tuning" | "reporting"
    kinds : iterable of "groove", "chorale", "one_shot"
    cache_dir : Path, optional
        Where WAVs and truth JSON live (default :func:`default_cache_dir`).
    limit : int, optional
        At most this many examples *per kind* (the first ones; chorale candidates that
        are dropped as ambiguous are replaced by the next ones).
    categories : iterable of str, optional
        Only these groove categories / one-shot instruments.
    ids : iterable of str, optional
        Only these example ids.
    oneshot_scale : int
        Draw this many times the one-shots (tuning split only; see :func:`oneshot_jobs`).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    kinds = tuple(kinds)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"unknown kinds {bad}; use {KINDS}")
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    out_dir = cache / f"v{CORPUS_VERSION}" / split
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted_cats = set(categories) if categories is not None else None
    wanted_ids = set(ids) if ids is not None else None
    examples: list[Example] = []
    for kind in kinds:
        if kind == "groove":
            jobs = groove_jobs(split)
            target = len(jobs)
        elif kind == "chorale":
            jobs = chorale_jobs(split)
            target = CHORALE_COUNT
        else:
            jobs = oneshot_jobs(split, scale=oneshot_scale)
            target = len(jobs)
        if wanted_cats is not None:
            jobs = [j for j in jobs if j.category in wanted_cats]
        if wanted_ids is not None:
            jobs = [j for j in jobs if j.id in wanted_ids]
        if limit is not None:
            target = min(target, limit)
        accepted: list[dict[str, Any]] = []
        pos = 0
        # Render in rounds: take as many candidates as still needed, drop the ambiguous.
        while len(accepted) < target and pos < len(jobs):
            need = target - len(accepted)
            round_jobs = jobs[pos : pos + need]
            pos += len(round_jobs)
            missing = [j for j in round_jobs if _cached(j, out_dir) is None]
            if missing:
                _render_missing(missing, out_dir, cache)
            for job in round_jobs:
                data = _cached(job, out_dir)
                if data is None:
                    raise render.RenderError(f"{job.id} was not rendered")
                if "dropped" not in data:
                    accepted.append(data)
        for data in accepted:
            examples.append(
                Example(
                    id=data["id"],
                    split=split,
                    kind=data["kind"],
                    category=data["category"],
                    path=out_dir / f"{data['id']}.wav",
                    sr=render.SAMPLE_RATE,
                    truth=data["truth"],
                    spec=data["spec"],
                )
            )
    return examples


def dropped(split: str, cache_dir: Path | None = None) -> dict[str, str]:
    """Chorales rendered-and-dropped so far in a split: ``{id: reason}``."""
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    out_dir = cache / f"v{CORPUS_VERSION}" / split
    out: dict[str, str] = {}
    for meta in sorted(out_dir.glob("c-*.json")):
        data = json.loads(meta.read_text())
        if "dropped" in data:
            out[data["id"]] = data["dropped"]
    return out


__all__ = ["CORPUS_VERSION", "KINDS", "SPLITS", "Example", "dropped", "load_corpus"]
