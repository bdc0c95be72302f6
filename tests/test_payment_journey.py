"""Payments wired through the composition root: setup's check, the conversation's payment
link, the webhook's confirmation, and a refund on cancel (test-mode gateway, SQLite)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.payments.test_mode import TestModeGateway
from bookingbot.bootstrap import Database, database
from bookingbot.business_file import load_business_file
from bookingbot.chat import make_runner
from bookingbot.cli import main
from bookingbot.payments_wiring import payments_uow
from bot.messages import InboundMessage
from bot.runner import Runner
from core.booking import BookingStatus
from core.payments import CheckoutLink
from core.usecases.payments import handle_payment_event
from db.catalog import sync_business
from db.payments import RefundRow
from tests.bot.conftest import NOW
from tests.example_file import example_file


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "PAYMENTS_TEST_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


@pytest.mark.usefixtures("clean_env")
def test_setup_refuses_paying_services_without_stripe(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    paying = example_file(tmp_path, payments=True)
    assert main(["setup", str(paying), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "STRIPE_SECRET_KEY is not set" in err
    assert "nothing was changed" in err


@pytest.mark.usefixtures("clean_env")
def test_setup_accepts_them_in_explicit_test_mode(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("PAYMENTS_TEST_MODE", "true")
    paying = example_file(tmp_path, payments=True)
    assert main(["setup", str(paying), "--db", f"sqlite:///{tmp_path / 'p.sqlite3'}"]) == 0


@pytest.fixture
def shop(clean_env: None, monkeypatch: pytest.MonkeyPatch,
         tmp_path: Path) -> tuple[Database, Runner]:
    monkeypatch.setenv("PAYMENTS_TEST_MODE", "true")
    db = database(f"sqlite:///{tmp_path / 'shop.sqlite3'}")
    # The example's payments switched on, its calendars left off (payments are the subject).
    no_calendars = example_file(tmp_path, payments=True)
    business, raw = load_business_file(no_calendars)
    with db.sessions() as s, s.begin():
        sync_business(s, business, raw_text=raw, now=NOW)
    runner = make_runner(db)
    runner.clock = lambda: NOW
    yield db, runner
    db.close()


def say(runner: Runner, text: str, n: list[int] = [0]) -> str:  # noqa: B006 - a counter
    n[0] += 1
    out = runner.handle(InboundMessage("console", "payer", f"d{n[0]}", NOW, text=text))
    return " | ".join(r.text for r in out)


def test_prepaid_booking_is_held_with_a_link_then_confirmed_by_payment(
        shop: tuple[Database, Runner]) -> None:
    db, runner = shop
    say(runner, "hair colour tomorrow afternoon")
    say(runner, "1")
    held = say(runner, "yes")
    assert "Pay 120.00 USD here to confirm: https://test-payment.invalid/" in held
    assert "TEST PAYMENT: no money moves." in held
    link_id = re.search(r"/checkout/(test_cs_\w+)", held)
    assert link_id is not None
    with db.uow() as uow:
        (booking,) = uow.bookings.for_customer(
            runner.customers.identify("console", "payer", now=NOW).id, since=NOW)
    assert booking.status is BookingStatus.HELD
    assert booking.hold_expires_at is not None
    assert booking.hold_expires_at - NOW >= timedelta(minutes=30)  # outlives Stripe's minimum
    link = CheckoutLink(link_id[1], "")
    event = TestModeGateway.completed_event(link, booking)
    handle_payment_event(payments_uow(db)(), event, now=NOW + timedelta(minutes=3))
    handle_payment_event(payments_uow(db)(), event, now=NOW + timedelta(minutes=4))  # replay
    with db.uow() as uow:
        paid = uow.bookings.get(booking.id)
    assert paid is not None
    assert (paid.status, paid.paid_minor) == (BookingStatus.CONFIRMED, 12000)
    assert "Hair Colour" in say(runner, "my bookings")
    # More than 24 h ahead: the customer's cancellation refunds everything, as money.
    assert "Cancelled" in (say(runner, "cancel") and say(runner, "yes"))
    with db.sessions() as s:
        rows = s.execute(select(RefundRow.amount_minor, RefundRow.status)).all()
    assert [tuple(r) for r in rows] == [(12000, "succeeded")]


def test_a_recurring_series_of_a_prepaid_service_is_refused_clearly(
        shop: tuple[Database, Runner]) -> None:
    db, runner = shop
    say(runner, "hair colour every tuesday at 10am for 3 weeks")
    answer = say(runner, "yes")
    assert "paid in advance" in answer
    with db.uow() as uow:
        mine = uow.bookings.for_customer(
            runner.customers.identify("console", "payer", now=NOW).id, since=NOW)
    assert mine == []  # nothing held unpaid
