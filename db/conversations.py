"""Conversation sessions and processed deliveries in the database (bot.session's store port).

Per-sender serialisation:
- PostgreSQL: one transaction per inbound message holds ``SELECT ... FOR UPDATE`` on the
  sender's session row while the message is handled (the booking use cases run on other
  connections and touch other rows), so two workers take turns; the delivery id is checked
  under that lock and recorded in the same commit as the session.
- SQLite: a write transaction cannot stay open while the use cases write (one writer per
  file), so reads are short and the save is one BEGIN IMMEDIATE transaction that re-checks
  the delivery id and the row version (optimistic). The runner's per-sender lock orders
  messages within the process; a lost race across processes answers BUSY, never twice.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import sessionmaker

from bot.ports import CustomerInfo
from bot.session import Session
from core.errors import DomainError, ErrorCode
from db import pipeline
from db.customers import SqlCustomerRepository
from db.engine import SQLITE_BEGIN_OPTION, single_statements
from db.reply_outbox import DEFAULT_LEASE, save_pg, write_replies
from db.tables import Base
from db.types import UTCDateTime

SESSIONS = Table(
    "conversation_sessions", Base.metadata,
    Column("channel", String(32), primary_key=True),
    Column("sender_id", String(255), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default="0"),
)
DELIVERIES = Table(
    "processed_deliveries", Base.metadata,
    Column("channel", String(32), primary_key=True),
    Column("delivery_id", String(255), primary_key=True),
    Column("processed_at", UTCDateTime(), nullable=False, index=True),
    Column("reply", JSON, nullable=False),
    # Whose delivery (migration 0006): erasing a customer finds their transcript by it.
    Column("sender_id", String(255), nullable=True),
    Index("ix_processed_deliveries_sender", "channel", "sender_id"),
)


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # placeholder row: "never spoke yet"

# Built once (bound by name at execution): these run on every inbound message, and a fresh
# Core construct costs more CPU to build and key than its round trip takes.
_SENDER = (SESSIONS.c.channel == bindparam("channel"),
           SESSIONS.c.sender_id == bindparam("sender_id"))
_LOAD = select(SESSIONS.c.state, SESSIONS.c.version).where(*_SENDER)
_LOAD_FOR_UPDATE = _LOAD.with_for_update()
_LOCK_ROW = pg_insert(SESSIONS).values(
    channel=bindparam("channel"), sender_id=bindparam("sender_id"), state={},
    updated_at=_EPOCH, version=0,
).on_conflict_do_update(index_elements=["channel", "sender_id"],
                        set_={"version": SESSIONS.c.version},
                        ).returning(SESSIONS.c.state, SESSIONS.c.version)
_DELIVERY_REPLY = select(DELIVERIES.c.reply).where(
    DELIVERIES.c.channel == bindparam("channel"),
    DELIVERIES.c.delivery_id == bindparam("delivery_id"))


class SqlConversation:
    """One sender's conversation for the duration of one inbound message."""

    def __init__(self, engine: Engine, channel: str, sender_id: str, *,
                 durable: bool = False, lease: timedelta = DEFAULT_LEASE) -> None:
        self._engine = engine
        self._durable = durable
        self._lease = lease
        self._key = {"channel": channel, "sender_id": sender_id}
        self._pg = engine.dialect.name == "postgresql"
        self._conn: Connection | None = None
        self._version: int | None = None
        self._locked: Any = None  # (state, version) as _lock_row found them

    def __enter__(self) -> SqlConversation:
        if self._pg:
            self._conn = self._engine.connect()
            self._conn.begin()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._conn is not None:
            self._conn.rollback()  # a no-op after save() committed
            self._conn.close()
            self._conn = None

    def _read(self, stmt: Any, params: dict[str, Any]) -> Any:
        if self._conn is not None:
            return pipeline.fetch(self._conn, stmt, params).one_or_none()
        reader = self._engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
        with reader.connect() as conn:
            return conn.execute(stmt, params).one_or_none()

    def processed_reply(self, delivery_id: str) -> list[dict[str, Any]] | None:
        if self._conn is not None:
            self._lock_row()  # wait for the sender's previous message before looking
        row = self._read(_DELIVERY_REPLY, {"channel": self._key["channel"],
                                           "delivery_id": delivery_id})
        return None if row is None else list(row[0])

    def _lock_row(self) -> None:
        """Hold the sender's session row (created empty if need be) until the commit, and
        keep what it holds for ``load``: one statement.

        ``ON CONFLICT DO UPDATE`` (a no-op update) locks an existing row, waiting for a
        transaction that holds it, and returns its latest committed state; ``DO NOTHING``
        would neither lock nor return it. So two copies of one delivery in two processes
        cannot both find it unrecorded: the second waits for the first's commit, and the
        delivery check that follows (a statement of its own, so a fresh snapshot) sees it.
        """
        assert self._conn is not None
        self._locked = pipeline.fetch(self._conn, _LOCK_ROW, self._key).one()

    def load(self) -> Session | None:
        if self._locked is not None:  # read under the lock by processed_reply
            row = self._locked
        else:
            row = self._read(_LOAD_FOR_UPDATE if self._pg else _LOAD, self._key)
        if row is None:
            return None
        self._version = int(row[1])
        return Session.from_json(row[0]) if row[0] else None

    def save(self, session: Session, *, delivery_id: str, replies: list[dict[str, Any]],
             now: datetime) -> bool:
        """True if this delivery was new; False (and nothing written) for a duplicate."""
        if self._conn is not None:
            if self._version is None:
                new = self._write(self._conn, session, delivery_id, replies, now)
            else:
                new = save_pg(self._conn, channel=self._key["channel"],
                              sender_id=self._key["sender_id"], version=self._version,
                              state=session.touched(now).to_json(), delivery_id=delivery_id,
                              replies=replies, durable=self._durable, now=now,
                              lease=self._lease)
            if not new:
                self._conn.rollback()
                return False
            self._conn.commit()
            return True
        with self._engine.begin() as conn:  # BEGIN IMMEDIATE: the write lock
            if conn.execute(select(DELIVERIES.c.delivery_id).where(
                    DELIVERIES.c.channel == self._key["channel"],
                    DELIVERIES.c.delivery_id == delivery_id)).first() is not None:
                return False  # a concurrent retry of this delivery got here first
            # _write records the delivery first, so a False wrote nothing at all
            return self._write(conn, session, delivery_id, replies, now)

    def _write(self, conn: Connection, session: Session, delivery_id: str,
               replies: list[dict[str, Any]], now: datetime) -> bool:
        """Record the delivery first: if another copy already did, write nothing else.

        The session row lock makes a conflict impossible for copies from one sender; the
        ``ON CONFLICT DO NOTHING`` keeps any other collision a clean "duplicate" rather
        than a unique violation (a 500 the platform would retry forever)."""
        record = _insert_for(conn)(DELIVERIES).values(
            channel=self._key["channel"], delivery_id=delivery_id, processed_at=now,
            reply=replies, sender_id=self._key["sender_id"],
        ).on_conflict_do_nothing(index_elements=["channel", "delivery_id"])
        # RETURNING rather than rowcount: psycopg reports -1 for this statement
        if conn.execute(record.returning(DELIVERIES.c.delivery_id)).first() is None:
            return False
        state = session.touched(now).to_json()
        if self._version is None:
            conn.execute(insert(SESSIONS).values(**self._key, state=state, updated_at=now,
                                                 version=1))
        else:
            done = conn.execute(update(SESSIONS).where(
                SESSIONS.c.channel == self._key["channel"],
                SESSIONS.c.sender_id == self._key["sender_id"],
                SESSIONS.c.version == self._version,
            ).values(state=state, updated_at=now, version=self._version + 1))
            if done.rowcount != 1:
                raise DomainError(ErrorCode.BUSY, "the conversation moved on meanwhile")
        if self._durable:  # the replies commit with the state (db.reply_outbox)
            write_replies(conn, channel=self._key["channel"], address=self._key["sender_id"],
                          delivery_id=delivery_id, replies=replies, now=now, lease=self._lease)
        return True


