"""Things that happened, for the outbox and the waitlist. Past tense, small and frozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Event:
    booking_id: str


@dataclass(frozen=True)
class SlotHeld(Event):
    expires_at: datetime


@dataclass(frozen=True)
class BookingConfirmed(Event):
    pass


@dataclass(frozen=True)
class BookingCancelled(Event):
    by: str
    refund_minor: int


@dataclass(frozen=True)
class BookingRescheduled(Event):
    old_start: datetime
    new_start: datetime


@dataclass(frozen=True)
class HoldExpired(Event):
    pass


@dataclass(frozen=True)
class SlotFreed(Event):
    """A range became free: the waitlist should hear about it."""

    provider_key: str
    service_key: str
    start: datetime
    end: datetime
