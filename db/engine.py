"""Engines for PostgreSQL (psycopg 3) and SQLite (WAL, BEGIN IMMEDIATE)."""

from __future__ import annotations

import time
import weakref
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry

from db import pipeline

# Execution option: ``engine.execution_options(sqlite_begin="DEFERRED")`` for a read-only
# SQLite engine that should not take the write lock. Everything else begins IMMEDIATE.
SQLITE_BEGIN_OPTION = "sqlite_begin"
SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_LOCK_TIMEOUT = "5s"
# No statement runs longer than this (a stuck query frees its connection and its locks
# rather than draining the pool); configurable as DB_STATEMENT_TIMEOUT.
PG_STATEMENT_TIMEOUT = "15s"
PING_AFTER_IDLE_S = 10.0
_IDLE_SINCE = "bookingbot_idle_since"


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20,
                pre_ping: bool = True, echo: bool = False,
                statement_timeout: str = PG_STATEMENT_TIMEOUT) -> Engine:
    """An engine for ``url``. Dispose it when done (``engine.dispose()``).

    PostgreSQL sessions run with ``timezone=UTC``: psycopg then hands back instants already
    in ``datetime.UTC`` (not the server's zone), so reading them costs no conversion; we
    store and compare instants only, never local times, in SQL."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.render_as_string(hide_password=False), pool_size=pool_size,
                              max_overflow=max_overflow, echo=echo)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"unsupported database {parsed.get_backend_name()!r}")
    engine = create_engine(parsed, pool_size=pool_size, max_overflow=max_overflow,
                           pool_recycle=1800, echo=echo, hide_parameters=True,
                           connect_args={"options": f"-c lock_timeout={PG_LOCK_TIMEOUT} "
                                                    f"-c statement_timeout={statement_timeout} "
                                                    "-c timezone=UTC"})
    if pre_ping:
        _ping_when_idle(engine)
    pipeline.install(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's ``pool_pre_ping`` costs a round trip on every checkout, i.e. on every
    transaction (a quarter of a short one). A connection that was in use a moment ago is
    as good as the ping would say, so only one idle for ``PING_AFTER_IDLE_S`` is pinged;
    a dead one is replaced before use (``DisconnectionError`` makes the pool retry).
    A server restart within that interval costs the transactions under way at that moment
    an error, as it would anyway, and SQLAlchemy then discards the whole pool."""

    def checkin(_dbapi: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checkout(dbapi: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # just connected, or just used
        try:
            engine.dialect.do_ping(dbapi)
        except Exception as exc:
            raise DisconnectionError("pooled connection is gone") from exc

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def _sqlite_engine(url: str, *, pool_size: int, max_overflow: int, echo: bool) -> Engine:
    if ":memory:" in url or url.rstrip("/") in {"sqlite:", "sqlite+pysqlite:"}:
        raise ValueError("use a file-backed SQLite database (in-memory is one per connection)")
    engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow, echo=echo,
                           hide_parameters=True,
                           connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                         "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # SQLAlchemy's documented pysqlite recipe: stop the driver from issuing its own
    # (deferred, late) BEGIN so that ours below is the only one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
    if mode not in {"IMMEDIATE", "DEFERRED", "EXCLUSIVE"}:
        raise ValueError(f"invalid {SQLITE_BEGIN_OPTION} {mode!r}")
    conn.exec_driver_sql(f"BEGIN {mode}")


def pool_capacity(engine: Engine) -> int:
    """How many connections the engine's pool hands out at most (size + overflow)."""
    pool = engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    return (size() if callable(size) else 1) + max(0, int(overflow))


def single_statements(engine: Engine) -> Engine:
    """The same pool, for work that is one statement per transaction anyway (a lookup, an
    idempotent upsert, a guarded UPDATE): PostgreSQL in autocommit, so each statement is
    one round trip instead of three (BEGIN, the statement, COMMIT). SQLite is unchanged
    (its transactions cost no round trip, and a write must begin IMMEDIATE)."""
    if engine.dialect.name != "postgresql":
        return engine
    # One per engine: every unit of work asks, and a new option engine per call cost more
    # CPU than the statement it runs.
    single = _SINGLE.get(engine)
    if single is None:
        single = _SINGLE[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return single


_SINGLE: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
