"""The booking lifecycle: allowed and forbidden transitions."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest

from core.booking import ALLOWED, OCCUPYING, Booking, BookingStatus, snapshot
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from tests.core.conftest import utc

S = BookingStatus
START = utc(2026, 6, 10, 15)
NOW = utc(2026, 6, 1, 12)

EXPECTED_ALLOWED = {
    (S.HELD, S.CONFIRMED), (S.HELD, S.EXPIRED), (S.HELD, S.CANCELLED),
    (S.CONFIRMED, S.CANCELLED), (S.CONFIRMED, S.COMPLETED), (S.CONFIRMED, S.NO_SHOW),
}


def booking(status: BookingStatus = S.HELD, *, expires_in: timedelta | None = None) -> Booking:
    end = START + timedelta(minutes=30)
    return Booking(id="b1", provider_key="ana", service_key="cut", customer_id="c1",
                   channel="telegram", start=START, end=end,
                   block=Interval(START - timedelta(minutes=5), end + timedelta(minutes=10)),
                   status=status, created_at=NOW,
                   hold_expires_at=None if expires_in is None else NOW + expires_in)


def test_the_table_is_exactly_the_expected_one() -> None:
    table = {(a, b) for a, targets in ALLOWED.items() for b in targets}
    assert table == EXPECTED_ALLOWED
    assert set(ALLOWED) == set(S)


@pytest.mark.parametrize(("src", "dst"), sorted(EXPECTED_ALLOWED))
def test_allowed_transitions(src: BookingStatus, dst: BookingStatus) -> None:
    moved = booking(src, expires_in=timedelta(minutes=10)).transition(dst)
    assert moved.status is dst
    assert moved.hold_expires_at is None  # only a hold has an expiry


@pytest.mark.parametrize(("src", "dst"),
                         sorted(set(product(S, S)) - EXPECTED_ALLOWED))
def test_forbidden_transitions(src: BookingStatus, dst: BookingStatus) -> None:
    with pytest.raises(DomainError) as info:
        booking(src).transition(dst)
    assert info.value.code is ErrorCode.INVALID_TRANSITION
    assert info.value.details == {"current": src.value, "wanted": dst.value}


def test_occupies_while_confirmed_or_held_and_unexpired() -> None:
    assert booking(S.CONFIRMED).occupies(NOW)
    held = booking(S.HELD, expires_in=timedelta(minutes=10))
    assert held.occupies(NOW)
    assert not held.occupies(NOW + timedelta(minutes=10))  # expiry is exclusive
    assert not booking(S.HELD).occupies(NOW)  # a hold without expiry never blocks
    assert not booking(S.CANCELLED).occupies(NOW)
    assert {S.HELD, S.CONFIRMED} == OCCUPYING


def test_upcoming() -> None:
    assert booking(S.CONFIRMED).is_upcoming(NOW)
    assert not booking(S.CONFIRMED).is_upcoming(START)


def test_move_only_while_occupying() -> None:
    new_start = START + timedelta(hours=1)
    new_end = new_start + timedelta(minutes=30)
    block = Interval(new_start, new_end)
    moved = booking(S.CONFIRMED).moved(new_start, new_end, block)
    assert (moved.start, moved.end, moved.block, moved.appointment) == (
        new_start, new_end, block, Interval(new_start, new_end))
    with pytest.raises(DomainError) as info:
        booking(S.CANCELLED).moved(new_start, new_end, block)
    assert info.value.code is ErrorCode.INVALID_TRANSITION


def test_snapshot() -> None:
    assert snapshot(None) == {}
    assert snapshot(booking(S.CONFIRMED)) == {"status": "confirmed", "start": START.isoformat(),
                                             "end": (START + timedelta(minutes=30)).isoformat(),
                                             "provider": "ana"}
