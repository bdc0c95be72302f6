"""Repositories and the unit of work: round trips through the real database."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from core.booking import Actor, AuditEntry, BookingStatus, snapshot
from core.errors import DomainError, ErrorCode
from core.events import BookingCancelled, BookingConfirmed, SlotHeld
from core.interval import Interval
from core.model import LocalSpan
from core.waitlist import WaitlistEntry
from db.tables import OutboxRow, table_of
from db.uow import BusinessCache, SqlUnitOfWork, one_catalogue
from tests.db.helpers import NOW, T0, make_booking, make_business, seed

Uow = Callable[[], SqlUnitOfWork]
DAY = Interval(T0 - timedelta(hours=9), T0 + timedelta(hours=15))


def test_booking_round_trip_and_update(uow: Uow) -> None:
    cid = seed(uow)
    booking = make_booking(cid, after=10, status=BookingStatus.HELD)
    with uow() as u:
        u.bookings.add(booking)
        u.commit()
    with uow() as u:
        assert u.bookings.get(booking.id) == booking
        confirmed = replace(booking.transition(BookingStatus.CONFIRMED), paid_minor=2500)
        u.bookings.update(confirmed)
        u.commit()
    with uow() as u:
        assert u.bookings.get(booking.id, for_update=True) == confirmed
        assert u.bookings.get("missing") is None
        with pytest.raises(DomainError) as info:
            u.bookings.update(replace(booking, id=str(uuid.uuid4())))
    assert info.value.code is ErrorCode.UNKNOWN_BOOKING


def test_leaving_without_commit_rolls_back(uow: Uow) -> None:
    cid = seed(uow)
    booking = make_booking(cid)
    with uow() as u:
        u.bookings.add(booking)
    with uow() as u:
        assert u.bookings.get(booking.id) is None


def test_occupying_stale_and_expired_holds(uow: Uow) -> None:
    cid = seed(uow)
    live = make_booking(cid, status=BookingStatus.HELD, hold_until=NOW + timedelta(minutes=5))
    stale = make_booking(cid, start=T0 + timedelta(hours=1), status=BookingStatus.HELD,
                         hold_until=NOW - timedelta(minutes=1))
    firm = make_booking(cid, start=T0 + timedelta(hours=2))
    gone = make_booking(cid, start=T0 + timedelta(hours=2), status=BookingStatus.CANCELLED)
    other = make_booking(cid, provider="bob", start=T0)
    with uow() as u:
        for b in (live, stale, firm, gone, other):
            u.bookings.add(b)
        assert [b.id for b in u.bookings.occupying("alice", DAY, NOW)] == [live.id, firm.id]
        assert [b.id for b in u.bookings.stale_holds("alice", DAY, NOW)] == [stale.id]
        assert [b.id for b in u.bookings.expired_holds(NOW, limit=10)] == [stale.id]
        assert u.bookings.occupying("alice", Interval(T0 + timedelta(minutes=30),
                                                      T0 + timedelta(minutes=60)), NOW) == []


def test_for_customer_and_series(uow: Uow) -> None:
    cid = seed(uow)
    series = [make_booking(cid, start=T0 + timedelta(days=7 * i), series_id="s1") for i in range(3)]
    with uow() as u:
        for b in reversed(series):
            u.bookings.add(b)
        assert [b.id for b in u.bookings.in_series("s1")] == [b.id for b in series]
        later = u.bookings.for_customer(cid, since=T0 + timedelta(days=1))
        assert [b.id for b in later] == [b.id for b in series[1:]]


def test_audit_busy_and_waitlist(uow: Uow) -> None:
    cid = seed(uow)
    booking = make_booking(cid)
    entry = AuditEntry(booking.id, NOW, Actor("customer", cid, "telegram"), "booking.confirmed",
                       before={}, after=snapshot(booking))
    wait = WaitlistEntry("w1", cid, "telegram", "cut", None, DAY, NOW)
    afternoons = WaitlistEntry("w2", cid, "telegram", "cut", "alice", DAY,
                               NOW + timedelta(seconds=1),
                               part_of_day=LocalSpan(time(12), time(18)),
                               tz=ZoneInfo("Asia/Kolkata"))
    with uow() as u:
        u.audit.record(entry)
        u.busy_blocks.add("alice", Interval(T0, T0 + timedelta(hours=1)), source="timeoff")
        u.busy_blocks.add("alice", Interval(T0 + timedelta(hours=3), T0 + timedelta(hours=4)),
                          source="ics:work", external_id="evt-1", note="meeting")
        u.waitlist.add(afternoons)
        u.waitlist.add(wait)
        u.commit()
    with uow() as u:
        assert u.audit.for_booking(booking.id) == [entry]
        assert u.busy.busy("alice", DAY) == [Interval(T0, T0 + timedelta(hours=1)),
                                              Interval(T0 + timedelta(hours=3),
                                                       T0 + timedelta(hours=4))]
        assert u.busy_blocks.clear_source("alice", "ics:work") == 1
        assert len(u.busy.busy("alice", DAY)) == 1
        assert u.waitlist.waiting("cut") == [wait, afternoons]  # first come, first served
        u.waitlist.remove("w1")
        assert u.waitlist.waiting("cut") == [afternoons]


def test_customers(uow: Uow) -> None:
    seed(uow)
    with uow() as u:
        first = u.customers.get_or_create("sms", "+15551234567", now=NOW)
        again = u.customers.get_or_create("sms", "+15551234567", now=NOW + timedelta(days=1))
        other = u.customers.get_or_create("telegram", "+15551234567", now=NOW)
        assert first == again
        assert first.id != other.id
        u.customers.set_tz(first.id, ZoneInfo("Asia/Kolkata"))
        u.customers.opt_out(first.id)
        u.commit()
    with uow() as u:
        got = u.customers.get(first.id)
        assert got is not None
        assert got.tz == ZoneInfo("Asia/Kolkata")
        assert got.opted_out
        assert got.created_at == NOW
        u.customers.opt_in(first.id)
        assert not u.customers.get(first.id).opted_out  # type: ignore[union-attr]


def test_emit_writes_each_event_once(uow: Uow, engine: Engine) -> None:
    events = [SlotHeld("b1", NOW + timedelta(minutes=10)), BookingConfirmed("b1"),
              BookingCancelled("b1", by="customer", refund_minor=500)]
    with uow() as u:
        u.emit(events)
        u.emit(events[:2])  # a retry: same keys, no new rows
        u.commit()
    with engine.connect() as conn:
        rows = conn.execute(select(table_of(OutboxRow))).mappings().all()
    assert sorted(r["kind"] for r in rows) == ["BookingCancelled", "BookingConfirmed", "SlotHeld"]
    held = next(r for r in rows if r["kind"] == "SlotHeld")
    assert held["payload"] == {"booking_id": "b1", "expires_at": "2030-01-07T08:10:00+00:00"}
    assert held["status"] == "pending"
    assert held["idempotency_key"].startswith("SlotHeld:b1:")


def test_lock_provider_and_business(uow: Uow) -> None:
    with uow() as u, pytest.raises(DomainError) as info:
        u.business()
    assert info.value.code is ErrorCode.INVALID_CONFIG
    seed(uow)
    with uow() as u:
        u.lock_provider("alice")
        with pytest.raises(DomainError) as missing:
            u.lock_provider("nobody")
        assert missing.value.code is ErrorCode.UNKNOWN_PROVIDER
        assert u.business() is u.business()
        assert u.business() == make_business()


def test_business_cache_follows_revisions(uow: Uow, sessions: sessionmaker[Session]) -> None:
    seed(uow)
    cache = BusinessCache()
    factory = sessions
    with SqlUnitOfWork(factory, cache) as u1:
        first = u1.business()
    with SqlUnitOfWork(factory, cache) as u2:
        assert u2.business() is first
    seed(uow, make_business(name="Salon Two"))
    with SqlUnitOfWork(factory, cache) as u3:
        assert u3.business().name == "Salon Two"


def test_one_message_is_handled_on_one_catalogue(uow: Uow, sessions: sessionmaker[Session],
                                                 backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite reads the catalogue inside each unit of work's transaction")
    seed(uow)
    cache = BusinessCache()
    with one_catalogue():
        with SqlUnitOfWork(sessions, cache) as u1:
            first = u1.business()
        seed(uow, make_business(name="Salon Two"))  # `bookingbot setup` lands meanwhile
        with SqlUnitOfWork(sessions, cache) as u2:
            assert u2.business() is first  # the rest of the message: the same catalogue
    with SqlUnitOfWork(sessions, cache) as u3:  # the next message sees the new one
        assert u3.business().name == "Salon Two"


def test_emit_nothing_is_fine(uow: Uow, engine: Engine) -> None:
    with uow() as u:
        u.emit([])
        u.commit()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table_of(OutboxRow))).scalar() == 0
