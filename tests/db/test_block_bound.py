"""No occupying block is longer than MAX_BLOCK (the database refuses it), which is what lets
the overlap queries read only a bounded range of block starts; on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.booking import MAX_BLOCK, BookingStatus
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from db.uow import SqlUnitOfWork
from tests.db.helpers import NOW, T0, make_booking, seed

Uow = Callable[[], SqlUnitOfWork]
LONGEST = int(MAX_BLOCK.total_seconds() // 60)


def test_an_occupying_block_longer_than_the_bound_is_refused(uow: Uow) -> None:
    cid = seed(uow)
    with pytest.raises(IntegrityError), uow() as u:
        u.bookings.add(make_booking(cid, minutes=LONGEST + 1))
    with uow() as u:  # the bound itself, and any length once it no longer occupies
        u.bookings.add(make_booking(cid, minutes=LONGEST))
        u.bookings.add(make_booking(cid, minutes=LONGEST + 60, status=BookingStatus.CANCELLED))
        u.commit()


def test_the_longest_block_is_found_from_its_last_minute(uow: Uow) -> None:
    cid = seed(uow)
    longest = make_booking(cid, minutes=LONGEST)
    short = make_booking(cid, start=longest.end + timedelta(hours=1), minutes=30)
    with uow() as u:
        u.bookings.add(longest)
        u.bookings.add(short)
        u.commit()
    last_minute = Interval(longest.end - timedelta(minutes=1), longest.end)
    with uow() as u:
        assert [b.id for b in u.bookings.occupying("alice", last_minute, NOW)] == [longest.id]
        assert [t.block for t in u.bookings.taken("alice", last_minute, NOW)] == [longest.block]
        after = Interval(longest.end, short.end)
        assert [t.start for t in u.bookings.taken("alice", after, NOW)] == [short.start]
        assert u.bookings.taken("alice", after, NOW, ignore=short.id) == []
    # ...and the overlap guard still sees it: a write in its last minute is refused
    with pytest.raises(DomainError) as info, uow() as u:
        u.bookings.add(make_booking(cid, start=longest.end - timedelta(minutes=1), minutes=5))
    assert info.value.code is ErrorCode.SLOT_TAKEN


def test_taken_is_occupying_in_short(uow: Uow) -> None:
    cid = seed(uow)
    rows = [make_booking(cid, start=T0 + timedelta(hours=h), status=s)
            for h, s in ((0, BookingStatus.CONFIRMED), (1, BookingStatus.HELD),
                         (2, BookingStatus.CANCELLED), (3, BookingStatus.COMPLETED))]
    rows.append(make_booking(cid, start=T0 + timedelta(hours=4), status=BookingStatus.HELD,
                             hold_until=NOW - timedelta(minutes=1)))  # lapsed: not taken
    with uow() as u:
        for b in rows:
            u.bookings.add(b)
        u.commit()
    day = Interval(T0 - timedelta(days=1), T0 + timedelta(days=1))
    with uow() as u:
        full = [(b.start, b.block) for b in u.bookings.occupying("alice", day, NOW)]
        assert [(t.start, t.block) for t in u.bookings.taken("alice", day, NOW)] == full
        assert [start for start, _ in full] == [rows[0].start, rows[1].start]
