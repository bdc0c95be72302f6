"""``core.usecases.provider.ProviderQueries`` in SQL, on the unit of work's own session.

Every method takes the unit of work it runs in, so its reads and writes share that
transaction (time off is checked and inserted under the provider lock; a delivery is
recorded in the same commit as its effect). Deliveries reuse the conversation runner's
``processed_deliveries`` table (channel "slack"), so no migration is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

from sqlalchemy import RowMapping, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.booking import Booking, normalised_reference, reference
from core.confirmations import ConfirmationRepository
from core.events import Event
from core.intake import IntakeRepository
from core.interval import Interval
from core.model import Business
from core.payments import PaymentRepository
from core.ports import (
    Around,
    AuditLog,
    BookingRepository,
    BusyRepository,
    ResourceRepository,
    Surroundings,
    UnitOfWork,
    WaitlistRepository,
)
from core.usecases.provider import TIME_OFF, AlreadyDone, CustomerCard, TimeOff
from db.bookings import B, booking_from_row
from db.clock import Clock, system_clock
from db.conversations import DELIVERIES
from db.tables import BusyBlockRow, CustomerRow, table_of

BB = table_of(BusyBlockRow)
C = table_of(CustomerRow)
CHANNEL = "slack"
# How far back a reference is looked for: what a provider cancels or marks a no-show is coming
# or recent, and the scan stays one provider's few months of ids.
REF_LOOKBACK = timedelta(days=120)


def session_of(uow: UnitOfWork) -> Session:
    """The SQLAlchemy session behind a unit of work from ``db.uow`` (or a wrapper of one)."""
    session = getattr(uow, "session", None)
    if not isinstance(session, Session):
        raise TypeError("SqlProviderQueries needs a db.uow.SqlUnitOfWork inside its with block")
    return session


def _time_off(r: RowMapping) -> TimeOff:
    return TimeOff(id=int(r["id"]), provider_key=r["provider_key"],
                   span=Interval(r["start_at"], r["end_at"]), note=r["note"] or "",
                   source=r["source"])


class SqlProviderQueries:
    def __init__(self, *, clock: Clock = system_clock) -> None:
        self._clock = clock

    def customer_cards(self, uow: UnitOfWork, ids: Sequence[str]) -> dict[str, CustomerCard]:
        if not ids:
            return {}
        rows = session_of(uow).execute(select(C).where(C.c.id.in_(list(ids)))).mappings()
        return {r["id"]: CustomerCard(r["id"], r["channel"], r["sender_id"], r["name"],
                                      r["phone_e164"]) for r in rows}

    def time_off(self, uow: UnitOfWork, provider_key: str, window: Interval) -> list[TimeOff]:
        stmt = (select(BB).where(BB.c.provider_key == provider_key,
                                 BB.c.start_at < window.end, BB.c.end_at > window.start)
                .order_by(BB.c.start_at, BB.c.id))
        return [_time_off(r) for r in session_of(uow).execute(stmt).mappings()]

    def add_time_off(self, uow: UnitOfWork, provider_key: str, span: Interval,
                     note: str) -> TimeOff:
        stmt = insert(BB).values(provider_key=provider_key, start_at=span.start,
                                 end_at=span.end, source=TIME_OFF, external_id=None,
                                 note=note).returning(BB.c.id)
        block_id = int(session_of(uow).execute(stmt).scalar_one())
        return TimeOff(block_id, provider_key, span, note, TIME_OFF)

    def remove_time_off(self, uow: UnitOfWork, provider_key: str, block_id: int) -> bool:
        done = session_of(uow).execute(delete(BB).where(
            BB.c.id == block_id, BB.c.provider_key == provider_key, BB.c.source == TIME_OFF))
        return int(getattr(done, "rowcount", 0)) == 1

    def bookings_by_ref(self, uow: UnitOfWork, provider_key: str, ref: str) -> list[Booking]:
        """The customer's reference (``core.booking.reference``) among the provider's
        bookings since ``REF_LOOKBACK``, or an id prefix (what alerts showed before)."""
        found = {b.id: b for b in self._by_id_prefix(uow, provider_key, ref)}
        code = normalised_reference(ref)
        if code is not None:
            found.update((b.id, b) for b in self._by_reference(uow, provider_key, code))
        return sorted(found.values(), key=lambda b: (b.start, b.id))

    def _by_id_prefix(self, uow: UnitOfWork, provider_key: str, ref: str) -> list[Booking]:
        prefix = ref.lower().lstrip("#").replace("-", "")
        if len(prefix) < 4 or not all(ch in "0123456789abcdef" for ch in prefix):
            return []
        # Ids are uuid4 text with dashes: the first 8 characters never contain one.
        stmt = (select(B).where(B.c.provider_key == provider_key,
                                B.c.id.like(f"{prefix[:8]}%"))
                .order_by(B.c.start_at).limit(20))
        rows = session_of(uow).execute(stmt).mappings().all()
        return [b for b in map(booking_from_row, rows)
                if b.id.replace("-", "").startswith(prefix)]

    def _by_reference(self, uow: UnitOfWork, provider_key: str, code: str) -> list[Booking]:
        # The reference is a hash of the id (no column): compare it over the ids of the
        # provider's bookings a command can still be about, then read the one or two hits.
        session = session_of(uow)
        ids = session.execute(select(B.c.id).where(
            B.c.provider_key == provider_key,
            B.c.start_at >= self._clock() - REF_LOOKBACK)).scalars().all()
        hits = [i for i in ids if reference(i) == code]
        if not hits:
            return []
        rows = session.execute(select(B).where(B.c.id.in_(hits))).mappings().all()
        return [booking_from_row(r) for r in rows]

    def once(self, uow: UnitOfWork, delivery_id: str) -> UnitOfWork:
        return OnceUnitOfWork(uow, delivery_id, clock=self._clock)


class OnceUnitOfWork:
    """A unit of work that runs a delivery's effect at most once.

    On entry it looks the delivery up (SQLite: under the write lock, BEGIN IMMEDIATE);
    on commit it records it with the effect. Two concurrent copies on PostgreSQL collide
    on the primary key at commit, and the loser becomes ``AlreadyDone`` too.
    """

    bookings: BookingRepository
    audit: AuditLog
    busy: BusyRepository
    waitlist: WaitlistRepository
    payments: PaymentRepository
    resources: ResourceRepository
    confirmations: ConfirmationRepository
    intake: IntakeRepository

    def __init__(self, inner: UnitOfWork, delivery_id: str, *, clock: Clock) -> None:
        self._inner = inner
        self._delivery_id = delivery_id
        self._clock = clock

    @property
    def session(self) -> Session:
        return session_of(self._inner)

    def __enter__(self) -> Self:
        self._inner.__enter__()
        self.bookings, self.audit = self._inner.bookings, self._inner.audit
        self.busy, self.waitlist = self._inner.busy, self._inner.waitlist
        self.payments, self.resources = self._inner.payments, self._inner.resources
        self.confirmations, self.intake = self._inner.confirmations, self._inner.intake
        seen = self.session.execute(select(DELIVERIES.c.delivery_id).where(
            DELIVERIES.c.channel == CHANNEL,
            DELIVERIES.c.delivery_id == self._delivery_id)).first()
        if seen is not None:
            self._inner.__exit__(None, None, None)
            raise AlreadyDone(self._delivery_id)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        now: datetime = self._clock()
        try:
            self.session.execute(insert(DELIVERIES).values(
                channel=CHANNEL, delivery_id=self._delivery_id, processed_at=now, reply=[]))
            self._inner.commit()
        except IntegrityError as exc:
            raise AlreadyDone(self._delivery_id) from exc

    def rollback(self) -> None:
        self._inner.rollback()

    def lock_provider(self, provider_key: str) -> None:
        self._inner.lock_provider(provider_key)

    def lock_and_read(self, provider_key: str, *, block: Interval, around: Interval,
                      now: datetime, ignore: str | None = None) -> Surroundings:
        return self._inner.lock_and_read(provider_key, block=block, around=around, now=now,
                                         ignore=ignore)

    def read_around(self, provider_keys: Sequence[str], window: Interval,
                    now: datetime) -> dict[str, Around]:
        return self._inner.read_around(provider_keys, window, now)

    def business(self) -> Business:
        return self._inner.business()

    def emit(self, events: Sequence[Event]) -> None:
        self._inner.emit(events)