def _insert_for(conn: Connection) -> Any:
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert


class SqlSessionStore:
    """``durable``: the channels whose replies are also written to the reply outbox (those
    whose web path settles them, see ``db.reply_outbox``); others only return them."""

    def __init__(self, engine: Engine, *, durable: Collection[str] = (),
                 lease: timedelta = DEFAULT_LEASE) -> None:
        self._engine = engine
        self._durable = frozenset(durable)
        self._lease = lease

    def open(self, channel: str, sender_id: str) -> SqlConversation:
        return SqlConversation(self._engine, channel, sender_id,
                               durable=channel in self._durable, lease=self._lease)


class SqlCustomerDirectory:
    """bot.ports.CustomerDirectory over db.customers, one short transaction per call."""

    def __init__(self, sessions: sessionmaker[Any]) -> None:
        self._sessions = sessions
        bind = sessions.kw.get("bind")
        # Every message identifies its sender: a lookup, and for a new one an idempotent
        # insert and a re-read, each safe as a statement of its own (one round trip each).
        self._lookup = single_statements(bind) if isinstance(bind, Engine) else None

    def identify(self, channel: str, sender_id: str, *, now: datetime) -> CustomerInfo:
        if self._lookup is not None:  # a bare connection: no ORM session for two statements
            with self._lookup.begin() as conn:
                c = SqlCustomerRepository(conn).get_or_create(channel, sender_id, now=now)
        else:
            with self._sessions() as s, s.begin():
                c = SqlCustomerRepository(s).get_or_create(channel, sender_id, now=now)
        return CustomerInfo(c.id, c.tz.key if c.tz else None, c.opted_out, c.lang,
                            c.lang_source)

    def set_tz(self, customer_id: str, tz: str) -> None:
        with self._sessions() as s, s.begin():
            SqlCustomerRepository(s).set_tz(customer_id, ZoneInfo(tz))

    def set_opted_out(self, customer_id: str, opted_out: bool) -> None:
        with self._sessions() as s, s.begin():
            repo = SqlCustomerRepository(s)
            repo.opt_out(customer_id) if opted_out else repo.opt_in(customer_id)

    def set_lang(self, customer_id: str, lang: str, source: str) -> None:
        if self._lookup is not None:  # one UPDATE: a statement of its own
            with self._lookup.begin() as conn:
                SqlCustomerRepository(conn).set_lang(customer_id, lang, source)
            return
        with self._sessions() as s, s.begin():
            SqlCustomerRepository(s).set_lang(customer_id, lang, source)
