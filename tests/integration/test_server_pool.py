"""On Postgres the server opens one connection pool per process: the thread table and
the checkpointer share it (sized by ``db_pool_max``), and both work through it."""

from __future__ import annotations

from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from groovegraph.server.app import create_app
from groovegraph.settings import Settings

pytestmark = pytest.mark.integration


async def test_threads_and_checkpoints_share_one_postgres_pool(
    pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", database_url=pg_url, redis_url=redis_url, db_pool_max=3
    )
    app = create_app(settings, build_demo=False, warm_up=False)
    async with app.router.lifespan_context(app):
        state = app.state.gg
        pool = state.checkpointer.conn
        assert isinstance(pool, AsyncConnectionPool)
        assert state.threads.backend.pool is pool
        assert pool.max_size == 3
        # Both users of the pool work through it.
        info = await state.threads.create(owner="pool-test")
        assert await state.threads.get(owner="pool-test", thread_id=info.thread_id)
        config = {"configurable": {"thread_id": info.thread_id}}
        assert await state.checkpointer.aget_tuple(config) is None
        # One Redis client for the cache and the limiter; the run locks live in the
        # database (advisory locks), never in Redis or only in this process.
        coord = state.coordination
        assert coord.limiter._redis is coord.cache._async
        assert coord.limiter._redis is not None
        assert [type(lock).__name__ for lock in coord.locks._shared] == ["PgAdvisoryLocks"]
        await state.threads.delete(owner="pool-test", thread_id=info.thread_id)
    assert pool.closed  # closed by the checkpointer, its opener
