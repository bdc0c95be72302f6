"""Bookings made straight through the core use cases, as another channel would."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import text

from bookingbot.bootstrap import Database
from core.booking import Actor, Booking
from core.interval import Interval
from core.usecases import available_slots, confirm, hold_slot
from tests.channels.slack.conftest import NOW


def ann(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text(
            "SELECT id FROM customers WHERE channel = 'telegram' AND sender_id = '42'"))
            .scalar_one())


def book(db: Database, start: datetime, *, service: str = "cut", paid: int = 0) -> Booking:
    customer = ann(db)
    actor = Actor("customer", customer, "telegram")
    hold = hold_slot(db.uow(), service_key=service, provider_key="alice", start=start,
                     customer_id=customer, actor=actor, now=NOW)
    return confirm(db.uow(), hold.id, actor=actor, now=NOW, paid_minor=paid)


def free_starts(db: Database, start: datetime, end: datetime) -> list[datetime]:
    return [s.start for s in available_slots(db.uow(), service_key="cut", provider_key="alice",
                                             window=Interval(start, end), now=NOW)]


def outbox(db: Database, kind: str) -> list[dict[str, object]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM outbox WHERE kind = :k ORDER BY id"),
                            {"k": kind}).scalars().all()
    return [r if isinstance(r, dict) else json.loads(r) for r in rows]


HOUR = timedelta(hours=1)
