"""The database itself refuses double booking (exclusion constraint / triggers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from core.booking import Booking, BookingStatus
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from db.uow import SqlUnitOfWork
from tests.db.helpers import NOW, T0, make_booking, seed

Uow = Callable[[], SqlUnitOfWork]
MIN = timedelta(minutes=1)


def _add(uow: Uow, booking: Booking) -> None:
    with uow() as u:
        u.bookings.add(booking)
        u.commit()


def _refused(uow: Uow, booking: Booking) -> None:
    with pytest.raises(DomainError) as info:
        _add(uow, booking)
    assert info.value.code is ErrorCode.SLOT_TAKEN


@pytest.mark.parametrize("status", [BookingStatus.HELD, BookingStatus.CONFIRMED])
def test_overlapping_insert_is_refused(uow: Uow, status: BookingStatus) -> None:
    cid = seed(uow)
    _add(uow, make_booking(cid, status=status))
    _refused(uow, make_booking(cid, start=T0 + 15 * MIN, status=BookingStatus.HELD))
    _refused(uow, make_booking(cid, start=T0 - 15 * MIN))
    _refused(uow, make_booking(cid, start=T0 + 5 * MIN, minutes=5))  # inside


def test_overlapping_update_is_refused(uow: Uow) -> None:
    cid = seed(uow)
    first, second = make_booking(cid), make_booking(cid, start=T0 + 60 * MIN)
    _add(uow, first)
    _add(uow, second)
    moved = second.moved(T0 + 20 * MIN, T0 + 50 * MIN, Interval(T0 + 20 * MIN, T0 + 50 * MIN))
    with pytest.raises(DomainError) as info, uow() as u:
        u.bookings.update(moved)
    assert info.value.code is ErrorCode.SLOT_TAKEN
    with uow() as u:  # moving within its own old range is fine (it does not clash with itself)
        u.bookings.update(second.moved(T0 + 45 * MIN, T0 + 75 * MIN,
                                       Interval(T0 + 45 * MIN, T0 + 75 * MIN)))
        u.commit()


def test_reviving_a_cancelled_row_into_a_taken_range_is_refused(uow: Uow) -> None:
    cid = seed(uow)
    _add(uow, make_booking(cid))
    ghost = make_booking(cid, status=BookingStatus.CANCELLED)
    _add(uow, ghost)  # cancelled rows never block, nor are blocked
    with pytest.raises(DomainError) as info, uow() as u:
        u.bookings.update(replace(ghost, status=BookingStatus.CONFIRMED))
    assert info.value.code is ErrorCode.SLOT_TAKEN


def test_back_to_back_allowed_when_buffers_permit(uow: Uow) -> None:
    cid = seed(uow)
    _add(uow, make_booking(cid, minutes=30, after=10))  # block 09:00-09:40
    _add(uow, make_booking(cid, start=T0 + 40 * MIN))  # block 09:40-10:10: touches, fine
    _add(uow, make_booking(cid, start=T0 - 30 * MIN))  # 08:30-09:00: touches, fine


def test_buffers_overlapping_is_refused(uow: Uow) -> None:
    cid = seed(uow)
    _add(uow, make_booking(cid, minutes=30, after=10))  # block 09:00-09:40
    # appointments 09:00-09:30 and 09:35-10:05 do not overlap, but the blocks do
    _refused(uow, make_booking(cid, start=T0 + 35 * MIN))
    # and a buffer before reaching back into the first block
    _refused(uow, make_booking(cid, start=T0 + 45 * MIN, before=10))


@pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.EXPIRED,
                                    BookingStatus.COMPLETED, BookingStatus.NO_SHOW])
def test_non_occupying_rows_do_not_block(uow: Uow, status: BookingStatus) -> None:
    cid = seed(uow)
    _add(uow, make_booking(cid, status=status))
    _add(uow, make_booking(cid))


def test_different_providers_do_not_conflict(uow: Uow) -> None:
    cid = seed(uow)
    _add(uow, make_booking(cid, provider="alice"))
    _add(uow, make_booking(cid, provider="bob"))


def test_stale_hold_blocks_until_expired(uow: Uow) -> None:
    cid = seed(uow)
    stale = make_booking(cid, status=BookingStatus.HELD, hold_until=NOW - MIN)
    _add(uow, stale)
    _refused(uow, make_booking(cid))
    with uow() as u:  # what the service does first, in the same transaction
        window = Interval(T0, T0 + 30 * MIN)
        for hold in u.bookings.stale_holds("alice", window, NOW):
            u.bookings.update(hold.transition(BookingStatus.EXPIRED))
        u.bookings.add(make_booking(cid))
        u.commit()
