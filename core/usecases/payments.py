"""Taking payment for a held booking, and what the gateway's answers do to it.

``start_payment`` runs in the conversation; the others run when the gateway's webhook
arrives. Each webhook use case records the event id in the same transaction as its effect,
so a redelivered or out-of-order event changes nothing twice.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from core.availability import Slot, check_start, free_slots
from core.booking import Actor, Booking, BookingStatus
from core.errors import DomainError, ErrorCode
from core.events import BookingConfirmed, Event, SeriesConfirmed
from core.fees import FeeUpdate
from core.interval import Interval
from core.money import Money
from core.payments import (
    SOURCE,
    CheckoutCompleted,
    CheckoutExpired,
    CheckoutLink,
    GatewayError,
    LatePaymentRefunded,
    PaymentEvent,
    PaymentExpired,
    PaymentGateway,
    PaymentRecord,
    PaymentStatus,
    PaymentsUnitOfWork,
    checkout_expiry,
    checkout_key,
)
from core.usecases.booking import freed
from core.usecases.common import (
    candidates,
    context,
    contexts,
    expire,
    expire_in_the_way,
    record,
)
from core.usecases.fees import fee_updated
from core.usecases.refunds import PaymentOutcome, record_refund, refunds_updated
from core.usecases.resources import pick_resources

STRIPE = Actor("system", "payments", "stripe")
ALTERNATIVES = 5
ALTERNATIVES_AHEAD = timedelta(days=7)


def start_payment(uow: PaymentsUnitOfWork, gateway: PaymentGateway, booking_id: str, *,
                  description: str, success_url: str, cancel_url: str,
                  now: datetime) -> CheckoutLink:
    """Open a checkout for a held booking; asking twice returns the same link.

    The hold is stretched to the session's expiry so that a customer paying on the last
    minute of the page still owns the slot. If the gateway cannot be reached the hold is
    released (the customer would otherwise block their own retry) and BUSY is raised.
    """
    with uow:
        held = _payable(uow, booking_id, now)
        existing = _open_link(uow, booking_id)
        if existing is not None:
            return existing
        save_card = _saves_card(uow, held)
        expires_at = checkout_expiry(held.hold_expires_at or now, now)
        # A series' other dates wait on the same page (one card saved for all of them).
        for hold in (held, *_held_siblings(uow, held)):
            _stretch(uow, hold, expires_at, now)
        uow.commit()
    try:
        link = gateway.create_checkout(
            held, amount=Money(held.due_minor, held.currency), description=description,
            success_url=success_url, cancel_url=cancel_url, expires_at=expires_at,
            idempotency_key=checkout_key(held.id),
            metadata={"booking_id": held.id, "source": SOURCE}, save_card=save_card)
    except GatewayError as err:
        _release(uow, booking_id, now)
        code = ErrorCode.BUSY if err.retryable else ErrorCode.INVALID_CONFIG
        raise DomainError(code, "the payment page could not be opened") from err
    _remember(uow, held, link, expires_at, live=gateway.live, now=now)
    return replace(link, expires_at=expires_at)


def _stretch(uow: PaymentsUnitOfWork, held: Booking, expires_at: datetime,
             now: datetime) -> None:
    if expires_at != held.hold_expires_at:
        stretched = replace(held, hold_expires_at=expires_at)
        uow.bookings.update(stretched)
        record(uow, before=held, after=stretched, actor=STRIPE,
               action="booking.hold_extended", now=now)


def _siblings(uow: PaymentsUnitOfWork, booking: Booking | None) -> list[Booking]:
    """The other dates of ``booking``'s recurring series, each read under its row lock:
    a series of a card-on-file service is held together behind one setup checkout (the
    first date's), so the card it saves confirms (or its expiry releases) all of them."""
    if booking is None or booking.series_id is None:
        return []
    others = [b.id for b in uow.bookings.in_series(booking.series_id) if b.id != booking.id]
    return [b for b in (uow.bookings.get(i, for_update=True) for i in others) if b is not None]


def _held_siblings(uow: PaymentsUnitOfWork, booking: Booking | None) -> list[Booking]:
    return [b for b in _siblings(uow, booking) if b.status is BookingStatus.HELD]


def _payable(uow: PaymentsUnitOfWork, booking_id: str, now: datetime) -> Booking:
    held = uow.bookings.get(booking_id, for_update=True)
    if held is None:
        raise DomainError(ErrorCode.UNKNOWN_BOOKING, "no such booking")
    if held.status is not BookingStatus.HELD or not held.occupies(now):
        raise DomainError(ErrorCode.HOLD_EXPIRED, "the hold on that slot ran out")
    if held.due_minor <= 0 and not _saves_card(uow, held):
        raise DomainError(ErrorCode.INVALID_REQUEST, "nothing to pay for this booking")
    return held


def _saves_card(uow: PaymentsUnitOfWork, booking: Booking) -> bool:
    """The service keeps a card on file for its fees (core.fees): the checkout saves it."""
    service = uow.business().service(booking.service_key)
    return service is not None and service.card_required


def _open_link(uow: PaymentsUnitOfWork, booking_id: str) -> CheckoutLink | None:
    for p in uow.payments.payments_for(booking_id):
        if p.status is PaymentStatus.OPEN and p.url:
            return CheckoutLink(p.checkout_session_id, p.url, p.expires_at)
    return None


def _remember(uow: PaymentsUnitOfWork, held: Booking, link: CheckoutLink,
              expires_at: datetime, *, live: bool, now: datetime) -> None:
    with uow:
        # The webhook may (in theory) have beaten us here: never overwrite what it wrote.
        if uow.payments.payment(link.id, for_update=True) is None:
            uow.payments.save_payment(PaymentRecord(
                booking_id=held.id, checkout_session_id=link.id, amount_minor=held.due_minor,
                currency=held.currency, status=PaymentStatus.OPEN, created_at=now,
                updated_at=now, url=link.url, expires_at=expires_at, livemode=live))
        uow.commit()


def _release(uow: PaymentsUnitOfWork, booking_id: str, now: datetime) -> None:
    with uow:
        held = uow.bookings.get(booking_id, for_update=True)
        if held is not None and held.status is BookingStatus.HELD:
            for hold in (held, *_held_siblings(uow, held)):
                uow.emit(freed(expire(uow, hold, now), now))
        uow.commit()


# --- the gateway's answers ---------------------------------------------------------------


def handle_payment_event(uow: PaymentsUnitOfWork, event: PaymentEvent, *,
                         now: datetime) -> PaymentOutcome:
    """One webhook event, one transaction. Returns the refunds to send after commit."""
    if isinstance(event, CheckoutCompleted):
        return payment_completed(uow, event, now=now)
    if isinstance(event, CheckoutExpired):
        return checkout_expired(uow, event, now=now)
    if isinstance(event, FeeUpdate):
        fee_updated(uow, event, now=now)
        return PaymentOutcome()
    return refunds_updated(uow, event, now=now)


def payment_completed(uow: PaymentsUnitOfWork, event: CheckoutCompleted, *,
                      now: datetime) -> PaymentOutcome:
    """Confirm the booking that was paid for; if it can no longer be had, refund in full.

    A hold that lapsed but was never displaced still owns its range and is confirmed. One
    the expiry sweep released is re-taken as a new booking if the slot is still free;
    otherwise the money goes back and the customer hears about the nearest free slots.
    """
    with uow:
        if uow.payments.seen_event(event.event_id, "checkout.session.completed", now):
            return PaymentOutcome(duplicate=True)
        before = uow.payments.payment(event.checkout_session_id, for_update=True)
        if before is not None and before.status is PaymentStatus.PAID:
            uow.commit()  # the same payment reported by another event: nothing more to do
            return PaymentOutcome(duplicate=True)
        booking = uow.bookings.get(event.booking_id, for_update=True)
        # Only a card was saved (setup mode): it covers the series' other dates too, and
        # the whole series is told once (SeriesConfirmed) instead of once per date.
        series = booking.series_id if booking is not None and event.amount_minor == 0 else None
        outcome = _settle(uow, booking, event, now, series_id=series)
        if event.amount_minor == 0 and outcome.booking is not None:
            others, lost = _settle_series(uow, booking, now, series_id=series)
            first = [outcome.booking] if _newly_confirmed(booking, outcome.booking) else []
            _series_confirmed(uow, series, [*first, *others], lost)
        owner = outcome.booking.id if outcome.booking is not None else event.booking_id
        _mark_paid(uow, before, event, owner, now)
        uow.commit()
        return outcome


def _settle(uow: PaymentsUnitOfWork, booking: Booking | None, event: CheckoutCompleted,
            now: datetime, *, series_id: str | None) -> PaymentOutcome:
    if booking is None:  # not ours any more (or never): never keep money for nothing
        return _refund_in_full(uow, None, event, now, tell=False)
    if booking.status is BookingStatus.HELD:
        return PaymentOutcome(booking=_confirm_paid(uow, booking, event.amount_minor, now,
                                                    series_id=series_id))
    if booking.status is BookingStatus.EXPIRED:
        retaken = _retake(uow, booking, event.amount_minor, now, series_id=series_id)
        if retaken is not None:
            return PaymentOutcome(booking=retaken)
    if booking.status is BookingStatus.CONFIRMED:
        if booking.paid_minor < booking.due_minor:
            return PaymentOutcome(booking=_add_paid(uow, booking, event.amount_minor, now))
        return _refund_in_full(uow, booking, event, now, tell=False)  # paid twice
    return _refund_in_full(uow, booking, event, now, tell=True)


def _settle_series(uow: PaymentsUnitOfWork, booking: Booking | None, now: datetime, *,
                   series_id: str | None) -> tuple[list[Booking], list[Booking]]:
    """A series' other dates, once its checkout saved the card: held ones confirmed, ones
    whose hold lapsed re-taken if still free (as the first date is); the rest left alone.
    Returns the dates confirmed here, and the lapsed ones whose slot had gone (lost)."""
    done: list[Booking] = []
    lost: list[Booking] = []
    for other in _siblings(uow, booking):
        if other.status is BookingStatus.HELD:
            done.append(_confirm_paid(uow, other, 0, now, series_id=series_id))
        elif other.status is BookingStatus.EXPIRED:
            retaken = _retake(uow, other, 0, now, series_id=series_id)
            if retaken is not None:
                done.append(retaken)
            elif other.start > now:
                lost.append(other)
    return done, lost


def _newly_confirmed(before: Booking | None, after: Booking) -> bool:
    """``_settle`` confirmed (or re-took) the paid-for booking just now."""
    return (before is not None and before.status is not BookingStatus.CONFIRMED
            and after.status is BookingStatus.CONFIRMED)


def _series_confirmed(uow: PaymentsUnitOfWork, series_id: str | None,
                      done: list[Booking], lost: list[Booking]) -> None:
    """One ``SeriesConfirmed`` for the dates whose ``BookingConfirmed`` carried the series
    (each told nobody on its own): the customer and the provider hear once, dates listed,
    and the customer also hears which dates could not be kept."""
    if series_id is not None and done:
        uow.emit([SeriesConfirmed(done[0].id, series_id, tuple(b.id for b in done),
                                  tuple(sorted(b.start for b in lost)))])


def _confirm_paid(uow: PaymentsUnitOfWork, held: Booking, amount_minor: int,
                  now: datetime, *, series_id: str | None = None) -> Booking:
    done = replace(held.transition(BookingStatus.CONFIRMED),
                   paid_minor=held.paid_minor + amount_minor)
    uow.bookings.update(done)  # the hold still owns its range: this cannot collide
    record(uow, before=held, after=done, actor=STRIPE, action="booking.confirmed", now=now)
    uow.emit([BookingConfirmed(done.id, series_id=series_id)])
    return done


def _add_paid(uow: PaymentsUnitOfWork, booking: Booking, amount_minor: int,
              now: datetime) -> Booking:
    paid = replace(booking, paid_minor=booking.paid_minor + amount_minor)
    uow.bookings.update(paid)
    record(uow, before=booking, after=paid, actor=STRIPE, action="booking.paid", now=now)
    return paid


def _retake(uow: PaymentsUnitOfWork, lapsed: Booking, amount_minor: int,
            now: datetime, *, series_id: str | None = None) -> Booking | None:
    """The expired hold's slot as a new confirmed booking, or None if it is gone.

    Expired is final in the booking lifecycle, so the slot is taken afresh. The rules are
    judged as at the hold (its notice was fine then); what is taken is judged now, and
    the database refuses an overlap at the insert whatever we concluded.
    """
    if lapsed.start <= now:
        return None
    business = uow.business()
    uow.lock_provider(lapsed.provider_key)
    stale = uow.bookings.stale_holds(lapsed.provider_key, lapsed.block, now)
    taken, busy = context(uow, lapsed.provider_key, lapsed.appointment, now)
    try:
        check_start(business=business, service_key=lapsed.service_key,
                    provider_key=lapsed.provider_key, start=lapsed.start,
                    now=lapsed.created_at, taken=taken, busy={lapsed.provider_key: busy})
    except DomainError:
        return None
    expire_in_the_way(uow, stale, now)
    fresh = replace(lapsed, id=str(uuid.uuid4()), status=BookingStatus.CONFIRMED,
                    created_at=now, hold_expires_at=None, paid_minor=amount_minor,
                    refunded_minor=0)
    service = business.service(lapsed.service_key)
    try:  # its room too, if the service needs one (core.usecases.resources)
        rooms = pick_resources(uow, business, service, fresh, now) if service else {}
    except DomainError:
        return None
    uow.bookings.add(fresh)
    uow.resources.assign(fresh, rooms)
    record(uow, before=None, after=fresh, actor=STRIPE,
           action="booking.confirmed.after_late_payment", now=now)
    uow.emit([BookingConfirmed(fresh.id, series_id=series_id)])
    return fresh


def _refund_in_full(uow: PaymentsUnitOfWork, booking: Booking | None,
                    event: CheckoutCompleted, now: datetime, *, tell: bool) -> PaymentOutcome:
    if event.amount_minor == 0:  # only a card was saved (setup mode): nothing to give back
        return PaymentOutcome(booking=booking)
    amount = Money(event.amount_minor, event.currency)
    refund = record_refund(uow, booking_id=event.booking_id, payment_intent=event.payment_intent,
                           amount=amount, subject=event.checkout_session_id, now=now)
    if booking is None:
        return PaymentOutcome(refund_ids=(refund.id,))
    after = replace(booking, paid_minor=booking.paid_minor + amount.amount_minor,
                    refunded_minor=booking.refunded_minor + amount.amount_minor)
    uow.bookings.update(after)
    record(uow, before=booking, after=after, actor=STRIPE,
           action="booking.paid.refunded_unbookable", now=now)
    if tell:
        uow.emit([LatePaymentRefunded(booking.id, amount.amount_minor, amount.currency,
                                      _nearest(uow, booking, now))])
    return PaymentOutcome(refund_ids=(refund.id,), refunded=True)


def _nearest(uow: PaymentsUnitOfWork, booking: Booking, now: datetime) -> tuple[Slot, ...]:
    """The first free slots for the same service from a little before the lost one."""
    business = uow.business()
    start = max(now, booking.start - timedelta(hours=2))
    window = Interval(start, start + ALTERNATIVES_AHEAD)
    try:
        taken, busy = contexts(uow, candidates(business, booking.service_key, None), window,
                               now)
        found = free_slots(business=business, service_key=booking.service_key,
                           provider_key=None, window=window, now=now, taken=taken, busy=busy)
    except DomainError:  # the service was removed since: nothing to offer
        return ()
    return tuple(found[:ALTERNATIVES])


def _mark_paid(uow: PaymentsUnitOfWork, before: PaymentRecord | None, event: CheckoutCompleted,
               booking_id: str, now: datetime) -> None:
    base = before or PaymentRecord(
        booking_id=booking_id, checkout_session_id=event.checkout_session_id,
        amount_minor=event.amount_minor, currency=event.currency,
        status=PaymentStatus.PAID, created_at=now, updated_at=now)
    uow.payments.save_payment(replace(
        base, booking_id=booking_id, status=PaymentStatus.PAID, updated_at=now,
        payment_intent=event.payment_intent, amount_minor=event.amount_minor,
        currency=event.currency, livemode=event.livemode,
        customer_ref=event.customer_ref or base.customer_ref,
        card_ref=event.card_ref or base.card_ref))


def checkout_expired(uow: PaymentsUnitOfWork, event: CheckoutExpired, *,
                     now: datetime) -> PaymentOutcome:
    """Unpaid and over: release the hold and tell the customer (once). A session already
    paid is left alone, whichever order the two events arrive in."""
    with uow:
        if uow.payments.seen_event(event.event_id, "checkout.session.expired", now):
            return PaymentOutcome(duplicate=True)
        payment = uow.payments.payment(event.checkout_session_id, for_update=True)
        if payment is not None and payment.status is not PaymentStatus.OPEN:
            uow.commit()
            return PaymentOutcome(duplicate=True)
        booking = uow.bookings.get(event.booking_id, for_update=True)
        if payment is not None:
            uow.payments.save_payment(replace(payment, status=PaymentStatus.EXPIRED,
                                              updated_at=now))
        events = _released(uow, booking, now)
        uow.emit(events)
        uow.commit()
        return PaymentOutcome(booking=booking)


def _released(uow: PaymentsUnitOfWork, booking: Booking | None, now: datetime) -> list[Event]:
    if booking is None:
        return []
    if booking.status is BookingStatus.HELD:
        done = expire(uow, booking, now)
        rest = [e for b in _held_siblings(uow, booking) for e in freed(expire(uow, b, now), now)]
        return [PaymentExpired(done.id), *freed(done, now), *rest]
    if booking.status is BookingStatus.EXPIRED:  # the sweep was first: the slot is free
        return [PaymentExpired(booking.id)]
    return []

