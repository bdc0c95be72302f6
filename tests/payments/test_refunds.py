"""Refunds: the policy tiers to the second, provider cancellations, failures and retries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine

from adapters.payments.stripe_gateway import StripeGateway
from core.booking import Actor, BookingStatus
from core.payments import CheckoutCompleted, RefundStatus
from core.usecases import reschedule
from core.usecases.payments import handle_payment_event
from core.usecases.refunds import (
    cancel_and_refund,
    refunds_needing_attention,
    retry_failed_refunds,
)
from tests.db.helpers import NOW
from tests.payments.conftest import (
    START,
    Client,
    Uow,
    actor,
    booking,
    checkout,
    hold,
    kinds,
    post,
    stripe_event,
)
from tests.payments.fake_stripe import FakeStripe

PAID_AT = NOW + timedelta(minutes=5)
PROVIDER = Actor("provider", "alice", "slack")


def paid(uow: Uow, customer: str, gateway: StripeGateway, fake: FakeStripe, *,
         service: str = "color") -> tuple[str, str]:
    """A booking paid through Checkout; returns (booking id, payment intent)."""
    held = hold(uow, customer, service=service)
    link = checkout(uow, gateway, held)
    s = fake.pay(link.id)
    handle_payment_event(uow(), CheckoutCompleted(
        f"evt_{link.id}", link.id, held.id, s["payment_intent"], s["amount_total"],
        s["currency"].upper()), now=PAID_AT)
    assert booking(uow, held.id).status is BookingStatus.CONFIRMED
    return held.id, s["payment_intent"]


@pytest.mark.parametrize(("service", "notice", "expected"), [
    ("color", timedelta(hours=24), 2000),  # deposit 20.00: 24 h before -> 100 %
    ("color", timedelta(hours=24) - timedelta(seconds=1), 1000),  # one second late -> 50 %
    ("color", timedelta(hours=2), 1000),
    ("color", timedelta(hours=2) - timedelta(seconds=1), 0),
    ("keratin", timedelta(hours=24), 4999),  # prepaid 49.99
    ("keratin", timedelta(hours=2), 2500),  # 50 % of 4999 = 2499.5, half-up in minor units
    ("keratin", timedelta(hours=2) - timedelta(seconds=1), 0),
])
def test_customer_cancellation_refunds_the_tier_at_that_instant(
        uow: Uow, customer: str, gateway: StripeGateway, fake: FakeStripe, engine: Engine,
        service: str, notice: timedelta, expected: int) -> None:
    booking_id, intent = paid(uow, customer, gateway, fake, service=service)
    out = cancel_and_refund(uow(), gateway, booking_id, actor=actor(customer),
                            now=START - notice)
    assert out.refund.amount_minor == expected
    assert booking(uow, booking_id).refunded_minor == expected
    calls = fake.calls("/v1/refunds")
    if expected == 0:
        assert calls == []
        return
    (call,) = calls
    assert (call.form["payment_intent"], call.form["amount"]) == (intent, str(expected))
    assert call.idempotency_key == f"bookingbot:refund:cancelled:{booking_id}:{intent}"
    with uow() as u:
        (refund,) = u.payments.refunds_for(booking_id)
    assert (refund.status, refund.amount_minor) == (RefundStatus.SUCCEEDED, expected)
    assert call.form["metadata[refund_id]"] == refund.id
    assert "BookingCancelled" in kinds(engine)


def test_provider_cancellation_refunds_everything(uow: Uow, customer: str, gateway: StripeGateway,
                                                  fake: FakeStripe) -> None:
    booking_id, _ = paid(uow, customer, gateway, fake)
    out = cancel_and_refund(uow(), gateway, booking_id, actor=PROVIDER,
                            now=START - timedelta(minutes=30))
    assert out.refund.amount_minor == 2000
    assert fake.calls("/v1/refunds")[0].form["amount"] == "2000"


def test_cancelling_twice_refunds_once(uow: Uow, customer: str, gateway: StripeGateway,
                                       fake: FakeStripe) -> None:
    booking_id, _ = paid(uow, customer, gateway, fake)
    for _ in range(2):
        cancel_and_refund(uow(), gateway, booking_id, actor=actor(customer),
                          now=NOW + timedelta(hours=1))
    assert len(fake.calls("/v1/refunds")) == 1
    assert booking(uow, booking_id).refunded_minor == 2000


def test_failed_refund_is_kept_shown_and_retried_with_the_same_key(
        uow: Uow, customer: str, gateway: StripeGateway, fake: FakeStripe, engine: Engine) -> None:
    booking_id, _ = paid(uow, customer, gateway, fake)
    fake.fail("/v1/refunds", 500, 500)
    at = NOW + timedelta(hours=1)
    cancel_and_refund(uow(), gateway, booking_id, actor=PROVIDER, now=at)

    (shown,) = refunds_needing_attention(uow())
    assert (shown.status, shown.attempts, shown.booking_id) == (RefundStatus.FAILED, 1,
                                                                booking_id)
    assert "stripe 500" in (shown.last_error or "")
    assert retry_failed_refunds(uow(), gateway, now=at + timedelta(seconds=30)) == []

    (second,) = retry_failed_refunds(uow(), gateway, now=at + timedelta(minutes=1))
    assert (second.status, second.attempts) == (RefundStatus.FAILED, 2)
    (third,) = retry_failed_refunds(uow(), gateway, now=at + timedelta(minutes=7))
    assert third.status is RefundStatus.SUCCEEDED
    assert retry_failed_refunds(uow(), gateway, now=at + timedelta(hours=9)) == []

    keys = {c.idempotency_key for c in fake.calls("/v1/refunds")}
    assert len(fake.calls("/v1/refunds")) == 3
    assert len(keys) == 1
    assert len(fake.refunds) == 1  # money went back once
    assert refunds_needing_attention(uow()) == []
    assert "RefundNeedsAttention" not in kinds(engine)


def test_refusal_needs_a_person(uow: Uow, customer: str, gateway: StripeGateway, fake: FakeStripe,
                                engine: Engine) -> None:
    booking_id, _ = paid(uow, customer, gateway, fake)
    fake.fail("/v1/refunds", 402)
    cancel_and_refund(uow(), gateway, booking_id, actor=PROVIDER,
                      now=NOW + timedelta(hours=1))
    (shown,) = refunds_needing_attention(uow())
    assert shown.status is RefundStatus.REJECTED
    assert shown.next_attempt_at is None
    assert "RefundNeedsAttention" in kinds(engine)
    assert retry_failed_refunds(uow(), gateway, now=NOW + timedelta(days=1)) == []


def test_refund_webhooks_record_the_outcome(uow: Uow, customer: str, gateway: StripeGateway,
                                            fake: FakeStripe, client: Client,
                                            engine: Engine) -> None:
    booking_id, intent = paid(uow, customer, gateway, fake)
    cancel_and_refund(uow(), gateway, booking_id, actor=PROVIDER,
                      now=NOW + timedelta(hours=1))
    (refund_obj,) = fake.refunds.values()
    failed = stripe_event("refund.updated", {**refund_obj, "status": "failed"})
    assert post(client, failed).status_code == 200
    late_pending = stripe_event("refund.updated", {**refund_obj, "status": "pending"})
    assert post(client, late_pending).status_code == 200  # older news: ignored
    (shown,) = refunds_needing_attention(uow())
    assert shown.status is RefundStatus.REJECTED
    assert kinds(engine).count("RefundNeedsAttention") == 1
    # A refund made in the Stripe dashboard is recorded against the booking too.
    manual = {"id": "re_dashboard", "object": "refund", "amount": 0, "currency": "eur",
              "payment_intent": intent, "status": "succeeded", "metadata": {}}
    event = stripe_event("charge.refunded", {"id": "ch_1", "object": "charge",
                                             "refunds": {"data": [manual]}})
    assert post(client, event).status_code == 200
    assert post(client, event).status_code == 200
    with uow() as u:
        reasons = sorted(r.reason.value for r in u.payments.refunds_for(booking_id))
    assert reasons == ["cancelled", "external"]


def test_rescheduling_carries_the_payment_over(uow: Uow, customer: str, gateway: StripeGateway,
                                               fake: FakeStripe) -> None:
    booking_id, intent = paid(uow, customer, gateway, fake)
    later: datetime = START + timedelta(days=1, hours=4)  # 9 Jan opens at noon
    moved = reschedule(uow(), booking_id, new_start=later, actor=actor(customer),
                       now=PAID_AT + timedelta(minutes=1))
    assert (moved.id, moved.paid_minor, moved.start) == (booking_id, 2000, later)
    # The tiers now count from the new time: 24 h before it is a full refund.
    out = cancel_and_refund(uow(), gateway, booking_id, actor=actor(customer),
                            now=later - timedelta(hours=24))
    assert out.refund.amount_minor == 2000
    assert fake.calls("/v1/refunds")[0].form["payment_intent"] == intent
