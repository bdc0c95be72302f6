"""After the booking exists: moving it, closing it, and sweeping lapsed holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.booking import Actor, Booking, BookingStatus
from core.classes import seat_fields
from core.errors import DomainError, ErrorCode
from core.events import BookingRescheduled, HoldExpired
from core.fees import FeeKind
from core.ports import UnitOfWork
from core.timeutil import require_aware
from core.usecases.booking import freed
from core.usecases.common import (
    block_of,
    candidates,
    expire,
    expire_in_the_way,
    owned,
    record,
    service_of,
    validate_under_lock,
)
from core.usecases.fees import owe_fee
from core.usecases.resources import take_resources


def reschedule(uow: UnitOfWork, booking_id: str, *, new_start: datetime, actor: Actor,
               now: datetime, provider_key: str | None = None,
               hold_id: str | None = None) -> Booking:
    """Move a booking atomically: the new range is taken and the old released in one
    UPDATE of one row, so either both happen or neither does. ``hold_id``: the customer's
    hold on the new slot (taken while they confirmed the move), given up in the same
    transaction, so nobody else can take the slot in between."""
    require_aware(new_start)
    with uow:
        before = owned(uow, booking_id, actor)
        if before.start <= now:
            raise DomainError(ErrorCode.IN_THE_PAST, "that appointment has already started")
        business = uow.business()
        service = service_of(business, before.service_key)
        target = provider_key or before.provider_key
        candidates(business, service.key, target)
        if hold_id is not None:
            _use_hold(uow, hold_id, actor=actor, now=now, provider_key=target,
                      start=new_start)
        stale = validate_under_lock(uow, business, service, provider_key=target,
                                    start=new_start, now=now, moving=before.id,
                                    seats=before.seats)
        expire_in_the_way(uow, stale, now)
        end, block = block_of(service, new_start)
        seat = seat_fields(service, provider_key=target, start=new_start, seats=before.seats)
        # A class booking moves to the new session: the database counts its seats there.
        after = replace(before.moved(new_start, end, block), provider_key=target,
                        session_key=seat.session_key, capacity=seat.capacity)
        rooms = uow.resources.of_booking(before.id) if service.requires else {}
        uow.resources.release(before.id)  # taken afresh at the new time (its own if free)
        uow.bookings.update(after)  # the database refuses an overlap here: slot_taken
        take_resources(uow, business, service, after, now, prefer=rooms)
        record(uow, before=before, after=after, actor=actor, action="booking.rescheduled",
               now=now)
        uow.emit([BookingRescheduled(after.id, before.start, after.start), *freed(before, now)])
        uow.commit()
        return after


def _use_hold(uow: UnitOfWork, hold_id: str, *, actor: Actor, now: datetime,
              provider_key: str, start: datetime) -> None:
    """End the customer's hold on the slot the booking moves to, inside the move's
    transaction. The provider is locked first (the order hold_slot and the sweeps use), so
    a competing hold waits for this move and then finds the slot taken. A hold that is no
    longer held (expired, released) or is for another slot is left alone: the move then
    stands on its own checks."""
    uow.lock_provider(provider_key)
    hold = owned(uow, hold_id, actor)
    if (hold.status is not BookingStatus.HELD or hold.paid_minor > 0
            or hold.provider_key != provider_key or hold.start != start):
        return
    used = hold.transition(BookingStatus.CANCELLED)
    uow.bookings.update(used)
    record(uow, before=hold, after=used, actor=actor, action="booking.hold_used_for_move",
           now=now)


def _close(uow: UnitOfWork, booking_id: str, *, to: BookingStatus, actor: Actor,
           now: datetime) -> Booking:
    with uow:
        before = owned(uow, booking_id, actor)
        if before.status is to:
            return before
        if before.start > now:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              f"cannot mark {to.value} before the appointment starts")
        after = before.transition(to)
        uow.bookings.update(after)
        record(uow, before=before, after=after, actor=actor, action=f"booking.{to.value}",
               now=now)
        if to is BookingStatus.NO_SHOW:  # owed with the mark, charged after (core.fees)
            owe_fee(uow, after, FeeKind.NO_SHOW, now=now,
                    kept_minor=after.paid_minor - after.refunded_minor)
        uow.commit()
        return after


def complete(uow: UnitOfWork, booking_id: str, *, actor: Actor, now: datetime) -> Booking:
    return _close(uow, booking_id, to=BookingStatus.COMPLETED, actor=actor, now=now)


def mark_no_show(uow: UnitOfWork, booking_id: str, *, actor: Actor, now: datetime) -> Booking:
    return _close(uow, booking_id, to=BookingStatus.NO_SHOW, actor=actor, now=now)


def expire_holds(uow: UnitOfWork, *, now: datetime, limit: int = 200) -> list[Booking]:
    """Sweep: every lapsed hold becomes expired and its slot is announced as free.
    Safe to run twice or on two workers: the repository locks and re-reads the rows."""
    with uow:
        expired = []
        for hold in uow.bookings.expired_holds(now, limit):
            done = expire(uow, hold, now)
            uow.emit([HoldExpired(done.id), *freed(done, now)])
            expired.append(done)
        uow.commit()
        return expired
