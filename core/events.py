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
    """``series_id`` is set when the date was confirmed together with the rest of its
    recurring series: the same transaction emits one ``SeriesConfirmed``, which tells the
    people concerned once, so this event's own confirmation message is left out (everything
    else it drives stays per booking)."""

    series_id: str | None = None


@dataclass(frozen=True)
class SeriesConfirmed(Event):
    """Dates of one recurring series confirmed together (``booking_id``: the first of
    ``booking_ids``). One message per recipient lists them (``core.series_notices``)."""

    series_id: str
    booking_ids: tuple[str, ...]
    # Dates of the series that could not be kept (their hold lapsed and the slot was gone
    # by the time the card was saved): the customer is told which, in the same message.
    lost_starts: tuple[datetime, ...] = ()


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
