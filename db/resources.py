"""``core.ports.ResourceRepository`` on SQLAlchemy Core: the resources bookings hold.

A row's status, block and session are the booking's own, carried by the cascading foreign key
(migration 0023): cancelling, expiring or closing a booking releases its resources in the
same statement; only a move (``release`` then ``assign``) is written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, delete, exists, insert, or_, select
from sqlalchemy.orm import Session

from core.booking import MAX_BLOCK, Booking, BookingStatus
from core.interval import Interval
from core.resources import ResourceUse
from db.errors import translate
from db.tables import BookingRow, ResourceBookingRow, ResourceRow, table_of

B = table_of(BookingRow)
R = table_of(ResourceRow)
RB = table_of(ResourceBookingRow)
_HELD = BookingStatus.HELD.value
_CONFIRMED = BookingStatus.CONFIRMED.value


def _meets(kinds: Sequence[str], window: Interval) -> ColumnElement[bool]:
    """Rows of these kinds whose block meets ``window``; the MAX_BLOCK bound makes it a
    range on (resource_key, block_start) for the index, as for bookings."""
    return and_(RB.c.kind.in_(list(kinds)), RB.c.block_start > window.start - MAX_BLOCK,
                RB.c.block_start < window.end, RB.c.block_end > window.start)


def _live(now: datetime) -> ColumnElement[bool]:
    """Rows of occupying bookings: confirmed, or held and not lapsed."""
    return or_(RB.c.status == _CONFIRMED, and_(RB.c.status == _HELD, B.c.hold_expires_at > now))


# What every availability of a service needing a resource reads, built once and bound by name
# (as db.bookings' reads): _meets and _live, with the hold's expiry looked up only for held
# rows (a correlated EXISTS on the booking's primary key) instead of joining every booking.
_HELD_LIVE = exists().where(B.c.id == RB.c.booking_id, B.c.hold_expires_at > bindparam("now"))
_TAKEN = (select(RB.c.resource_key, RB.c.block_start, RB.c.block_end, RB.c.booking_id,
                 RB.c.session_key)
          .where(RB.c.kind.in_(bindparam("kinds", expanding=True)),
                 RB.c.block_start > bindparam("lowest"), RB.c.block_start < bindparam("end"),
                 RB.c.block_end > bindparam("start"),
                 or_(RB.c.status == _CONFIRMED, and_(RB.c.status == _HELD, _HELD_LIVE)))
          .order_by(RB.c.block_start))
_TAKEN_BUT = _TAKEN.where(RB.c.booking_id != bindparam("ignore"))


class SqlResourceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def lock(self, kinds: Sequence[str]) -> None:
        if not kinds or self._session.get_bind().dialect.name != "postgresql":
            return  # SQLite: BEGIN IMMEDIATE already made this the only writer
        stmt = (select(R.c.key).where(R.c.kind.in_(sorted(kinds)))
                .order_by(R.c.key).with_for_update())
        with translate():
            self._session.execute(stmt).all()

    def taken(self, kinds: Sequence[str], window: Interval, now: datetime, *,
              ignore: str | None = None) -> list[ResourceUse]:
        params = {"kinds": list(kinds), "lowest": window.start - MAX_BLOCK,
                  "start": window.start, "end": window.end, "now": now, "ignore": ignore}
        stmt = _TAKEN if ignore is None else _TAKEN_BUT
        with translate():
            rows = self._session.execute(stmt, params).all()
        return [ResourceUse(key, bs, be, bid, sk) for key, bs, be, bid, sk in rows]

    def of_session(self, session_key: str, kinds: Sequence[str], now: datetime, *,
                   ignore: str | None = None) -> dict[str, str]:
        stmt = (select(RB.c.kind, RB.c.resource_key).join(B, B.c.id == RB.c.booking_id)
                .where(RB.c.session_key == session_key, RB.c.kind.in_(list(kinds)),
                       _live(now)).order_by(RB.c.kind, RB.c.booking_id))
        if ignore is not None:
            stmt = stmt.where(RB.c.booking_id != ignore)
        with translate():
            rows = self._session.execute(stmt).all()
        return {str(kind): str(key) for kind, key in reversed(rows)}  # the first row wins

    def stale(self, kinds: Sequence[str], window: Interval, now: datetime) -> list[str]:
        lapsed = and_(RB.c.status == _HELD,
                      or_(B.c.hold_expires_at.is_(None), B.c.hold_expires_at <= now))
        stmt = (select(RB.c.booking_id).distinct().join(B, B.c.id == RB.c.booking_id)
                .where(_meets(kinds, window), lapsed).order_by(RB.c.booking_id))
        with translate():
            return list(self._session.execute(stmt).scalars())

    def assign(self, booking: Booking, picks: dict[str, str]) -> None:
        if not picks:
            return
        rows: list[dict[str, Any]] = [
            {"booking_id": booking.id, "kind": kind, "resource_key": key,
             "status": booking.status.value, "block_start": booking.block.start,
             "block_end": booking.block.end, "session_key": booking.session_key or booking.id}
            for kind, key in sorted(picks.items())]
        with translate(provider_key=booking.provider_key):
            self._session.execute(insert(RB), rows)

    def release(self, booking_id: str) -> None:
        with translate():
            self._session.execute(delete(RB).where(RB.c.booking_id == booking_id))

    def of_booking(self, booking_id: str) -> dict[str, str]:
        stmt = select(RB.c.kind, RB.c.resource_key).where(RB.c.booking_id == booking_id)
        with translate():
            return {str(kind): str(key) for kind, key in self._session.execute(stmt).all()}
