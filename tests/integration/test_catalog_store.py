"""CatalogStore and incremental indexing on SQLite and on the real Postgres.

Every test runs twice: against a SQLite file in a temporary data dir and against a fresh
Postgres database (created per test on the server behind ``pg_url``).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from groovegraph.persistence.catalog_store import SCHEMA_VERSION, CatalogStore, sample_id_for
from groovegraph.persistence.indexer import IndexProgress
from groovegraph.settings import Settings
from groovegraph.state import Analysis, CatalogQuery, SampleRecord, SampleTags
from groovegraph.tools.catalog import search
from groovegraph.tools.errors import NotFoundError

pytestmark = pytest.mark.integration

CLIPS = [
    ("Funk/70s/groovy_funk_01_100bpm_Am.wav", 100.0, "A minor", "funk", 56.0),
    ("Funk/70s/dusty_funk_02_104bpm_Em.wav", 104.0, "E minor", "funk", 58.0),
    ("House/90s/deep_house_01_124bpm_Fm.wav", 124.0, "F minor", "house", 50.0),
    ("House/90s/warm_house_02_122bpm_C.wav", 122.0, "C major", "house", 50.0),
    ("Boom Bap/90s/raw_boombap_01_90bpm_Cm.wav", 90.0, "C minor", "boombap", 62.0),
    ("Boom Bap/90s/dusty_boombap_02_88bpm_Gm.wav", 88.0, "G minor", "boombap", 60.0),
]


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six short synthetic loops, written once and copied into each test's library."""
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

    src = tmp_path_factory.mktemp("clips")
    for i, (rel, bpm, key, pattern, swing) in enumerate(CLIPS):
        spec = GrooveSpec(
            tempo_bpm=bpm,
            key=key,
            pattern=pattern,
            swing_percent=swing,
            duration_s=4.0,
            sample_rate=22050,
            seed=100 + i,
        )
        y, _ = synthesize_groove(spec)
        write_audio(src / rel, y, spec.sample_rate)
    return src


@pytest.fixture(params=["sqlite", "postgres"])
def settings_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    if request.param == "sqlite":
        s = Settings(data_dir=tmp_path / "data", workers=1)
        s.ensure_dirs()
        yield s
        return
    pg_url = request.getfixturevalue("pg_url")  # skips (or fails under CI) without Postgres
    base = pg_url.rsplit("/", 1)[0]
    name = f"gg_cat_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    s = Settings(data_dir=tmp_path / "data", database_url=f"{base}/{name}", workers=1)
    s.ensure_dirs()
    yield s
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _library(clips: Path, tmp_path: Path) -> Path:
    lib = tmp_path / "library"
    shutil.copytree(clips, lib)
    return lib


def _record(
    i: int, *, owner: str | None = None, bpm: float = 96.0, key: str = "A minor"
) -> SampleRecord:
    from groovegraph.tools.keys import parse_key

    sha = hashlib.sha256(f"sample {i}".encode()).hexdigest()
    k = parse_key(key)
    analysis = Analysis(
        file=f"/x/{i}.wav",
        sha256=sha,
        duration_s=8.0,
        sample_rate=44100,
        tempo_bpm=bpm,
        tempo_confidence=0.9,
        beats_s=[0.0, 0.625, 1.25],
        swing_percent=55.0,
        swing_ratio=55 / 45,
        timing_deviation_ms=3.0,
        backbeat_lag_ms=4.0,
        key=k.name,
        camelot=k.camelot,
        key_confidence=0.7,
        rms_db=-11.0,
        onset_rate_hz=5.0,
    )
    return SampleRecord(
        id=sample_id_for(sha, owner),
        owner=owner,
        path=f"/x/{i}.wav",
        sha256=sha,
        size_bytes=10,
        mtime=1.0,
        tags=SampleTags(genre="funk", era="70s"),
        analysis=analysis,
    )


# --------------------------------------------------------------------------- schema


