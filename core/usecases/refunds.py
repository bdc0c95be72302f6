"""Refunds: decided and recorded inside the transaction that causes them, sent after commit.

A refund row is written with the change that owes it (a cancellation, an unbookable
payment), so a crash between commit and the gateway call leaves a pending row for the
sweep, never a silent loss. Every call for one row carries the row's idempotency key.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from core.booking import Actor, Booking, BookingStatus
from core.events import BookingCancelled
from core.fees import CardGateway, FeeKind
from core.money import Money
from core.payments import (
    CLAIM_LEASE,
    OPEN_REFUNDS,
    GatewayError,
    PaymentGateway,
    PaymentStatus,
    PaymentsUnitOfWork,
    RefundNeedsAttention,
    RefundReason,
    RefundRecord,
    RefundResult,
    RefundStatus,
    RefundsUpdated,
    RefundUpdate,
    next_retry,
    refund_key,
)
from core.policy import CancelledBy
from core.usecases.booking import CancelOutcome, cancelled_by, freed, refund_quote
from core.usecases.common import owned, record
from core.usecases.fees import charge_fees, fee_policy, fee_quote, owe_fee

# How far along a refund is; a later event never moves it backwards.
_RANK = {RefundStatus.PENDING: 0, RefundStatus.FAILED: 0, RefundStatus.SUBMITTED: 1,
         RefundStatus.SUCCEEDED: 2, RefundStatus.REJECTED: 2}


@dataclass(frozen=True)
class PaymentOutcome:
    booking: Booking | None = None
    refund_ids: tuple[str, ...] = ()  # to send after commit (issue_refunds)
    refunded: bool = False
    duplicate: bool = False


def record_refund(uow: PaymentsUnitOfWork, *, booking_id: str, payment_intent: str,
                  amount: Money, subject: str, now: datetime,
                  reason: RefundReason = RefundReason.UNBOOKABLE) -> RefundRecord:
    refund = RefundRecord(
        id=str(uuid.uuid4()), booking_id=booking_id, payment_intent=payment_intent,
        amount_minor=amount.amount_minor, currency=amount.currency, reason=reason,
        idempotency_key=refund_key(reason, subject), status=RefundStatus.PENDING,
        created_at=now, next_attempt_at=now)
    uow.payments.add_refund(refund)
    return refund


# --- cancellation ------------------------------------------------------------------------


def cancel_and_refund(uow: PaymentsUnitOfWork, gateway: PaymentGateway, booking_id: str, *,
                      actor: Actor, now: datetime) -> CancelOutcome:
    """Cancel and give back what the policy says at ``now`` (customer) or 100 % (provider).

    Drop-in for ``core.usecases.cancel`` wherever money may have been paid. The refund is
    attempted right away; if that fails the row stays for ``retry_failed_refunds``.
    """
    outcome, refund_ids = cancel_with_refund(uow, booking_id, actor=actor, now=now)
    issue_refunds(uow, gateway, refund_ids, now=now)
    if outcome.fee_ids and isinstance(gateway, CardGateway):
        charge_fees(uow, gateway, outcome.fee_ids, now=now)
    return outcome


def cancel(uow: PaymentsUnitOfWork, booking_id: str, *, actor: Actor,
           now: datetime) -> CancelOutcome:
    """Cancel, recording what the policy refunds at ``now``; a jobs sweep moves the money
    (``cancel_and_refund`` also sends it at once when a gateway is at hand)."""
    return cancel_with_refund(uow, booking_id, actor=actor, now=now)[0]


def cancel_with_refund(uow: PaymentsUnitOfWork, booking_id: str, *, actor: Actor,
                       now: datetime) -> tuple[CancelOutcome, tuple[str, ...]]:
    """The cancellation and the refund rows it owes, in one transaction (nothing sent)."""
    with uow:
        before = owned(uow, booking_id, actor)
        if before.status is BookingStatus.CANCELLED:
            return CancelOutcome(before, Money.zero(before.currency)), ()  # a retried cancel
        by = cancelled_by(actor)
        refund = refund_quote(uow.business(), before, actor=actor, now=now)
        after = replace(before.transition(BookingStatus.CANCELLED),
                        refunded_minor=before.refunded_minor + refund.amount_minor)
        uow.bookings.update(after)
        record(uow, before=before, after=after, actor=actor,
               action=f"booking.cancelled.by_{by.value}", now=now)
        uow.emit([BookingCancelled(after.id, by.value, refund.amount_minor), *freed(after, now)])
        ids = _owe(uow, after, refund, now) if refund.amount_minor > 0 else ()
        fee = _late_fee(uow, after, by, now)
        uow.commit()
        return CancelOutcome(after, refund, *fee), ids


def _late_fee(uow: PaymentsUnitOfWork, booking: Booking, by: CancelledBy,
              now: datetime) -> tuple[tuple[str, ...], int]:
    """A customer cancelling inside the late window owes the late-cancellation fee, less
    what the refund policy already keeps of their payment."""
    policy = fee_policy(uow, booking)
    if by is not CancelledBy.CUSTOMER or policy is None or not policy.is_late(
            starts_at=booking.start, cancelled_at=now):
        return (), 0
    kept = booking.paid_minor - booking.refunded_minor
    amount = fee_quote(policy, booking, FeeKind.LATE_CANCEL, kept_minor=kept).amount_minor
    fee_id = owe_fee(uow, booking, FeeKind.LATE_CANCEL, kept_minor=kept, now=now)
    return ((fee_id,) if fee_id else ()), amount


def _owe(uow: PaymentsUnitOfWork, booking: Booking, refund: Money,
         now: datetime) -> tuple[str, ...]:
    """Refund rows drawing on the booking's payments; what no payment covers needs a person."""
    left, ids = refund.amount_minor, []
    for intent, available in _refundable(uow, booking.id):
        part = min(left, available)
        if part <= 0:
            continue
        row = record_refund(uow, booking_id=booking.id, payment_intent=intent,
                            amount=Money(part, refund.currency), subject=f"{booking.id}:{intent}",
                            now=now, reason=RefundReason.CANCELLED)
        ids.append(row.id)
        left -= part
    if left > 0:
        _stuck(uow, booking, Money(left, refund.currency), now)
    return tuple(ids)


