"""The sample catalog in SQL: one schema on SQLite (default) and on Postgres.

:class:`CatalogStore` keeps one row per sample (file, content hash, tags, analysis,
status) and hands the graph a cached pandas frame (:meth:`CatalogStore.frame`), which is
what makes it a :class:`groovegraph.tools.catalog.SampleSource`.

Sample ids (:func:`sample_id_for`)
    * shared library (``owner`` NULL: the demo library and indexed folders): the first
      16 hex digits of the file's SHA-256. The id follows the audio, not the path: a moved
      or renamed file keeps its id, two machines indexing the same file agree on it, and
      two identical copies in one library are one sample.
    * uploads (``owner`` set): the first 16 hex digits of SHA-256 over
      ``"<owner>\\0<file sha256>"``, so an owner uploading the same file twice gets the
      same id and no owner can guess or collide with another owner's ids.
    * one sample, one id: an upload whose bytes the shared library already holds gets
      the shared id (no owner row; the shared library is visible to all, so nothing
      leaks), and when a folder indexed later holds an owner's upload, :meth:`CatalogStore.frame`
      lists only the shared row (the owner's old id still resolves with :meth:`~CatalogStore.get`).

Migrations are plain SQL that both engines accept (``DOUBLE PRECISION``, ``BIGINT`` and
``TEXT`` mean the same to SQLite's type affinity), numbered in :data:`_MIGRATIONS`, and
applied once per database under a lock that serialises processes starting together:
``pg_advisory_xact_lock`` on Postgres, ``BEGIN IMMEDIATE`` on SQLite. Every statement
takes its values as parameters.

The frame cache is invalidated by write counters that every write bumps in the same
transaction (one for any write, one for writes to shared-library rows);
:meth:`CatalogStore.frame` reads them before trusting its cache, so a CLI ``index``
running next to the server is seen on the next query, and an upload does not evict the
shared library frame.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from groovegraph.persistence.catalog_rows import StoredFile, sample_id_for
from groovegraph.persistence.indexer import index_directory
from groovegraph.settings import SQLITE_BUSY_TIMEOUT_S, Settings
from groovegraph.state import Analysis, SampleRecord, SampleTags
from groovegraph.tools.catalog import (
    ALL_TAG_FIELDS,
    FRAME_COLUMNS,
    SCALAR_ANALYSIS_FIELDS,
    concat_frames,
    empty_frame,
    prepare_frame,
)
from groovegraph.tools.errors import InvalidQueryError, NotFoundError

__all__ = ["CatalogStore", "StoredFile", "sample_id_for"]

_COMPONENT = "catalog"
# Arbitrary constant naming our advisory lock (pg advisory locks are one bigint space
# per database); other components pick their own.
_PG_LOCK_KEY = 0x67726F6F7665  # "groove"
_STATUSES = ("ok", "error", "gone")
# Every column of ``samples``: the frame's columns (already read straight from this
# table by _load_frame) plus those the search frame leaves out. Inserts and selects name
# their columns, so the order here is free.
_SAMPLE_COLUMNS: tuple[str, ...] = (
    *FRAME_COLUMNS,
    "error",
    "beats_s",
    "downbeats_s",
    "created_at",
    "updated_at",
)

_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            """
            CREATE TABLE IF NOT EXISTS samples (
                id TEXT PRIMARY KEY,
                owner TEXT,
                path TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size_bytes BIGINT NOT NULL DEFAULT 0,
                mtime DOUBLE PRECISION NOT NULL DEFAULT 0,
                status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'error', 'gone')),
                error TEXT,
                genre TEXT, era TEXT, vibe TEXT, instrument TEXT, source TEXT,
                bpm_hint DOUBLE PRECISION, key_hint TEXT,
                duration_s DOUBLE PRECISION, sample_rate INTEGER,
                tempo_bpm DOUBLE PRECISION, tempo_confidence DOUBLE PRECISION,
                beats_s TEXT,
                swing_percent DOUBLE PRECISION, swing_ratio DOUBLE PRECISION,
                timing_deviation_ms DOUBLE PRECISION, backbeat_lag_ms DOUBLE PRECISION,
                key TEXT, camelot TEXT, key_confidence DOUBLE PRECISION,
                rms_db DOUBLE PRECISION, onset_rate_hz DOUBLE PRECISION,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS samples_path_idx ON samples (path)",
            "CREATE INDEX IF NOT EXISTS samples_sha_idx ON samples (sha256)",
            "CREATE INDEX IF NOT EXISTS samples_owner_status_idx ON samples (owner, status)",
            """
            CREATE TABLE IF NOT EXISTS catalog_generation (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                generation BIGINT NOT NULL
            )
            """,
            "INSERT INTO catalog_generation (id, generation) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
        ),
    ),
    (
        2,
        (
            # Two write counters instead of one: 'all' moves on every write, 'shared' only
            # when shared-library rows change, so an upload does not throw away the cached
            # 100k-row library frame of every process.
            """
            CREATE TABLE IF NOT EXISTS catalog_generations (
                name TEXT PRIMARY KEY,
                generation BIGINT NOT NULL
            )
            """,
            "INSERT INTO catalog_generations (name, generation) VALUES ('all', 0), ('shared', 0) "
            "ON CONFLICT (name) DO NOTHING",
            "DROP TABLE IF EXISTS catalog_generation",
        ),
    ),
    (
        3,
        (
            # Analysis contract v2: one-shots, meter, downbeats, swing subdivision, runner-up
            # key. ``kind`` marks a row that has an analysis (a one-shot has no tempo).
            "ALTER TABLE samples ADD COLUMN kind TEXT",
            "ALTER TABLE samples ADD COLUMN tempo_stability DOUBLE PRECISION",
            "ALTER TABLE samples ADD COLUMN meter INTEGER",
            "ALTER TABLE samples ADD COLUMN downbeats_s TEXT",
            "ALTER TABLE samples ADD COLUMN swing_subdivision INTEGER",
            "ALTER TABLE samples ADD COLUMN key_runner_up TEXT",
            "ALTER TABLE samples ADD COLUMN root_note TEXT",
            "UPDATE samples SET kind = 'loop' WHERE tempo_bpm IS NOT NULL",
        ),
    ),
)
SCHEMA_VERSION = _MIGRATIONS[-1][0]