def _version_rows(s: Settings) -> list[tuple[Any, ...]]:
    if s.is_postgres:
        assert s.database_url is not None
        with psycopg.connect(s.database_url) as conn:
            return conn.execute("SELECT component, version FROM schema_version").fetchall()
    import sqlite3

    with sqlite3.connect(s.sqlite_path) as conn:
        return conn.execute("SELECT component, version FROM schema_version").fetchall()


def test_migrations_are_idempotent_and_keep_data(settings_db: Settings) -> None:
    with CatalogStore.open(settings_db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        store.upsert([_record(1)])
    with CatalogStore.open(settings_db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.count() == 1
    assert _version_rows(settings_db) == [("catalog", SCHEMA_VERSION)]
    # a database left at version 1 (one write counter) is brought forward, data kept
    _execute(settings_db, "UPDATE schema_version SET version = 1 WHERE component = 'catalog'")
    with CatalogStore.open(settings_db) as store:
        assert store.schema_version() == SCHEMA_VERSION == 3
        assert store.count() == 1
        assert len(store.frame()) == 1


def _execute(s: Settings, sql: str) -> None:
    if s.is_postgres:
        assert s.database_url is not None
        with psycopg.connect(s.database_url, autocommit=True) as conn:
            conn.execute(sql)
        return
    import sqlite3

    with sqlite3.connect(s.sqlite_path) as conn:
        conn.execute(sql)


def test_concurrent_first_opens_migrate_once(settings_db: Settings) -> None:
    """Two processes and four threads open a brand-new database at the same moment."""
    env_url = settings_db.database_url or f"sqlite:///{settings_db.sqlite_path}"
    code = (
        "import sys; from groovegraph.settings import Settings; "
        "from groovegraph.persistence.catalog_store import CatalogStore; "
        f"s = Settings(data_dir={str(settings_db.data_dir)!r}, database_url={env_url!r}); "
        "st = CatalogStore.open(s); print(st.schema_version()); st.close()"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_one() -> None:
        try:
            barrier.wait()
            CatalogStore.open(settings_db).close()
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    outs = [p.communicate(timeout=120) for p in procs]
    assert errors == []
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == str(SCHEMA_VERSION)
    assert _version_rows(settings_db) == [("catalog", SCHEMA_VERSION)]


# --------------------------------------------------------------------------- rows


def test_upsert_get_frame_owner_scoping_and_delete(settings_db: Settings) -> None:
    with CatalogStore.open(settings_db) as store:
        shared, alice = _record(1), _record(2, owner="alice")
        store.upsert([shared, alice, _record(3, owner="bob")])
        got = store.get(shared.id)
        assert got.analysis is not None
        assert got.analysis.beats_s == [0.0, 0.625, 1.25]
        assert got.tags.genre == "funk"
        assert store.get(alice.id, "alice").owner == "alice"
        with pytest.raises(NotFoundError):
            store.get(alice.id)  # not shared
        with pytest.raises(NotFoundError):
            store.get(alice.id, "bob")
        assert len(store.frame()) == 1
        assert len(store.frame("alice")) == 2
        assert store.count("alice") == 2
        # upsert keeps created_at, replaces the rest
        first = store.get(shared.id).created_at
        store.upsert([shared.model_copy(update={"tags": SampleTags(genre="soul")})])
        again = store.get(shared.id)
        assert (again.tags.genre, again.created_at) == ("soul", first)
        assert store.delete([alice.id], owner="bob") == 0
        assert store.delete([alice.id], owner="alice") == 1
        assert store.count("alice") == 1


def test_frame_cache_sees_writes_from_another_store(settings_db: Settings) -> None:
    with CatalogStore.open(settings_db) as reader, CatalogStore.open(settings_db) as writer:
        writer.upsert([_record(1, bpm=96.0)])
        frame = reader.frame()
        assert reader.frame() is frame  # cached while nothing changes
        writer.upsert([_record(2, bpm=97.0, key="E minor")])
        assert len(reader.frame()) == 2
        # an owner's upload leaves the cached shared frame alone but shows in the owner's
        shared_frame = reader.frame()
        assert len(reader.frame("alice")) == 2
        writer.upsert([_record(3, owner="alice")])
        assert reader.frame() is shared_frame
        assert len(reader.frame("alice")) == 3
        writer.mark_gone([_record(1).id])
        hits = search(reader.frame(), CatalogQuery(target_bpm=96))
        assert [h.sample_id for h in hits] == [_record(2).id]
        assert reader.get(_record(1).id).status == "gone"


# --------------------------------------------------------------------------- indexing


def test_index_then_unchanged_rerun(settings_db: Settings, clips: Path, tmp_path: Path) -> None:
    lib = _library(clips, tmp_path)
    with CatalogStore.open(settings_db) as store:
        first = store.index_directory(lib, settings=settings_db, workers=1)
        assert (first.added, first.failed, first.scanned) == (6, 0, 6)
        df = store.frame()
        assert set(df["genre"]) == {"funk", "house", "boom bap"}
        assert set(df["era"]) == {"70s", "90s"}
        house = search(df, CatalogQuery(genre="house", bpm_min=118, bpm_max=128, limit=10))
        assert {Path(h.path).name for h in house} == {
            Path(c[0]).name for c in CLIPS if c[3] == "house"
        }
        second = store.index_directory(lib, settings=settings_db, workers=1)
        assert (second.added, second.unchanged, second.updated) == (0, 6, 0)
        # a sidecar CSV retags unchanged files without analysing them again
        csv_path = tmp_path / "tags.csv"
        csv_path.write_text(
            f"path,vibe,source\n{CLIPS[2][0]},late night,crate 7\n", encoding="utf-8"
        )
        third = store.index_directory(lib, settings=settings_db, workers=1, tags_csv=csv_path)
        assert (third.added, third.unchanged) == (0, 6)
        retagged = store.files_under(lib)[str((lib / CLIPS[2][0]).resolve())]
        assert (retagged.tags.genre, retagged.tags.vibe, retagged.tags.source) == (
            "house",
            "late night",
            "crate 7",
        )


def test_corrupt_files_are_recorded_and_the_run_goes_on(
    settings_db: Settings, clips: Path, tmp_path: Path
) -> None:
    lib = _library(clips, tmp_path)
    (lib / "Funk" / "70s" / "broken.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt garbage")
    (lib / "Funk" / "70s" / "empty.wav").write_bytes(b"")
    (lib / "House" / "90s" / "text.mp3").write_text("this is not audio")
    with CatalogStore.open(settings_db) as store:
        summary = store.index_directory(lib, settings=settings_db, workers=1)
        assert (summary.added, summary.failed) == (6, 3)
        assert store.count() == 6
        assert store.count(status="error") == 3
        broken = {f.path: f for f in store.files_under(lib).values()}[
            str((lib / "Funk/70s/broken.wav").resolve())
        ]
        assert broken.status == "error"
        assert store.get(broken.id).error
        # an unchanged corrupt file is not retried; a fixed one is
        again = store.index_directory(lib, settings=settings_db, workers=1)
        assert (again.failed, again.unchanged) == (0, 9)
        shutil.copy(clips / CLIPS[0][0], lib / "Funk" / "70s" / "broken.wav")
        fixed = store.index_directory(lib, settings=settings_db, workers=1)
        # same audio as an existing live file: one sample, the copy is a duplicate
        assert fixed.duplicates == 1


def test_moved_files_are_relinked_and_deleted_ones_marked_gone(
    settings_db: Settings, clips: Path, tmp_path: Path
) -> None:
    lib = _library(clips, tmp_path)
    with CatalogStore.open(settings_db) as store:
        store.index_directory(lib, settings=settings_db, workers=1)
        before = {r.path: r.id for r in store.files_under(lib).values()}
        moved_from = lib / CLIPS[0][0]
        sid = before[str(moved_from.resolve())]
        (lib / "Soul" / "60s").mkdir(parents=True)
        shutil.move(moved_from, lib / "Soul" / "60s" / "renamed.wav")
        (lib / CLIPS[2][0]).unlink()
        summary = store.index_directory(lib, settings=settings_db, workers=1)
        assert (summary.relinked, summary.gone, summary.added) == (1, 1, 0)
        rec = store.get(sid)
        assert rec.path == str((lib / "Soul" / "60s" / "renamed.wav").resolve())
        assert (rec.tags.genre, rec.tags.era, rec.status) == ("soul", "60s", "ok")
        assert rec.analysis is not None  # kept, not re-analysed
        gone_id = before[str((lib / CLIPS[2][0]).resolve())]
        assert store.get(gone_id).status == "gone"
        assert gone_id not in set(store.frame()["id"])
        # the file comes back: the gone sample is revived by relinking
        shutil.copy(clips / CLIPS[2][0], lib / "back.wav")
        back = store.index_directory(lib, settings=settings_db, workers=1)
        assert back.relinked == 1
        assert store.get(gone_id).status == "ok"
        # a copy in another library, original still in place: not a move
        other = tmp_path / "other"
        other.mkdir()
        shutil.copy(clips / CLIPS[1][0], other / "copy.wav")
        elsewhere = store.index_directory(other, settings=settings_db, workers=1)
        assert (elsewhere.relinked, elsewhere.duplicates, elsewhere.added) == (0, 1, 0)
        assert store.get(before[str((lib / CLIPS[1][0]).resolve())]).path == str(
            (lib / CLIPS[1][0]).resolve()
        )


def test_interrupted_indexing_resumes(settings_db: Settings, clips: Path, tmp_path: Path) -> None:
    lib = _library(clips, tmp_path)

    class Crash(Exception):
        pass

    def crash_after_two(event: IndexProgress) -> None:
        if event.phase == "analyze" and event.done == 3:
            raise Crash

    with CatalogStore.open(settings_db) as store:
        with pytest.raises(Crash):
            store.index_directory(
                lib, settings=settings_db, workers=2, batch_size=2, on_progress=crash_after_two
            )
        saved = store.count()
        assert 2 <= saved < 6  # the committed batch survived; the run did not finish
        resumed = store.index_directory(lib, settings=settings_db, workers=2, batch_size=2)
        assert (resumed.unchanged, resumed.added) == (saved, 6 - saved)
        assert store.count() == 6


def test_a_catalog_read_is_one_statement_on_postgres(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reads every catalog tool call makes (the write counters, the frame, a sample)
    are single statements in autocommit: no BEGIN/COMMIT round trips around them."""
    store = CatalogStore.open(Settings(data_dir=tmp_path / "data", database_url=pg_url))
    try:
        sent: list[str] = []
        real_execute = psycopg.Cursor.execute

        def execute(self: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
            sent.append(" ".join(str(query).split()))
            return real_execute(self, query, *args, **kwargs)

        real_transaction = psycopg.Connection.transaction
        opened: list[str] = []

        def transaction(self: psycopg.Connection[Any], *args: Any, **kwargs: Any) -> Any:
            opened.append("BEGIN")
            return real_transaction(self, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", execute)
        monkeypatch.setattr(psycopg.Connection, "transaction", transaction)
        store.generations()
        store.frame("someone-new")
        with pytest.raises(NotFoundError):
            store.get("0" * 16, "someone-new")
        assert opened == []
        reads = [q for q in sent if q]  # "" is the pool's liveness check on checkout
        assert sum(q.startswith("SELECT name, generation") for q in reads) == 2
        assert all(q.startswith("SELECT") for q in reads)
    finally:
        store.close()
