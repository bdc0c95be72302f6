"""Classes: one session, many customers, a fixed number of seats.

A class booking is an ordinary booking row that takes ``seats`` seats of the session
``session_key`` (service, provider and start instant). Bookings of one session share its
time range; everything else (another session, a one-to-one booking) is refused on overlap
exactly as before. The database counts the seats against the capacity (migration 0012);
this module only decides which session a booking belongs to and what is left.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import Provider, Service
from core.timeutil import local_instant


def session_key(service_key: str, provider_key: str, start: datetime) -> str:
    """Stable across processes and zones: the start in UTC to the minute."""
    return f"{service_key}|{provider_key}|{start.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


def _prefix(service_key: str, provider_key: str) -> str:
    return f"{service_key}|{provider_key}|"


@dataclass(frozen=True)
class SeatTaken:
    """What availability needs of another booking of the same class."""

    session: str
    block: Interval
    seats: int


@dataclass(frozen=True)
class ClassView:
    """The class's own sessions among what a provider has taken."""

    sessions: dict[str, tuple[Interval, int]]  # session key -> (block, seats taken)

    def used(self, key: str) -> int:
        entry = self.sessions.get(key)
        return 0 if entry is None else entry[1]

    def clashes(self, key: str, block: Interval) -> bool:
        """Another session of this class overlaps ``block`` (a session of 90 min every hour)."""
        return any(k != key and b.overlaps(block) for k, (b, _) in self.sessions.items())


def class_view(seats: Sequence[SeatTaken], service: Service, provider_key: str) -> ClassView:
    prefix = _prefix(service.key, provider_key)
    sessions: dict[str, tuple[Interval, int]] = {}
    for s in seats:
        if s.session.startswith(prefix):
            block, used = sessions.get(s.session, (s.block, 0))
            sessions[s.session] = (block, used + s.seats)
    return ClassView(sessions)


def is_own_session(session: str | None, service: Service, provider_key: str) -> bool:
    return session is not None and session.startswith(_prefix(service.key, provider_key))


def is_session_of(session: str | None, service: Service) -> bool:
    """A session of this class, with any provider (they may share one room)."""
    return session is not None and session.startswith(f"{service.key}|")


def timetable_starts(provider: Provider, service: Service, day: date) -> Iterator[datetime]:
    """The day's class starts from the timetable (a skipped wall time has no class)."""
    for ct in service.timetable:
        if ct.weekday == day.weekday():
            instant = local_instant(day, ct.at, provider.tz)
            if instant is not None:
                yield instant


def check_seats(service: Service, seats: int) -> None:
    """A one-to-one booking is one seat; a class booking 1..max_seats."""
    limit = service.max_seats if service.is_class else 1
    if seats < 1 or seats > limit:
        raise DomainError(ErrorCode.TOO_MANY_SEATS,
                          f"one booking may hold 1 to {limit} seat(s)", limit=limit)


@dataclass(frozen=True)
class SeatFields:
    seats: int
    session_key: str | None
    capacity: int | None
    price_minor: int
    due_minor: int


def seat_fields(service: Service, *, provider_key: str, start: datetime,
                seats: int = 1) -> SeatFields:
    """The booking's class columns and its amounts (price and what is due, per seat)."""
    check_seats(service, seats)
    due = service.amount_due_upfront.amount_minor * seats
    price = service.price.amount_minor * seats
    if not service.is_class:
        return SeatFields(1, None, None, price, due)
    return SeatFields(seats, session_key(service.key, provider_key, start), service.capacity,
                      price, due)
