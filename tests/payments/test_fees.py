"""No-show and late-cancellation fees against the Stripe double: the card saved at booking
(setup mode, or kept from the deposit), the fee charged off-session exactly once, a decline
and ``authentication_required`` recorded and told, the webhook's later word applied once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from adapters.payments.stripe_gateway import StripeGateway
from core.booking import Actor, BookingStatus
from core.fees import FeeKind, FeeStatus, SavedCard
from core.usecases import mark_no_show
from core.usecases.fees import charge_due_fees, charge_fees_for, fees_for
from core.usecases.refunds import cancel_and_refund
from tests.db.helpers import NOW, seed
from tests.payments.conftest import (
    START,
    Client,
    Uow,
    actor,
    booking,
    checkout,
    hold,
    outbox,
    post,
    stripe_event,
)
from tests.payments.fake_stripe import FakeStripe
from tests.payments.fee_kit import fee_business

PROVIDER = Actor("provider", "alice", "slack")
AFTER_START = START + timedelta(minutes=20)
@pytest.fixture
def guest(uow: Uow) -> str:
    return seed(uow, fee_business())


def carded(uow: Uow, customer: str, gateway: StripeGateway, fake: FakeStripe, client: Client,
           *, service: str = "flow") -> tuple[str, str]:
    """Booked through Checkout with the card kept, confirmed by the signed webhook;
    returns (booking id, checkout session id)."""
    held = hold(uow, customer, service=service)
    link = checkout(uow, gateway, held)
    session = fake.save_card(link.id) if service == "flow" else fake.pay(link.id)
    assert post(client, stripe_event("checkout.session.completed", session)).status_code == 200
    assert booking(uow, held.id).status is BookingStatus.CONFIRMED
    return held.id, link.id


def charges(fake: FakeStripe) -> list[Any]:
    return fake.calls("/v1/payment_intents")


def events(engine: Engine, kind: str) -> list[dict[str, Any]]:
    return [p for k, p in outbox(engine) if k == kind]


def test_a_card_only_service_opens_checkout_in_setup_mode_and_keeps_the_card(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client) -> None:
    booking_id, session_id = carded(uow, guest, gateway, fake, client)
    (call,) = fake.calls("/v1/checkout/sessions")
    assert call.form["mode"] == "setup"
    assert call.form["currency"] == "eur"
    assert call.form["customer_creation"] == "always"
    assert "line_items[0][price_data][unit_amount]" not in call.form
    with uow() as u:
        (payment,) = u.payments.payments_for(booking_id)
        refunds = u.payments.refunds_for(booking_id)
    session = fake.sessions[session_id]
    assert payment.saved_card == SavedCard(session["customer"], session["setup_intent"])
    assert payment.amount_minor == 0
    assert refunds == []  # nothing paid, nothing to give back


def test_a_deposit_checkout_keeps_the_card_for_later(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client) -> None:
    booking_id, session_id = carded(uow, guest, gateway, fake, client, service="balayage")
    (call,) = fake.calls("/v1/checkout/sessions")
    assert call.form["mode"] == "payment"
    assert call.form["payment_intent_data[setup_future_usage]"] == "off_session"
    assert call.form["line_items[0][price_data][unit_amount]"] == "3000"
    with uow() as u:
        (payment,) = u.payments.payments_for(booking_id)
    assert payment.saved_card is not None
    assert payment.saved_card.card_ref == fake.sessions[session_id]["payment_intent"]


def test_a_service_without_fees_saves_no_card(uow: Uow, guest: str, gateway: StripeGateway,
                                              fake: FakeStripe) -> None:
    checkout(uow, gateway, hold(uow, guest, service="color"))
    (call,) = fake.calls("/v1/checkout/sessions")
    assert "payment_intent_data[setup_future_usage]" not in call.form
    assert "customer_creation" not in call.form


def test_no_show_charges_the_fee_off_session_once_however_often_it_is_pressed(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client,
        engine: Engine) -> None:
    booking_id, session_id = carded(uow, guest, gateway, fake, client)
    for press in range(3):  # the button twice, then the command
        marked = mark_no_show(uow(), booking_id, actor=PROVIDER,
                              now=AFTER_START + timedelta(seconds=press))
        assert marked.status is BookingStatus.NO_SHOW
        charge_fees_for(uow(), gateway, booking_id, now=AFTER_START + timedelta(seconds=press))
    assert charge_due_fees(uow(), gateway, now=AFTER_START + timedelta(hours=1)) == []
    (call,) = charges(fake)
    session = fake.sessions[session_id]
    assert call.idempotency_key == f"bookingbot:fee:no_show:{booking_id}"
    assert (call.form["amount"], call.form["currency"]) == ("1500", "eur")  # 50 % of 30.00
    assert (call.form["off_session"], call.form["confirm"]) == ("true", "true")
    assert call.form["customer"] == session["customer"]
    assert call.form["payment_method"] == fake.setup_intents[session["setup_intent"]][
        "payment_method"]
    (fee,) = fees_for(uow(), booking_id)
    assert (fee.status, fee.amount_minor, fee.kind) == (FeeStatus.SUCCEEDED, 1500,
                                                        FeeKind.NO_SHOW)
    assert len(fake.off_session_charges()) == 1
    assert [e["amount_minor"] for e in events(engine, "FeeCharged")] == [1500]


def test_two_providers_pressing_at_the_same_instant_charge_once(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client) -> None:
    booking_id, _ = carded(uow, guest, gateway, fake, client)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def press() -> None:
        try:
            barrier.wait(timeout=10)
            mark_no_show(uow(), booking_id, actor=PROVIDER, now=AFTER_START)
            charge_fees_for(uow(), gateway, booking_id, now=AFTER_START)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(charges(fake)) == 1
    assert len(fake.off_session_charges()) == 1


def test_control_two_no_shows_are_two_charges(uow: Uow, guest: str, gateway: StripeGateway,
                                              fake: FakeStripe, client: Client) -> None:
    """The counter above can fail: two different bookings missed are two fees."""
    first, _ = carded(uow, guest, gateway, fake, client)
    later = hold(uow, guest, service="flow", start=START + timedelta(hours=4))
    link = checkout(uow, gateway, later)
    post(client, stripe_event("checkout.session.completed", fake.save_card(link.id)))
    at = START + timedelta(hours=5)
    for booking_id in (first, later.id):
        mark_no_show(uow(), booking_id, actor=PROVIDER, now=at)
        charge_fees_for(uow(), gateway, booking_id, now=at)
    assert len(fake.off_session_charges()) == 2


def test_a_deposit_already_kept_counts_towards_the_fee(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client) -> None:
    booking_id, _ = carded(uow, guest, gateway, fake, client, service="balayage")
    mark_no_show(uow(), booking_id, actor=PROVIDER, now=START + timedelta(hours=2))
    charge_fees_for(uow(), gateway, booking_id, now=START + timedelta(hours=2))
    (call,) = charges(fake)
    assert call.form["amount"] == "3000"  # 50 % of 120.00 = 60.00, less the 30.00 deposit


@pytest.mark.parametrize(("behaviour", "status"), [
    ("card_declined", FeeStatus.DECLINED),
    ("authentication_required", FeeStatus.AUTH_REQUIRED),
])
def test_a_refused_charge_is_recorded_told_and_not_retried(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client,
        engine: Engine, behaviour: str, status: FeeStatus) -> None:
    booking_id, session_id = carded(uow, guest, gateway, fake, client)
    fake.card_will(session_id, behaviour)
    mark_no_show(uow(), booking_id, actor=PROVIDER, now=AFTER_START)
    (fee,) = charge_fees_for(uow(), gateway, booking_id, now=AFTER_START)
    assert (fee.status, fee.last_error) == (status, behaviour)
    assert fee.gateway_charge_id in fake.intents
    assert fake.off_session_charges() == []
    (failed,) = events(engine, "FeeChargeFailed")
    assert (failed["reason"], failed["amount_minor"]) == (status.value, 1500)
    assert events(engine, "FeeCharged") == []
    assert charge_due_fees(uow(), gateway, now=AFTER_START + timedelta(days=1)) == []
    assert len(charges(fake)) == 1


def test_authentication_completed_later_is_applied_once_from_the_webhook(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client,
        engine: Engine) -> None:
    booking_id, session_id = carded(uow, guest, gateway, fake, client)
    fake.card_will(session_id, "authentication_required")
    mark_no_show(uow(), booking_id, actor=PROVIDER, now=AFTER_START)
    (fee,) = charge_fees_for(uow(), gateway, booking_id, now=AFTER_START)
    intent = {**fake.intents[fee.gateway_charge_id or ""], "status": "succeeded"}
    succeeded = stripe_event("payment_intent.succeeded", intent)
    for _ in range(2):  # Stripe delivers again
        assert post(client, succeeded).status_code == 200
    post(client, stripe_event("payment_intent.succeeded", intent))  # a second event, same news
    (after,) = fees_for(uow(), booking_id)
    assert after.status is FeeStatus.SUCCEEDED
    assert len(events(engine, "FeeCharged")) == 1
    assert len(events(engine, "FeeChargeFailed")) == 1


def test_the_webhook_repeating_a_success_changes_nothing(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client,
        engine: Engine) -> None:
    booking_id, _ = carded(uow, guest, gateway, fake, client)
    mark_no_show(uow(), booking_id, actor=PROVIDER, now=AFTER_START)
    (fee,) = charge_fees_for(uow(), gateway, booking_id, now=AFTER_START)
    intent = fake.intents[fee.gateway_charge_id or ""]
    for _ in range(2):
        post(client, stripe_event("payment_intent.succeeded", intent))
    failed = {**intent, "status": "requires_payment_method",
              "last_payment_error": {"code": "card_declined"}}
    post(client, stripe_event("payment_intent.payment_failed", failed))  # late, older news
    (after,) = fees_for(uow(), booking_id)
    assert after.status is FeeStatus.SUCCEEDED
    assert len(events(engine, "FeeCharged")) == 1
    assert events(engine, "FeeChargeFailed") == []
    assert len(charges(fake)) == 1


def test_a_failed_call_is_retried_with_the_same_key(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client) -> None:
    booking_id, _ = carded(uow, guest, gateway, fake, client)
    fake.fail("/v1/payment_intents", 500)
    mark_no_show(uow(), booking_id, actor=PROVIDER, now=AFTER_START)
    (first,) = charge_fees_for(uow(), gateway, booking_id, now=AFTER_START)
    assert (first.status, first.attempts) == (FeeStatus.PENDING, 1)
    assert charge_due_fees(uow(), gateway, now=AFTER_START + timedelta(seconds=30)) == []
    (second,) = charge_due_fees(uow(), gateway, now=AFTER_START + timedelta(minutes=1))
    assert second.status is FeeStatus.SUCCEEDED
    assert {c.idempotency_key for c in charges(fake)} == {f"bookingbot:fee:no_show:{booking_id}"}
    assert len(fake.off_session_charges()) == 1


def test_no_card_on_file_is_recorded_and_told(uow: Uow, guest: str, engine: Engine) -> None:
    """A booking made before the card rule (or whose card row is gone) cannot be charged:
    the provider hears so at once, nothing is sent."""
    from core.usecases import confirm  # noqa: PLC0415 - only this test books without paying

    held = hold(uow, guest, service="flow")
    confirm(uow(), held.id, actor=actor(guest), now=NOW)
    mark_no_show(uow(), held.id, actor=PROVIDER, now=AFTER_START)
    (fee,) = fees_for(uow(), held.id)
    assert fee.status is FeeStatus.NO_CARD
    assert [e["reason"] for e in events(engine, "FeeChargeFailed")] == ["no_card"]


@pytest.mark.parametrize(("notice", "fee"), [
    (timedelta(hours=24), None),  # on time: no fee
    (timedelta(hours=24) - timedelta(seconds=1), 1000),  # one second inside the window
    (timedelta(hours=1), 1000),
])
def test_late_cancellation_charges_the_late_fee(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client,
        notice: timedelta, fee: int | None) -> None:
    booking_id, _ = carded(uow, guest, gateway, fake, client)
    out = cancel_and_refund(uow(), gateway, booking_id, actor=actor(guest), now=START - notice)
    assert out.fee_minor == (fee or 0)
    calls = charges(fake)
    if fee is None:
        assert calls == []
        assert fees_for(uow(), booking_id) == []
        return
    (call,) = calls
    assert call.idempotency_key == f"bookingbot:fee:late_cancel:{booking_id}"
    assert call.form["amount"] == str(fee)
    (row,) = fees_for(uow(), booking_id)
    assert (row.kind, row.status) == (FeeKind.LATE_CANCEL, FeeStatus.SUCCEEDED)


def test_a_provider_cancelling_late_charges_no_fee(
        uow: Uow, guest: str, gateway: StripeGateway, fake: FakeStripe, client: Client) -> None:
    booking_id, _ = carded(uow, guest, gateway, fake, client)
    cancel_and_refund(uow(), gateway, booking_id, actor=PROVIDER, now=START - timedelta(hours=1))
    assert charges(fake) == []
