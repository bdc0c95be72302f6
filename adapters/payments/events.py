"""Stripe webhook events -> the neutral ``core.payments`` events. Translation only.

Only sessions we created (``metadata.source == "bookingbot"`` with a ``booking_id``) are
turned into events; anything else on the same Stripe account is ignored.
"""

from __future__ import annotations

from typing import Any

from adapters.payments.stripe_gateway import refund_status
from core.fees import FeeStatus, FeeUpdate
from core.payments import (
    SOURCE,
    CheckoutCompleted,
    CheckoutExpired,
    PaymentEvent,
    RefundsUpdated,
    RefundUpdate,
)

# Card payments complete paid; delayed methods (bank debits) complete "unpaid" and report
# the money later with async_payment_succeeded / _failed.
PAID_TYPES = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
UNPAID_TYPES = frozenset({"checkout.session.expired", "checkout.session.async_payment_failed"})
REFUND_TYPES = frozenset({"refund.created", "refund.updated", "charge.refund.updated"})
FEE_TYPES = frozenset({"payment_intent.succeeded", "payment_intent.payment_failed",
                       "payment_intent.requires_action"})
MAX_ID = 255


def _ours(session: dict[str, Any]) -> str | None:
    meta = session.get("metadata") or {}
    booking_id = meta.get("booking_id")
    if meta.get("source") != SOURCE or not isinstance(booking_id, str):
        return None
    return booking_id if 0 < len(booking_id) <= MAX_ID else None


def _completed(event_id: str, session: dict[str, Any], livemode: bool) -> PaymentEvent | None:
    booking_id = _ours(session)
    setup = session.get("mode") == "setup"  # only a card saved, nothing paid
    done = session.get("status") == "complete" if setup else \
        session.get("payment_status") == "paid"
    if booking_id is None or not done:
        return None
    customer = session.get("customer")
    saved = session.get("setup_intent") if setup else session.get("payment_intent")
    return CheckoutCompleted(
        event_id=event_id, checkout_session_id=str(session["id"]), booking_id=booking_id,
        payment_intent="" if setup else str(session.get("payment_intent") or ""),
        amount_minor=0 if setup else int(session["amount_total"]),
        currency=str(session.get("currency") or "usd").upper(), livemode=livemode,
        customer_ref=customer if isinstance(customer, str) and customer else None,
        card_ref=saved if isinstance(saved, str) and saved and customer else None)


def _fee(event_id: str, kind: str, intent: dict[str, Any]) -> PaymentEvent | None:
    """An off-session fee charge's outcome; only intents we created name our fee row."""
    meta = intent.get("metadata") or {}
    fee_id = meta.get("fee_id")
    if meta.get("source") != SOURCE or not isinstance(fee_id, str) or not fee_id:
        return None
    error = intent.get("last_payment_error") or {}
    code = error.get("code") if isinstance(error, dict) else None
    if kind == "payment_intent.succeeded":
        status = FeeStatus.SUCCEEDED
    elif kind == "payment_intent.requires_action" or code == "authentication_required":
        status = FeeStatus.AUTH_REQUIRED
    else:
        status = FeeStatus.DECLINED
    return FeeUpdate(event_id, fee_id[:MAX_ID], str(intent["id"]), status,
                     str(code) if code else None)


def _expired(event_id: str, session: dict[str, Any]) -> PaymentEvent | None:
    booking_id = _ours(session)
    if booking_id is None:
        return None
    return CheckoutExpired(event_id, str(session["id"]), booking_id)


def _refund(obj: dict[str, Any]) -> RefundUpdate:
    meta = obj.get("metadata") or {}
    ours = meta.get("refund_id")
    return RefundUpdate(
        gateway_refund_id=str(obj["id"]), payment_intent=str(obj.get("payment_intent") or ""),
        amount_minor=int(obj["amount"]), currency=str(obj["currency"]).upper(),
        status=refund_status(obj.get("status")),
        refund_id=ours if isinstance(ours, str) else None)


def _charge_refunds(charge: dict[str, Any]) -> list[dict[str, Any]]:
    # Newer API versions leave charge.refunds out; refund.* events carry the same news.
    listed = (charge.get("refunds") or {}).get("data") or []
    return [r for r in listed if isinstance(r, dict)]


def translate(event: dict[str, Any]) -> PaymentEvent | None:
    """The neutral event, or None for an event we do not act on (still answered 200)."""
    kind, event_id = str(event.get("type")), str(event["id"])
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):  # signed, but not the shape Stripe sends: refuse (400)
        raise ValueError("event without a data.object")
    if kind in PAID_TYPES:
        return _completed(event_id, obj, bool(event.get("livemode")))
    if kind in UNPAID_TYPES:
        return _expired(event_id, obj)
    if kind in REFUND_TYPES:
        return RefundsUpdated(event_id, (_refund(obj),))
    if kind in FEE_TYPES:
        return _fee(event_id, kind, obj)
    if kind == "charge.refunded":
        refunds = tuple(_refund(r) for r in _charge_refunds(obj))
        return RefundsUpdated(event_id, refunds) if refunds else None
    return None
