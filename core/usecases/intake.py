"""Intake answers on a booking: kept while booking, changed by the customer until the start,
and the hold kept alive while the questions are answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from core.booking import Actor, Booking, BookingStatus
from core.errors import DomainError, ErrorCode
from core.intake import IntakeUpdated, snapshot
from core.ports import UnitOfWork
from core.usecases.common import owned, record, service_of

_OPEN = frozenset({BookingStatus.HELD, BookingStatus.CONFIRMED})


def save_answers(uow: UnitOfWork, booking_id: str, *, given: Sequence[tuple[str, str]],
                 actor: Actor, now: datetime, changed: bool = False) -> Booking:
    """Store the answers (key, value) on the customer's booking with the questions' text as
    it is now. ``changed``: an edit after booking (audited, and the provider is told).
    Refused once the appointment has started, or for a booking no longer live."""
    with uow:
        booking = _store(uow, booking_id, given=given, actor=actor, now=now)
        if changed:
            record(uow, before=booking, after=booking, actor=actor,
                   action="booking.intake_updated", now=now)
            uow.emit([IntakeUpdated(booking.id, now)])
        uow.commit()
        return booking


def save_series_answers(uow: UnitOfWork, booking_ids: Sequence[str], *,
                        given: Sequence[tuple[str, str]], actor: Actor,
                        now: datetime) -> list[Booking]:
    """A recurring series asks its questions once: the same answers are stored on every
    date's hold, in one transaction (every date has them, or none does), before the series
    is confirmed or its card page opened."""
    with uow:
        done = [_store(uow, b, given=given, actor=actor, now=now) for b in booking_ids]
        uow.commit()
        return done


def _store(uow: UnitOfWork, booking_id: str, *, given: Sequence[tuple[str, str]],
           actor: Actor, now: datetime) -> Booking:
    """The answers on one live booking of the customer's, inside the caller's transaction."""
    booking = owned(uow, booking_id, actor)
    if booking.start <= now:
        raise DomainError(ErrorCode.INTAKE_CLOSED, "the appointment has started")
    if booking.status is BookingStatus.EXPIRED:  # the hold lapsed and was taken over
        raise DomainError(ErrorCode.HOLD_EXPIRED, "the hold on that slot ran out")
    if booking.status not in _OPEN:
        raise DomainError(ErrorCode.UNKNOWN_BOOKING, "that booking is no longer live")
    service = service_of(uow.business(), booking.service_key)
    uow.intake.save(booking.id, snapshot(service.questions, given), at=now)
    return booking


def keep_hold(uow: UnitOfWork, booking_id: str, *, actor: Actor, now: datetime) -> Booking | None:
    """The customer is answering intake questions on a held slot: push its expiry to a full
    ``rules.hold`` from now, so it does not lapse while they type. A hold that already ended
    (expired, released) is left alone; the confirm then says it ran out."""
    with uow:
        held = owned(uow, booking_id, actor)
        if held.status is not BookingStatus.HELD or held.hold_expires_at is None:
            return None
        until = max(held.hold_expires_at, now + uow.business().rules.hold_duration)
        if until == held.hold_expires_at:
            return held
        kept = replace(held, hold_expires_at=until)
        uow.bookings.update(kept)
        uow.commit()
        return kept
