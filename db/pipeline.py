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

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from weakref import WeakSet

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine, Executable, event
from sqlalchemy.engine import Dialect, Result
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
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


class _Compiled:
    """A prebuilt statement compiled once for a dialect and a set of parameter names: its
    SQL, the values it binds itself and our column types' bind processors. Binding values
    here skips what ``session.execute`` does per call around the same work (cache key,
    execution context, events): ~70 of the ~85 µs of CPU a statement cost in a hold."""

    __slots__ = ("_compiled", "_processors", "_readers", "sql", "statement", "usable")

    def __init__(self, statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))  # type: ignore[attr-defined]
        self.statement = statement  # held, so its id cannot be reused while cached
        self.sql: str = compiled.string
        self._compiled = compiled
        self._processors = dict(compiled._bind_processors)
        # What only SQLAlchemy's execution does: IN-lists expanded per call, Python-side
        # column defaults, values rendered into the SQL. Such statements take the slow path.
        self.usable = not (compiled.post_compile_params or compiled.literal_execute_params
                           or compiled.insert_prefetch or compiled.update_prefetch)
        self._readers: list[tuple[str, Callable[[Any], Any] | None]] | None = None

    def keys_and_readers(self, dialect: Dialect,
                         ) -> list[tuple[str, Callable[[Any], Any] | None]]:
        """Each result column's name and our column type's result processor (None where
        the driver's value is already the answer); empty for untyped (text) statements."""
        if self._readers is None:
            self._readers = [(c.keyname, c.type._cached_result_processor(dialect, None))
                             for c in self._compiled._result_columns]
        return self._readers

    def bind(self, given: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = self._compiled.construct_params(given)
        for name, process in self._processors.items():
            if name in values:
                values[name] = process(values[name])
        return values


_COMPILED: dict[tuple[int, int, tuple[str, ...]], _Compiled] = {}
_COMPILED_MAX = 512  # prebuilt statements are a few dozen; a one-off just gets compiled again


def _compiled_for(statement: Executable, dialect: Dialect,
                  keys: tuple[str, ...]) -> _Compiled:
    key = (id(statement), id(dialect), keys)
    found = _COMPILED.get(key)
    if found is None or found.statement is not statement:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        found = _COMPILED[key] = _Compiled(statement, dialect, keys)
    return found


def bound(dialect: Dialect, statement: Executable,
          params: dict[str, Any] | Sequence[dict[str, Any]] | None) -> Captured | None:
    """``statement`` as the driver takes it, from the compiled-once cache; None for one
    that needs SQLAlchemy's execution (see ``_Compiled.usable``)."""
    many = isinstance(params, Sequence)
    sets: Sequence[dict[str, Any]] = params if many else [params or {}]  # type: ignore[assignment,list-item]
    if not sets:
        return None
    compiled = _compiled_for(statement, dialect, tuple(sets[0]))
    if not compiled.usable:
        return None
    if many:
        return compiled.sql, [compiled.bind(p) for p in sets], True
    return compiled.sql, compiled.bind(sets[0]), False


def captured(session: Session, statement: Executable,
             params: dict[str, Any] | Sequence[dict[str, Any]] | None = None) -> list[Captured]:
    """``statement`` compiled by SQLAlchemy (once per statement, dialect and parameter
    names) with its parameters processed, not run."""
    fast = bound(session.get_bind().dialect, statement, params)
    return [fast] if fast is not None else captured_by_sqlalchemy(session, statement, params)


def captured_by_sqlalchemy(session: Session, statement: Executable,
                           params: dict[str, Any] | Sequence[dict[str, Any]] | None = None,
                           ) -> list[Captured]:
    """What SQLAlchemy's own execution would send (an INSERT of many rows may become several
    statements): for what ``bound`` cannot take, and for the tests that hold it to this."""
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


def fetch(target: Session | Connection, statement: Executable,
          params: dict[str, Any] | None = None) -> Result[Any]:
    """``target.execute(statement, params)`` for a prebuilt statement on PostgreSQL, sent
    straight to the driver (the statement compiled once, see ``_Compiled``), its rows
    read by our column types and handed back with SQLAlchemy's result API. The per-message
    statements cost about twice their driver's CPU through ``execute``. Anything else
    (SQLite, a statement only SQLAlchemy can run) goes through ``execute``."""
    conn = target.connection() if isinstance(target, Session) else target
    raw = conn.connection.driver_connection
    if not isinstance(raw, psycopg.Connection):
        return target.execute(statement, params)
    compiled = _compiled_for(statement, conn.dialect, tuple(params or {}))
    if not compiled.usable:
        return target.execute(statement, params)
    if isinstance(target, Session) and target.info.get(PENDING):
        flush(target)  # the writes deferred before it go first, as with execute
    if not conn.in_transaction():
        conn.begin()  # what execute's autobegin does: the caller's commit() then commits
    with _as_sqlalchemy_errors():
        cursor = raw.execute(compiled.sql, compiled.bind(params or {}))
        described = cursor.description
        rows = cursor.fetchall() if described else []
    readers = compiled.keys_and_readers(conn.dialect) if described else []
    if len(readers) != len(described or ()):  # untyped (text): the driver's names and values
        readers = [(column.name, None) for column in described or ()]
    if any(read is not None for _, read in readers):
        rows = [tuple(v if read is None else read(v) for v, (_, read) in zip(row, readers,
                                                                             strict=True))
                for row in rows]
    return IteratorResult(SimpleResultMetaData([key for key, _ in readers]), iter(rows))


def run_single(engine: Engine, statement: Executable,
               params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """One statement in autocommit on a pooled connection, straight to the driver: for a
    lookup that stands alone (the catalogue's revision, read per message). SQLAlchemy's
    ``Connection`` around the same statement cost three times its CPU (about 150 against
    50 µs). The pool's checkout and checkin, and so its idle ping, still apply."""
    captured_ = bound(engine.dialect, statement, params)
    if captured_ is None:
        raise ValueError("run_single takes a statement that compiles once")
    sql, values, _many = captured_
    fairy = engine.raw_connection()
    raw = fairy.driver_connection
    try:
        if not isinstance(raw, psycopg.Connection):
            raise TypeError("run_single needs a psycopg connection")
        with _as_sqlalchemy_errors():
            raw.autocommit = True  # client-side only: no round trip
            try:
                cursor = raw.execute(sql, values)
                return cursor.fetchall() if cursor.description else []
            finally:
                if not raw.closed:
                    raw.autocommit = False  # back as the pool's other users expect it
    except DBAPIError as exc:
        if exc.connection_invalidated or not isinstance(raw, psycopg.Connection) \
                or raw.closed or raw.broken:
            fairy.invalidate(exc)
        raise
    finally:
        fairy.close()


def execute_now(session: Session, statement: Executable, params: dict[str, Any]) -> None:
    """A write whose refusal the caller must see at the call (an overlap): on a session
    that defers, it goes with the writes waiting ahead of it, in one round trip and
    straight to the driver; elsewhere as usual."""
    if not session.info.get(DEFER):
        session.execute(statement, params)
        return
    pending = session.info.pop(PENDING, None) or []
    statements = [*pending, *captured(session, statement, params)]
    raw = driver_connection(session)
    if len(statements) == 1 and raw.info.transaction_status == TransactionStatus.INTRANS:
        # Alone, inside a transaction already begun: a pipeline would only add its cost.
        sql, values, many = statements[0]
        with _as_sqlalchemy_errors(), raw.cursor() as cursor:
            cursor.executemany(sql, values) if many else cursor.execute(sql, values)
        return
    run(session, statements)


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
