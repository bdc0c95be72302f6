"""Waitlist backfill: a freed slot is offered to the first matching waitlisted customer by
HOLDING it for them for ``rules.waitlist_offer_window``.

The hold is the guard. It is an ordinary held booking, so the database refuses a second
hold (or any booking) on the same range: a slot can never be held by two offers at once,
and nobody is offered a slot that has already gone (the hold insert fails, no offer).

* accept (customer says yes)  -> the hold is confirmed (or kept held for payment);
* decline (no) or timeout     -> the hold expires and ``SlotFreed`` is emitted, which the
  outbox dispatcher turns into the next ``offer_freed_slot``; customers already offered
  this slot are skipped, so the offer passes down the line.
Lock order everywhere: the offer row, then the booking row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.availability import Slot
from core.booking import Actor, Booking, BookingStatus
from core.classes import seat_fields
from core.errors import DomainError, ErrorCode
from core.events import BookingConfirmed, Event, HoldExpired, SlotFreed, SlotHeld
from core.model import Business, Service
from core.notifications import Recipient, WaitlistOffered, in_quiet_hours
from core.ports import UnitOfWork
from core.usecases.booking import MIN_PAYMENT_HOLD, freed
from core.usecases.common import (
    block_of,
    expire,
    expire_in_the_way,
    owned,
    record,
    validate_under_lock,
)
from core.usecases.resources import take_resources
from core.waitlist import WaitlistEntry, matching_entries


class OfferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


@dataclass(frozen=True)
class WaitlistOffer:
    id: str
    entry_id: str
    customer_id: str
    channel: str
    booking_id: str  # the hold that reserves the slot while the customer decides
    provider_key: str
    service_key: str
    start: datetime
    end: datetime
    status: OfferStatus
    offered_at: datetime
    expires_at: datetime
    decided_at: datetime | None = None


class OfferRepository(Protocol):
    def add(self, offer: WaitlistOffer) -> None: ...

    def get(self, offer_id: str, *, for_update: bool = False) -> WaitlistOffer | None: ...

    def update(self, offer: WaitlistOffer) -> None: ...

    def offered_entries(self, provider_key: str, start: datetime) -> set[str]:
        """Waitlist entry ids already offered this slot (any outcome)."""

    def open_for_customer(self, customer_id: str) -> list[WaitlistOffer]: ...

    def lapsed(self, now: datetime, limit: int) -> list[WaitlistOffer]:
        """Open offers whose window has passed, locked (skipping rows another sweep holds)."""

    def recipients(self, customer_ids: Iterable[str]) -> dict[str, Recipient]:
        """How to reach each customer (channel, zone, opt-out); unknown ids are left out."""


class OfferUnitOfWork(UnitOfWork, Protocol):
    offers: OfferRepository


def _reachable(entries: list[WaitlistEntry], who: dict[str, Recipient],
               now: datetime) -> list[WaitlistEntry]:
    """Opted-out customers are never offered anything; SMS customers are passed over while
    it is quiet hours where they are (an offer that must be answered within minutes is
    no use at 3 am); they stay on the list for the next slot."""
    out = []
    for e in entries:
        r = who.get(e.customer_id)
        if r is None or r.opted_out or (r.quiet_hours and in_quiet_hours(now, r.tz)):
            continue
        out.append(e)
    return out


def _candidates(uow: OfferUnitOfWork, slot: Slot, service: Service,
                now: datetime) -> list[WaitlistEntry]:
    entries = matching_entries(uow.waitlist.waiting(service.key), slot, service.key)
    seen = uow.offers.offered_entries(slot.provider_key, slot.start)
    fresh = [e for e in entries if e.id not in seen]
    return _reachable(fresh, uow.offers.recipients({e.customer_id for e in fresh}), now)


def _hold_for(business: Business, service: Service, entry: WaitlistEntry, slot: Slot,
              now: datetime) -> Booking:
    end, block = block_of(service, slot.start)
    seat = seat_fields(service, provider_key=slot.provider_key, start=slot.start)
    return Booking(
        id=str(uuid.uuid4()), provider_key=slot.provider_key, service_key=service.key,
        customer_id=entry.customer_id, channel=entry.channel, start=slot.start, end=end,
        block=block, status=BookingStatus.HELD, created_at=now,
        hold_expires_at=now + business.rules.waitlist_offer_window,
        currency=service.price.currency, price_minor=seat.price_minor,
        due_minor=seat.due_minor, seats=seat.seats, session_key=seat.session_key,
        capacity=seat.capacity)


def offer_freed_slot(uow: OfferUnitOfWork, freed_slot: SlotFreed, *,
                     now: datetime) -> WaitlistOffer | None:
    """Hold the freed slot for the first matching, reachable waitlisted customer.

    Returns None when nobody matches or the slot can no longer be booked (taken again,
    too soon, provider gone); raises DomainError(SLOT_TAKEN) if it was taken meanwhile."""
    with uow:
        business = uow.business()
        service = business.service(freed_slot.service_key)
        if service is None or freed_slot.start <= now:
            return None
        slot = Slot(freed_slot.provider_key, freed_slot.start,
                    freed_slot.start + service.duration)
        candidates = _candidates(uow, slot, service, now)
        if not candidates:
            return None
        try:
            stale = validate_under_lock(uow, business, service, provider_key=slot.provider_key,
                                        start=slot.start, now=now)
        except DomainError:
            return None  # no longer bookable by anyone: too soon, taken, closed
        expire_in_the_way(uow, stale, now)
        entry = candidates[0]
        hold = _hold_for(business, service, entry, slot, now)
        uow.bookings.add(hold)  # the database refuses an overlap: never two holds on one slot
        try:
            take_resources(uow, business, service, hold, now)
        except DomainError:
            return None  # its room was taken meanwhile: nothing to offer (rolled back)
        actor = Actor("system", "waitlist", "jobs")
        record(uow, before=None, after=hold, actor=actor, action="booking.held.waitlist_offer",
               now=now)
        expires = hold.hold_expires_at or now
        offer = WaitlistOffer(
            id=str(uuid.uuid4()), entry_id=entry.id, customer_id=entry.customer_id,
            channel=entry.channel, booking_id=hold.id, provider_key=slot.provider_key,
            service_key=service.key, start=slot.start, end=hold.end, status=OfferStatus.OPEN,
            offered_at=now, expires_at=expires)
        uow.offers.add(offer)
        uow.emit([SlotHeld(hold.id, expires), WaitlistOffered(hold.id, offer.id, expires)])
        uow.commit()
        return offer


def _mine(uow: OfferUnitOfWork, offer_id: str, actor: Actor) -> WaitlistOffer:
    offer = uow.offers.get(offer_id, for_update=True)
    if offer is None or (actor.kind == "customer" and offer.customer_id != actor.id):
        raise DomainError(ErrorCode.UNKNOWN_BOOKING, "no such offer")
    return offer


def accept_offer(uow: OfferUnitOfWork, offer_id: str, *, actor: Actor,
                 now: datetime) -> Booking:
    """Yes: the hold becomes the booking. A paying service stays held (long enough to pay)
    and is confirmed by the payment; the waitlist entry is done either way."""
    with uow:
        offer = _mine(uow, offer_id, actor)
        held = owned(uow, offer.booking_id, actor)
        if offer.status is OfferStatus.ACCEPTED:
            return held  # a retried yes
        _held_until(offer, held, now)
        events: list[Event] = []
        service = uow.business().service(held.service_key)
        if held.due_minor > 0 or (service is not None and service.card_required):
            window = max(uow.business().rules.hold_duration, MIN_PAYMENT_HOLD)
            booking = replace(held, hold_expires_at=now + window)
            action = "booking.held.for_payment"
        else:
            booking = held.transition(BookingStatus.CONFIRMED)
            action = "booking.confirmed"
            events.append(BookingConfirmed(booking.id))
        _accepted(uow, offer, held, booking, action=action, actor=actor, now=now)
        uow.emit(events)
        uow.commit()
        return booking


def accept_offer_to_answer(uow: OfferUnitOfWork, offer_id: str, *, actor: Actor,
                           now: datetime) -> Booking:
    """Yes, for a service with intake questions: they are asked before anything is
    confirmed. The offer is accepted (the waitlist entry is done, as when a paying service's
    yes is held for its payment) and its hold becomes the conversation's own hold, a full
    ``rules.hold`` from now: every answer keeps it alive (``keep_hold``), the customer's
    yes to "Confirm?" confirms it (or opens its payment), walking away releases it to the
    next in line (``release_hold``) and the hold sweep expires it if left -- exactly as for
    a hold taken when a time is picked in the chat."""
    with uow:
        offer = _mine(uow, offer_id, actor)
        held = owned(uow, offer.booking_id, actor)
        if offer.status is OfferStatus.ACCEPTED:
            return held  # a retried yes
        until = max(_held_until(offer, held, now), now + uow.business().rules.hold_duration)
        booking = replace(held, hold_expires_at=until)
        _accepted(uow, offer, held, booking, action="booking.held.for_intake", actor=actor,
                  now=now)
        uow.commit()
        return booking


def _held_until(offer: WaitlistOffer, held: Booking, now: datetime) -> datetime:
    """When the open offer's hold ends; HOLD_EXPIRED if the offer or its hold is over."""
    until = held.hold_expires_at
    if offer.status is not OfferStatus.OPEN or held.status is not BookingStatus.HELD \
            or until is None or until <= now:
        raise DomainError(ErrorCode.HOLD_EXPIRED, "that offer has lapsed")
    return until


