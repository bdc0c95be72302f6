"""Provider alerts in the provider channel are ``channels.slack.provider_alert``'s Block Kit
replies (amounts, working buttons), the App Home is refreshed after each change, and the
worker retries refunds every minute when a payment gateway is configured."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from slack_sdk import WebClient
from sqlalchemy import Engine

from bookingbot.bootstrap import Database
from bookingbot.worker import home_refresher
from core.booking import Actor
from core.payments import RefundStatus
from core.usecases import cancel, reschedule
from core.usecases.provider import booking_ref
from core.usecases.refunds import cancel_and_refund
from db.uow import session_factory
from jobs.scheduler import INTERVALS
from tests.jobs.conftest import at
from tests.jobs.harness import PROVIDER_CHANNEL, Clock
from tests.jobs.seams import Changes, RefusingGateway, paid_booking, settle, worker_world

ALICE = Actor("provider", "alice", "slack")


def test_alerts_use_provider_alert_with_amounts_and_buttons(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    changes = Changes()
    w = worker_world(jengine, jobs_url, clock, on_change=changes)
    ann = w.customer()
    me = Actor("customer", ann, "telegram")
    b = paid_booking(w, ann, at(8, 10))  # held, then paid through the test-mode gateway
    ref = booking_ref(b.id)
    settle(w)
    b = reschedule(w.uow(), b.id, new_start=at(8, 14), actor=me, now=clock())
    settle(w)
    cancel(w.uow(), b.id, actor=me, now=clock())
    settle(w)
    alerts = [s for s in w.sent("slack") if s.address == PROVIDER_CHANNEL
              and s.text.startswith(("New booking", "Rescheduled", "Cancelled"))]
    assert [a.text for a in alerts] == [
        "New booking: Colour with Alice, Tue 8 Jan 10:00 AM GMT, for Ann (telegram). Paid "
        f"20.00 EUR (deposit; price 90.00 EUR). ref `{ref}`",
        "Rescheduled: Colour with Alice for Ann (telegram), from Tue 8 Jan 10:00 AM GMT to "
        f"Tue 8 Jan 2:00 PM GMT. Paid 20.00 EUR (deposit; price 90.00 EUR). ref `{ref}`",
        "Cancelled by customer: Colour with Alice, Tue 8 Jan 2:00 PM GMT, for Ann (telegram). "
        f"Paid 20.00 EUR (deposit; price 90.00 EUR). Refund 20.00 EUR. ref `{ref}`"]
    buttons = [a.choices for a in alerts]
    cancel_button = ("Cancel booking", f"provider:cancel:{b.id}")
    message_button = ("Message customer", f"provider:message:{b.id}")
    assert buttons == [(cancel_button, message_button), (cancel_button, message_button),
                       (message_button,)]
    assert changes.seen == ["alice", "alice", "alice"]  # once per change, never on re-runs


class RecordingSlack:
    """Just enough of ``WebClient`` for ``SlackHome``: records ``views.publish``."""

    def __init__(self) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []

    def views_publish(self, *, user_id: str, view: dict[str, Any]) -> None:
        self.published.append((user_id, view))


def test_the_app_home_is_refreshed_after_each_change(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    slack = RecordingSlack()
    db = Database(jobs_url, jengine, session_factory(jengine))
    refresh = home_refresher(cast(WebClient, slack), db, clock)
    w = worker_world(jengine, jobs_url, clock, on_change=refresh)
    b = w.book(w.customer(), at(8, 10))
    settle(w)
    assert [user for user, _ in slack.published] == ["U123"]  # Alice's Slack user
    assert f"ref `{booking_ref(b.id)}`" in str(slack.published[-1][1]["blocks"])
    cancel(w.uow(), b.id, actor=ALICE, now=clock())
    settle(w)
    assert len(slack.published) == 2
    assert f"ref `{booking_ref(b.id)}`" not in str(slack.published[-1][1]["blocks"])


def test_a_failing_home_refresh_never_blocks_the_alerts(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    def broken(provider_key: str) -> None:
        raise RuntimeError(f"slack is down for {provider_key}")

    w = worker_world(jengine, jobs_url, clock, on_change=broken)
    w.book(w.customer(), at(8, 10))
    settle(w)
    assert w.sent_kinds()[("booking_confirmed", "provider")] == 1


def test_the_worker_retries_refunds_every_minute(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    assert INTERVALS["refunds"] == 60
    flaky = RefusingGateway(retryable=True, failures=1)
    w = worker_world(jengine, jobs_url, clock, gateway=flaky)
    b = paid_booking(w, w.customer(), at(8, 10))
    cancel_and_refund(w.uow(), flaky, b.id, actor=ALICE, now=clock())  # the first try fails
    assert w.jobs.refunds() == 0  # not due yet
    clock.advance(timedelta(minutes=1))
    assert w.jobs.refunds() == 1
    assert w.jobs.refunds() == 0  # twice changes nothing
    with w.uow() as u:
        refunds = u.payments.refunds_for(b.id)
    assert [r.status for r in refunds] == [RefundStatus.SUCCEEDED]
    assert flaky.calls == 2
    settle(w)
    assert w.sent_kinds()[("refund_needs_attention", "provider")] == 0


def test_no_gateway_no_refund_sweep(jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = worker_world(jengine, jobs_url, clock)
    assert w.jobs.refund_sweep is None
    assert w.jobs.refunds() == 0
