"""Recurring series: every occurrence is checked on its own; the customer hears which failed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from core.booking import Actor, Booking, BookingStatus
from core.errors import DomainError, ErrorCode
from core.events import SeriesConfirmed
from core.ports import UnitOfWork
from core.recurrence import weekly_starts
from core.usecases.booking import confirm_held, hold_slot
from core.usecases.common import owned, service_of
from core.usecases.refunds import cancel


@dataclass(frozen=True)
class SeriesOutcome:
    series_id: str
    booked: list[Booking] = field(default_factory=list)
    failed: list[tuple[date, ErrorCode]] = field(default_factory=list)


def book_series(uow: UnitOfWork, *, service_key: str, provider_key: str | None, first_day: date,
                at: time, tz: ZoneInfo, count: int, every_weeks: int = 1, customer_id: str,
                actor: Actor, now: datetime) -> SeriesOutcome:
    """Hold every occurrence that is free (each in its own transaction, so one taken date
    does not sink the rest); ``confirm_series`` confirms them together."""
    with uow:
        service = service_of(uow.business(), service_key)
    if service.amount_due_upfront.amount_minor > 0:
        # One checkout per occurrence would leave later dates unpaid and held; refuse clearly.
        raise DomainError(ErrorCode.SERIES_PREPAID,
                          f"{service.name} is paid in advance, so it is booked one date at a time")
    outcome = SeriesOutcome(series_id=str(uuid.uuid4()))
    starts = weekly_starts(first_day=first_day, at=at, tz=tz, every_weeks=every_weeks,
                           count=count)
    for i, start in enumerate(starts):
        day = first_day.toordinal() + 7 * every_weeks * i
        if start is None:  # the wall time does not exist that day (DST gap)
            outcome.failed.append((date.fromordinal(day), ErrorCode.OUTSIDE_HOURS))
            continue
        try:
            outcome.booked.append(hold_slot(
                uow, service_key=service_key, provider_key=provider_key, start=start,
                customer_id=customer_id, actor=actor, now=now, series_id=outcome.series_id))
        except DomainError as err:
            outcome.failed.append((date.fromordinal(day), err.code))
    return outcome


def confirm_series(uow: UnitOfWork, series_id: str, *, actor: Actor,
                   now: datetime) -> list[Booking]:
    """Confirm every date still held, in one transaction (each row locked in date order).
    Each date keeps its own audit entry and ``BookingConfirmed`` (marked with the series, so
    it sends no confirmation of its own), and one ``SeriesConfirmed`` tells each person once,
    listing the dates. Reminders and calendar sync follow the bookings themselves."""
    with uow:
        done = []
        for b in uow.bookings.in_series(series_id):
            if b.status is not BookingStatus.HELD:
                continue
            held = owned(uow, b.id, actor)  # under its row lock: the status read again
            if held.status is BookingStatus.HELD:
                done.append(confirm_held(uow, held, actor=actor, now=now, series_id=series_id))
        if done:
            uow.emit([SeriesConfirmed(done[0].id, series_id, tuple(b.id for b in done))])
        uow.commit()
    return done


def cancel_series(uow: UnitOfWork, series_id: str, *, from_start: datetime, actor: Actor,
                  now: datetime) -> list[Booking]:
    """Cancel this occurrence and the rest of the series (``from_start`` onwards)."""
    with uow:
        todo = [b for b in uow.bookings.in_series(series_id)
                if b.start >= from_start and b.status in (BookingStatus.HELD,
                                                          BookingStatus.CONFIRMED)]
    return [cancel(uow, b.id, actor=actor, now=now).booking for b in todo]
