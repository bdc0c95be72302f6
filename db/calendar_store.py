"""Calendar sync in the database (migration 0005): sync state per provider, the calendar
blocks in ``busy_blocks``, the events we wrote, and the unit of work the use cases run in.

No foreign keys: like the audit trail, these rows record what happened outside and must
never block removing a provider or a booking.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    RowMapping,
    Select,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from core.booking import Booking, BookingStatus
from core.calendar_sync import (
    CALENDAR_SOURCES,
    UNAVAILABLE_SOURCE,
    SyncState,
    WriteItem,
    WrittenEvent,
)
from core.interval import Interval
from core.usecases.calendar import (
    CalendarBlocks,
    CalendarEvents,
    CalendarStateRepository,
    CalendarUnitOfWork,
)
from db.bookings import booking_from_row
from db.tables import Base, BookingAuditRow, BookingRow, BusyBlockRow, CustomerRow, table_of
from db.types import UTCDateTime
from db.uow import SqlUnitOfWork

A = table_of(BookingAuditRow)
B = table_of(BookingRow)
BB = table_of(BusyBlockRow)
C = table_of(CustomerRow)

SYNC_STATE = Table(
    "calendar_sync_state", Base.metadata,
    Column("provider_key", String(64), primary_key=True),
    Column("last_attempt_at", UTCDateTime(), nullable=True),
    Column("last_success_at", UTCDateTime(), nullable=True),
    Column("last_failure_at", UTCDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("failing_since", UTCDateTime(), nullable=True),
    Column("alerted", Boolean, nullable=False),
    Column("paused", Boolean, nullable=False),
    Column("blocks", Integer, nullable=False),
)

EVENTS = Table(
    "calendar_events", Base.metadata,
    Column("booking_id", String(36), primary_key=True),
    Column("provider_key", String(64), nullable=False),
    Column("external_id", Text, nullable=True),
    Column("start_at", UTCDateTime(), nullable=False),
    Column("end_at", UTCDateTime(), nullable=False),
    Column("synced_at", UTCDateTime(), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Index("ix_calendar_events_provider", "provider_key"),
)

_STATE_FIELDS = ("last_attempt_at", "last_success_at", "last_failure_at", "last_error",
                 "failing_since", "alerted", "paused", "blocks")


def _state(r: RowMapping) -> SyncState:
    return SyncState(r["provider_key"], **{name: r[name] for name in _STATE_FIELDS})


class SqlCalendarState:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, provider_key: str, *, for_update: bool = False) -> SyncState | None:
        stmt = select(SYNC_STATE).where(SYNC_STATE.c.provider_key == provider_key)
        found = self._session.execute(stmt.with_for_update() if for_update else stmt)
        row = found.mappings().one_or_none()
        return None if row is None else _state(row)

    def save(self, state: SyncState) -> None:
        values = {name: getattr(state, name) for name in _STATE_FIELDS}
        changed = self._session.execute(
            update(SYNC_STATE).where(SYNC_STATE.c.provider_key == state.provider_key)
            .values(**values))
        if not getattr(changed, "rowcount", 0):  # the caller holds the provider lock
            self._session.execute(insert(SYNC_STATE),
                                  {"provider_key": state.provider_key, **values})

    def all(self) -> dict[str, SyncState]:
        rows = self._session.execute(select(SYNC_STATE)).mappings()
        return {r["provider_key"]: _state(r) for r in rows}

    def forget(self, provider_key: str) -> None:
        self._session.execute(delete(SYNC_STATE)
                              .where(SYNC_STATE.c.provider_key == provider_key))
        self._session.execute(delete(BB).where(BB.c.provider_key == provider_key,
                                               BB.c.source.startswith(CALENDAR_SOURCES)))


class SqlCalendarBlocks:
    """Calendar blocks are every ``busy_blocks`` row whose source starts with "calendar:";
    time off and other sources are never touched."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def replace(self, provider_key: str, busy: Sequence[Interval], *, source: str) -> int:
        self._session.execute(delete(BB).where(
            BB.c.provider_key == provider_key, BB.c.source.startswith(CALENDAR_SOURCES),
            BB.c.source != UNAVAILABLE_SOURCE))
        rows = [{"provider_key": provider_key, "start_at": iv.start, "end_at": iv.end,
                 "source": source, "external_id": iv.start.isoformat(), "note": ""}
                for iv in busy if not iv.empty]
        if rows:
            self._session.execute(insert(BB), rows)
        return len(rows)

    def pause(self, provider_key: str, span: Interval | None) -> None:
        self._session.execute(delete(BB).where(BB.c.provider_key == provider_key,
                                               BB.c.source == UNAVAILABLE_SOURCE))
        if span is not None and not span.empty:
            self._session.execute(insert(BB), {
                "provider_key": provider_key, "start_at": span.start, "end_at": span.end,
                "source": UNAVAILABLE_SOURCE, "external_id": None,
                "note": "calendar unreadable for too long: bookings paused"})


def _written(r: RowMapping) -> WrittenEvent | None:
    if r["ce_booking_id"] is None:
        return None
    return WrittenEvent(r["ce_booking_id"], r["ce_provider_key"], r["ce_start_at"],
                        r["ce_end_at"], r["ce_external_id"], r["ce_synced_at"],
                        r["ce_attempts"], r["ce_next_attempt_at"], r["ce_last_error"])