def _accepted(uow: OfferUnitOfWork, offer: WaitlistOffer, held: Booking, booking: Booking, *,
              action: str, actor: Actor, now: datetime) -> None:
    """The yes written: the booking as it now stands, its audit entry, the offer accepted
    and the waitlist entry done."""
    uow.bookings.update(booking)
    record(uow, before=held, after=booking, actor=actor, action=action, now=now)
    uow.offers.update(replace(offer, status=OfferStatus.ACCEPTED, decided_at=now))
    uow.waitlist.remove(offer.entry_id)


def decline_offer(uow: OfferUnitOfWork, offer_id: str, *, actor: Actor,
                  now: datetime) -> WaitlistOffer:
    """No: release the hold now and pass the slot on (the entry stays for other slots)."""
    with uow:
        offer = _mine(uow, offer_id, actor)
        if offer.status is not OfferStatus.OPEN:
            return offer  # already answered or lapsed
        done = replace(offer, status=OfferStatus.DECLINED, decided_at=now)
        _release(uow, offer, done, now, announce_expiry=False)
        uow.commit()
        return done


def expire_offers(uow: OfferUnitOfWork, *, now: datetime, limit: int = 200) -> list[WaitlistOffer]:
    """Sweep: open offers past their window lapse; their holds expire and the slot passes on.
    Safe to run twice or on two workers (rows are locked and re-read)."""
    with uow:
        out = []
        for offer in uow.offers.lapsed(now, limit):
            done = replace(offer, status=OfferStatus.EXPIRED, decided_at=now)
            _release(uow, offer, done, now, announce_expiry=True)
            out.append(done)
        uow.commit()
        return out


def _release(uow: OfferUnitOfWork, offer: WaitlistOffer, done: WaitlistOffer, now: datetime,
             *, announce_expiry: bool) -> None:
    uow.offers.update(done)
    held = uow.bookings.get(offer.booking_id, for_update=True)
    if held is None or held.status is not BookingStatus.HELD:
        return  # expired by the hold sweep or displaced already: nothing left to release
    expired = expire(uow, held, now)
    lapse: list[Event] = [HoldExpired(expired.id)] if announce_expiry else []
    uow.emit([*lapse, *freed(expired, now)])
