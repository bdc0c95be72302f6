"""The booking entity, its lifecycle, and the audit record each transition leaves."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from core.errors import DomainError, ErrorCode
from core.interval import Interval


class BookingStatus(StrEnum):
    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


# Statuses whose range is taken in the database (the exclusion constraint's WHERE clause).
OCCUPYING = frozenset({BookingStatus.HELD, BookingStatus.CONFIRMED})
# The longest block (appointment plus buffers) an occupying booking may have; the database
# enforces it (migration 0011). It is what lets "bookings overlapping a window" be a range
# on the block's start that an index answers, whatever the provider's history holds.
MAX_BLOCK = timedelta(days=7)

ALLOWED: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.HELD: frozenset({BookingStatus.CONFIRMED, BookingStatus.EXPIRED,
                                   BookingStatus.CANCELLED}),
    BookingStatus.CONFIRMED: frozenset({BookingStatus.CANCELLED, BookingStatus.COMPLETED,
                                        BookingStatus.NO_SHOW}),
    BookingStatus.CANCELLED: frozenset(),
    BookingStatus.EXPIRED: frozenset(),
    BookingStatus.COMPLETED: frozenset(),
    BookingStatus.NO_SHOW: frozenset(),
}


@dataclass(frozen=True)
class Booking:
    id: str
    provider_key: str
    service_key: str
    customer_id: str
    channel: str
    start: datetime  # the appointment itself, UTC
    end: datetime
    block: Interval  # start/end widened by the service's buffers: what the database guards
    status: BookingStatus
    created_at: datetime
    hold_expires_at: datetime | None = None
    series_id: str | None = None
    currency: str = "USD"
    price_minor: int = 0
    due_minor: int = 0  # deposit or prepayment asked for
    paid_minor: int = 0
    refunded_minor: int = 0
    # Classes (core.classes): seats taken in the session ``session_key`` of a service with
    # ``capacity`` seats; the database counts them against it. None for one-to-one bookings.
    seats: int = 1
    session_key: str | None = None
    capacity: int | None = None

    @property
    def appointment(self) -> Interval:
        return Interval(self.start, self.end)

    def occupies(self, now: datetime) -> bool:
        if self.status is BookingStatus.CONFIRMED:
            return True
        return (self.status is BookingStatus.HELD and self.hold_expires_at is not None
                and self.hold_expires_at > now)

    def is_upcoming(self, now: datetime) -> bool:
        return self.start > now and self.occupies(now)

    def transition(self, to: BookingStatus) -> Booking:
        if to not in ALLOWED[self.status]:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              f"a {self.status.value} booking cannot become {to.value}",
                              current=self.status.value, wanted=to.value)
        return replace(self, status=to, hold_expires_at=None if to is not BookingStatus.HELD
                       else self.hold_expires_at)

    def moved(self, start: datetime, end: datetime, block: Interval) -> Booking:
        if self.status not in OCCUPYING:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              f"a {self.status.value} booking cannot be moved")
        return replace(self, start=start, end=end, block=block)


# Crockford's base32: no I, L, O or U, so a code read out or typed is not misread.
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REF_LENGTH = 6


def reference(booking_id: str) -> str:
    """The short code a customer quotes ("K7M2QX"): derived from the id, so it needs no
    column and is the same in every message, the admin and Slack. 32**6 codes make a clash
    among one business's bookings unlikely; it names a booking to a person, never a key."""
    n = int.from_bytes(hashlib.sha256(booking_id.encode()).digest()[:4], "big")
    return "".join(_REF_ALPHABET[(n >> (5 * i)) & 31] for i in range(REF_LENGTH))


_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})  # Crockford's reading rules


def normalised_reference(text: str) -> str | None:
    """``text`` as a reference ("k7m-2qx", "K7M2QX", an O typed for a 0), or None if it
    cannot be one."""
    code = text.strip().lstrip("#").replace("-", "").replace(" ", "").upper().translate(_MISREAD)
    if len(code) != REF_LENGTH or any(ch not in _REF_ALPHABET for ch in code):
        return None
    return code


@dataclass(frozen=True)
class Actor:
    """Who caused a change, and through which channel."""

    kind: str  # "customer" | "provider" | "system"
    id: str
    channel: str  # "telegram" | "sms" | "slack" | "console" | "stripe" | "jobs" | ...


SYSTEM = Actor("system", "system", "jobs")


@dataclass(frozen=True)
class AuditEntry:
    booking_id: str
    at: datetime
    actor: Actor
    action: str  # e.g. "booking.held", "booking.cancelled.by_provider"
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)


def snapshot(b: Booking | None) -> dict[str, str]:
    if b is None:
        return {}
    return {"status": b.status.value, "start": b.start.isoformat(), "end": b.end.isoformat(),
            "provider": b.provider_key, **({"seats": str(b.seats)} if b.session_key else {})}