def _with_event(stmt: Select[Any]) -> Select[Any]:
    return stmt.add_columns(C.c.name.label("customer_name"),
                            *(col.label(f"ce_{col.name}") for col in EVENTS.c))


class SqlCalendarEvents:
    def __init__(self, session: Session) -> None:
        self._session = session

    def pending(self, *, writable: frozenset[str], now: datetime, limit: int) -> list[WriteItem]:
        if not writable:
            return []
        ce = EVENTS.c
        ready = or_(ce.next_attempt_at.is_(None), ce.next_attempt_at <= now)
        missing = (_with_event(select(B))
                   .outerjoin(EVENTS, ce.booking_id == B.c.id)
                   .outerjoin(C, C.c.id == B.c.customer_id)
                   .where(B.c.status == BookingStatus.CONFIRMED.value, B.c.end_at > now,
                          B.c.provider_key.in_(sorted(writable)),
                          or_(ce.booking_id.is_(None), ce.synced_at.is_(None),
                              ce.provider_key != B.c.provider_key, ce.start_at != B.c.start_at,
                              ce.end_at != B.c.end_at), ready)
                   .order_by(B.c.start_at).limit(limit))
        gone = (_with_event(select(B))
                .join(EVENTS, ce.booking_id == B.c.id)
                .outerjoin(C, C.c.id == B.c.customer_id)
                .where(ce.provider_key.in_(sorted(writable)), ready,
                       or_(B.c.status.in_([BookingStatus.CANCELLED.value,
                                           BookingStatus.EXPIRED.value]),
                           ce.provider_key != B.c.provider_key))
                .order_by(ce.booking_id).limit(limit))
        items: dict[str, WriteItem] = {}
        for stmt in (missing, gone):
            for r in self._session.execute(stmt).mappings():
                items[r["id"]] = WriteItem(booking_from_row(r), r["customer_name"], _written(r))
        return list(items.values())

    def save(self, written: WrittenEvent) -> None:
        values = {"provider_key": written.provider_key, "external_id": written.external_id,
                  "start_at": written.start, "end_at": written.end,
                  "synced_at": written.synced_at, "attempts": written.attempts,
                  "next_attempt_at": written.next_attempt_at, "last_error": written.last_error}
        changed = self._session.execute(
            update(EVENTS).where(EVENTS.c.booking_id == written.booking_id).values(**values))
        if not getattr(changed, "rowcount", 0):
            self._session.execute(insert(EVENTS), {"booking_id": written.booking_id, **values})

    def remove(self, booking_id: str) -> None:
        self._session.execute(delete(EVENTS).where(EVENTS.c.booking_id == booking_id))

    def all(self) -> list[WrittenEvent]:
        rows = self._session.execute(select(EVENTS).order_by(EVENTS.c.booking_id)).mappings()
        return [WrittenEvent(r["booking_id"], r["provider_key"], r["start_at"], r["end_at"],
                             r["external_id"], r["synced_at"], r["attempts"],
                             r["next_attempt_at"], r["last_error"]) for r in rows]


# Bookings a provider's feed shows (holds come and go within minutes: left out).
FEED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.CANCELLED, BookingStatus.COMPLETED,
                 BookingStatus.NO_SHOW)


def feed_bookings(session: Session, provider_key: str,
                  window: Interval) -> list[tuple[Booking, str | None, int]]:
    """(booking, customer name, number of changes) for a provider's bookings in ``window``."""
    changes = (select(A.c.booking_id, func.count().label("n")).group_by(A.c.booking_id)
               .subquery())
    stmt = (select(B, C.c.name.label("customer_name"), changes.c.n)
            .outerjoin(C, C.c.id == B.c.customer_id)
            .outerjoin(changes, changes.c.booking_id == B.c.id)
            .where(B.c.provider_key == provider_key, B.c.start_at < window.end,
                   B.c.end_at > window.start,
                   B.c.status.in_([s.value for s in FEED_STATUSES]))
            .order_by(B.c.start_at, B.c.id))
    return [(booking_from_row(r), r["customer_name"], max(int(r["n"] or 0) - 1, 0))
            for r in session.execute(stmt).mappings()]


class SqlCalendarUnitOfWork(SqlUnitOfWork):
    """``core.usecases.calendar.CalendarUnitOfWork``: the booking unit of work plus the
    calendar repositories, so blocks, state and the outbox alert commit together."""

    # Typed as the ports: a Protocol's settable attribute must match exactly (invariance).
    calendar_state: CalendarStateRepository
    calendar_blocks: CalendarBlocks
    calendar_events: CalendarEvents

    def __enter__(self) -> Self:
        super().__enter__()
        self.calendar_state = SqlCalendarState(self.session)
        self.calendar_blocks = SqlCalendarBlocks(self.session)
        self.calendar_events = SqlCalendarEvents(self.session)
        return self


def as_calendar_port(uow: SqlCalendarUnitOfWork) -> CalendarUnitOfWork:
    """Typed view of the adapter as the core port (mypy checks the two agree)."""
    return uow