def _record_params(rec: SampleRecord, now: float) -> list[Any]:
    if rec.status not in _STATUSES:
        raise InvalidQueryError(f"status must be one of {_STATUSES}, got {rec.status!r}")
    a = rec.analysis
    values: dict[str, Any] = {
        "id": rec.id,
        "owner": rec.owner,
        "path": rec.path,
        "sha256": rec.sha256,
        "size_bytes": int(rec.size_bytes),
        "mtime": float(rec.mtime),
        "status": rec.status,
        "error": rec.error,
        **rec.tags.model_dump(),
    }
    for f in SCALAR_ANALYSIS_FIELDS:
        values[f] = getattr(a, f) if a is not None else None
    if values["instrument"] is None and a is not None:
        # One column for the tag and the measured instrument: a tag, when present, wins.
        values["instrument"] = a.instrument
    for name in ("beats_s", "downbeats_s"):
        times = getattr(a, name) if a is not None else None
        values[name] = json.dumps([round(b, 5) for b in times]) if times is not None else None
    values["created_at"] = rec.created_at or now
    values["updated_at"] = now
    return [values[c] for c in _SAMPLE_COLUMNS]


def _row_to_record(row: dict[str, Any]) -> SampleRecord:
    analysis = None
    # ``kind`` is set exactly when the row has an analysis (a one-shot has no tempo and a
    # drums-only loop no key).
    if row.get("kind") is not None:
        analysis = Analysis(
            file=row["path"],
            sha256=row["sha256"],
            beats_s=json.loads(row["beats_s"]) if row.get("beats_s") else None,
            downbeats_s=json.loads(row["downbeats_s"]) if row.get("downbeats_s") else None,
            instrument=row.get("instrument"),
            **{f: row[f] for f in SCALAR_ANALYSIS_FIELDS},
        )
    return SampleRecord(
        id=row["id"],
        owner=row["owner"],
        path=row["path"],
        sha256=row["sha256"],
        size_bytes=int(row["size_bytes"]),
        mtime=float(row["mtime"]),
        status=row["status"],
        error=row["error"],
        tags=SampleTags(**{t: row[t] for t in ALL_TAG_FIELDS}),
        analysis=analysis,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class CatalogStore:
    """Catalog rows in SQLite or Postgres; a :class:`~groovegraph.tools.catalog.SampleSource`.

    Build it with :meth:`open`. Methods are synchronous and thread-safe (SQLite: one lock
    around the connection; Postgres: a connection pool); async callers use
    ``asyncio.to_thread``. Use as a context manager or
    call :meth:`close`.
    """

    def __init__(self, conn: Any, *, dialect: str, owner_cache_size: int = 32) -> None:
        # SQLite: one connection (serialised by the lock); Postgres: a psycopg pool.
        self._conn = conn
        self._dialect = dialect
        self._lock = threading.RLock()
        self._shared: tuple[int, pd.DataFrame] | None = None
        self._owner_frames: OrderedDict[str, tuple[int, pd.DataFrame]] = OrderedDict()
        self._owner_cache_size = owner_cache_size
        self._closed = False

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def open(cls, settings: Settings) -> CatalogStore:
        """Connect to the configured database and bring the schema up to date.

        SQLite: ``settings.sqlite_path`` in WAL mode (shared with the checkpointer).
        Postgres: ``settings.database_url`` through a psycopg 3 connection pool.
        """
        if settings.is_postgres:
            from psycopg_pool import ConnectionPool

            url = settings.database_url
            assert url is not None
            # A pool, not one connection: every connection is checked when handed out,
            # so one the server dropped (restart, pg_terminate_backend, a pooler's idle
            # timeout) is replaced instead of failing the next call; concurrent readers
            # (the server's worker threads) do not queue behind one connection; and a
            # database that is down fails a call after db_pool_timeout_s, not 30 s.
            pool = ConnectionPool(
                url,
                min_size=1,
                max_size=max(2, settings.db_pool_max // 2),
                kwargs={"autocommit": True, "connect_timeout": 10},
                check=ConnectionPool.check_connection,
                max_idle=60,
                max_lifetime=1800,
                timeout=settings.db_pool_timeout_s,
                open=False,
                name="groovegraph-catalog",
            )
            pool.open(wait=True, timeout=15)
            store = cls(pool, dialect="postgres")
        else:
            path = settings.sqlite_path
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves (see _tx);
            # check_same_thread=False because to_thread callers hop threads and our lock
            # serialises them.
            conn = sqlite3.connect(
                path,
                timeout=SQLITE_BUSY_TIMEOUT_S,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            store = cls(conn, dialect="sqlite")
        try:
            store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgres"``."""
        return self._dialect

    # ------------------------------------------------------------------ SQL plumbing
    def _sql(self, text: str) -> str:
        # Statements are written with "?" placeholders; psycopg wants "%s". None of our
        # statements contains a literal "?" or "%".
        return text.replace("?", "%s") if self._dialect == "postgres" else text

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """One write transaction; yields a cursor. Commits on success, rolls back on error.

        SQLite: ``BEGIN IMMEDIATE`` takes the write lock first, waiting for another
        connection's up to the busy timeout. A deferred ``BEGIN`` that reads and then
        writes would ask for it on the write, and SQLite refuses that upgrade at once
        ("database is locked", the busy timeout not applied) when another connection
        writes or has written meanwhile.
        """
        if self._dialect == "postgres":
            if self._closed:
                raise RuntimeError("catalog store is closed")
            # Each call has a pooled connection of its own: no lock needed.
            with self._conn.connection() as conn, conn.transaction(), conn.cursor() as cur:
                yield cur
            return
        with self._lock:
            if self._closed:
                raise RuntimeError("catalog store is closed")
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()

    @contextmanager
    def _read(self) -> Iterator[Any]:
        """A cursor for one read-only statement, run in autocommit (one statement is its own
        transaction, with one snapshot): no ``BEGIN``/``COMMIT`` round trips around it,
        and on SQLite no write lock (the store's lock serialises the connection)."""
        if self._dialect == "postgres":
            if self._closed:
                raise RuntimeError("catalog store is closed")
            with self._conn.connection() as conn, conn.cursor() as cur:
                yield cur
            return
        with self._lock:
            if self._closed:
                raise RuntimeError("catalog store is closed")
            cur = self._conn.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def _migrate(self) -> None:
        with self._tx() as cur:
            if self._dialect == "postgres":
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_KEY,))
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " component TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at DOUBLE PRECISION NOT NULL)"
            )
            cur.execute(
                self._sql("SELECT version FROM schema_version WHERE component = ?"), (_COMPONENT,)
            )
            row = cur.fetchone()
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"catalog schema version {current} is newer than this groovegraph ({SCHEMA_VERSION})"
                )
            for version, statements in _MIGRATIONS:
                if version <= current:
                    continue
                for stmt in statements:
                    if self._column_exists(cur, stmt):
                        continue  # an ADD COLUMN already applied (re-run of a migration)
                    cur.execute(stmt)
            if current < SCHEMA_VERSION:
                cur.execute(
                    self._sql(
                        "INSERT INTO schema_version (component, version, updated_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (component) DO UPDATE SET version = excluded.version, "
                        "updated_at = excluded.updated_at"
                    ),
                    (_COMPONENT, SCHEMA_VERSION, time.time()),
                )

    def _column_exists(self, cur: Any, stmt: str) -> bool:
        """Whether ``stmt`` is ``ALTER TABLE t ADD COLUMN c …`` for a column ``t`` has."""
        m = re.match(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", stmt)
        if m is None:
            return False
        table, column = m.groups()
        if self._dialect == "postgres":
            cur.execute(
                "SELECT 1 FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s",
                (table, column),
            )
            return cur.fetchone() is not None
        cur.execute(f"PRAGMA table_info({table})")
        return any(row[1] == column for row in cur.fetchall())

    def schema_version(self) -> int:
        """Applied catalog schema version."""
        with self._read() as cur:
            cur.execute(
                self._sql("SELECT version FROM schema_version WHERE component = ?"), (_COMPONENT,)
            )
            row = cur.fetchone()
        return int(row[0]) if row else 0

    def _bump(self, cur: Any, *, shared: bool = True) -> None:
        """Move the write counters (inside the writing transaction)."""
        names = "('all', 'shared')" if shared else "('all')"
        cur.execute(
            f"UPDATE catalog_generations SET generation = generation + 1 WHERE name IN {names}"
        )

    def generations(self) -> tuple[int, int]:
        """``(all, shared)`` write counters: every write moves the first, writes to
        shared-library rows also the second. Seen across processes."""
        with self._read() as cur:
            cur.execute("SELECT name, generation FROM catalog_generations")
            found = {str(name): int(gen) for name, gen in cur.fetchall()}
        return found.get("all", 0), found.get("shared", 0)

    def generation(self) -> int:
        """Write counter; changes whenever any process writes the catalog."""
        return self.generations()[0]

    # ------------------------------------------------------------------ writes
    def upsert(self, records: Iterable[SampleRecord]) -> int:
        """Insert or replace rows by id (one transaction); returns the number written.

        ``created_at`` of an existing row is kept.
        """
        now = time.time()
        params = [_record_params(r, now) for r in records]
        if not params:
            return 0
        cols = ", ".join(_SAMPLE_COLUMNS)
        marks = ", ".join("?" for _ in _SAMPLE_COLUMNS)
        updates = ", ".join(
            f"{c} = excluded.{c}" for c in _SAMPLE_COLUMNS if c not in {"id", "created_at"}
        )
        stmt = self._sql(
            f"INSERT INTO samples ({cols}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {updates}"
        )
        touches_shared = any(p[1] is None for p in params)  # column 1 is owner
        with self._tx() as cur:
            if not touches_shared:
                # An owner's row may replace a shared one with the same id only in theory
                # (ids are owner-scoped hashes); check so the shared counter stays honest.
                ids = [p[0] for p in params]
                marks = ", ".join("?" for _ in ids)
                cur.execute(
                    self._sql(
                        f"SELECT COUNT(*) FROM samples WHERE owner IS NULL AND id IN ({marks})"
                    ),
                    ids,
                )
                touches_shared = int(cur.fetchone()[0]) > 0
            cur.executemany(stmt, params)
            self._bump(cur, shared=touches_shared)
        return len(params)

    def relink(
        self,
        sample_id: str,
        *,
        path: str,
        size_bytes: int,
        mtime: float,
        tags: SampleTags | None = None,
    ) -> None:
        """Point an existing sample at a new path (a moved file), keeping its analysis."""
        sets = [
            "path = ?",
            "size_bytes = ?",
            "mtime = ?",
            "updated_at = ?",
            # A revived row is 'ok' only if it has an analysis (a corrupt file that went
            # away and came back is still an error).
            "status = CASE WHEN status <> 'gone' THEN status"
            " WHEN kind IS NULL THEN 'error' ELSE 'ok' END",
        ]
        values: list[Any] = [path, int(size_bytes), float(mtime), time.time()]
        if tags is not None:
            for t, v in tags.model_dump().items():
                # The instrument column also holds the measured instrument: a file with no
                # instrument tag keeps it.
                sets.append(
                    "instrument = COALESCE(?, instrument)" if t == "instrument" else f"{t} = ?"
                )
                values.append(v)
        with self._tx() as cur:
            cur.execute(
                self._sql(f"UPDATE samples SET {', '.join(sets)} WHERE id = ?"),
                [*values, sample_id],
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no sample {sample_id!r}")
            self._bump(cur)

    def touch(
        self, sample_id: str, *, size_bytes: int, mtime: float, tags: SampleTags | None = None
    ) -> None:
        """Record a new size/mtime (and tags) for unchanged content at the same path."""
        row = self._stored_by_id(sample_id)
        if row is None:
            raise NotFoundError(f"no sample {sample_id!r}")
        self.relink(sample_id, path=row.path, size_bytes=size_bytes, mtime=mtime, tags=tags)

    def mark_gone(self, sample_ids: Sequence[str]) -> int:
        """Flag samples whose file disappeared; they leave the frame but keep their analysis."""
        ids = list(sample_ids)
        if not ids:
            return 0
        with self._tx() as cur:
            cur.executemany(
                self._sql("UPDATE samples SET status = 'gone', updated_at = ? WHERE id = ?"),
                [(time.time(), i) for i in ids],
            )
            self._bump(cur)
        return len(ids)

    def delete(self, sample_ids: Sequence[str], *, owner: str | None = None) -> int:
        """Delete rows. With ``owner``, only that owner's rows; returns the number deleted."""
        ids = list(sample_ids)
        if not ids:
            return 0
        deleted = 0
        with self._tx() as cur:
            for i in ids:
                if owner is None:
                    cur.execute(self._sql("DELETE FROM samples WHERE id = ?"), (i,))
                else:
                    cur.execute(
                        self._sql("DELETE FROM samples WHERE id = ? AND owner = ?"), (i, owner)
                    )
                deleted += max(cur.rowcount, 0)
            self._bump(cur, shared=owner is None)
        return deleted

    # ------------------------------------------------------------------ reads
    def _select(
        self, sql: str, params: Sequence[Any] = ()
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self._read() as cur:
            cur.execute(self._sql(sql), tuple(params))
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        return names, rows

    def get(self, sample_id: str, owner: str | None = None) -> SampleRecord:
        """One sample visible to ``owner`` (shared rows and the owner's own), any status.

        Raises
        ------
        NotFoundError
            If no such sample exists or it belongs to another owner.
        """
        if "\x00" in sample_id:  # PostgreSQL text cannot hold NUL: no id can contain one
            raise NotFoundError(f"no sample {sample_id!r}")
        cols = ", ".join(_SAMPLE_COLUMNS)
        if owner is None:
            names, rows = self._select(
                f"SELECT {cols} FROM samples WHERE id = ? AND owner IS NULL", (sample_id,)
            )
        else:
            names, rows = self._select(
                f"SELECT {cols} FROM samples WHERE id = ? AND (owner IS NULL OR owner = ?)",
                (sample_id, owner),
            )
        if not rows:
            raise NotFoundError(f"no sample {sample_id!r}")
        return _row_to_record(dict(zip(names, rows[0], strict=True)))

    def count(self, owner: str | None = None, *, status: str | None = "ok") -> int:
        """Rows visible to ``owner`` (shared + own), with ``status`` (``None`` = any)."""
        sql = "SELECT COUNT(*) FROM samples WHERE (owner IS NULL" + (
            " OR owner = ?)" if owner else ")"
        )
        params: list[Any] = [owner] if owner else []
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        _, rows = self._select(sql, params)
        return int(rows[0][0])

    def _stored_by_id(self, sample_id: str) -> StoredFile | None:
        found = self._stored("SELECT {cols} FROM samples WHERE id = ?", (sample_id,))
        return found[0] if found else None

    def _stored(self, sql: str, params: Sequence[Any]) -> list[StoredFile]:
        cols = ", ".join(["id", "path", "sha256", "size_bytes", "mtime", "status", *ALL_TAG_FIELDS])
        names, rows = self._select(sql.format(cols=cols), params)
        out = []
        for row in rows:
            r = dict(zip(names, row, strict=True))
            out.append(
                StoredFile(
                    id=r["id"],
                    path=r["path"],
                    sha256=r["sha256"],
                    size_bytes=int(r["size_bytes"]),
                    mtime=float(r["mtime"]),
                    status=r["status"],
                    tags=SampleTags(**{t: r[t] for t in ALL_TAG_FIELDS}),
                )
            )
        return out

    def files_under(self, root: str | Path) -> dict[str, StoredFile]:
        """Shared-library rows whose path lies under ``root`` (any status), keyed by path."""
        from groovegraph.tools.remote import is_url

        # A URL keeps its "//" (Path would fold "s3://b" into "s3:/b").
        prefix = (str(root) if is_url(root) else str(Path(root))).rstrip("/") + "/"
        # substr comparison instead of LIKE: no wildcard escaping to get wrong for paths
        # that contain "%" or "_".
        found = self._stored(
            "SELECT {cols} FROM samples WHERE owner IS NULL AND substr(path, 1, ?) = ?",
            (len(prefix), prefix),
        )
        return {f.path: f for f in found}

    def by_ids(self, sample_ids: Sequence[str]) -> dict[str, StoredFile]:
        """Stored rows for these ids (any owner, any status), keyed by id."""
        out: dict[str, StoredFile] = {}
        ids = list(dict.fromkeys(sample_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for f in self._stored(f"SELECT {{cols}} FROM samples WHERE id IN ({marks})", chunk):
                out[f.id] = f
        return out

    # ------------------------------------------------------------------ indexing
    def index_directory(self, root: str | Path, *, settings: Settings, **kwargs: Any) -> Any:
        """Index a library folder into this store; see :func:`groovegraph.persistence.indexer.index_directory`."""
        return index_directory(self, root, settings=settings, **kwargs)

    # ------------------------------------------------------------------ frames
    def _load_frame(self, where: str, params: Sequence[Any]) -> pd.DataFrame:
        cols = ", ".join(FRAME_COLUMNS)
        names, rows = self._select(
            f"SELECT {cols} FROM samples WHERE status = 'ok' AND {where}", params
        )
        if not rows:
            return empty_frame()
        df = pd.DataFrame.from_records(rows, columns=names)
        return prepare_frame(df)

    def frame(self, owner: str | None = None) -> pd.DataFrame:
        """Shared rows plus ``owner``'s rows with status ``ok`` (prepared for :func:`search`).

        Cached: the shared-library frame until shared rows change, each owner's combined
        frame until anything changes, in any process (write counters in the database).
        The returned frame is shared: treat it as read-only.
        """
        gen, shared_gen = self.generations()
        with self._lock:
            shared = self._shared
            if shared is None or shared[0] != shared_gen:
                shared = (shared_gen, self._load_frame("owner IS NULL", ()))
                self._shared = shared
                self._owner_frames.clear()
            if owner is None:
                return shared[1]
            cached = self._owner_frames.get(owner)
            if cached is not None and cached[0] == gen:
                self._owner_frames.move_to_end(owner)
                return cached[1]
            own = self._load_frame("owner = ?", (owner,))
            if not own.empty:
                # One sample, one id: an upload of audio the shared library also holds
                # (indexed after the upload) is listed once, under the shared id.
                own = own[~own["sha256"].isin(shared[1]["sha256"])]
            combined = shared[1] if own.empty else concat_frames([shared[1], own])
            self._owner_frames[owner] = (gen, combined)
            while len(self._owner_frames) > self._owner_cache_size:
                self._owner_frames.popitem(last=False)
            return combined
