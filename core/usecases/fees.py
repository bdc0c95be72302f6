"""No-show and late-cancellation fees: owed inside the change that causes them, charged after.

``owe_fee`` runs in the transaction that marks the booking no-show (or cancels it late):
the fee row is written with that change, under a unique key derived from booking id and
kind, so pressing the button twice -- or two workers, or a retried request -- can never
owe it twice. ``charge_fees`` / ``charge_due_fees`` send the charge later with that same
key as the gateway's idempotency key; the gateway's webhook only ever moves a row forward.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from core.booking import Actor, AuditEntry, Booking
from core.fees import (
    FAILED_FEES,
    CardGateway,
    ChargeResult,
    Fee,
    FeeCharge,
    FeeCharged,
    FeeChargeFailed,
    FeeKind,
    FeePolicy,
    FeeStatus,
    FeeUpdate,
    SavedCard,
    fee_due,
    fee_key,
)
from core.model import Business
from core.money import Money
from core.payments import CLAIM_LEASE, SOURCE, GatewayError, PaymentsUnitOfWork, next_retry

FEES = Actor("system", "fees", "stripe")
# How far a status may be overtaken: a charge that needed the customer's bank may still
# succeed later (they authenticated); a success is final.
_RANK = {FeeStatus.PENDING: 0, FeeStatus.NO_CARD: 1, FeeStatus.DECLINED: 1,
         FeeStatus.AUTH_REQUIRED: 1, FeeStatus.SUCCEEDED: 2}


def _fee_of(policy: FeePolicy, kind: FeeKind) -> Fee | None:
    return policy.no_show if kind is FeeKind.NO_SHOW else policy.late_cancel


def fee_policy(uow: PaymentsUnitOfWork, booking: Booking) -> FeePolicy | None:
    service = uow.business().service(booking.service_key)
    return service.fees if service is not None else None


def fee_quote(policy: FeePolicy | None, booking: Booking, kind: FeeKind, *,
              kept_minor: int) -> Money:
    """What the fee of ``kind`` would charge now, given what the customer already loses."""
    price = Money(booking.price_minor, booking.currency)
    fee = _fee_of(policy, kind) if policy is not None else None
    return fee_due(fee, price=price, kept=Money(max(kept_minor, 0), booking.currency))


def saved_card(uow: PaymentsUnitOfWork, booking_id: str) -> SavedCard | None:
    """The card the booking's checkout saved; for a date of a recurring series, the one
    its series' checkout saved (one setup page covers every date: core.usecases.payments)."""
    own = _card_of(uow, booking_id)
    if own is not None:
        return own
    booking = uow.bookings.get(booking_id)
    if booking is None or booking.series_id is None:
        return None
    for other in uow.bookings.in_series(booking.series_id):
        card = _card_of(uow, other.id) if other.id != booking_id else None
        if card is not None:
            return card
    return None


def _card_of(uow: PaymentsUnitOfWork, booking_id: str) -> SavedCard | None:
    for payment in reversed(uow.payments.payments_for(booking_id)):
        if payment.saved_card is not None:
            return payment.saved_card
    return None


def owe_fee(uow: PaymentsUnitOfWork, booking: Booking, kind: FeeKind, *, kept_minor: int,
            now: datetime) -> str | None:
    """Inside the caller's transaction: record the fee ``booking`` owes (once per kind).
    Returns the row to charge after commit; None when nothing is owed or it already was.
    Without a card on file the row is written closed and the provider told at once."""
    amount = fee_quote(fee_policy(uow, booking), booking, kind, kept_minor=kept_minor)
    if amount.amount_minor <= 0:
        return None
    card = saved_card(uow, booking.id)
    row = FeeCharge(
        id=str(uuid.uuid4()), booking_id=booking.id, kind=kind,
        amount_minor=amount.amount_minor, currency=amount.currency,
        idempotency_key=fee_key(booking.id, kind),
        status=FeeStatus.PENDING if card else FeeStatus.NO_CARD, created_at=now,
        next_attempt_at=now if card else None,
        last_error=None if card else "no card on file")
    if not uow.payments.add_fee(row):
        return None  # owed before: never twice
    uow.audit.record(AuditEntry(booking.id, now, FEES, f"booking.fee_owed.{kind.value}",
                                after={"amount_minor": str(row.amount_minor),
                                       "status": row.status.value}))
    if card is None:
        uow.emit([_failed_event(row)])
        return None
    return row.id


