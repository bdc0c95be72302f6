"""Two services race for the one free treatment room: one wins, on both databases.

* the real ``hold_slot`` use case from two threads (a facial with Alice, a massage with Bob:
  different providers, so only the room is shared) released by one barrier, round after
  round: exactly one hold per round, the other told ``slot_taken``;
* the database alone: both racers read the room's bookings, meet at a barrier (so both saw
  the room free, whatever the machine's load), then write the booking and its room; only
  the resource guard (migration 0023) can refuse the second;
* the control: the same forced interleaving with the guard removed books the room twice,
  so the second test is able to fail.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Engine, text

from core.booking import Actor, Booking, BookingStatus
from core.errors import DomainError, ErrorCode
from core.usecases.booking import hold_slot
from core.usecases.common import block_of
from db.catalog import sync_business
from db.engine import SQLITE_BEGIN_OPTION
from db.uow import SqlUnitOfWork, session_factory
from tests.db.helpers import NOW, T0
from tests.db.resource_kit import FACIAL, MASSAGE, clinic

# 09:00 UTC on days both work (Alice in London, Bob in Kolkata; 2030-01-09 Alice opens late).
DAYS = (0, 2, 3, 6, 7, 8)
RACERS = (("facial", "alice"), ("massage", "bob"))
ROOM_OVERLAPS = text("""
    SELECT count(*) FROM resource_bookings a JOIN resource_bookings b
      ON a.resource_key = b.resource_key AND a.booking_id < b.booking_id
     WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
       AND a.block_start < b.block_end AND b.block_start < a.block_end
""")


def _seed(engine: Engine) -> list[str]:
    """The clinic with one treatment room; one customer per racer."""
    with SqlUnitOfWork(session_factory(engine)) as u:
        sync_business(u.session, clinic(room_count=1), raw_text="clinic: {}", now=NOW)
        ids = [u.customers.get_or_create("telegram", str(i), now=NOW).id
               for i in range(len(RACERS))]
        u.commit()
    return ids


def _outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except DomainError as exc:
        return exc.code.value
    return "ok"


def room_overlaps(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(ROOM_OVERLAPS).scalar_one())


def _room_holders(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM resource_bookings WHERE status IN ('held', 'confirmed')"))
            .scalar_one())


def test_hold_slot_gives_the_one_free_room_to_one_service(engine: Engine) -> None:
    customers = _seed(engine)
    outcomes: Counter[str] = Counter()
    for n in DAYS:
        start = T0 + timedelta(days=n)
        go = threading.Barrier(len(RACERS), timeout=60)

        def racer(i: int, start: object = start, go: threading.Barrier = go) -> str:
            service, provider = RACERS[i]
            go.wait()
            for _ in range(20):  # SQLite: a writer that waited too long says busy; retry
                result = _outcome(lambda: hold_slot(
                    SqlUnitOfWork(session_factory(engine)), service_key=service,
                    provider_key=provider, start=start, customer_id=customers[i],
                    actor=Actor("customer", customers[i], "telegram"), now=NOW))
                if result != ErrorCode.BUSY.value:
                    return result
            return "busy"

        with ThreadPoolExecutor(len(RACERS)) as pool:
            round_outcomes = Counter(pool.map(racer, range(len(RACERS))))
        assert round_outcomes == {"ok": 1, "slot_taken": 1}, (n, round_outcomes)
        outcomes.update(round_outcomes)
    assert _room_holders(engine) == len(DAYS)
    assert room_overlaps(engine) == 0


def _booking(customer_id: str, service_key: str, provider: str) -> Booking:
    service = {"facial": FACIAL, "massage": MASSAGE}[service_key]
    end, block = block_of(service, T0)
    return Booking(id=str(uuid.uuid4()), provider_key=provider, service_key=service_key,
                   customer_id=customer_id, channel="telegram", start=T0, end=end, block=block,
                   status=BookingStatus.HELD, created_at=NOW,
                   hold_expires_at=NOW + timedelta(minutes=10), currency="EUR",
                   price_minor=service.price.amount_minor)


def room_race(engine: Engine, bookings: list[Booking]) -> Counter[str]:
    """Each booking's racer reads the room's bookings, waits until every racer has read
    (so all saw it free), then writes its booking holding room1."""
    reader = session_factory(engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}))
    writer = session_factory(engine)
    looked = threading.Barrier(len(bookings), timeout=60)
    seen: Counter[int] = Counter()

    def racer(booking: Booking) -> str:
        with SqlUnitOfWork(reader) as u:
            taken = u.resources.taken(["room"], booking.block, NOW)
        seen[len(taken)] += 1
        looked.wait()
        if taken:
            return "seen_taken"

        def write() -> None:
            with SqlUnitOfWork(writer) as u:
                u.bookings.add(booking)
                u.resources.assign(booking, {"room": "room1"})
                u.commit()
        return _outcome(write)

    with ThreadPoolExecutor(len(bookings)) as pool:
        outcomes = Counter(pool.map(racer, bookings))
    assert seen == {0: len(bookings)}  # every racer saw the room free: a real race
    return outcomes


def _naive_race(engine: Engine, customers: list[str]) -> Counter[str]:
    return room_race(engine, [_booking(customers[i], service, provider)
                              for i, (service, provider) in enumerate(RACERS)])


def test_database_refuses_the_room_twice_whatever_the_interleaving(engine: Engine) -> None:
    outcomes = _naive_race(engine, _seed(engine))
    assert outcomes == {"ok": 1, "slot_taken": 1}, outcomes
    assert _room_holders(engine) == 1
    assert room_overlaps(engine) == 0


def test_control_without_the_resource_guard_the_room_is_double_booked(
        unguarded_engine: Engine) -> None:
    outcomes = _naive_race(unguarded_engine, _seed(unguarded_engine))
    assert outcomes == {"ok": len(RACERS)}, outcomes
    assert room_overlaps(unguarded_engine) == 1