def _refundable(uow: PaymentsUnitOfWork, booking_id: str) -> list[tuple[str, int]]:
    given: dict[str, int] = {}
    for r in uow.payments.refunds_for(booking_id):
        if r.status is not RefundStatus.REJECTED:
            given[r.payment_intent] = given.get(r.payment_intent, 0) + r.amount_minor
    return [(p.payment_intent, p.amount_minor - given.get(p.payment_intent, 0))
            for p in uow.payments.payments_for(booking_id)
            if p.status is PaymentStatus.PAID and p.payment_intent]


def _stuck(uow: PaymentsUnitOfWork, booking: Booking, amount: Money, now: datetime) -> None:
    error = "no payment on record to refund from"
    row = RefundRecord(
        id=str(uuid.uuid4()), booking_id=booking.id, payment_intent="",
        amount_minor=amount.amount_minor, currency=amount.currency,
        reason=RefundReason.CANCELLED, idempotency_key=refund_key(
            RefundReason.CANCELLED, f"{booking.id}:unfunded"),
        status=RefundStatus.REJECTED, created_at=now, last_error=error)
    if uow.payments.add_refund(row):
        uow.emit([RefundNeedsAttention(booking.id, row.id, amount.amount_minor,
                                       amount.currency, error)])


# --- sending -----------------------------------------------------------------------------


def issue_refunds(uow: PaymentsUnitOfWork, gateway: PaymentGateway,
                  refund_ids: tuple[str, ...], *, now: datetime) -> list[RefundRecord]:
    """Send the given refunds now (after the commit that recorded them)."""
    sent = []
    for refund_id in refund_ids:
        claimed = _claim(uow, refund_id, now)
        if claimed is not None:
            sent.append(_send(uow, gateway, claimed, now))
    return sent


def retry_failed_refunds(uow: PaymentsUnitOfWork, gateway: PaymentGateway, *,
                         now: datetime, limit: int = 50) -> list[RefundRecord]:
    """Jobs sweep: every pending or failed refund that is due, sent with its own key.
    Two sweepers never claim the same row (locked, then leased); repeating a call with
    the same key is harmless anyway."""
    with uow:
        claimed = [_leased(r, now) for r in uow.payments.due_refunds(now, limit)]
        for row in claimed:
            uow.payments.save_refund(row)
        uow.commit()
    return [_send(uow, gateway, row, now) for row in claimed]


def _leased(row: RefundRecord, now: datetime) -> RefundRecord:
    # next_attempt_at doubles as a lease: nobody else picks the row while the call runs.
    return replace(row, attempts=row.attempts + 1, next_attempt_at=now + CLAIM_LEASE)


def _claim(uow: PaymentsUnitOfWork, refund_id: str, now: datetime) -> RefundRecord | None:
    with uow:
        row = uow.payments.refund(refund_id, for_update=True)
        due = (row is not None and row.status in (RefundStatus.PENDING, RefundStatus.FAILED)
               and row.next_attempt_at is not None and row.next_attempt_at <= now)
        if row is None or not due:
            return None
        claimed = _leased(row, now)
        uow.payments.save_refund(claimed)
        uow.commit()
        return claimed


def _send(uow: PaymentsUnitOfWork, gateway: PaymentGateway, row: RefundRecord,
          now: datetime) -> RefundRecord:
    try:
        result = gateway.refund(row.payment_intent, amount_minor=row.amount_minor,
                                idempotency_key=row.idempotency_key,
                                metadata={"refund_id": row.id, "booking_id": row.booking_id})
    except GatewayError as err:
        return _failed(uow, row.id, err, now)
    return _accepted(uow, row.id, result, now)


