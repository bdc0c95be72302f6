"""Confirmation deadlines: a booking the customer must confirm by some time before its start.

A service (or the whole business, ``rules.confirm_by``) may ask for it. The reminders sent
before the deadline ask the customer to confirm; a booking still unconfirmed when the
deadline passes is released (refunded as the policy gives at that instant) and its slot
goes to the waitlist. Only bookings whose customer was asked -- a reminder before the
deadline actually went out -- are ever released, and a booking made after the deadline
has passed counts as confirmed (the customer just chose it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from core.booking import Booking
from core.model import Rules, Service

RELEASED_BY = "unconfirmed"  # BookingCancelled.by for a booking released at its deadline


def confirm_window(service: Service | None, rules: Rules) -> timedelta | None:
    """How long before the start the customer must have confirmed; None: never asked."""
    if service is not None and service.confirm_by is not None:
        return service.confirm_by
    return rules.confirm_by


def deadline(booking: Booking, window: timedelta | None) -> datetime | None:
    return None if window is None else booking.start - window


def asks_to_confirm(window: timedelta | None, offset: timedelta | None) -> bool:
    """A reminder this long before the start comes before the deadline: it asks."""
    return window is not None and offset is not None and offset > window


class ConfirmationRepository(Protocol):
    def record(self, booking_id: str, *, at: datetime, channel: str) -> bool:
        """The customer confirmed; False when it was recorded before."""

    def confirmed_at(self, booking_id: str) -> datetime | None: ...

    def unconfirmed_due(self, service_key: str, *, window: timedelta, now: datetime,
                        limit: int) -> list[Booking]:
        """Confirmed bookings of ``service_key`` whose deadline has passed and whose start
        has not, that the customer was asked about (a reminder with an offset longer than
        ``window`` was sent) and did not confirm, booked before their deadline; locked,
        rows another sweeper holds skipped."""
