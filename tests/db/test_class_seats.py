"""32 customers race for the last 3 seats of a class: exactly 3 get one, on both databases.

Three tests:

* the real ``hold_slot`` use case from 32 threads released by one barrier;
* the database alone: every thread reads the seat count, all meet at a barrier (so every
  read sees 7 of 10 taken, whatever the machine's load), then all write; only the seat
  counter's CHECK (migration 0012) can refuse the 4th..32nd seat;
* the control: the same forced interleaving on a database whose seat guard was removed
  overbooks the class, so the second test is able to fail.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from core.booking import Actor, Booking, BookingStatus
from core.classes import seat_fields
from core.errors import DomainError, ErrorCode
from core.model import ClassTime, Service
from core.money import Money
from core.usecases.booking import hold_slot
from core.usecases.common import block_of
from db.catalog import sync_business
from db.engine import make_engine
from db.migrate import upgrade
from db.tables import BookingRow, table_of
from db.uow import SqlUnitOfWork, session_factory
from tests.db.conftest import fresh_database
from tests.db.helpers import NOW, T0, make_business

CUSTOMERS = 32
CAPACITY = 10
ALREADY = 7  # seats taken before the race: 3 left
B = table_of(BookingRow)

YOGA = Service("yoga", "Yoga", timedelta(hours=1), Money(1500, "EUR"), Money(0, "EUR"),
               capacity=CAPACITY, max_seats=2,
               timetable=(ClassTime(T0.weekday(), time(9)),))  # Tuesdays 09:00 London = T0


def _seed(engine: Engine) -> list[str]:
    """The salon plus the class, and one customer per racer (and per seat already taken)."""
    business = make_business()
    alice = replace(business.providers[0], services=business.providers[0].services | {"yoga"})
    business = replace(business, services=(*business.services, YOGA),
                       providers=(alice, *business.providers[1:]))
    with SqlUnitOfWork(session_factory(engine)) as u:
        sync_business(u.session, business, raw_text="studio: {}", now=NOW)
        ids = [u.customers.get_or_create("telegram", str(i), now=NOW).id
               for i in range(CUSTOMERS + ALREADY)]
        u.commit()
    return ids


def _actor(customer_id: str) -> Actor:
    return Actor("customer", customer_id, "telegram")


def _fill(engine: Engine, customers: list[str]) -> None:
    for cid in customers:
        hold_slot(SqlUnitOfWork(session_factory(engine)), service_key="yoga", provider_key="alice",
                  start=T0, customer_id=cid, actor=_actor(cid), now=NOW)


def _seats_booked(engine: Engine) -> int:
    stmt = select(func.coalesce(func.sum(B.c.seats), 0)).where(
        B.c.service_key == "yoga", B.c.status.in_(["held", "confirmed"]))
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def _outcome(call: object) -> str:
    try:
        if callable(call):
            call()
    except DomainError as exc:
        return exc.code.value
    return "ok"


def test_hold_slot_gives_exactly_the_last_three_seats(engine: Engine) -> None:
    customers = _seed(engine)
    _fill(engine, customers[:ALREADY])
    go = threading.Barrier(CUSTOMERS, timeout=120)

    def racer(cid: str) -> str:
        go.wait()
        for _ in range(20):  # SQLite: a writer that waited too long says busy; try again
            result = _outcome(lambda: hold_slot(
                SqlUnitOfWork(session_factory(engine)), service_key="yoga",
                provider_key="alice", start=T0, customer_id=cid, actor=_actor(cid), now=NOW))
            if result != ErrorCode.BUSY.value:
                return result
        return "busy"

    with ThreadPoolExecutor(CUSTOMERS) as pool:
        outcomes = Counter(pool.map(racer, customers[ALREADY:]))
    assert outcomes == {"ok": 3, "class_full": CUSTOMERS - 3}, outcomes
    assert _seats_booked(engine) == CAPACITY


def _seat_booking(customer_id: str) -> Booking:
    end, block = block_of(YOGA, T0)
    seat = seat_fields(YOGA, provider_key="alice", start=T0)
    return Booking(id=str(uuid.uuid4()), provider_key="alice", service_key="yoga",
                   customer_id=customer_id, channel="telegram", start=T0, end=end, block=block,
                   status=BookingStatus.HELD, created_at=NOW,
                   hold_expires_at=NOW + timedelta(minutes=10), currency="EUR",
                   price_minor=seat.price_minor, due_minor=0, seats=1,
                   session_key=seat.session_key, capacity=seat.capacity)


def _naive_race(engine: Engine, customers: list[str]) -> Counter[str]:
    """Look at the seat count, wait until every racer has looked, then write."""
    looked = threading.Barrier(CUSTOMERS, timeout=120)
    reads = Counter[int]()

    def racer(cid: str) -> str:
        with engine.connect() as conn:
            taken = int(conn.execute(select(func.sum(B.c.seats)).where(
                B.c.service_key == "yoga", B.c.status == "held")).scalar_one() or 0)
        reads[taken] += 1
        looked.wait()
        if taken >= CAPACITY:
            return "seen_full"

        def write() -> None:
            with SqlUnitOfWork(session_factory(engine)) as u:
                u.bookings.add(_seat_booking(cid))
                u.commit()
        return _outcome(write)

    with ThreadPoolExecutor(CUSTOMERS) as pool:
        outcomes = Counter(pool.map(racer, customers))
    assert reads == {ALREADY: CUSTOMERS}  # every racer saw 3 seats left: a real race
    return outcomes


def test_database_refuses_the_fourth_seat_whatever_the_interleaving(engine: Engine) -> None:
    customers = _seed(engine)
    _fill(engine, customers[:ALREADY])
    outcomes = _naive_race(engine, customers[ALREADY:])
    assert outcomes == {"ok": 3, "class_full": CUSTOMERS - 3}, outcomes
    assert _seats_booked(engine) == CAPACITY


@pytest.fixture
def unguarded_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A separately migrated database without the seat counter's CHECK."""
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    conn.execute(text("ALTER TABLE class_sessions "
                                      "DROP CONSTRAINT ck_class_sessions_within_capacity"))
                else:
                    for kind in ("insert", "update", "delete"):
                        conn.execute(text(f"DROP TRIGGER bookings_seats_{kind}"))
            yield engine
        finally:
            engine.dispose()


def test_control_without_the_seat_guard_the_class_is_overbooked(
        unguarded_engine: Engine) -> None:
    customers = _seed(unguarded_engine)
    _fill(unguarded_engine, customers[:ALREADY])
    outcomes = _naive_race(unguarded_engine, customers[ALREADY:])
    assert outcomes == {"ok": CUSTOMERS}, outcomes
    assert _seats_booked(unguarded_engine) == ALREADY + CUSTOMERS > CAPACITY