# --- sending -----------------------------------------------------------------------------


def charge_fees(uow: PaymentsUnitOfWork, gateway: CardGateway, fee_ids: tuple[str, ...], *,
                now: datetime) -> list[FeeCharge]:
    """Charge the given fees now (after the commit that recorded them)."""
    done = []
    for fee_id in fee_ids:
        claimed = _claim(uow, fee_id, now)
        if claimed is not None:
            done.append(_send(uow, gateway, claimed, now))
    return done


def charge_fees_for(uow: PaymentsUnitOfWork, gateway: CardGateway, booking_id: str, *,
                    now: datetime) -> list[FeeCharge]:
    """Charge whatever ``booking_id`` owes and is due (the provider just marked it)."""
    with uow:
        ids = tuple(f.id for f in uow.payments.fees_for(booking_id)
                    if f.status is FeeStatus.PENDING)
    return charge_fees(uow, gateway, ids, now=now)


def charge_due_fees(uow: PaymentsUnitOfWork, gateway: CardGateway, *, now: datetime,
                    limit: int = 50) -> list[FeeCharge]:
    """Jobs sweep: every pending fee that is due, claimed under a lease, sent with its key."""
    with uow:
        claimed = [_leased(f, now) for f in uow.payments.due_fees(now, limit)]
        for row in claimed:
            uow.payments.save_fee(row)
        uow.commit()
    return [_send(uow, gateway, row, now) for row in claimed]


def _leased(row: FeeCharge, now: datetime) -> FeeCharge:
    # next_attempt_at doubles as a lease: nobody else picks the row while the call runs.
    return replace(row, attempts=row.attempts + 1, next_attempt_at=now + CLAIM_LEASE)


def _claim(uow: PaymentsUnitOfWork, fee_id: str, now: datetime) -> FeeCharge | None:
    with uow:
        row = uow.payments.fee(fee_id, for_update=True)
        due = (row is not None and row.status is FeeStatus.PENDING
               and row.next_attempt_at is not None and row.next_attempt_at <= now)
        if row is None or not due:
            return None
        claimed = _leased(row, now)
        uow.payments.save_fee(claimed)
        uow.commit()
        return claimed


def _send(uow: PaymentsUnitOfWork, gateway: CardGateway, row: FeeCharge,
          now: datetime) -> FeeCharge:
    with uow:
        card = saved_card(uow, row.booking_id)
    if card is None:  # the card's payment row is gone: nothing to charge from
        return settle_fee(uow, row.id, ChargeResult(FeeStatus.NO_CARD, code="no card on file"),
                          now=now)
    what = "No-show fee" if row.kind is FeeKind.NO_SHOW else "Late cancellation fee"
    try:
        result = gateway.charge_saved_card(
            card, amount=Money(row.amount_minor, row.currency), description=what,
            idempotency_key=row.idempotency_key,
            metadata={"fee_id": row.id, "booking_id": row.booking_id, "source": SOURCE,
                      "kind": row.kind.value})
    except GatewayError as err:
        return _call_failed(uow, row.id, err, now)
    return settle_fee(uow, row.id, result, now=now)


def _call_failed(uow: PaymentsUnitOfWork, fee_id: str, err: GatewayError,
                 now: datetime) -> FeeCharge:
    """The call itself failed: retried later with the same key, or given to a person."""
    with uow:
        row = _must(uow, fee_id)
        if row.status is not FeeStatus.PENDING:  # the webhook already told us
            return row
        retry = next_retry(row.attempts, now) if err.retryable else None
        if retry is None:
            after = replace(row, status=FeeStatus.DECLINED, next_attempt_at=None,
                            last_error=str(err)[:500])
            uow.emit([_failed_event(after)])
        else:
            after = replace(row, next_attempt_at=retry, last_error=str(err)[:500])
        uow.payments.save_fee(after)
        uow.commit()
        return after