def _failed(uow: PaymentsUnitOfWork, refund_id: str, err: GatewayError,
            now: datetime) -> RefundRecord:
    with uow:
        row = _must(uow, refund_id)
        if _RANK[row.status] > 0:  # a webhook already told us better news
            return row
        retry = next_retry(row.attempts, now) if err.retryable else None
        status = RefundStatus.FAILED if err.retryable else RefundStatus.REJECTED
        after = replace(row, status=status, next_attempt_at=retry, last_error=str(err)[:500])
        uow.payments.save_refund(after)
        if retry is None:
            uow.emit([_attention(after)])
        uow.commit()
        return after


def _accepted(uow: PaymentsUnitOfWork, refund_id: str, result: RefundResult,
              now: datetime) -> RefundRecord:
    del now  # kept for symmetry with _failed: the row has no updated_at of its own
    with uow:
        row = _must(uow, refund_id)
        after = replace(row, gateway_refund_id=result.id, next_attempt_at=None, last_error=None)
        if _RANK[result.status] >= _RANK[row.status]:
            after = replace(after, status=result.status)
        uow.payments.save_refund(after)
        if after.status is RefundStatus.REJECTED and row.status is not RefundStatus.REJECTED:
            uow.emit([_attention(replace(after, last_error="refused by the payment provider"))])
        uow.commit()
        return after


def _must(uow: PaymentsUnitOfWork, refund_id: str) -> RefundRecord:
    row = uow.payments.refund(refund_id, for_update=True)
    if row is None:  # rows are never deleted
        raise LookupError(f"refund {refund_id} vanished")
    return row


def _attention(row: RefundRecord) -> RefundNeedsAttention:
    return RefundNeedsAttention(row.booking_id, row.id, row.amount_minor, row.currency,
                                row.last_error or "")


# --- what the gateway reports back ---------------------------------------------------------


def refunds_updated(uow: PaymentsUnitOfWork, event: RefundsUpdated, *,
                    now: datetime) -> PaymentOutcome:
    with uow:
        if uow.payments.seen_event(event.event_id, "refund", now):
            return PaymentOutcome(duplicate=True)
        for update in event.refunds:
            _apply(uow, update, now)
        uow.commit()
        return PaymentOutcome()


def _apply(uow: PaymentsUnitOfWork, update: RefundUpdate, now: datetime) -> None:
    row = uow.payments.refund_by_gateway_id(update.gateway_refund_id)
    if row is None and update.refund_id is not None:
        row = uow.payments.refund(update.refund_id, for_update=True)
    if row is None:
        _external(uow, update, now)
        return
    if _RANK[update.status] < _RANK[row.status]:
        return  # an older status arriving late
    after = replace(row, status=update.status, gateway_refund_id=update.gateway_refund_id,
                    next_attempt_at=None)
    uow.payments.save_refund(after)
    if after.status is RefundStatus.REJECTED and row.status is not RefundStatus.REJECTED:
        uow.emit([_attention(replace(after, last_error="refund failed at the provider"))])


def _external(uow: PaymentsUnitOfWork, update: RefundUpdate, now: datetime) -> None:
    """A refund made outside bookingbot (the Stripe dashboard) on one of our payments:
    record it against the booking so the provider's view adds up."""
    payment = uow.payments.by_intent(update.payment_intent)
    if payment is None:
        return  # not a payment of ours
    row = RefundRecord(
        id=str(uuid.uuid4()), booking_id=payment.booking_id,
        payment_intent=update.payment_intent, amount_minor=update.amount_minor,
        currency=update.currency, reason=RefundReason.EXTERNAL,
        idempotency_key=f"gateway:{update.gateway_refund_id}", status=update.status,
        created_at=now, gateway_refund_id=update.gateway_refund_id)
    if not uow.payments.add_refund(row):
        return
    booking = uow.bookings.get(payment.booking_id, for_update=True)
    if booking is not None:
        after = replace(booking, refunded_minor=booking.refunded_minor + update.amount_minor)
        uow.bookings.update(after)
        record(uow, before=booking, after=after, actor=Actor("system", "payments", "stripe"),
               action="booking.refunded.externally", now=now)


# --- the provider's view -------------------------------------------------------------------


def refunds_needing_attention(uow: PaymentsUnitOfWork) -> list[RefundRecord]:
    """Refunds not yet accepted by the gateway (pending, failing, refused), oldest first:
    for the provider's agenda and alerts."""
    with uow:
        return sorted(uow.payments.refunds_in(OPEN_REFUNDS), key=lambda r: r.created_at)


def owe_refunds(uow: PaymentsUnitOfWork, booking: Booking, refund: Money,
                now: datetime) -> tuple[str, ...]:
    """For other cancellations (a lapsed confirmation deadline): the refund rows a cancelled
    booking is owed, inside the caller's transaction (the sweep sends them)."""
    return _owe(uow, booking, refund, now) if refund.amount_minor > 0 else ()
