"""A recurring series of a card-on-file service, as a customer books it on the console
(the runner `bookingbot serve` builds, Stripe pointed at the Stripe double), on both
databases: the fee policy is said before "Book them all?", the dates are held (never
confirmed) until one setup-mode Checkout saves the card, which then confirms every date
and is the card a later date's no-show fee is charged to; the page expiring releases all.
The worker then tells the customer and the provider once for the series, not once a date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from adapters.payments.events import translate
from adapters.payments.stripe_gateway import StripeGateway
from bookingbot.bootstrap import Database, database
from bookingbot.business_file import load_business_file
from bookingbot.channels_wiring import build_runner
from bookingbot.payments_wiring import payments_uow
from bookingbot.settings import Settings
from bookingbot.worker import build_jobs
from bot.messages import InboundMessage
from bot.runner import Runner
from core.booking import Actor, Booking, BookingStatus
from core.fees import FeeKind, FeeStatus
from core.usecases import mark_no_show
from core.usecases.fees import charge_fees_for, fees_for
from core.usecases.payments import handle_payment_event
from db.catalog import sync_business
from tests.db.conftest import BACKENDS, fresh_database
from tests.jobs.harness import RecordingSender
from tests.payments.fake_stripe import FakeStripe, running
from tests.payments.fee_kit import stripe_event

STUDIO = Path(__file__).resolve().parents[2] / "examples" / "studio.yaml"
NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
WEDNESDAYS = [datetime(2030, 1, d, 10, 0, tzinfo=UTC) for d in (9, 16, 23)]  # 11:00 CET


@dataclass
class Studio:
    db: Database
    runner: Runner
    stripe: FakeStripe
    gateway: StripeGateway
    n: int = 0

    def __call__(self, text: str, at: datetime = NOW) -> str:
        self.n += 1
        self.runner.clock = lambda: at
        out = self.runner.handle(InboundMessage("console", "regular", f"d{self.n}", at,
                                                text=text))
        return " | ".join(r.text for r in out)

    def mine(self) -> list[Booking]:
        customer = self.runner.customers.identify("console", "regular", now=NOW).id
        with self.db.uow() as uow:
            return uow.bookings.for_customer(customer, since=NOW)

    def deliver(self, kind: str, session: dict[str, object], at: datetime) -> None:
        """The webhook's effect, as Stripe would send it (twice: a redelivery)."""
        event = translate(stripe_event(kind, session, f"evt_{kind}_{session['id']}"))
        assert event is not None
        for _ in range(2):
            handle_payment_event(payments_uow(self.db)(), event, now=at)


