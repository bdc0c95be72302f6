"""A class that needs a room: one room per session, shared by its seats, never by two
sessions at once -- on both databases.

* through ``hold_slot`` and ``available_slots``: every seat of Alice's session takes the room
  its session holds; Bob's session at the same time is refused the one room (and is not
  offered), gets the second room when there is one, and the freed room when Alice's last
  seat is cancelled;
* the race: Alice's and Bob's sessions released by one barrier, round after round, exactly
  one wins; two seats of one session racing both get it (the guard refuses sessions, not
  seats);
* the database alone: both sessions read the room free, meet at a barrier, then write; only
  the resource guard (migrations 0023, 0028) can refuse the second -- and the control, the
  same interleaving with the guard removed, books the room for two sessions at once.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import Engine, text

from core.booking import Actor, Booking, BookingStatus
from core.classes import seat_fields
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import Business, Service
from core.money import Money
from core.usecases import available_slots, cancel
from core.usecases.booking import hold_slot
from core.usecases.common import block_of
from db.catalog import sync_business
from db.uow import SqlUnitOfWork, session_factory
from tests.db.helpers import NOW, T0, make_business
from tests.db.resource_kit import rooms
from tests.db.test_resource_race import room_overlaps, room_race

YOGA = Service("yoga", "Yoga", timedelta(hours=1), Money(1500, "EUR"), Money(0, "EUR"),
               capacity=4, max_seats=2, requires=("room",))  # any start in the hours
DAYS = (0, 2, 3, 6, 7, 8)  # 09:00 UTC on days both Alice and Bob work (tests.db)
TEACHERS = ("alice", "bob")


def studio(room_count: int) -> Business:
    base = make_business()
    providers = tuple(replace(p, services=p.services | {"yoga"}) for p in base.providers)
    return replace(base, services=(*base.services, YOGA), providers=providers,
                   resources=rooms(room_count))


def _seed(engine: Engine, room_count: int = 1, customers: int = 4) -> list[str]:
    with SqlUnitOfWork(session_factory(engine)) as u:
        sync_business(u.session, studio(room_count), raw_text="studio: {}", now=NOW)
        ids = [u.customers.get_or_create("telegram", str(i), now=NOW).id
               for i in range(customers)]
        u.commit()
    return ids


def _seat(engine: Engine, customer: str, provider: str, start: object = T0) -> Booking:
    return hold_slot(SqlUnitOfWork(session_factory(engine)), service_key="yoga",
                     provider_key=provider, start=start, customer_id=customer,
                     actor=Actor("customer", customer, "telegram"), now=NOW)


def _outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except DomainError as exc:
        return exc.code.value
    return "ok"


def _rooms_of(engine: Engine) -> dict[str, str]:
    """booking id -> room, for the occupying rows."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT booking_id, resource_key FROM resource_bookings "
                                 "WHERE status IN ('held', 'confirmed')")).all()
    return {str(b): str(r) for b, r in rows}


def _offered(engine: Engine, provider: str) -> bool:
    found = available_slots(SqlUnitOfWork(session_factory(engine)), service_key="yoga",
                            provider_key=provider, window=Interval(T0, T0 + timedelta(hours=1)),
                            now=NOW)
    return any(s.start == T0 for s in found)


def test_seats_share_their_sessions_room_and_another_session_is_refused_it(
        engine: Engine) -> None:
    ann, ben, cat, dan = _seed(engine)
    first = _seat(engine, ann, "alice")
    second = _seat(engine, ben, "alice")  # the same session: the same room, no clash
    assert _rooms_of(engine) == {first.id: "room1", second.id: "room1"}
    assert _offered(engine, "alice")  # seats left in Alice's session, room and all
    assert not _offered(engine, "bob")  # the one room is Alice's session's at 09:00
    assert _outcome(lambda: _seat(engine, cat, "bob")) == ErrorCode.SLOT_TAKEN.value
    for b in (first, second):  # Alice's class empties: its room is free again
        cancel(SqlUnitOfWork(session_factory(engine)), b.id,
               actor=Actor("customer", b.customer_id, "telegram"), now=NOW)
    assert _offered(engine, "bob")
    moved_in = _seat(engine, dan, "bob")
    assert _rooms_of(engine) == {moved_in.id: "room1"}
    assert room_overlaps_between_sessions(engine) == 0


