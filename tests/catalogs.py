"""One way for a test to build a sample catalog and the offline graph over it.

``catalog_row`` is one analysed catalog row (typical measurements, the caller's fields on
top), ``loop_row`` one such row for a library loop named by its file, ``numbered_loop``
loop number n of a test's small library (an id unique per test tag and n, typical tags
and feel), ``catalog_frame`` a seeded mixed library of loops, ``one_shot_record`` an
analysed one-shot, ``library_frame`` loops and one-shots in one frame, and
``offline_graph`` the graph compiled over a frame with an in-memory checkpointer, as the
unit tests talk to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from langgraph.checkpoint.memory import InMemorySaver

from groovegraph.graph import build_graph
from groovegraph.persistence.checkpointer import checkpoint_serde
from groovegraph.settings import Settings
from groovegraph.state import Analysis, SampleRecord, SampleTags
from groovegraph.tools import catalog as cat
from groovegraph.tools.keys import camelot

if TYPE_CHECKING:
    import pytest
    from fastapi.testclient import TestClient

__all__ = [
    "app_client",
    "catalog_frame",
    "catalog_row",
    "library_frame",
    "loop_row",
    "numbered_loop",
    "offline_graph",
    "one_shot_record",
    "stored_loop",
]

GENRES = ("funk", "soul", "hip hop", "house", "disco")
ERAS = ("70s", "80s", "90s")
KEYS = ("A minor", "C major", "F# minor", "D minor", "G major")


def catalog_row(*, key: str | None, **fields: object) -> dict[str, object]:
    """One analysed catalog row: typical measurement defaults, ``camelot`` from ``key``
    (none for a sample with no key, ``key=None``), and the caller's fields (id, path,
    sha256, tags, tempo, swing, … ) on top."""
    return {
        "tempo_confidence": 0.9,
        "swing_ratio": 1.2,
        "timing_deviation_ms": 8.0,
        "key": key,
        "camelot": None if key is None else camelot(key),
        "key_confidence": 0.8,
        "duration_s": 8.0,
        "sample_rate": 44100,
        "rms_db": -14.0,
        "onset_rate_hz": 6.0,
        **fields,
    }


def upload_row(
    n: int, sent_as: str, bpm: float, key: str | None, swing: float, *, lag_ms: float = 4.0
) -> dict[str, object]:
    """A sample the user uploaded: stored under its content hash (``n`` repeated), with
    the file name it was sent as in ``source`` (``upload:<name>``)."""
    digest = f"{n:02x}" * 32
    return catalog_row(
        id=f"{n:02x}" * 8,
        path=f"/data/uploads/{digest[:2]}/{digest}.wav",
        sha256=digest,
        source=f"upload:{sent_as}",
        tempo_bpm=bpm,
        swing_percent=swing,
        backbeat_lag_ms=lag_ms,
        key=key,
    )


def loop_row(sid: str, name: str, *, key: str | None, **fields: object) -> dict[str, object]:
    """A library loop's :func:`catalog_row`: id ``sid`` (16 hex digits), stored as
    ``/lib/{name}.wav``, its sha256 made of its id (unique as the id is), the caller's
    fields (genre, tempo, swing, … ) on top."""
    return catalog_row(id=sid, path=f"/lib/{name}.wav", sha256=sid * 4, key=key, **fields)


def numbered_id(n: int, tag: str = "e11d") -> str:
    """The id :func:`numbered_loop` gives loop ``n`` of a test file with ``tag``."""
    return f"{n:04d}{tag}{n:08d}"


def numbered_loop(
    n: int,
    genre: str,
    era: str,
    bpm: float,
    key: str | None,
    *,
    tag: str = "e11d",
    name: str | None = None,
    **fields: object,
) -> dict[str, object]:
    """Loop number ``n`` of a test's library, a :func:`catalog_row` of ``genre`` and
    ``era`` at ``bpm`` in ``key`` (``None``: drums only, no key).

    Its id is ``f"{n:04d}{tag}{n:08d}"``: 16 hex digits, unique per (``tag``, ``n``), so a
    test file picks its own four-hex-digit ``tag`` and numbers its loops. It is stored as
    ``/lib/{name}.wav`` (``name`` by default ``f"{genre}_{era}_{n:02d}"``; a test that asks
    for a loop by name passes one), its sha256 made of its id, with a swing of 55 % and a
    backbeat 2 ms late. The caller's ``fields`` (``vibe``, ``swing_percent``,
    ``backbeat_lag_ms``, ``meter``, … ) go on top and override any of these; ``id``,
    ``path`` and ``sha256`` too, where a test's ids or files follow another pattern (a
    given id makes the sha256 unless one is given as well)."""
    sid = str(fields.pop("id", numbered_id(n, tag)))
    name = f"{genre}_{era}_{n:02d}" if name is None else name
    return catalog_row(
        key=key,
        **{
            "id": sid,
            "path": f"/lib/{name}.wav",
            "sha256": sid * 4,
            "genre": genre,
            "era": era,
            "tempo_bpm": bpm,
            "swing_percent": 55.0,
            "backbeat_lag_ms": 2.0,
            **fields,
        },
    )


def stored_loop(
    sid: str, path: str, *, genre: str, era: str, bpm: float, key: str | None, **fields: object
) -> dict[str, object]:
    """A library loop as the catalog store holds it (status ``ok``, size and mtime set),
    at ``path``, its sha256 made of its id: a :func:`catalog_row` to upsert."""
    return catalog_row(
        id=sid,
        path=path,
        sha256=sid * 4,
        genre=genre,
        era=era,
        tempo_bpm=bpm,
        key=key,
        kind="loop",
        status="ok",
        size_bytes=1000,
        mtime=0.0,
        **{"swing_percent": 55.0, "backbeat_lag_ms": 6.0, **fields},
    )


@contextmanager
def app_client(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, rows: Iterable[Mapping[str, object]]
) -> Iterator[TestClient]:
    """The real app (offline graph, no demo, no warm-up) over a SQLite catalog holding
    ``rows``, under ``settings``' data dir, as a TestClient."""
    from fastapi.testclient import TestClient

    from groovegraph.persistence.catalog_store import CatalogStore
    from groovegraph.server.app import create_app
    from groovegraph.settings import get_settings

    monkeypatch.setenv("GROOVEGRAPH_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    with CatalogStore.open(settings) as store:
        store.upsert(cat.record_from_row(dict(r)) for r in rows)
    with TestClient(create_app(settings, build_demo=False, warm_up=False)) as client:
        yield client


def catalog_frame(n: int = 60, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        key = KEYS[int(rng.integers(len(KEYS)))]
        rows.append(
            catalog_row(
                id=f"{i:04d}ab{seed:06d}",
                path=f"/lib/{i:03d}.wav",
                sha256=f"{i:064x}",
                genre=GENRES[i % len(GENRES)],
                era=ERAS[i % len(ERAS)],
                tempo_bpm=round(float(rng.uniform(84, 128)), 3),
                swing_percent=round(float(rng.uniform(50, 66)), 3),
                backbeat_lag_ms=round(float(rng.uniform(-5, 20)), 2),
                key=key,
            )
        )
    return pd.DataFrame(rows)


def one_shot_record(
    sid: str, name: str, instrument: str, root: str | None = None, tag: str | None = None
) -> SampleRecord:
    """An analysed one-shot of ``instrument`` (pitched on ``root`` when given) under
    /lib/shots, tagged ``tag``."""
    analysis = Analysis(
        file=f"/lib/shots/{name}",
        sha256=sid * 4,
        duration_s=0.4 if root is None else 1.5,
        sample_rate=44100,
        kind="one_shot",
        instrument=instrument,
        root_note=root,
        rms_db=-12.0,
        onset_rate_hz=1.0,
    )
    return SampleRecord(
        id=sid,
        path=analysis.file,
        sha256=analysis.sha256,
        size_bytes=1000,
        mtime=0.0,
        tags=SampleTags(instrument=tag),
        analysis=analysis,
    )


def library_frame(
    loops: Sequence[Mapping[str, object]] = (), shots: Sequence[SampleRecord] = ()
) -> pd.DataFrame:
    """One catalog frame of loop rows (:func:`catalog_row`) and analysed one-shots."""
    if not shots:
        return pd.DataFrame(list(loops))
    if not loops:
        return cat.records_to_frame(shots)
    return cat.concat_frames([pd.DataFrame(list(loops)), cat.records_to_frame(shots)])


def offline_graph(frame: pd.DataFrame, *, settings: Settings) -> Any:
    """The offline graph over ``frame``, compiled with an in-memory checkpointer that
    serializes as the real ones do (the state's types on an explicit allowlist), so a
    state type missing from that list fails here, not only against Postgres."""
    return build_graph(catalog=cat.FrameSource(frame), settings=settings).compile(
        checkpointer=InMemorySaver(serde=checkpoint_serde())
    )
