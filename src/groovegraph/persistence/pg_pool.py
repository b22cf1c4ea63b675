"""The check our psycopg pools run on a connection before handing it out.

psycopg_pool's own ``check_connection`` sends an empty query: a round trip per
checkout, 4 of them in a ``/v1`` chat turn and about 20 in an Agent Protocol run (one per
checkpoint and per pending-write batch), each a wake-up of a Postgres backend that
costs the most on a busy machine. A connection the server dropped (restart,
``pg_terminate_backend``, a pooler's idle timeout) always tells its client so: the
server sends an error and closes the socket, which makes the socket readable. So the
check first looks, without a round trip, whether the connection is still open and idle
and its socket has nothing to read; only when something is there (or the state is
unexpected) does it run the full check, which reads it, fails, and makes the pool
replace the connection — the same outcome as before, without the round trip for the
connections that are fine.
"""

from __future__ import annotations

import select
from typing import Any

from psycopg import pq
from psycopg_pool import AsyncConnectionPool, ConnectionPool

__all__ = ["check_async_connection", "check_connection", "looks_healthy"]


def looks_healthy(conn: Any) -> bool:
    """Open, idle (no transaction), and nothing waiting on its socket."""
    try:
        if conn.closed:
            return False
        pgconn = conn.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return False
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
    except Exception:  # any doubt: the full check decides
        return False
    return not readable


async def check_async_connection(conn: Any) -> None:
    """``check`` for an :class:`AsyncConnectionPool` (raises when the connection is bad)."""
    if not looks_healthy(conn):
        await AsyncConnectionPool.check_connection(conn)


def check_connection(conn: Any) -> None:
    """``check`` for a :class:`ConnectionPool` (raises when the connection is bad)."""
    if not looks_healthy(conn):
        ConnectionPool.check_connection(conn)