def test_a_second_room_takes_the_second_session(engine: Engine) -> None:
    ann, ben, _, _ = _seed(engine, room_count=2)
    alice = _seat(engine, ann, "alice")
    bob = _seat(engine, ben, "bob")
    assert _rooms_of(engine) == {alice.id: "room1", bob.id: "room2"}


ROOM_SESSION_OVERLAPS = text("""
    SELECT count(*) FROM resource_bookings a JOIN resource_bookings b
      ON a.resource_key = b.resource_key AND a.booking_id < b.booking_id
     WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
       AND a.session_key <> b.session_key
       AND a.block_start < b.block_end AND b.block_start < a.block_end
""")


def room_overlaps_between_sessions(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(ROOM_SESSION_OVERLAPS).scalar_one())


def _race(engine: Engine, teachers: tuple[str, ...], customers: list[str],
          start: object) -> Counter[str]:
    go = threading.Barrier(len(teachers), timeout=60)

    def racer(i: int) -> str:
        go.wait()
        for _ in range(20):  # SQLite: a writer that waited too long says busy; retry
            result = _outcome(lambda: _seat(engine, customers[i], teachers[i], start))
            if result != ErrorCode.BUSY.value:
                return result
        return "busy"

    with ThreadPoolExecutor(len(teachers)) as pool:
        return Counter(pool.map(racer, range(len(teachers))))


def test_two_sessions_racing_for_the_one_room_one_wins(engine: Engine) -> None:
    customers = _seed(engine)
    for n in DAYS:
        outcome = _race(engine, TEACHERS, customers, T0 + timedelta(days=n))
        assert outcome == {"ok": 1, "slot_taken": 1}, (n, outcome)
    assert len(_rooms_of(engine)) == len(DAYS)
    assert room_overlaps_between_sessions(engine) == 0


def test_two_seats_of_one_session_racing_both_get_the_room(engine: Engine) -> None:
    customers = _seed(engine)
    for n in DAYS:
        outcome = _race(engine, ("alice", "alice"), customers[2 * (n % 2):],
                        T0 + timedelta(days=n))
        assert outcome == {"ok": 2}, (n, outcome)
    assert set(_rooms_of(engine).values()) == {"room1"}
    assert room_overlaps(engine) == len(DAYS)  # one shared room per session, by design
    assert room_overlaps_between_sessions(engine) == 0


def _session_booking(customer_id: str, provider: str) -> Booking:
    end, block = block_of(YOGA, T0)
    seat = seat_fields(YOGA, provider_key=provider, start=T0)
    return Booking(id=str(uuid.uuid4()), provider_key=provider, service_key="yoga",
                   customer_id=customer_id, channel="telegram", start=T0, end=end, block=block,
                   status=BookingStatus.HELD, created_at=NOW,
                   hold_expires_at=NOW + timedelta(minutes=10), currency="EUR",
                   price_minor=seat.price_minor, seats=1, session_key=seat.session_key,
                   capacity=seat.capacity)


def _naive_race(engine: Engine, customers: list[str]) -> Counter[str]:
    """Alice's and Bob's sessions each read the room free, meet, then write a seat and
    the room (tests.db.test_resource_race.room_race)."""
    return room_race(engine, [_session_booking(customers[i], teacher)
                              for i, teacher in enumerate(TEACHERS)])


def test_database_refuses_two_sessions_in_one_room_whatever_the_interleaving(
        engine: Engine) -> None:
    outcomes = _naive_race(engine, _seed(engine))
    assert outcomes == {"ok": 1, "slot_taken": 1}, outcomes
    assert room_overlaps_between_sessions(engine) == 0


def test_control_without_the_guard_two_sessions_share_the_room(
        unguarded_engine: Engine) -> None:
    outcomes = _naive_race(unguarded_engine, _seed(unguarded_engine))
    assert outcomes == {"ok": len(TEACHERS)}, outcomes
    assert room_overlaps_between_sessions(unguarded_engine) == 1