def settle_fee(uow: PaymentsUnitOfWork, fee_id: str, result: ChargeResult, *,
               now: datetime) -> FeeCharge:
    """Record the gateway's answer; only ever forward, so a repeat changes nothing."""
    with uow:
        row = _must(uow, fee_id)
        after = _moved(uow, row, result, now)
        uow.commit()
        return after


def _moved(uow: PaymentsUnitOfWork, row: FeeCharge, result: ChargeResult,
           now: datetime) -> FeeCharge:
    if _RANK[result.status] <= _RANK[row.status]:
        return row  # older or equal news
    after = replace(row, status=result.status, next_attempt_at=None,
                    gateway_charge_id=result.charge_id or row.gateway_charge_id,
                    last_error=None if result.status is FeeStatus.SUCCEEDED
                    else (result.code or result.status.value)[:500])
    uow.payments.save_fee(after)
    uow.audit.record(AuditEntry(row.booking_id, now, FEES, f"booking.fee_{after.status.value}",
                                before={"status": row.status.value},
                                after={"status": after.status.value,
                                       "amount_minor": str(after.amount_minor)}))
    if after.status is FeeStatus.SUCCEEDED:
        uow.emit([FeeCharged(row.booking_id, row.kind.value, row.amount_minor, row.currency)])
    elif row.status is FeeStatus.PENDING:  # the first failure is the one people hear of
        uow.emit([_failed_event(after)])
    return after


def fee_updated(uow: PaymentsUnitOfWork, event: FeeUpdate, *, now: datetime) -> bool:
    """The gateway's webhook about a fee charge; False for a redelivery (nothing done)."""
    with uow:
        if uow.payments.seen_event(event.event_id, "fee", now):
            return False
        row = uow.payments.fee(event.fee_id, for_update=True)
        if row is not None:  # not ours otherwise (metadata names our row)
            _moved(uow, row, ChargeResult(event.status, event.charge_id, event.code), now)
        uow.commit()
        return True


def _must(uow: PaymentsUnitOfWork, fee_id: str) -> FeeCharge:
    row = uow.payments.fee(fee_id, for_update=True)
    if row is None:  # rows are never deleted
        raise LookupError(f"fee charge {fee_id} vanished")
    return row


def _failed_event(row: FeeCharge) -> FeeChargeFailed:
    return FeeChargeFailed(row.booking_id, row.kind.value, row.amount_minor, row.currency,
                           row.status.value)


def fees_for(uow: PaymentsUnitOfWork, booking_id: str) -> list[FeeCharge]:
    with uow:
        return uow.payments.fees_for(booking_id)


def late_fee_quote(business: Business, booking: Booking, *, refund_minor: int,
                   now: datetime) -> Money:
    """What a customer cancelling at ``now`` would be charged (shown before they confirm;
    the cancellation then records the same amount). Zero outside the late window."""
    service = business.service(booking.service_key)
    policy = service.fees if service is not None else None
    if policy is None or not policy.is_late(starts_at=booking.start, cancelled_at=now):
        return Money.zero(booking.currency)
    kept = booking.paid_minor - booking.refunded_minor - refund_minor
    return fee_quote(policy, booking, FeeKind.LATE_CANCEL, kept_minor=kept)


def fees_not_charged(uow: PaymentsUnitOfWork, *, limit: int = 200
                     ) -> list[tuple[FeeCharge, Booking]]:
    """Fees that failed (declined, authentication required, no card), newest first, with
    their bookings: what the owner must follow up (the web admin's Fees page)."""
    with uow:
        rows = uow.payments.fees_in(FAILED_FEES, limit)
        found = [(f, uow.bookings.get(f.booking_id)) for f in rows]
    return [(f, b) for f, b in found if b is not None]
