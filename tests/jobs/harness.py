"""A fake clock, a recording Sender, and a small world (business, customers, bookings)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from bookingbot.notify_texts import render
from core.booking import SYSTEM, Actor, Booking
from core.model import Business, Rules
from core.notifications import Message
from core.usecases import confirm, hold_slot
from db.catalog import sync_business
from db.jobs_store import SqlJobsStore
from db.jobs_tables import NOTIFICATIONS
from db.offers import JobsUnitOfWork
from db.uow import session_factory
from jobs.ports import JobsStore
from jobs.sweeps import Jobs, JobSettings
from tests.db.helpers import NOW, make_business

PROVIDER_CHANNEL = "C-PROVIDERS"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by

    def set(self, to: datetime) -> None:
        self.now = to


@dataclass
class Sent:
    address: str
    text: str
    choices: tuple[tuple[str, str], ...]


@dataclass
class RecordingSender:
    """``core.ports.Sender`` that records; ``fail`` maps an address to errors to raise."""

    channel: str
    sent: list[Sent] = field(default_factory=list)
    fail: dict[str, list[Exception]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        with self._lock:
            errors = self.fail.get(recipient_id)
            if errors:
                raise errors.pop(0)
            self.sent.append(Sent(recipient_id, text, tuple(choices)))
            return f"{self.channel}-{len(self.sent)}"


def rules(**changes: object) -> Rules:
    base = Rules(max_per_day=50, min_notice=timedelta(hours=1),
                 reminders=(timedelta(hours=24), timedelta(hours=1)))
    return replace(base, **changes)  # type: ignore[arg-type]


@dataclass
class World:
    engine: Engine
    clock: Clock
    senders: dict[str, RecordingSender]
    business: Business
    store: SqlJobsStore
    jobs: Jobs

    def uow(self) -> JobsUnitOfWork:
        return JobsUnitOfWork(session_factory(self.engine), clock=self.clock)

    def customer(self, channel: str = "telegram", sender: str = "42", *, name: str = "Ann",
                 tz: str | None = None, opted_out: bool = False) -> str:
        with self.uow() as u:
            c = u.customers.get_or_create(channel, sender, now=NOW, name=name)
            if tz:
                u.customers.set_tz(c.id, ZoneInfo(tz))
            if opted_out:
                u.customers.opt_out(c.id)
            u.commit()
        return c.id

    def book(self, customer_id: str, start: datetime, *, provider: str = "alice",
             service: str = "cut", actor: Actor | None = None, paid: int = 0) -> Booking:
        """Hold and confirm at the clock's time (so the outbox gets the real events)."""
        who = actor or SYSTEM
        hold = hold_slot(self.uow(), service_key=service, provider_key=provider, start=start,
                         customer_id=customer_id, actor=who, now=self.clock())
        return confirm(self.uow(), hold.id, actor=who, now=self.clock(), paid_minor=paid)

    def rows(self) -> list[dict[str, object]]:
        with self.engine.connect() as conn:
            stmt = select(NOTIFICATIONS).order_by(NOTIFICATIONS.c.id)
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def sent(self, channel: str = "telegram") -> list[Sent]:
        return self.senders[channel].sent

    def sent_kinds(self) -> Counter[tuple[str, str]]:
        """(kind, audience) of every row that was actually sent."""
        return Counter((str(r["kind"]), str(r["audience"])) for r in self.rows()
                       if r["status"] == "sent")


def agenda_text(provider_key: str, day: date, now: datetime) -> Message:
    return Message(f"Agenda {provider_key} {day.isoformat()}")


def make_world(engine: Engine, clock: Clock, business: Business | None = None, *,
               settings: JobSettings | None = None,
               senders: dict[str, RecordingSender] | None = None,
               store_class: type[SqlJobsStore] = SqlJobsStore) -> World:
    business = business or make_business(rules=rules())
    sessions = session_factory(engine)
    with sessions.begin() as s:
        sync_business(s, business, raw_text="test", now=NOW)
    senders = senders or {c: RecordingSender(c) for c in ("telegram", "sms", "slack")}
    store = store_class(sessions, provider_channel=PROVIDER_CHANNEL)
    typed: JobsStore = store  # mypy proves the adapter satisfies the jobs' port

    def uow() -> JobsUnitOfWork:
        return JobsUnitOfWork(sessions, clock=clock)

    jobs = Jobs(typed, senders, render, uow, clock, agenda_text=agenda_text,
                settings=settings or JobSettings())
    return World(engine, clock, senders, business, store, jobs)
