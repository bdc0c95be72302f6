"""``core.confirmations.ConfirmationRepository``: customers' confirmations, and the bookings
whose deadline passed unconfirmed (migration 0031)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, and_, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.booking import Booking, BookingStatus
from db.bookings import B, booking_from_row
from db.errors import translate
from db.jobs_tables import NOTIFICATIONS as N
from db.tables import Base, table_of


class AttendanceConfirmationRow(Base):
    """One row per booking the customer confirmed ahead (a reminder's "C")."""

    __tablename__ = "attendance_confirmations"

    booking_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    confirmed_at: Mapped[datetime]


C = table_of(AttendanceConfirmationRow)


class SqlConfirmationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, booking_id: str, *, at: datetime, channel: str) -> bool:
        dialect = self._session.get_bind().dialect.name
        stmt = postgresql.insert(C) if dialect == "postgresql" else sqlite.insert(C)
        with translate():
            written = self._session.execute(
                stmt.on_conflict_do_nothing(index_elements=["booking_id"])
                .returning(C.c.booking_id),
                {"booking_id": booking_id, "channel": channel[:32], "confirmed_at": at}).first()
        return written is not None

    def confirmed_at(self, booking_id: str) -> datetime | None:
        stmt = select(C.c.confirmed_at).where(C.c.booking_id == booking_id)
        return self._session.execute(stmt).scalar_one_or_none()

    def unconfirmed_due(self, service_key: str, *, window: timedelta, now: datetime,
                        limit: int) -> list[Booking]:
        asked = exists().where(  # a reminder before the deadline went out: they were asked
            N.c.booking_id == B.c.id, N.c.kind == "reminder", N.c.status == "sent",
            N.c.start_at == B.c.start_at, N.c.offset_s > int(window.total_seconds()))
        confirmed = exists().where(C.c.booking_id == B.c.id)
        stmt = (select(B).where(and_(
                    B.c.service_key == service_key,
                    B.c.status == BookingStatus.CONFIRMED.value,
                    B.c.start_at > now, B.c.start_at <= now + window, asked, ~confirmed))
                .order_by(B.c.start_at, B.c.id).limit(limit)
                .with_for_update(skip_locked=True, of=B))
        with translate():
            rows = self._session.execute(stmt).mappings().all()
        found = [booking_from_row(r) for r in rows]
        # Booked after its deadline had passed: the customer just chose it, nothing to ask.
        return [b for b in found if b.created_at < b.start - window]
