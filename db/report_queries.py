"""``core.reports.ReportQueries`` in SQL: every figure is a ``count``/``sum`` in the database,
read in one short read-only transaction per call (the rules of what counts: ``core.reports``).

Local days are handed in as UTC intervals (23 or 25 hours on DST days) and joined as a
derived table, so a day is the viewer's day on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, select, text, union_all
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session, sessionmaker

from core.booking import BookingStatus
from core.interval import Interval
from core.reports import Figures, ReportLine
from db.tables import BookingAuditRow, BookingRow, table_of

B = table_of(BookingRow)
A = table_of(BookingAuditRow)
# Statuses a once-confirmed booking can have; held/expired ones never were bookings.
COUNTED = (BookingStatus.CONFIRMED.value, BookingStatus.COMPLETED.value,
           BookingStatus.NO_SHOW.value, BookingStatus.CANCELLED.value)


def _was_confirmed() -> ColumnElement[bool]:
    """A cancelled row may be a hold let go: only one confirmed once was a booking."""
    return exists().where(A.c.booking_id == B.c.id, A.c.action.like("booking.confirmed%"))


def _counted(provider_keys: tuple[str, ...] | None) -> list[ColumnElement[bool]]:
    conditions = [B.c.status.in_(COUNTED), _was_confirmed()]
    if provider_keys is not None:
        conditions.append(B.c.provider_key.in_(provider_keys))
    return conditions


def _figures() -> list[Any]:
    def of(status: BookingStatus) -> Any:
        return func.coalesce(func.sum(case((B.c.status == status.value, 1), else_=0)), 0)

    return [func.count(B.c.id).label("bookings"),
            of(BookingStatus.COMPLETED).label("completed"),
            of(BookingStatus.NO_SHOW).label("no_shows"),
            of(BookingStatus.CANCELLED).label("cancelled"),
            func.coalesce(func.sum(B.c.paid_minor), 0).label("collected"),
            func.coalesce(func.sum(B.c.refunded_minor), 0).label("refunded")]


def _read(m: RowMapping) -> Figures:
    return Figures(int(m["bookings"]), int(m["completed"]), int(m["no_shows"]),
                   int(m["cancelled"]), int(m["collected"]), int(m["refunded"]))


def _read_only(s: Session) -> None:
    """Reports only read: on PostgreSQL the transaction is told so, and refuses any write."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SET TRANSACTION READ ONLY"))


class SqlReportQueries:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def by_provider_service(self, window: Interval, provider_keys: tuple[str, ...] | None
                            ) -> list[ReportLine]:
        keys = (B.c.provider_key, B.c.service_key, B.c.currency)
        stmt = (select(*keys, *_figures())
                .where(B.c.start_at >= window.start, B.c.start_at < window.end,
                       *_counted(provider_keys))
                .group_by(*keys).order_by(*keys))
        with self.sessions() as s, s.begin():
            _read_only(s)
            return [ReportLine(m["provider_key"], m["service_key"], m["currency"], _read(m))
                    for m in s.execute(stmt).mappings()]

    def by_day(self, days: Sequence[Interval], provider_keys: tuple[str, ...] | None, *,
               currency: str) -> list[Figures]:
        if not days:
            return []
        at = B.c.start_at.type
        table = union_all(*(select(literal(i).label("i"), literal(d.start, at).label("s"),
                                   literal(d.end, at).label("e"))
                            for i, d in enumerate(days))).subquery("days")
        joined = table.outerjoin(B, and_(B.c.start_at >= table.c.s, B.c.start_at < table.c.e,
                                         B.c.currency == currency, *_counted(provider_keys)))
        stmt = (select(table.c.i, *_figures()).select_from(joined)
                .group_by(table.c.i).order_by(table.c.i))
        with self.sessions() as s, s.begin():
            _read_only(s)
            found = {int(m["i"]): _read(m) for m in s.execute(stmt).mappings()}
        return [found.get(i, Figures()) for i in range(len(days))]
