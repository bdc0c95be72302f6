"""Whole console conversations with examples/studio.yaml (test-mode payments, SQLite): the
fee policy said before "Confirm?", the card saved instead of a payment, the late
cancellation fee said before the cancellation is confirmed and then charged once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.payments.test_mode import TestModeGateway
from bookingbot.bootstrap import Database, database
from bookingbot.business_file import load_business_file
from bookingbot.chat import make_runner
from bookingbot.payments_wiring import payments_uow
from bot.messages import InboundMessage
from bot.runner import Runner
from core.booking import Actor, Booking, BookingStatus
from core.fees import FeeKind, FeeStatus
from core.payments import CheckoutLink
from core.usecases import mark_no_show
from core.usecases.fees import charge_fees_for, fees_for
from core.usecases.payments import handle_payment_event
from db.catalog import sync_business

STUDIO = Path(__file__).resolve().parent.parent / "examples" / "studio.yaml"
NOW = datetime(2025, 12, 2, 14, 0, tzinfo=UTC)  # Tuesday; Berlin is on CET (UTC+1)
CLASS = datetime(2025, 12, 3, 17, 30, tzinfo=UTC)  # Wed 18:30 CET, from the timetable


@pytest.fixture
def studio(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[Database, Runner]]:
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAYMENTS_TEST_MODE", "true")
    monkeypatch.chdir(tmp_path)
    db = database(f"sqlite:///{tmp_path / 'studio.sqlite3'}")
    business, raw = load_business_file(STUDIO)
    with db.sessions() as s, s.begin():
        sync_business(s, business, raw_text=raw, now=NOW)
    runner = make_runner(db)
    runner.clock = lambda: NOW
    yield db, runner
    db.close()


class Chat:
    def __init__(self, runner: Runner) -> None:
        self.runner, self.n = runner, 0

    def __call__(self, text: str, at: datetime = NOW) -> str:
        self.n += 1
        self.runner.clock = lambda: at
        out = self.runner.handle(InboundMessage("console", "yogi", f"d{self.n}", at, text=text))
        return " | ".join(r.text for r in out)


def mine(db: Database, runner: Runner) -> list[Booking]:
    customer = runner.customers.identify("console", "yogi", now=NOW).id
    with db.uow() as uow:
        return uow.bookings.for_customer(customer, since=NOW - timedelta(days=1))


def book_class(db: Database, runner: Runner, chat: Chat) -> Booking:
    """Through the chat up to the card link, then the (test-mode) card saved."""
    chat("vinyasa on wednesday")
    summary = chat("1")
    assert summary == (
        "We keep your card on file. No-show fee 100% of the price (18.00 EUR); cancelling "
        "less than 12h ahead costs 9.00 EUR. Vinyasa Flow with Mira, Wed 3 Dec 6:30 PM CET. "
        "Price 18.00 EUR. Confirm?")
    held = chat("yes")
    assert "Save a card here to confirm (nothing is charged now): " \
           "https://test-payment.invalid/checkout/" in held
    assert "TEST PAYMENT: no money moves." in held
    link = re.search(r"/checkout/(test_cs_\w+)", held)
    assert link is not None
    (booking,) = [b for b in mine(db, runner) if b.status is BookingStatus.HELD]
    event = TestModeGateway.completed_event(CheckoutLink(link[1], ""), booking)
    handle_payment_event(payments_uow(db)(), event, now=NOW + timedelta(minutes=2))
    with db.uow() as uow:
        done = uow.bookings.get(booking.id)
        (payment,) = uow.payments.payments_for(booking.id)
    assert done is not None
    assert done.status is BookingStatus.CONFIRMED
    assert payment.saved_card is not None
    with db.uow() as uow:
        assert uow.resources.of_booking(done.id) == {"hall": "hall"}  # the class's room
    return done


def test_booking_a_class_says_the_fees_and_saves_the_card_then_a_late_cancel_costs_the_fee(
        studio: tuple[Database, Runner]) -> None:
    db, runner = studio
    chat = Chat(runner)
    booking = book_class(db, runner, chat)
    late = CLASS - timedelta(hours=3)
    question = chat("cancel", late)
    assert question.startswith("This is a late cancellation: a fee of 9.00 EUR will be "
                               "charged to your saved card. Cancel Vinyasa Flow")
    assert "Cancelled" in chat("yes", late)
    (fee,) = fees_for(payments_uow(db)(), booking.id)
    assert (fee.kind, fee.amount_minor, fee.status) == (FeeKind.LATE_CANCEL, 900,
                                                        FeeStatus.SUCCEEDED)


def test_cancelling_in_time_mentions_no_fee_and_charges_none(
        studio: tuple[Database, Runner]) -> None:
    db, runner = studio
    chat = Chat(runner)
    booking = book_class(db, runner, chat)
    early = CLASS - timedelta(hours=13)
    question = chat("cancel", early)
    assert "fee" not in question
    assert question.startswith("Cancel Vinyasa Flow")
    chat("yes", early)
    assert fees_for(payments_uow(db)(), booking.id) == []


def test_a_missed_class_is_charged_the_no_show_fee(studio: tuple[Database, Runner]) -> None:
    db, runner = studio
    booking = book_class(db, runner, Chat(runner))
    after = CLASS + timedelta(minutes=30)
    mark_no_show(db.uow(), booking.id, actor=Actor("provider", "mira", "slack"), now=after)
    charge_fees_for(payments_uow(db)(), TestModeGateway(), booking.id, now=after)
    (fee,) = fees_for(payments_uow(db)(), booking.id)
    assert (fee.kind, fee.amount_minor, fee.status) == (FeeKind.NO_SHOW, 1800,
                                                        FeeStatus.SUCCEEDED)
