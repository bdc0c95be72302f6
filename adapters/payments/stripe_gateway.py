"""``core.payments.PaymentGateway`` on the official ``stripe`` library: translation only.

``api_base`` points the client at another server speaking Stripe's API (stripe-mock, a
proxy, the local test double); ``None`` means Stripe itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import stripe

from core.booking import Booking
from core.fees import ChargeResult, FeeStatus, SavedCard
from core.money import Money
from core.payments import CheckoutLink, GatewayError, RefundResult, RefundStatus

# Stripe refund statuses -> ours. "pending"/"requires_action" mean accepted, not yet paid out.
REFUND_STATUS = {
    "pending": RefundStatus.SUBMITTED, "requires_action": RefundStatus.SUBMITTED,
    "succeeded": RefundStatus.SUCCEEDED, "failed": RefundStatus.REJECTED,
    "canceled": RefundStatus.REJECTED,
}
# Errors worth repeating with the same idempotency key; the rest need a person.
_RETRYABLE = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


def refund_status(value: str | None) -> RefundStatus:
    return REFUND_STATUS.get(value or "", RefundStatus.SUBMITTED)


def _error(err: stripe.StripeError) -> GatewayError:
    # user_message/code only: the raw body may echo request data we would rather not log.
    status = err.http_status or "no response"
    detail = err.code or type(err).__name__
    retryable = isinstance(err, _RETRYABLE) or (err.http_status or 0) >= 500
    return GatewayError(f"stripe {status}: {detail}", retryable=retryable)


def _mode(amount: Money, description: str, metadata: dict[str, str], *,
          save_card: bool) -> dict[str, Any]:
    """Payment mode (optionally keeping the card for off-session fees), or setup mode when
    nothing is due now and only the card is saved."""
    if amount.amount_minor == 0 and save_card:
        return {"mode": "setup", "currency": amount.currency.lower(),
                "customer_creation": "always", "setup_intent_data": {"metadata": metadata}}
    # Also on the payment itself, so charge and refund events lead back to us.
    intent: dict[str, Any] = {"metadata": metadata}
    extra: dict[str, Any] = {}
    if save_card:
        intent["setup_future_usage"] = "off_session"
        extra["customer_creation"] = "always"
    return {"mode": "payment", "payment_intent_data": intent, **extra,
            "line_items": [{"quantity": 1, "price_data": {
                "currency": amount.currency.lower(), "unit_amount": amount.amount_minor,
                "product_data": {"name": description}}}]}


class StripeGateway:
    def __init__(self, secret_key: str, *, api_base: str | None = None,
                 max_network_retries: int = 2) -> None:
        # The library retries connection errors and 5xx itself, reusing our idempotency key.
        self._client = stripe.StripeClient(
            secret_key, base_addresses={"api": api_base or stripe.DEFAULT_API_BASE},
            max_network_retries=max_network_retries)
        self.live = secret_key.startswith(("sk_live_", "rk_live_"))

    def create_checkout(self, booking: Booking, *, amount: Money, description: str,
                        success_url: str, cancel_url: str, expires_at: datetime,
                        idempotency_key: str, metadata: dict[str, str],
                        save_card: bool = False) -> CheckoutLink:
        params: dict[str, Any] = {
            "metadata": metadata,
            "client_reference_id": booking.id,
            "expires_at": int(expires_at.timestamp()),
            "success_url": success_url,
            "cancel_url": cancel_url,
            **_mode(amount, description, metadata, save_card=save_card),
        }
        try:
            session = self._client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]  # a plain dict of the documented fields
                options={"idempotency_key": idempotency_key})
        except stripe.StripeError as err:
            raise _error(err) from err
        if not session.url:
            raise GatewayError("stripe returned a session without a url", retryable=False)
        return CheckoutLink(session.id, session.url)

    def refund(self, payment_ref: str, *, amount_minor: int, idempotency_key: str,
               metadata: dict[str, str]) -> RefundResult:
        try:
            refund = self._client.v1.refunds.create(
                {"payment_intent": payment_ref, "amount": amount_minor, "metadata": metadata},
                options={"idempotency_key": idempotency_key})
        except stripe.StripeError as err:
            raise _error(err) from err
        return RefundResult(refund.id, refund_status(refund.status))

    def charge_saved_card(self, card: SavedCard, *, amount: Money, description: str,
                          idempotency_key: str, metadata: dict[str, str]) -> ChargeResult:
        """An off-session PaymentIntent on the card the checkout saved. A card refusal
        (402) is a result: ``authentication_required`` or a decline; the rest raise."""
        try:
            method = self._payment_method(card.card_ref)
            intent = self._client.v1.payment_intents.create(
                {"amount": amount.amount_minor, "currency": amount.currency.lower(),
                 "customer": card.customer_ref, "payment_method": method,
                 "off_session": True, "confirm": True, "description": description,
                 "metadata": metadata},
                options={"idempotency_key": idempotency_key})
        except stripe.CardError as err:
            return _refused(err)
        except stripe.StripeError as err:
            raise _error(err) from err
        if intent.status == "succeeded":
            return ChargeResult(FeeStatus.SUCCEEDED, intent.id)
        if intent.status == "requires_action":
            return ChargeResult(FeeStatus.AUTH_REQUIRED, intent.id, "authentication_required")
        return ChargeResult(FeeStatus.DECLINED, intent.id, intent.status)

    def _payment_method(self, card_ref: str) -> str:
        """The payment method the saving intent left on the customer."""
        if card_ref.startswith("seti_"):
            found: Any = self._client.v1.setup_intents.retrieve(card_ref)
        else:
            found = self._client.v1.payment_intents.retrieve(card_ref)
        method = found.payment_method
        if not method:
            raise GatewayError("no payment method saved on that intent", retryable=False)
        return str(method if isinstance(method, str) else method.id)


def _refused(err: stripe.CardError) -> ChargeResult:
    code = err.code or "card_declined"
    intent: Any = (err.error.payment_intent if err.error is not None else None) or {}
    charge_id = intent.get("id") if isinstance(intent, dict) else getattr(intent, "id", None)
    status = (FeeStatus.AUTH_REQUIRED if code == "authentication_required"
              else FeeStatus.DECLINED)
    return ChargeResult(status, str(charge_id) if charge_id else None, code)
