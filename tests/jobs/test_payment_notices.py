"""Outbox kinds from payments and the provider's messages are delivered exactly once, on
both backends, with an injected clock: payment expired, late payment refunded (with the
alternatives as choices that book), refund needing attention, the provider's message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from core.booking import Actor
from core.interval import Interval
from core.usecases import cancel, join_waitlist
from core.usecases.provider import booking_ref, message_customer
from core.usecases.refunds import cancel_and_refund
from tests.jobs.conftest import at
from tests.jobs.harness import PROVIDER_CHANNEL, Clock, World
from tests.jobs.seams import (
    RefusingGateway,
    checkout,
    checkout_expired,
    hold,
    paid_booking,
    pay,
    router,
    say,
    settle,
    worker_world,
)

ALICE = Actor("provider", "alice", "slack")
WINDOW = timedelta(minutes=32)  # a checkout lives 31 minutes


def customer_texts(w: World, kind: str) -> list[str]:
    return [str(r["text"]) for r in w.rows() if r["kind"] == kind and r["status"] == "sent"]


@pytest.mark.parametrize("webhook_first", [True, False])
def test_payment_expired_once_and_no_plain_hold_expired(
        jengine: Engine, jobs_url: str, clock: Clock, webhook_first: bool) -> None:
    w = worker_world(jengine, jobs_url, clock)
    ann = w.customer()
    held = hold(w, ann, at(8, 10))
    link = checkout(w, held)
    clock.advance(WINDOW)
    if webhook_first:
        checkout_expired(w, link, held.id)
    settle(w)  # the hold sweep (if still held), the outbox, delivery
    checkout_expired(w, link, held.id)  # Stripe says so too (or again): nothing new
    settle(w)
    assert customer_texts(w, "payment_expired") == [
        "The payment window for Colour with Alice, Tue 8 Jan 10:00 AM GMT closed, so nothing "
        "was charged and the slot was released. Reply BOOK to try again."]
    assert customer_texts(w, "hold_expired") == []
    assert len(w.sent("telegram")) == 1


def test_late_payment_apology_offers_alternatives_that_book(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = worker_world(jengine, jobs_url, clock)
    ann = w.customer(tz="America/New_York")
    bea = w.customer(sender="43", name="Bea")
    held = hold(w, ann, at(8, 10))
    link = checkout(w, held)
    clock.advance(WINDOW)
    settle(w)  # the hold lapses: "payment window closed"
    w.book(bea, at(8, 10), service="color")  # the slot goes to Bea
    pay(w, link, held)  # Ann's payment arrives anyway
    settle(w)
    late = [s for s in w.sent("telegram") if s.address == "42" and s.text.startswith("Sorry")]
    assert len(late) == 1
    assert late[0].text.startswith(
        "Sorry! Your payment of 20.00 EUR for Colour with Alice, Tue 8 Jan 5:00 AM EST came in "
        "after the slot had gone, so it is being refunded in full. Free times nearby (EST), "
        "tap one to book it:")
    labels = [label for label, _ in late[0].choices]
    assert 1 <= len(labels) <= 5
    assert labels[0].startswith("Tue 8 Jan ")  # the customer's own zone
    assert all(p.startswith("alt:alice:") for _, p in late[0].choices)

    r = router(w)
    picked = say(r, "2")  # by SMS a number; a button sends the payload (same meaning)
    second = labels[1]
    assert picked[0].text.startswith(f"Colour with Alice, {second} EST. Price 90.00 EUR")
    assert picked[0].text.endswith("Confirm?")
    paying = say(r, "yes")
    assert "Pay 20.00 EUR here to confirm: https://test-payment.invalid/checkout/" \
        in paying[-1].text
    assert "TEST PAYMENT" in paying[-1].text


def test_refund_needing_attention_alerts_the_provider_once(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    refusing = RefusingGateway(retryable=False)
    w = worker_world(jengine, jobs_url, clock, gateway=refusing)
    b = paid_booking(w, w.customer(), at(8, 10))
    cancel_and_refund(w.uow(), refusing, b.id, actor=ALICE, now=clock())
    settle(w)
    alerts = [s for s in w.sent("slack") if s.text.startswith("Refund needs attention")]
    assert len(alerts) == 1
    assert alerts[0].address == PROVIDER_CHANNEL
    assert alerts[0].text == (
        "Refund needs attention: 20.00 EUR for Colour, Tue 8 Jan 10:00 AM GMT, Ann (telegram) "
        "could not be refunded and is no longer retried (charge_disputed). Please "
        "refund it from the Stripe dashboard and tell the customer. "
        f"ref `{booking_ref(b.id)}`")
    assert alerts[0].choices == (("Message customer", f"provider:message:{b.id}"),)


def test_provider_message_reaches_the_customer_once(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = worker_world(jengine, jobs_url, clock)
    b = w.book(w.customer(channel="sms", sender="+447700900123"), at(8, 9))
    for _ in range(2):  # Slack retried the submission: same view id, one message
        message_customer(w.uow(), provider_key="alice", booking_id=b.id,
                         text="Running 10 minutes late, sorry!", ref="V1", channel="slack")
    settle(w)
    texts = [s.text for s in w.sent("sms") if s.address == "+447700900123"]
    assert texts.count("Salon: Running 10 minutes late, sorry!") == 1


def test_opted_out_customers_get_none_of_these(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = worker_world(jengine, jobs_url, clock)
    cara = w.customer(channel="sms", sender="+447700900999", opted_out=True)
    bea = w.customer(sender="43", name="Bea")
    lost = hold(w, cara, at(8, 10))
    link = checkout(w, lost)
    expired = hold(w, cara, at(9, 14))
    expired_link = checkout(w, expired)
    clock.advance(WINDOW)
    checkout_expired(w, expired_link, expired.id)
    settle(w)
    w.book(bea, at(8, 10), service="color")
    pay(w, link, lost)
    kept = w.book(cara, at(10, 9))
    message_customer(w.uow(), provider_key="alice", booking_id=kept.id, text="Hello",
                     ref="V2", channel="slack")
    settle(w)
    assert [s for s in w.sent("sms") if s.address == "+447700900999"] == []
    assert {r["kind"] for r in w.rows() if r["address"] == "+447700900999"} == set()


def test_an_accepted_paying_offer_that_lapses_is_a_payment_expiry(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = worker_world(jengine, jobs_url, clock)
    ann, bea = w.customer(), w.customer(sender="43", name="Bea")
    join_waitlist(w.uow(), customer_id=bea, channel="telegram", service_key="color",
                  provider_key="alice", window=Interval(at(10, 8), at(10, 18)), now=clock())
    gone = w.book(ann, at(10, 11), service="color")
    cancel(w.uow(), gone.id, actor=Actor("customer", ann, "telegram"), now=clock())
    settle(w)
    clock.advance(timedelta(minutes=2))
    replies = say(router(w), "YES", "43")
    assert len(replies) == 1
    assert replies[0].text.startswith("Held for you: Colour, Thu 10 Jan 11:00 AM GMT. Ref ")
    assert "Pay 20.00 EUR here to confirm: https://test-payment.invalid" in replies[0].text
    assert "(link valid until 8:33 AM GMT)" in replies[0].text  # the deadline names its zone
    clock.advance(timedelta(hours=1))
    settle(w)
    kinds = w.sent_kinds()
    assert kinds[("payment_expired", "customer")] == 1
    assert kinds[("offer_lapsed", "customer")] == 0
    assert w.sent("telegram")[-1].text.startswith("The payment window for Colour")
