"""BookingRepository on SQLAlchemy Core (rows <-> ``core.booking.Booking``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    Select,
    and_,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from core.availability import Taken
from core.booking import MAX_BLOCK, Booking, BookingStatus
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from db import pipeline
from db.clock import Clock
from db.errors import translate
from db.tables import BookingRow, table_of

B = table_of(BookingRow)
_INSERT = insert(B)
_HELD = BookingStatus.HELD.value
_CONFIRMED = BookingStatus.CONFIRMED.value


def booking_values(b: Booking) -> dict[str, Any]:
    """The columns a booking owns (everything but ``created_at``/``updated_at``)."""
    return {
        "id": b.id, "provider_key": b.provider_key, "service_key": b.service_key,
        "customer_id": b.customer_id, "channel": b.channel, "start_at": b.start,
        "end_at": b.end, "block_start": b.block.start, "block_end": b.block.end,
        "status": b.status.value, "hold_expires_at": b.hold_expires_at,
        "series_id": b.series_id, "currency": b.currency, "price_minor": b.price_minor,
        "due_minor": b.due_minor, "paid_minor": b.paid_minor,
        "refunded_minor": b.refunded_minor, "session_key": b.session_key or b.id,
        "seats": b.seats, "capacity": b.capacity,
    }


def booking_from_row(row: RowMapping) -> Booking:
    return Booking(
        id=row["id"], provider_key=row["provider_key"], service_key=row["service_key"],
        customer_id=row["customer_id"], channel=row["channel"], start=row["start_at"],
        end=row["end_at"], block=Interval(row["block_start"], row["block_end"]),
        status=BookingStatus(row["status"]), created_at=row["created_at"],
        hold_expires_at=row["hold_expires_at"], series_id=row["series_id"],
        currency=row["currency"], price_minor=row["price_minor"], due_minor=row["due_minor"],
        paid_minor=row["paid_minor"], refunded_minor=row["refunded_minor"],
        seats=row["seats"], capacity=row["capacity"],
        session_key=row["session_key"] if row["capacity"] is not None else None,
    )


def _overlapping(provider_key: str, window: Interval) -> ColumnElement[bool]:
    """Occupying bookings whose block meets ``window``. No block is longer than MAX_BLOCK,
    so ``block_end > window.start`` implies the lower bound on ``block_start``: saying so
    turns the query into a range on (provider_key, block_start) that the index answers,
    instead of every booking the provider ever had before the window's end."""
    return and_(B.c.provider_key == provider_key,
                B.c.block_start > window.start - MAX_BLOCK, B.c.block_start < window.end,
                B.c.block_end > window.start)


def _live(now: datetime) -> ColumnElement[bool]:
    return or_(B.c.status == _CONFIRMED, and_(B.c.status == _HELD, B.c.hold_expires_at > now))


def _stale_hold(now: datetime) -> ColumnElement[bool]:
    return and_(B.c.status == _HELD,
                or_(B.c.hold_expires_at.is_(None), B.c.hold_expires_at <= now))


# The reads of every availability and every hold, built once and bound by name (a fresh
# construct per call cost more CPU to build and key than the query takes): the same
# conditions as _overlapping, _live and _stale_hold above.
_IN_WINDOW = and_(B.c.provider_key == bindparam("provider"),
                  B.c.block_start > bindparam("lowest"), B.c.block_start < bindparam("end"),
                  B.c.block_end > bindparam("start"))
_TAKEN = (select(B.c.start_at, B.c.block_start, B.c.block_end, B.c.capacity, B.c.session_key,
                 B.c.seats)
          .where(_IN_WINDOW, or_(B.c.status == _CONFIRMED,
                                 and_(B.c.status == _HELD,
                                      B.c.hold_expires_at > bindparam("now"))))
          .order_by(B.c.block_start))
_TAKEN_BUT = _TAKEN.where(B.c.id != bindparam("ignore"))
_STALE = (select(B).where(_IN_WINDOW, B.c.status == _HELD,
                          or_(B.c.hold_expires_at.is_(None),
                              B.c.hold_expires_at <= bindparam("now")))
          .order_by(B.c.block_start))
Query = tuple[Select[Any], dict[str, Any]]  # a built statement and its parameters