@pytest.fixture(params=BACKENDS)
def studio(request: pytest.FixtureRequest, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "PAYMENTS_TEST_MODE",
                 "STRIPE_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    with running() as stripe, fresh_database(str(request.param), tmp_path) as url:
        db = database(url)
        business, raw = load_business_file(STUDIO)
        with db.sessions() as s, s.begin():
            sync_business(s, business, raw_text=raw, now=NOW)
        settings = Settings(stripe_secret_key=SecretStr("sk_test_studio"),
                            stripe_api_base=stripe.url,
                            stripe_webhook_secret=SecretStr("whsec_studio"),
                            public_base_url="https://studio.example")
        gateway = StripeGateway("sk_test_studio", api_base=stripe.url, max_network_retries=0)
        try:
            yield Studio(db, build_runner(db, settings), stripe, gateway)
        finally:
            db.close()


def book_series(studio: Studio) -> str:
    """Through the conversation up to the card page; returns the Checkout Session id."""
    question = studio("private session every wednesday at 11am for 3 weeks")
    assert question.startswith(
        "We keep your card on file. No-show fee 50% of the price (35.00 EUR). Private Session "
        "every Wed at 11:00 AM CET, 3 times from Wed 9 Jan")
    assert question.endswith("Book them all?")
    held = studio("yes")
    link = re.search(r"https://checkout\.stripe\.test/c/setup/(cs_test_\w+)", held)
    assert link is not None, held
    assert held.startswith("Held for you: 3 of 3. Save a card here to confirm the series "
                           "(nothing is charged now): https://checkout.stripe.test/c/setup/")
    assert "(link valid until " in held
    return link[1]


def test_the_series_waits_for_the_card_then_every_date_is_confirmed_and_charged_to_it(
        studio: Studio) -> None:
    session_id = book_series(studio)
    (created,) = studio.stripe.calls("/v1/checkout/sessions")  # one page for the series
    assert created.form["mode"] == "setup"
    assert created.idempotency_key is not None
    dates = studio.mine()
    assert [b.start for b in dates] == WEDNESDAYS
    assert {b.status for b in dates} == {BookingStatus.HELD}  # no card, nothing confirmed
    expiry = {b.hold_expires_at for b in dates}
    assert len(expiry) == 1  # held together, as long as the page lives
    assert (expiry.pop() or NOW) - NOW >= timedelta(minutes=30)

    studio.deliver("checkout.session.completed", studio.stripe.save_card(session_id),
                   NOW + timedelta(minutes=5))
    confirmed = studio.mine()
    assert [b.status for b in confirmed] == [BookingStatus.CONFIRMED] * 3
    assert "Private Session" in studio("my bookings", NOW + timedelta(minutes=6))

    second = confirmed[1]  # the second Wednesday is missed
    after = second.start + timedelta(minutes=20)
    mark_no_show(studio.db.uow(), second.id, actor=Actor("provider", "mira", "slack"),
                 now=after)
    charge_fees_for(payments_uow(studio.db)(), studio.gateway, second.id, now=after)
    (fee,) = fees_for(payments_uow(studio.db)(), second.id)
    assert (fee.kind, fee.amount_minor, fee.status) == (FeeKind.NO_SHOW, 3500,
                                                        FeeStatus.SUCCEEDED)
    (charge,) = studio.stripe.off_session_charges()
    (seti,) = studio.stripe.setup_intents.values()  # the series' page saved this card
    assert (charge["customer"], charge["payment_method"]) == (seti["customer"],
                                                              seti["payment_method"])
    assert charge["metadata"]["booking_id"] == second.id


def test_the_card_page_expiring_releases_every_date(studio: Studio) -> None:
    session_id = book_series(studio)
    studio.deliver("checkout.session.expired", studio.stripe.expire(session_id),
                   NOW + timedelta(minutes=40))
    assert {b.status for b in studio.mine()} == {BookingStatus.EXPIRED}
    assert studio.stripe.off_session_charges() == []


def test_the_worker_tells_the_customer_and_the_provider_once_for_the_series(
        studio: Studio) -> None:
    session_id = book_series(studio)
    saved = NOW + timedelta(minutes=5)
    studio.deliver("checkout.session.completed", studio.stripe.save_card(session_id), saved)
    senders = {c: RecordingSender(c) for c in ("console", "slack")}
    jobs = build_jobs(studio.db, senders=senders, clock=lambda: saved,
                      provider_channel="C0STUDIO")
    jobs.run_once()
    assert jobs.run_once()["sent"] == 0  # a second run (or worker) sends nothing more
    (told,) = [s.text for s in senders["console"].sent if s.address == "regular"]
    assert told == ("Confirmed: Private Session with Mira, 3 dates:\n- Wed 9 Jan 11:00 AM CET"
                    "\n- Wed 16 Jan 11:00 AM CET\n- Wed 23 Jan 11:00 AM CET\n"
                    'Reply "my bookings" any time.')
    (alert,) = [s.text for s in senders["slack"].sent if s.address == "C0STUDIO"
                and s.text.startswith(("New booking", "New series"))]
    assert alert.startswith("New series: Private Session with Mira, 3 dates, for ")
    assert alert.count("\n• Wed ") == 3
