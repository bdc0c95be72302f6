"""Finding slots, holding one, confirming it, cancelling it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.availability import Slot, free_slots
from core.booking import Actor, Booking, BookingStatus
from core.classes import check_seats, seat_fields
from core.errors import DomainError, ErrorCode
from core.events import BookingConfirmed, Event, SlotFreed, SlotHeld
from core.interval import Interval
from core.model import Business, Service
from core.money import Money
from core.payments import cancellation_refund
from core.policy import CancelledBy
from core.ports import UnitOfWork
from core.timeutil import require_aware
from core.usecases.common import (
    block_of,
    candidates,
    contexts,
    expire_in_the_way,
    owned,
    record,
    service_of,
    validate_under_lock,
)
from core.usecases.resources import free_of_resources, take_resources

# Stripe Checkout sessions live at least 30 minutes; a paying customer's hold must outlive it.
MIN_PAYMENT_HOLD = timedelta(minutes=30)


@dataclass(frozen=True)
class CancelOutcome:
    booking: Booking
    refund: Money
    fee_ids: tuple[str, ...] = ()  # a late-cancellation fee to charge after commit
    fee_minor: int = 0


def available_slots(uow: UnitOfWork, *, service_key: str, provider_key: str | None,
                    window: Interval, now: datetime) -> list[Slot]:
    with uow:
        business = uow.business()
        service_of(business, service_key)
        taken, busy = contexts(uow, candidates(business, service_key, provider_key), window, now)
        slots = free_slots(business=business, service_key=service_key,
                           provider_key=provider_key, window=window, now=now, taken=taken,
                           busy=busy)
        return free_of_resources(uow, business, service_of(business, service_key), slots,
                                 window=window, now=now)


def _new_hold(business: Business, service: Service, *, provider_key: str, start: datetime,
              customer_id: str, channel: str, now: datetime, series_id: str | None,
              seats: int = 1) -> Booking:
    end, block = block_of(service, start)
    fields = seat_fields(service, provider_key=provider_key, start=start, seats=seats)
    hold_for = business.rules.hold_duration
    if fields.due_minor > 0 or service.card_required:  # a checkout page will follow
        hold_for = max(hold_for, MIN_PAYMENT_HOLD)
    return Booking(
        id=str(uuid.uuid4()), provider_key=provider_key, service_key=service.key,
        customer_id=customer_id, channel=channel, start=start, end=end, block=block,
        status=BookingStatus.HELD, created_at=now, hold_expires_at=now + hold_for,
        series_id=series_id, currency=service.price.currency,
        price_minor=fields.price_minor, due_minor=fields.due_minor, seats=fields.seats,
        session_key=fields.session_key, capacity=fields.capacity,
    )


def _pick_provider(uow: UnitOfWork, business: Business, service: Service, *,
                   provider_key: str | None, start: datetime, now: datetime,
                   seats: int = 1) -> str:
    first_error: DomainError | None = None
    for key in candidates(business, service.key, provider_key):
        try:
            stale = validate_under_lock(uow, business, service, provider_key=key,
                                        start=start, now=now, seats=seats)
        except DomainError as err:
            first_error = first_error or err
            continue
        expire_in_the_way(uow, stale, now)
        return key
    raise first_error or DomainError(ErrorCode.PROVIDER_DOES_NOT_OFFER,
                                     f"nobody offers {service.name}")


def hold_slot(uow: UnitOfWork, *, service_key: str, provider_key: str | None, start: datetime,
              customer_id: str, actor: Actor, now: datetime,
              series_id: str | None = None, seats: int = 1) -> Booking:
    """Reserve a slot (or ``seats`` seats of a class) for a few minutes while the customer
    confirms (or pays)."""
    require_aware(start)
    with uow:
        business = uow.business()
        service = service_of(business, service_key)
        check_seats(service, seats)
        chosen = _pick_provider(uow, business, service, provider_key=provider_key,
                                start=start, now=now, seats=seats)
        hold = _new_hold(business, service, provider_key=chosen, start=start,
                         customer_id=customer_id, channel=actor.channel, now=now,
                         series_id=series_id, seats=seats)
        # The database refuses an overlap (slot_taken) and a seat past capacity (class_full).
        uow.bookings.add(hold)
        take_resources(uow, business, service, hold, now)  # a room, a machine: same transaction
        record(uow, before=None, after=hold, actor=actor, action="booking.held", now=now)
        uow.emit([SlotHeld(hold.id, hold.hold_expires_at or now)])
        uow.commit()
        return hold


def confirm(uow: UnitOfWork, booking_id: str, *, actor: Actor, now: datetime,
            paid_minor: int = 0) -> Booking:
    """Held -> confirmed. A lapsed hold that nobody displaced still owns its range in the
    database, so it can still be confirmed; one already expired cannot."""
    with uow:
        held = owned(uow, booking_id, actor)
        if held.status is BookingStatus.EXPIRED:
            raise DomainError(ErrorCode.HOLD_EXPIRED, "the hold on that slot ran out")
        if held.status is BookingStatus.CONFIRMED:
            return held  # confirming twice is a retry, not an error
        booking = confirm_held(uow, held, actor=actor, now=now, paid_minor=paid_minor)
        uow.commit()
        return booking


def confirm_held(uow: UnitOfWork, held: Booking, *, actor: Actor, now: datetime,
                 paid_minor: int = 0, series_id: str | None = None) -> Booking:
    """The transition itself, inside the caller's transaction (``held`` read under its row
    lock): the row, its audit entry and its ``BookingConfirmed`` (``series_id``: confirmed
    with its series, which tells people once; see ``core.events.BookingConfirmed``)."""
    booking = replace(held.transition(BookingStatus.CONFIRMED),
                      paid_minor=held.paid_minor + paid_minor)
    uow.bookings.update(booking)
    record(uow, before=held, after=booking, actor=actor, action="booking.confirmed", now=now)
    uow.emit([BookingConfirmed(booking.id, series_id=series_id)])
    return booking


def release_hold(uow: UnitOfWork, booking_id: str, *, actor: Actor, now: datetime) -> bool:
    """The customer walked away from "Confirm?": their unpaid hold ends now instead of at its
    expiry, so the slot is free for the next customer (and the waitlist) at once. Anything
    but a held, unpaid booking is left alone (a retry, or a hold already confirmed or paid
    for); returns whether a hold was released."""
    with uow:
        held = owned(uow, booking_id, actor)
        if held.status is not BookingStatus.HELD or held.paid_minor > 0:
            return False
        released = held.transition(BookingStatus.CANCELLED)
        uow.bookings.update(released)
        record(uow, before=held, after=released, actor=actor, action="booking.hold_released",
               now=now)
        uow.emit(freed(released, now))
        uow.commit()
        return True


def cancelled_by(actor: Actor) -> CancelledBy:
    by = {"customer": CancelledBy.CUSTOMER, "provider": CancelledBy.PROVIDER}
    return by.get(actor.kind, CancelledBy.SYSTEM)


def refund_quote(business: Business, booking: Booking, *, actor: Actor, now: datetime) -> Money:
    """What cancelling now would refund: shown to the customer before they confirm, and
    exactly what the cancellation then records (one computation for both)."""
    return cancellation_refund(
        business.policy, paid=Money(booking.paid_minor, booking.currency),
        refunded=Money(booking.refunded_minor, booking.currency), starts_at=booking.start,
        cancelled_at=now, by=cancelled_by(actor))


def freed(booking: Booking, now: datetime) -> list[Event]:
    if booking.start <= now:
        return []
    return [SlotFreed(booking.id, booking.provider_key, booking.service_key,
                      booking.start, booking.end)]
