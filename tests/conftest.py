"""Shared fixtures. Unit tests get a throw-away data dir; integration tests get the real
Postgres and Redis (fresh database per session, Redis db 15 flushed per test).

Under ``CI=true`` a missing service fails the integration tests instead of skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from groovegraph.settings import Settings, scratch_numba_cache_dir

PG_ADMIN_URL = os.environ.get(
    "GROOVEGRAPH_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_TEST_URL = os.environ.get("GROOVEGRAPH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# One numba cache for every test and the subprocesses they start, so librosa's kernels
# compile once per environment instead of once per temporary data dir. numba reads the
# variable when it is first imported, so it is set here, before any test module loads.
os.environ.setdefault("NUMBA_CACHE_DIR", str(scratch_numba_cache_dir()))


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may write outside a temporary folder or read the developer's config."""
    data_dir = tmp_path_factory.mktemp("gg-data")
    for name in list(os.environ):
        if name.startswith("GROOVEGRAPH_") and not name.startswith("GROOVEGRAPH_TEST_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GROOVEGRAPH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LANGSMITH_TRACING", "false")
    # @pytest.mark.langsmith tests log to LangSmith only when a key is set (CI sets
    # LANGSMITH_TEST_TRACKING=false itself); without one the plugin would fail the test.
    if not os.environ.get("LANGSMITH_API_KEY") or os.environ.get("CI", "").lower() in {
        "1",
        "true",
        "yes",
    }:
        monkeypatch.setenv("LANGSMITH_TEST_TRACKING", "false")
    from groovegraph.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings rooted in a fresh temporary data dir."""
    s = Settings(data_dir=tmp_path / "data")
    s.ensure_dirs()
    return s


def _service_missing(what: str, err: Exception) -> None:
    msg = f"{what} is not reachable: {err}"
    if IN_CI:
        pytest.fail(msg + " (CI=true: integration services are required)")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh Postgres database, dropped at the end of the session."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except Exception as err:  # any failure means the service is unusable
        _service_missing("PostgreSQL", err)
        raise
    name = f"gg_test_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception:  # cleanup is best effort
        pass


@pytest.fixture
def redis_url() -> Iterator[str]:
    """URL of Redis db 15, flushed before and after the test."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=3)
        client.ping()
    except Exception as err:  # any failure means the service is unusable
        _service_missing("Redis", err)
        raise
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()
