"""Starting a payment: the real stripe library against the local double."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from adapters.payments.stripe_gateway import StripeGateway
from core.booking import BookingStatus
from core.errors import DomainError, ErrorCode
from core.payments import MIN_CHECKOUT_LIFETIME, checkout_key
from tests.db.helpers import NOW
from tests.payments.conftest import START, Uow, booking, checkout, hold, kinds
from tests.payments.fake_stripe import FakeStripe


def test_checkout_session_in_stripe_wire_format(uow: Uow, customer: str, gateway: StripeGateway,
                                                 fake: FakeStripe) -> None:
    held = hold(uow, customer)
    link = checkout(uow, gateway, held)

    (call,) = fake.calls("/v1/checkout/sessions")
    form = call.form
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["line_items[0][price_data][unit_amount]"] == "2000"  # the deposit, minor units
    assert form["line_items[0][quantity]"] == "1"
    assert form["metadata[booking_id]"] == held.id
    assert form["metadata[source]"] == "bookingbot"
    assert form["payment_intent_data[metadata][booking_id]"] == held.id
    assert form["client_reference_id"] == held.id
    assert call.idempotency_key == checkout_key(held.id)
    assert call.authorization == "Bearer sk_test_bookingbot"
    # The session lives as long as the hold, which lasts at least Stripe's 30 minutes.
    expires = int(form["expires_at"])
    assert expires >= int((NOW + MIN_CHECKOUT_LIFETIME).timestamp())
    assert booking(uow, held.id).hold_expires_at == link.expires_at
    assert int(link.expires_at.timestamp()) == expires  # type: ignore[union-attr]
    assert link.url.startswith("https://checkout.stripe.test/")


def test_asking_twice_gives_the_same_link_and_one_session(uow: Uow, customer: str,
                                                           gateway: StripeGateway,
                                                           fake: FakeStripe) -> None:
    held = hold(uow, customer)
    first = checkout(uow, gateway, held)
    again = checkout(uow, gateway, held, now=NOW + timedelta(minutes=1))
    assert (again.id, again.url) == (first.id, first.url)
    assert len(fake.calls("/v1/checkout/sessions")) == 1


def test_prepayment_asks_for_the_full_price(uow: Uow, customer: str, gateway: StripeGateway,
                                             fake: FakeStripe) -> None:
    held = hold(uow, customer, service="keratin")
    checkout(uow, gateway, held)
    assert fake.calls("/v1/checkout/sessions")[0].form[
        "line_items[0][price_data][unit_amount]"] == "4999"


def test_gateway_down_releases_the_hold_so_the_customer_can_retry(
        uow: Uow, customer: str, gateway: StripeGateway, fake: FakeStripe,
        engine: Engine) -> None:
    held = hold(uow, customer)
    fake.fail("/v1/checkout/sessions", 503)
    with pytest.raises(DomainError) as err:
        checkout(uow, gateway, held)
    assert err.value.code is ErrorCode.BUSY
    assert booking(uow, held.id).status is BookingStatus.EXPIRED
    again = hold(uow, customer, now=NOW + timedelta(seconds=5))  # the same slot is free again
    assert checkout(uow, gateway, again, now=NOW + timedelta(seconds=5)).url
    assert "SlotFreed" in kinds(engine)


def test_no_checkout_for_a_lapsed_hold(uow: Uow, customer: str, gateway: StripeGateway) -> None:
    held = hold(uow, customer)
    with pytest.raises(DomainError) as err:
        checkout(uow, gateway, held, now=NOW + timedelta(hours=1))
    assert err.value.code is ErrorCode.HOLD_EXPIRED


def test_no_checkout_for_a_free_service(uow: Uow, customer: str, gateway: StripeGateway) -> None:
    held = hold(uow, customer, service="cut", start=START + timedelta(hours=4))
    with pytest.raises(DomainError) as err:
        checkout(uow, gateway, held)
    assert err.value.code is ErrorCode.INVALID_REQUEST