def _window(provider_key: str, window: Interval, now: datetime) -> dict[str, Any]:
    return {"provider": provider_key, "lowest": window.start - MAX_BLOCK,
            "start": window.start, "end": window.end, "now": now}


def taken_query(provider_key: str, window: Interval, now: datetime,
                ignore: str | None = None) -> Query:
    """What ``taken_of`` reads: a few columns of the occupying bookings, not whole rows."""
    params = _window(provider_key, window, now)
    if ignore is None:
        return _TAKEN, params
    return _TAKEN_BUT, {**params, "ignore": ignore}


def taken_of(provider_key: str, rows: Sequence[Sequence[Any]]) -> list[Taken]:
    # UTCDateTime gives aware UTC and the block_covers CHECK orders the two: no re-check.
    return [Taken(provider_key, start, Interval.trusted(bs, be),
                  session=None if cap is None else key, seats=seats)
            for start, bs, be, cap, key, seats in rows]


def stale_query(provider_key: str, window: Interval, now: datetime) -> Query:
    """Whole rows (``bookings_of``) of the lapsed holds whose block meets ``window``."""
    return _STALE, _window(provider_key, window, now)


_COLUMNS = tuple(B.columns.keys())


def bookings_of(rows: Sequence[Sequence[Any]]) -> list[Booking]:
    """Rows of ``select(B)`` as plain tuples (a pipeline's) or SQLAlchemy rows."""
    return [booking_from_row(dict(zip(_COLUMNS, r, strict=True))) for r in rows]  # type: ignore[arg-type]


class SqlBookingRepository:
    """Every write goes straight to the database, so an overlap is refused at the call."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def add(self, booking: Booking) -> None:
        values = booking_values(booking)
        values["created_at"] = booking.created_at
        values["updated_at"] = self._clock()
        with translate(provider_key=booking.provider_key):
            pipeline.execute_now(self._session, _INSERT, values)

    def get(self, booking_id: str, *, for_update: bool = False) -> Booking | None:
        stmt = select(B).where(B.c.id == booking_id)
        if for_update:
            stmt = stmt.with_for_update()
        with translate():
            row = self._session.execute(stmt).mappings().one_or_none()
        return None if row is None else booking_from_row(row)

    def update(self, booking: Booking) -> None:
        values = booking_values(booking)
        del values["id"]
        values["updated_at"] = self._clock()
        stmt = update(B).where(B.c.id == booking.id).values(**values)
        with translate(provider_key=booking.provider_key):
            result = self._session.execute(stmt)
        if getattr(result, "rowcount", 0) != 1:
            raise DomainError(ErrorCode.UNKNOWN_BOOKING, "no such booking", id=booking.id)

    def occupying(self, provider_key: str, window: Interval, now: datetime) -> list[Booking]:
        return self._all(select(B).where(_overlapping(provider_key, window), _live(now))
                         .order_by(B.c.block_start))

    def taken(self, provider_key: str, window: Interval, now: datetime, *,
              ignore: str | None = None) -> list[Taken]:
        with translate():
            rows = self._session.execute(*taken_query(provider_key, window, now, ignore)).all()
        return taken_of(provider_key, rows)

    def stale_holds(self, provider_key: str, window: Interval, now: datetime) -> list[Booking]:
        stmt, params = stale_query(provider_key, window, now)
        return self._all(stmt, params)

    def expired_holds(self, now: datetime, limit: int) -> list[Booking]:
        """Due for the expiry sweep; rows locked by another sweeper are skipped (PostgreSQL)."""
        stmt = (select(B).where(_stale_hold(now)).order_by(B.c.hold_expires_at, B.c.id)
                .limit(limit).with_for_update(skip_locked=True))
        return self._all(stmt)

    def for_customer(self, customer_id: str, *, since: datetime) -> list[Booking]:
        return self._all(select(B).where(B.c.customer_id == customer_id, B.c.start_at >= since)
                         .order_by(B.c.start_at, B.c.id))

    def in_series(self, series_id: str) -> list[Booking]:
        return self._all(select(B).where(B.c.series_id == series_id)
                         .order_by(B.c.start_at, B.c.id))

    def _all(self, stmt: Select[Any], params: dict[str, Any] | None = None) -> list[Booking]:
        with translate():
            rows = self._session.execute(stmt, params).mappings().all()
        return [booking_from_row(r) for r in rows]
