"""Marking a no-show from Slack: the command and the alert's button, signed like Slack signs
them, charge the no-show fee from the saved card (Stripe double) exactly once; a charge the
card refuses reaches the owner's team channel and the provider at the Slack double, and the
customer, through the worker's own jobs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from adapters.payments.stripe_gateway import StripeGateway
from bookingbot.bootstrap import Database
from bookingbot.web import build_app
from bookingbot.worker import build_jobs
from bot.runner import Runner
from channels.http_guard import RateLimiter
from channels.slack import slack_mount, web_client
from channels.slack.render import NO_SHOW_ACTION
from channels.slack.sender import SlackSender
from core.usecases.fees import charge_fees_for
from core.usecases.provider import booking_ref
from db.catalog import sync_business
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from db.provider_queries import SqlProviderQueries
from tests.channels.asgi import AppClient
from tests.channels.slack.bookings import ann, outbox
from tests.channels.slack.conftest import NOW
from tests.channels.slack.fake_slack import FakeSlack
from tests.channels.slack.harness import SECRET, SlackDriver, TrackingExecutor
from tests.jobs.harness import RecordingSender
from tests.payments.fake_stripe import FakeStripe, running
from tests.payments.fee_kit import book_with_card, fee_business

TUE_10 = datetime(2030, 1, 8, 10, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Desk:
    slack: SlackDriver
    db: Database
    stripe: FakeStripe
    gateway: StripeGateway
    clock: Clock


@pytest.fixture
def desk(slack_db: Database, fake_slack: FakeSlack,
         caplog: pytest.LogCaptureFixture) -> Iterator[Desk]:
    caplog.set_level(logging.INFO)
    with slack_db.sessions() as s, s.begin():
        sync_business(s, fee_business(), raw_text="salon: {}", now=NOW)
    clock = Clock(NOW)
    executor = TrackingExecutor()
    store = SqlSessionStore(slack_db.engine)
    customers = SqlCustomerDirectory(slack_db.sessions)
    runner = Runner(uow=slack_db.uow, store=store, customers=customers, clock=clock)
    with running() as stripe:
        gateway = StripeGateway("sk_test_desk", api_base=stripe.url, max_network_retries=0)

        def charge(booking_id: str) -> None:
            charge_fees_for(slack_db.uow(), gateway, booking_id, now=clock())

        mount = slack_mount(client=web_client("xoxb-test", base_url=fake_slack.api_url),
                            signing_secret=SECRET, handler=runner.handle, store=store,
                            customers=customers, uow=slack_db.uow,
                            queries=SqlProviderQueries(), limiter=RateLimiter(), clock=clock,
                            executor=executor, charge_fees=charge)
        try:
            with AppClient(build_app(slack_db, mounts=[mount])) as client:
                yield Desk(SlackDriver(client, fake_slack, executor), slack_db, stripe,
                           gateway, clock)
        finally:
            executor.shutdown(wait=True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def _status(db: Database, booking_id: str) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT status FROM bookings WHERE id = :id"),
                                {"id": booking_id}).scalar_one())


def test_the_command_marks_no_show_and_charges_the_fee_once(desk: Desk) -> None:
    b = book_with_card(desk.db.uow, desk.gateway, desk.stripe, customer_id=ann(desk.db),
                       start=TUE_10, now=NOW)
    desk.slack.command(f"noshow {booking_ref(b.id)}")
    assert "can be marked no-show" in desk.slack.responses()[-1]  # not started yet
    assert _status(desk.db, b.id) == "confirmed"
    desk.clock.now = TUE_10 + timedelta(minutes=15)
    desk.slack.command(f"noshow {booking_ref(b.id)}")
    assert "No-show fee of 15.00 EUR charged" in desk.slack.responses()[-1]
    assert _status(desk.db, b.id) == "no_show"
    desk.slack.command(f"no-show {booking_ref(b.id)}")  # again, a separate command
    assert "No-show fee of 15.00 EUR charged" in desk.slack.responses()[-1]
    assert len(desk.stripe.calls("/v1/payment_intents")) == 1
    assert len(desk.stripe.off_session_charges()) == 1
    assert len(outbox(desk.db, "FeeCharged")) == 1


def test_the_button_pressed_twice_and_redelivered_charges_once(desk: Desk) -> None:
    b = book_with_card(desk.db.uow, desk.gateway, desk.stripe, customer_id=ann(desk.db),
                       start=TUE_10, now=NOW)
    desk.clock.now = TUE_10 + timedelta(minutes=15)
    value = f"provider:noshow:{b.id}"
    desk.slack.press(NO_SHOW_ACTION, value, trigger="T-1")
    desk.slack.press(NO_SHOW_ACTION, value, trigger="T-1")  # Slack delivers it again
    desk.slack.press(NO_SHOW_ACTION, value, trigger="T-2")  # pressed a second time
    answers = desk.slack.responses()
    assert len(answers) == 2  # the redelivery is not answered
    assert all("No-show fee of 15.00 EUR charged" in a for a in answers)
    assert len(desk.stripe.off_session_charges()) == 1
    assert len(outbox(desk.db, "FeeCharged")) == 1


def test_a_declined_card_is_said_to_the_provider(desk: Desk) -> None:
    b = book_with_card(desk.db.uow, desk.gateway, desk.stripe, customer_id=ann(desk.db),
                       start=TUE_10, now=NOW)
    (session_id,) = desk.stripe.sessions
    desk.stripe.card_will(session_id, "card_declined")
    desk.clock.now = TUE_10 + timedelta(minutes=15)
    desk.slack.press(NO_SHOW_ACTION, f"provider:noshow:{b.id}")
    assert "could not be charged (card declined)" in desk.slack.responses()[-1]
    assert [e["reason"] for e in outbox(desk.db, "FeeChargeFailed")] == ["declined"]


OWNER_CHANNEL = "C-OWNER"  # SLACK_PROVIDER_CHANNEL: the owner's team channel


@pytest.mark.parametrize(("behaviour", "reason", "why"), [
    ("card_declined", "declined", "the card was declined"),
    ("authentication_required", "authentication required", "your bank asked you to confirm it"),
])
def test_a_refused_fee_alerts_the_owner_and_the_provider_and_tells_the_customer(
        desk: Desk, behaviour: str, reason: str, why: str) -> None:
    b = book_with_card(desk.db.uow, desk.gateway, desk.stripe, customer_id=ann(desk.db),
                       start=TUE_10, now=NOW)
    (session_id,) = desk.stripe.sessions
    desk.stripe.card_will(session_id, behaviour)
    desk.clock.now = TUE_10 + timedelta(minutes=15)
    desk.slack.press(NO_SHOW_ACTION, f"provider:noshow:{b.id}")
    desk.slack.press(NO_SHOW_ACTION, f"provider:noshow:{b.id}", trigger="T-again")
    assert len(desk.stripe.calls("/v1/payment_intents")) == 1  # refused once, not retried
    telegram = RecordingSender("telegram")
    slack = SlackSender(web_client("xoxb-test", base_url=desk.slack.fake.api_url))
    jobs = build_jobs(desk.db, senders={"slack": slack, "telegram": telegram},
                      clock=desk.clock, provider_channel=OWNER_CHANNEL, gateway=desk.gateway)
    jobs.run_once()
    jobs.run_once()  # a second run tells nobody again
    posted = [(p["channel"], p["text"]) for p in desk.slack.fake.of("chat.postMessage")
              if str(p.get("text", "")).startswith("Fee not charged")]
    ref = booking_ref(b.id)
    assert sorted(posted) == sorted([
        (OWNER_CHANNEL, "Fee not charged: the no-show fee of 15.00 EUR for Flow, Tue 8 Jan "
                        "10:00 AM GMT, Ann (telegram), with Alice, could not be charged "
                        f"({reason}). The customer was told the business will contact them; "
                        f"the web admin lists it under Fees. ref `{ref}`"),
        ("U123", "Fee not charged: the no-show fee of 15.00 EUR for Flow, Tue 8 Jan 10:00 AM "
                 f"GMT, Ann (telegram) could not be charged ({reason}). The customer was told "
                 f"you will contact them. ref `{ref}`")])
    told = [m.text for m in telegram.sent if "no-show fee" in m.text]
    assert told == [f"The no-show fee of 15.00 EUR for Flow with Alice, Tue 8 Jan 10:00 AM GMT "
                    f"could not be charged ({why}). Salon will contact you about it."]
    assert desk.stripe.off_session_charges() == []  # no money moved
