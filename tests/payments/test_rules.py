"""Pure rules, webhook translation, configuration checks and the documented test mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.payments.events import translate
from adapters.payments.stripe_gateway import StripeGateway
from adapters.payments.test_mode import NOTICE, TestModeGateway
from bookingbot.payments_wiring import build_payment_gateway, check_payment_config
from bookingbot.settings import Settings
from core.booking import Actor, BookingStatus
from core.money import Money
from core.payments import (
    MIN_CHECKOUT_LIFETIME,
    RETRY_DELAYS,
    PaymentStatus,
    cancellation_refund,
    checkout_expiry,
    next_retry,
)
from core.policy import DEFAULT_POLICY, CancelledBy
from core.usecases.payments import handle_payment_event
from core.usecases.refunds import cancel_and_refund
from tests.db.helpers import NOW, make_business
from tests.payments.conftest import Uow, booking, checkout, hold, paying_business, stripe_event

T = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


def test_checkout_lives_as_long_as_the_hold_but_at_least_stripes_minimum() -> None:
    assert checkout_expiry(T + timedelta(minutes=10), T) == T + timedelta(minutes=31)
    assert checkout_expiry(T + timedelta(minutes=45), T) == T + timedelta(minutes=45)
    assert checkout_expiry(T + timedelta(days=3), T) == T + timedelta(hours=23)
    assert checkout_expiry(T, T) - T > MIN_CHECKOUT_LIFETIME


def test_retries_back_off_then_stop_inside_stripes_idempotency_window() -> None:
    waits = [next_retry(n, T) for n in range(1, len(RETRY_DELAYS) + 2)]
    assert waits[-1] is None
    assert all(w is not None for w in waits[:-1])
    assert sum(RETRY_DELAYS, timedelta()) < timedelta(hours=24)


@pytest.mark.parametrize(("notice", "pct"), [
    (timedelta(hours=24), 100), (timedelta(hours=24) - timedelta(seconds=1), 50),
    (timedelta(hours=2), 50), (timedelta(hours=2) - timedelta(seconds=1), 0),
    (timedelta(0), 0),
])
def test_refund_in_minor_units_follows_the_tiers(notice: timedelta, pct: int) -> None:
    got = cancellation_refund(DEFAULT_POLICY, paid=Money(2001, "EUR"),
                              refunded=Money(0, "EUR"), starts_at=T, cancelled_at=T - notice,
                              by=CancelledBy.CUSTOMER)
    assert got == Money(2001, "EUR").percent(pct)
    assert isinstance(got.amount_minor, int)
    provider = cancellation_refund(DEFAULT_POLICY, paid=Money(2001, "EUR"),
                                   refunded=Money(1, "EUR"), starts_at=T,
                                   cancelled_at=T - notice, by=CancelledBy.PROVIDER)
    assert provider == Money(2000, "EUR")  # 100 % of what is still held


def _session(**changes: Any) -> dict[str, Any]:
    base = {"id": "cs_1", "object": "checkout.session", "amount_total": 2000,
            "currency": "eur", "payment_intent": "pi_1", "payment_status": "paid",
            "metadata": {"booking_id": "b1", "source": "bookingbot"}}
    return {**base, **changes}


def test_translation_waits_for_money_on_delayed_methods() -> None:
    unpaid = stripe_event("checkout.session.completed", _session(payment_status="unpaid"))
    assert translate(unpaid) is None
    later = translate(stripe_event("checkout.session.async_payment_succeeded", _session()))
    assert later is not None
    assert later.booking_id == "b1"  # type: ignore[union-attr]
    assert translate(stripe_event("charge.refunded", {"id": "ch_1"})) is None
    assert translate(stripe_event("customer.created", {"id": "cus_1"})) is None


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE",
                 "PUBLIC_BASE_URL", "PAYMENTS_TEST_MODE"):
        monkeypatch.delenv(name, raising=False)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.usefixtures("bare_env")
def test_setup_refuses_paying_services_without_stripe() -> None:
    (problem,) = check_payment_config(make_business(), settings())
    assert "color (deposit 20.00 EUR)" in problem
    assert "STRIPE_SECRET_KEY is not set" in problem
    assert "PAYMENTS_TEST_MODE=true" in problem
    assert build_payment_gateway(settings()) is None
    free = make_business(services=make_business().services[:1])
    assert check_payment_config(free, settings()) == []


@pytest.mark.usefixtures("bare_env")
def test_setup_names_each_missing_stripe_setting() -> None:
    problems = check_payment_config(make_business(),
                                    settings(stripe_secret_key=SecretStr("sk_test_1")))
    assert any("STRIPE_WEBHOOK_SECRET" in p for p in problems)
    assert any("PUBLIC_BASE_URL" in p for p in problems)
    ready = settings(stripe_secret_key=SecretStr("sk_test_1"),
                     stripe_webhook_secret=SecretStr("whsec_1"),
                     public_base_url="https://bb.example")
    assert check_payment_config(make_business(), ready) == []
    gateway = build_payment_gateway(ready)
    assert isinstance(gateway, StripeGateway)
    assert gateway.live is False  # a test key


def test_test_mode_is_explicit(bare_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYMENTS_TEST_MODE", "true")
    assert check_payment_config(make_business(), settings()) == []
    assert isinstance(build_payment_gateway(settings()), TestModeGateway)
    both = settings(stripe_secret_key=SecretStr("sk_live_1"))
    assert "choose one" in check_payment_config(make_business(), both)[0]
    assert "TEST PAYMENT" in NOTICE


def test_test_mode_runs_the_real_flow_and_moves_no_money(uow: Uow, customer: str) -> None:
    gateway = TestModeGateway()
    held = hold(uow, customer)
    link = checkout(uow, gateway, held)
    assert link.url.startswith("https://test-payment.invalid/")
    handle_payment_event(uow(), gateway.completed_event(link, booking(uow, held.id)),
                         now=NOW + timedelta(minutes=2))
    assert booking(uow, held.id).status is BookingStatus.CONFIRMED
    with uow() as u:
        (payment,) = u.payments.payments_for(held.id)
    assert (payment.status, payment.livemode) == (PaymentStatus.PAID, False)
    out = cancel_and_refund(uow(), gateway, held.id, actor=Actor("provider", "alice", "slack"),
                            now=NOW + timedelta(hours=1))
    assert out.refund.amount_minor == 2000
    with uow() as u:
        (refund,) = u.payments.refunds_for(held.id)
    assert (refund.gateway_refund_id or "").startswith("test_re_")
    assert paying_business().service("keratin") is not None
