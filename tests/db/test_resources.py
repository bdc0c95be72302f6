"""A booking's resources through its whole life, through the real use cases, on both databases.

Picking (first free in file order; a rescheduled booking keeps its room if free), release on
cancel / release of a hold / expiry (by the cascading foreign key, not by the use cases),
lapsed holds in a room's way, availability that needs a provider and a room, the catalog sync.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from core.booking import Actor
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.usecases import (
    available_slots,
    cancel,
    confirm,
    expire_holds,
    hold_slot,
    release_hold,
    reschedule,
)
from db.catalog import load_business, sync_business
from db.uow import SqlUnitOfWork
from tests.db.helpers import NOW, T0
from tests.db.resource_kit import clinic

Uow = Callable[[], SqlUnitOfWork]


def _seed(uow: Uow, rooms: int = 2) -> list[str]:
    with uow() as u:
        sync_business(u.session, clinic(room_count=rooms), raw_text="clinic: {}", now=NOW)
        ids = [u.customers.get_or_create("telegram", str(i), now=NOW).id for i in range(4)]
        u.commit()
    return ids


def _actor(cid: str) -> Actor:
    return Actor("customer", cid, "telegram")


def _hold(uow: Uow, cid: str, *, service: str = "facial", provider: str = "alice",
          start: object = T0) -> str:
    return hold_slot(uow(), service_key=service, provider_key=provider, start=start,
                     customer_id=cid, actor=_actor(cid), now=NOW).id  # type: ignore[arg-type]


def _rooms(uow: Uow, booking_id: str) -> dict[str, str]:
    with uow() as u:
        return u.resources.of_booking(booking_id)


def _status(engine: Engine, booking_id: str) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT status FROM resource_bookings WHERE booking_id = :b ORDER BY kind"),
            {"b": booking_id})]


def test_rooms_are_picked_in_file_order_and_released_by_every_ending(
        uow: Uow, engine: Engine) -> None:
    a, b, c, _ = _seed(uow)
    first = _hold(uow, a)
    second = _hold(uow, b, service="massage", provider="bob")
    assert _rooms(uow, first) == {"room": "room1"}
    assert _rooms(uow, second) == {"room": "room2"}
    with pytest.raises(DomainError) as err:  # both rooms are taken at T0
        _hold(uow, c, service="massage", provider="bob", start=T0 + timedelta(minutes=15))
    assert err.value.code is ErrorCode.SLOT_TAKEN
    confirm(uow(), first, actor=_actor(a), now=NOW)
    assert _status(engine, first) == ["confirmed"]  # the copy follows the booking
    cancel(uow(), first, actor=_actor(a), now=NOW)
    assert _status(engine, first) == ["cancelled"]
    assert release_hold(uow(), second, actor=_actor(b), now=NOW)
    assert _status(engine, second) == ["cancelled"]
    third = _hold(uow, c, service="massage", provider="bob")
    assert _rooms(uow, third) == {"room": "room1"}


def test_an_expired_hold_frees_its_room_and_a_lapsed_one_is_expired_in_the_way(
        uow: Uow, engine: Engine) -> None:
    a, b, c, _ = _seed(uow, rooms=1)
    first = _hold(uow, a)
    later = NOW + timedelta(minutes=11)  # the 10-minute hold has lapsed
    # Bob's massage at the same time needs the one room, held by Alice's lapsed hold.
    second = hold_slot(uow(), service_key="massage", provider_key="bob", start=T0,
                       customer_id=b, actor=_actor(b), now=later).id
    assert _status(engine, first) == ["expired"]
    assert _rooms(uow, second) == {"room": "room1"}
    expire_holds(uow(), now=later + timedelta(minutes=11))
    assert _status(engine, second) == ["expired"]
    third = hold_slot(uow(), service_key="facial", provider_key="alice", start=T0,
                      customer_id=c, actor=_actor(c), now=later + timedelta(minutes=12)).id
    assert _rooms(uow, third) == {"room": "room1"}


def test_reschedule_moves_the_room_and_keeps_it_when_free(uow: Uow) -> None:
    a, b, _, _ = _seed(uow)
    first = _hold(uow, a)
    confirm(uow(), first, actor=_actor(a), now=NOW)
    second = _hold(uow, b, service="massage", provider="bob", start=T0 + timedelta(days=2))
    assert _rooms(uow, second) == {"room": "room1"}
    # Bob's massage moves to 09:00 on the first day: room1 is Alice's then, so room2.
    moved = reschedule(uow(), second, new_start=T0, actor=_actor(b), now=NOW)
    assert moved.start == T0
    assert _rooms(uow, second) == {"room": "room2"}
    # Back to a free time: room2 stays with it (it is free then too).
    reschedule(uow(), second, new_start=T0 + timedelta(days=3), actor=_actor(b), now=NOW)
    assert _rooms(uow, second) == {"room": "room2"}


def test_reschedule_into_a_time_without_a_free_room_changes_nothing(uow: Uow) -> None:
    a, b, _, _ = _seed(uow, rooms=1)
    first = _hold(uow, a)
    second = _hold(uow, b, service="massage", provider="bob", start=T0 + timedelta(days=2))
    with pytest.raises(DomainError) as err:
        reschedule(uow(), second, new_start=T0, actor=_actor(b), now=NOW)
    assert err.value.code is ErrorCode.SLOT_TAKEN
    assert _rooms(uow, second) == {"room": "room1"}  # rolled back with the move
    with uow() as u:
        kept = u.bookings.get(second)
    assert kept is not None
    assert kept.start == T0 + timedelta(days=2)
    assert _rooms(uow, first) == {"room": "room1"}


def test_laser_needs_a_room_and_the_laser_in_its_own_hours(uow: Uow) -> None:
    a, b, _, _ = _seed(uow)
    laser = _hold(uow, a, service="laser")
    assert _rooms(uow, laser) == {"laser": "laser1", "room": "room1"}
    with pytest.raises(DomainError) as err:  # the only laser is in use
        _hold(uow, b, service="laser", provider="bob")
    assert err.value.code is ErrorCode.SLOT_TAKEN
    with pytest.raises(DomainError) as err:  # the laser works mornings only (London)
        _hold(uow, b, service="laser", start=T0 + timedelta(hours=5))
    assert err.value.code is ErrorCode.OUTSIDE_HOURS


def test_availability_offers_only_times_with_a_provider_and_a_room(uow: Uow) -> None:
    a, b, _, _ = _seed(uow, rooms=1)
    day = Interval(T0, T0 + timedelta(hours=8))
    before = available_slots(uow(), service_key="massage", provider_key="bob", window=day,
                             now=NOW)
    assert T0 in {s.start for s in before}
    _hold(uow, a)  # Alice's facial takes the one room 09:00-10:00 (45 min + 15 cleaning)
    after = {s.start for s in available_slots(uow(), service_key="massage",
                                              provider_key="bob", window=day, now=NOW)}
    assert T0 not in after
    assert T0 + timedelta(minutes=45) not in after
    assert T0 + timedelta(hours=1) in after  # Bob is free at 09:00 all along: the room decides
    laser = {s.start for s in available_slots(uow(), service_key="laser", provider_key=None,
                                              window=day, now=NOW)}
    assert max(laser) == T0 + timedelta(hours=2, minutes=30)  # 11:30 London: laser ends 12:00
    assert T0 not in laser
    del b


def test_availability_counts_a_room_held_until_the_hold_lapses_and_confirmed_for_good(
        uow: Uow) -> None:
    a, b, _, _ = _seed(uow, rooms=1)
    day = Interval(T0, T0 + timedelta(hours=8))

    def massage_at_nine(now: datetime) -> bool:
        return T0 in {s.start for s in available_slots(
            uow(), service_key="massage", provider_key="bob", window=day, now=now)}

    held = _hold(uow, a)  # the one room, 09:00-10:00, held for 10 minutes
    assert not massage_at_nine(NOW + timedelta(minutes=9))
    assert massage_at_nine(NOW + timedelta(minutes=11))  # lapsed: the room is free again
    confirm(uow(), held, actor=_actor(a), now=NOW)
    assert not massage_at_nine(NOW + timedelta(minutes=11))  # confirmed: taken for good
    del b


def test_catalog_round_trip_and_a_held_room_cannot_be_dropped(uow: Uow) -> None:
    a, _, _, _ = _seed(uow)
    with uow() as u:
        loaded = load_business(u.session)
    assert loaded is not None
    assert [r.key for r in loaded.resources] == ["room1", "room2", "laser1"]
    assert loaded.resources == clinic().resources
    assert loaded.service("laser") is not None
    assert loaded.service("laser").requires == ("room", "laser")  # type: ignore[union-attr]
    _hold(uow, a)  # room1 is held
    smaller = replace(clinic(), resources=clinic().resources[1:])
    with uow() as u, pytest.raises(DomainError) as err:
        sync_business(u.session, smaller, raw_text="x", now=NOW)
    assert "resource room1 has 1 future booking(s)" in str(err.value)
    fewer = replace(clinic(), resources=(clinic().resources[0], clinic().resources[2]))
    with uow() as u:
        report = sync_business(u.session, fewer, raw_text="y", now=NOW)
        u.commit()
    assert "resource:room2" in report.deactivated
