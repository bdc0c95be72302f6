"""Several statements in one PostgreSQL round trip (psycopg pipeline mode).

SQLAlchemy sends one statement and waits for its answer before the next; a booking hold
was ten such waits (BEGIN, the provider lock, three reads, three INSERTs, COMMIT) against
pgbench's one. Here SQLAlchemy still compiles each statement and processes its parameters
(its statement cache, our column types), but a ``do_execute`` hook hands the result to us
instead of the driver, and psycopg sends the lot at once. The server runs them in order,
each with its own snapshot, so a read queued after a ``FOR UPDATE`` lock sees what the
lock holder committed, exactly as if sent one by one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from weakref import WeakSet

import psycopg
from sqlalchemy import Engine, Executable, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

# Execution option: a list that receives (sql, parameters) instead of the driver running it.
CAPTURE = "bookingbot_capture"
# Session.info keys: writes may wait for the next round trip; the writes waiting.
DEFER = "bookingbot_defer"
PENDING = "bookingbot_pending"

# (sql, parameters, many): ``many`` is an executemany's list of parameter sets.
Captured = tuple[str, Any, bool]
_INSTALLED: WeakSet[Dialect] = WeakSet()


def install(engine: Engine) -> None:
    """Let ``captured`` work on ``engine`` (PostgreSQL engines from ``db.engine``)."""

    def hook(many: bool) -> Any:
        def do_execute(_cursor: Any, statement: str, parameters: Any, context: Any) -> bool | None:
            sink = context.execution_options.get(CAPTURE)
            if sink is None:
                return None  # the driver runs it, as usual
            sink.append((statement, parameters, many))
            return True  # "executed": SQLAlchemy sees a statement without rows
        return do_execute

    event.listen(engine, "do_execute", hook(False))
    event.listen(engine, "do_executemany", hook(True))
    _INSTALLED.add(engine.dialect)


def installed(engine: Engine) -> bool:
    """Whether ``engine`` (or one made from it by ``execution_options``) can pipeline."""
    return engine.dialect in _INSTALLED


def captured(session: Session, statement: Executable,
             params: dict[str, Any] | Sequence[dict[str, Any]] | None = None) -> list[Captured]:
    """``statement`` compiled by SQLAlchemy (cached) with its parameters processed, not run."""
    sink: list[Captured] = []
    session.execute(statement, params, execution_options={CAPTURE: sink})
    if not sink:
        raise RuntimeError("statement not captured: is db.pipeline installed on the engine?")
    return sink


def driver_connection(session: Session) -> psycopg.Connection[Any]:
    raw = session.connection().connection.driver_connection
    if not isinstance(raw, psycopg.Connection):
        raise TypeError("pipelining needs a psycopg connection")
    return raw


@contextmanager
def _as_sqlalchemy_errors() -> Iterator[None]:
    """Driver errors re-raised as SQLAlchemy's (what ``db.errors.translate`` maps)."""
    try:
        yield
    except psycopg.Error as exc:
        raise DBAPIError.instance("<pipeline>", None, exc, psycopg.Error,
                                  hide_parameters=True) from exc


def run(session: Session, statements: Sequence[Captured], *,
        commit: bool = False) -> list[list[tuple[Any, ...]]]:
    """Send ``statements`` (and COMMIT) in one round trip; each one's rows, in order.

    The session's transaction begins in the same round trip if it has not yet. After a
    commit here the session's own ``commit()`` finds the connection idle and sends nothing.
    """
    raw = driver_connection(session)
    with _as_sqlalchemy_errors():
        cursors = [raw.cursor() for _ in statements]
        try:
            with raw.pipeline():
                for cursor, (sql, params, many) in zip(cursors, statements, strict=True):
                    if many:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
                if commit:
                    raw.commit()
            return [cursor.fetchall() if cursor.description else [] for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()


def execute_later(session: Session, statement: Executable,
                  params: dict[str, Any] | Sequence[dict[str, Any]]) -> None:
    """A write whose outcome nobody reads (an audit row, an outbox row): on a session that
    allows it (``DEFER``), it travels with the next statement or the COMMIT, else now.
    An INSERT must be ``.inline()`` (nothing fetched back, so nothing to wait for)."""
    if not session.info.get(DEFER):
        session.execute(statement, params)
        return
    session.info.setdefault(PENDING, []).extend(captured(session, statement, params))


def flush(session: Session, *, commit: bool = False) -> bool:
    """Send the deferred writes (and COMMIT, in the same round trip); whether any were."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return False
    run(session, pending, commit=commit)
    return True


def discard(session: Session) -> None:
    session.info.pop(PENDING, None)


@event.listens_for(Session, "do_orm_execute")
def _keep_order(state: Any) -> None:
    """Any other statement on the session first sends what was deferred, so the database
    sees every statement in the order the code issued it."""
    if state.session.info.get(PENDING) and state.execution_options.get(CAPTURE) is None:
        flush(state.session)
