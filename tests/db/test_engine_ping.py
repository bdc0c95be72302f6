"""Pooled PostgreSQL connections are pinged only after being idle: a connection that died
while idle is replaced before use, one in steady use is not pinged at all."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

import db.engine
from db.engine import make_engine
from tests.db.conftest import fresh_postgres

pytestmark = pytest.mark.postgres


def _kill(url: str, pid: int) -> None:
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _backend_pid(engine: object) -> int:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.mark.parametrize("idle", [True, False])
def test_a_connection_killed_while_idle(idle: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # idle=True: older than the ping interval -> pinged, replaced, the query works.
    # idle=False (the control): used a moment ago -> not pinged, the query meets the corpse.
    monkeypatch.setattr(db.engine, "PING_AFTER_IDLE_S", 0.0 if idle else 3600.0)
    with fresh_postgres() as url:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            first = _backend_pid(engine)
            _kill(url, first)
            if idle:
                assert _backend_pid(engine) != first
            else:
                with pytest.raises(OperationalError):
                    _backend_pid(engine)
                assert _backend_pid(engine) != first  # the pool was discarded meanwhile
        finally:
            engine.dispose()


def test_a_busy_connection_is_not_pinged() -> None:
    with fresh_postgres() as url:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute",
                     lambda *args: statements.append(str(args[2])))
        pings: list[object] = []
        original = engine.dialect.do_ping
        engine.dialect.do_ping = lambda c: pings.append(c) or original(c)  # type: ignore[method-assign]
        try:
            for _ in range(5):
                _backend_pid(engine)
            assert pings == []
            assert statements == ["SELECT pg_backend_pid()"] * 5
        finally:
            engine.dispose()
