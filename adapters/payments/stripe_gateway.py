"""``core.payments.PaymentGateway`` on the official ``stripe`` library: translation only.

``api_base`` points the client at another server speaking Stripe's API (stripe-mock, a
proxy, the local test double); ``None`` means Stripe itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import stripe

from core.booking import Booking
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
                        idempotency_key: str, metadata: dict[str, str]) -> CheckoutLink:
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": amount.currency.lower(), "unit_amount": amount.amount_minor,
                "product_data": {"name": description}}}],
            "metadata": metadata,
            # Also on the payment itself, so charge and refund events lead back to us.
            "payment_intent_data": {"metadata": metadata},
            "client_reference_id": booking.id,
            "expires_at": int(expires_at.timestamp()),
            "success_url": success_url,
            "cancel_url": cancel_url,
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
