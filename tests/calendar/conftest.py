"""Fixtures for calendar adapter tests: bookings, an httpx client, fakes behind real sockets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from core.booking import Booking, BookingStatus
from core.interval import Interval
from tests.calendar.fake_google import FakeGoogle
from tests.calendar.fake_graph import FakeGraph
from tests.calendar.httpserver import LocalServer

SHORT_TIMEOUT_S = 0.2  # the client timeout of the "slow server" tests
DATA = Path(__file__).parent / "data"
BOOKING_ID = "3f1c2b9e-8d4a-4e61-9c55-0a7b1d2e3f40"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_booking(start: datetime, minutes: int = 60, *, booking_id: str = BOOKING_ID,
                 status: BookingStatus = BookingStatus.CONFIRMED) -> Booking:
    end = start + timedelta(minutes=minutes)
    return Booking(id=booking_id, provider_key="anna", service_key="haircut",
                   customer_id="cust-1", channel="telegram", start=start, end=end,
                   block=Interval(start - timedelta(minutes=10), end + timedelta(minutes=10)),
                   status=status, created_at=start - timedelta(days=3))


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    # Generous, so a loaded machine never fails an ordinary call; the "slow server" tests
    # shorten it to SHORT_TIMEOUT_S against a server that stalls far longer.
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def google() -> Iterator[tuple[FakeGoogle, LocalServer]]:
    fake = FakeGoogle()
    with LocalServer(fake) as server:
        yield fake, server


@pytest.fixture
def graph() -> Iterator[tuple[FakeGraph, LocalServer]]:
    fake = FakeGraph()
    with LocalServer(fake) as server:
        yield fake, server


@pytest.fixture
def read_fixture() -> Callable[[str], str]:
    return lambda name: (DATA / name).read_text(encoding="utf-8")
