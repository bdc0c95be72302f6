"""A migrated database (SQLite file or fresh PostgreSQL), the demo salon and a settable clock,
for the calendar sync tests that run through the real units of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bookingbot.bootstrap import Database, database
from core.booking import Actor, Booking
from core.calendar_sync import SyncState
from core.interval import Interval
from core.model import Business, CalendarLink
from core.usecases import available_slots, confirm, hold_slot
from db.calendar_store import SqlCalendarState
from db.outbox import OUTBOX
from db.tables import BusyBlockRow, table_of
from db.uow import SqlUnitOfWork
from tests.db.conftest import fresh_database
from tests.db.helpers import NOW, make_business, seed

BB = table_of(BusyBlockRow)
CUSTOMER = Actor("customer", "", "telegram")


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@contextmanager
def open_database(backend: str, directory: Path) -> Iterator[Database]:
    with fresh_database(backend, directory) as url:
        db = database(url)
        try:
            yield db
        finally:
            db.close()


def salon_with(**calendars: CalendarLink) -> Business:
    """The db tests' salon (alice in London, bob in Kolkata) with calendars added."""
    base = make_business()
    providers = tuple(replace(p, calendar=calendars.get(p.key)) for p in base.providers)
    return replace(base, providers=providers)


def setup(db: Database, business: Business) -> str:
    """Load the business and a customer; returns the customer id."""
    return seed(lambda: SqlUnitOfWork(db.sessions), business)


def slots(db: Database, provider: str | None, day: Interval, now: datetime,
          service: str = "cut") -> list[datetime]:
    found = available_slots(db.uow(), service_key=service, provider_key=provider,
                            window=day, now=now)
    return [s.start for s in found if provider is None or s.provider_key == provider]


def book(db: Database, customer_id: str, start: datetime, now: datetime,
         provider: str = "alice") -> Booking:
    actor = replace(CUSTOMER, id=customer_id)
    held = hold_slot(db.uow(), service_key="cut", provider_key=provider, start=start,
                     customer_id=customer_id, actor=actor, now=now)
    return confirm(db.uow(), held.id, actor=actor, now=now)


def blocks(db: Database, provider: str) -> list[tuple[str, datetime, datetime]]:
    with db.sessions() as s:
        rows = s.execute(select(BB.c.source, BB.c.start_at, BB.c.end_at)
                         .where(BB.c.provider_key == provider)
                         .order_by(BB.c.source, BB.c.start_at)).all()
    return [(r[0], r[1], r[2]) for r in rows]


def alerts(db: Database) -> list[dict[str, object]]:
    with db.sessions() as s:
        rows = s.execute(select(OUTBOX.c.payload).where(OUTBOX.c.kind == "CalendarSyncFailed")
                         .order_by(OUTBOX.c.id)).scalars().all()
    return list(rows)


def state(db: Database, provider: str) -> SyncState | None:
    with db.sessions() as s:
        return SqlCalendarState(s).get(provider)
