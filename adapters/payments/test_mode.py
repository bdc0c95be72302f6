"""Test mode: a gateway for the console demo that moves no money and says so.

Used only when ``PAYMENTS_TEST_MODE=true`` and no Stripe key is configured. Links point
at ``.invalid`` (they can never open a real payment page), every id starts ``test_``,
payments are recorded with ``livemode = false``, and replies should carry ``NOTICE``.
A "payment" happens only when the demo calls ``completed_event`` and feeds the result
to the same use case a real Stripe webhook reaches.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from core.booking import Booking
from core.fees import ChargeResult, FeeStatus, SavedCard
from core.money import Money
from core.payments import CheckoutCompleted, CheckoutLink, RefundResult, RefundStatus

NOTICE = "TEST PAYMENT: no money moves."
BASE_URL = "https://test-payment.invalid/checkout"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:24]


class TestModeGateway:
    __test__ = False  # not a pytest test class, despite the name
    live = False

    def __init__(self, base_url: str = BASE_URL) -> None:
        self._base_url = base_url.rstrip("/")

    def create_checkout(self, booking: Booking, *, amount: Money, description: str,
                        success_url: str, cancel_url: str, expires_at: datetime,
                        idempotency_key: str, metadata: dict[str, str],
                        save_card: bool = False) -> CheckoutLink:
        del booking, amount, description, success_url, cancel_url, metadata  # nothing to send
        del save_card  # the demo "saves" a card by completing the link (completed_event)
        link_id = f"test_cs_{_digest(idempotency_key)}"  # same key, same link: like Stripe
        return CheckoutLink(link_id, f"{self._base_url}/{link_id}", expires_at)

    def refund(self, payment_ref: str, *, amount_minor: int, idempotency_key: str,
               metadata: dict[str, str]) -> RefundResult:
        del payment_ref, amount_minor, metadata  # no money moved in, none moves out
        return RefundResult(f"test_re_{_digest(idempotency_key)}", RefundStatus.SUCCEEDED)

    def charge_saved_card(self, card: SavedCard, *, amount: Money, description: str,
                          idempotency_key: str, metadata: dict[str, str]) -> ChargeResult:
        del card, amount, description, metadata  # no card exists, no money moves
        return ChargeResult(FeeStatus.SUCCEEDED, f"test_pi_fee_{_digest(idempotency_key)}")

    @staticmethod
    def completed_event(link: CheckoutLink, booking: Booking) -> CheckoutCompleted:
        """What the demo's "pay" step feeds to ``handle_payment_event``."""
        return CheckoutCompleted(
            event_id=f"test_evt_{link.id}", checkout_session_id=link.id, booking_id=booking.id,
            payment_intent=f"test_pi_{link.id.removeprefix('test_cs_')}",
            amount_minor=booking.due_minor, currency=booking.currency, livemode=False,
            customer_ref=f"test_cus_{link.id.removeprefix('test_cs_')}",
            card_ref=f"test_seti_{link.id.removeprefix('test_cs_')}")
