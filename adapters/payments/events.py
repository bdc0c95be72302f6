"""Stripe webhook events -> the neutral ``core.payments`` events. Translation only.

Only sessions we created (``metadata.source == "bookingbot"`` with a ``booking_id``) are
turned into events; anything else on the same Stripe account is ignored.
"""

from __future__ import annotations

from typing import Any

from adapters.payments.stripe_gateway import refund_status
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
MAX_ID = 255


def _ours(session: dict[str, Any]) -> str | None:
    meta = session.get("metadata") or {}
    booking_id = meta.get("booking_id")
    if meta.get("source") != SOURCE or not isinstance(booking_id, str):
        return None
    return booking_id if 0 < len(booking_id) <= MAX_ID else None


def _completed(event_id: str, session: dict[str, Any], livemode: bool) -> PaymentEvent | None:
    booking_id = _ours(session)
    if booking_id is None or session.get("payment_status") != "paid":
        return None
    return CheckoutCompleted(
        event_id=event_id, checkout_session_id=str(session["id"]), booking_id=booking_id,
        payment_intent=str(session.get("payment_intent") or ""),
        amount_minor=int(session["amount_total"]), currency=str(session["currency"]).upper(),
        livemode=livemode)


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
    if kind == "charge.refunded":
        refunds = tuple(_refund(r) for r in _charge_refunds(obj))
        return RefundsUpdated(event_id, refunds) if refunds else None
    return None
