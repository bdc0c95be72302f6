"""Confirmation deadlines: the customer confirms ahead, or the booking is released.

``confirm_attendance`` runs when the customer answers a reminder "C"; ``release_unconfirmed``
is a sweep (the worker's expiry sweep runs it): every booking past its deadline that its
customer was asked about and did not confirm is cancelled in one transaction with its
refund rows (the policy's tier at that instant, as if the customer had cancelled then) and
``SlotFreed``, so the waitlist is offered the slot by the usual path. It locks what it
takes and re-reads the status, so two workers, or running it twice, release once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.booking import SYSTEM, Actor, Booking, BookingStatus
from core.confirmations import RELEASED_BY, confirm_window
from core.errors import DomainError, ErrorCode
from core.events import BookingCancelled
from core.money import Money
from core.payments import cancellation_refund
from core.policy import CancelledBy
from core.ports import UnitOfWork
from core.usecases.booking import freed
from core.usecases.common import owned, record
from core.usecases.refunds import owe_refunds


def confirm_attendance(uow: UnitOfWork, booking_id: str, *, actor: Actor,
                       now: datetime) -> Booking:
    """The customer says they are coming. Repeating it is harmless."""
    with uow:
        booking = owned(uow, booking_id, actor)
        if booking.status is not BookingStatus.CONFIRMED or booking.start <= now:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "that booking is not upcoming")
        if uow.confirmations.record(booking.id, at=now, channel=actor.channel):
            record(uow, before=booking, after=booking, actor=actor,
                   action="booking.attendance_confirmed", now=now)
        uow.commit()
        return booking


def release_unconfirmed(uow: UnitOfWork, *, now: datetime, limit: int = 200) -> list[Booking]:
    """Sweep: release every booking whose confirmation deadline passed unconfirmed."""
    with uow:
        business = uow.business()
        released: list[Booking] = []
        for service in business.services:
            window = confirm_window(service, business.rules)
            if window is None:
                continue
            for due in uow.confirmations.unconfirmed_due(service.key, window=window, now=now,
                                                         limit=limit - len(released)):
                released.append(_release(uow, due, now))
            if len(released) >= limit:
                break
        uow.commit()
        return released


def _release(uow: UnitOfWork, booking: Booking, now: datetime) -> Booking:
    refund = cancellation_refund(
        uow.business().policy, paid=Money(booking.paid_minor, booking.currency),
        refunded=Money(booking.refunded_minor, booking.currency), starts_at=booking.start,
        cancelled_at=now, by=CancelledBy.CUSTOMER)  # their silence, their tier
    after = replace(booking.transition(BookingStatus.CANCELLED),
                    refunded_minor=booking.refunded_minor + refund.amount_minor)
    uow.bookings.update(after)
    record(uow, before=booking, after=after, actor=SYSTEM,
           action="booking.cancelled.unconfirmed", now=now)
    uow.emit([BookingCancelled(after.id, RELEASED_BY, refund.amount_minor), *freed(after, now)])
    owe_refunds(uow, after, refund, now)  # sent by the payments sweep
    return after
