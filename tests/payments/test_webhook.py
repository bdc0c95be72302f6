"""Signed (and forged, replayed, repeated, out-of-order) Stripe events at the running route."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from adapters.payments.events import translate
from adapters.payments.stripe_gateway import StripeGateway
from core.booking import BookingStatus
from core.usecases import confirm, expire_holds
from core.usecases.payments import PaymentOutcome, handle_payment_event
from tests.db.helpers import NOW, overlap_count
from tests.payments.conftest import (
    Client,
    Clock,
    Uow,
    actor,
    booking,
    checkout,
    hold,
    kinds,
    outbox,
    post,
    stripe_event,
)
from tests.payments.fake_stripe import FakeStripe

LATER = NOW + timedelta(minutes=5)


def _paid_session(uow: Uow, customer: str, gateway: StripeGateway, fake: FakeStripe,
                  ) -> tuple[str, dict[str, object]]:
    held = hold(uow, customer)
    link = checkout(uow, gateway, held)
    return held.id, fake.pay(link.id)


def _events_seen(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM stripe_events")).scalar_one())


def test_deposit_paid_confirms_the_booking(uow: Uow, customer: str, gateway: StripeGateway,
                                           fake: FakeStripe, client: Client, clock: Clock,
                                           engine: Engine) -> None:
    booking_id, session = _paid_session(uow, customer, gateway, fake)
    clock.now = LATER
    reply = post(client, stripe_event("checkout.session.completed", session))
    assert reply.status_code == 200
    done = booking(uow, booking_id)
    assert done.status is BookingStatus.CONFIRMED
    assert (done.paid_minor, done.due_minor) == (2000, 2000)
    assert kinds(engine).count("BookingConfirmed") == 1
    with uow() as u:
        (payment,) = u.payments.payments_for(booking_id)
    assert (payment.status.value, payment.payment_intent) == ("paid", session["payment_intent"])


def test_duplicate_deliveries_have_one_effect(uow: Uow, customer: str, gateway: StripeGateway,
                                              fake: FakeStripe, client: Client, clock: Clock,
                                              engine: Engine) -> None:
    booking_id, session = _paid_session(uow, customer, gateway, fake)
    clock.now = LATER
    event = stripe_event("checkout.session.completed", session)
    assert [post(client, event).status_code for _ in range(3)] == [200, 200, 200]
    # Even the same payment under a new event id changes nothing more.
    assert post(client, stripe_event("checkout.session.completed", session)).status_code == 200
    assert booking(uow, booking_id).paid_minor == 2000
    assert kinds(engine).count("BookingConfirmed") == 1
    with uow() as u:
        audit = [e.action for e in u.audit.for_booking(booking_id)]
    assert audit.count("booking.confirmed") == 1
    assert not fake.calls("/v1/refunds")


@pytest.mark.parametrize("tamper", ["wrong_secret", "changed_body", "no_header", "old"])
def test_forged_or_stale_events_are_refused(uow: Uow, customer: str, gateway: StripeGateway,
                                            fake: FakeStripe, client: Client, engine: Engine,
                                            tamper: str) -> None:
    booking_id, session = _paid_session(uow, customer, gateway, fake)
    event = stripe_event("checkout.session.completed", session)
    if tamper == "wrong_secret":
        reply = post(client, event, secret="whsec_someone_else")
    elif tamper == "changed_body":
        reply = post(client, event, body=post_body(event).replace("2000", "1"))
    elif tamper == "old":  # a captured delivery replayed after Stripe's 5-minute tolerance
        reply = post(client, event, timestamp=int(time.time()) - 301)
    else:
        reply = client.post("/stripe/webhook", content=post_body(event))
    assert reply.status_code == (401 if tamper == "no_header" else 403)
    assert booking(uow, booking_id).status is BookingStatus.HELD
    assert _events_seen(engine) == 0


def post_body(event: dict[str, object]) -> str:
    return json.dumps(event)


def test_garbage_body_with_a_bad_signature_is_a_403(client: Client) -> None:
    assert client.post("/stripe/webhook", content=b"\xff\xfe",
                       headers={"Stripe-Signature": "t=1,v1=00"}).status_code == 403


@pytest.mark.parametrize("data", [None, {"object": None}, {"object": []}, "x"])
def test_signed_but_malformed_events_are_a_400(client: Client, data: object) -> None:
    event = {"id": "evt_malformed", "object": "event", "type": "checkout.session.completed",
             "data": data}
    assert post(client, event).status_code == 400


def test_an_oversized_body_is_a_413(client: Client) -> None:
    reply = client.post("/stripe/webhook", content=b"{" + b" " * (600 * 1024) + b"}",
                        headers={"Stripe-Signature": "t=1,v1=00"})
    assert reply.status_code == 413


def test_session_expired_releases_the_hold(uow: Uow, customer: str, gateway: StripeGateway,
                                           fake: FakeStripe, client: Client, clock: Clock,
                                           engine: Engine) -> None:
    held = hold(uow, customer)
    link = checkout(uow, gateway, held)
    clock.now = NOW + timedelta(minutes=32)
    event = stripe_event("checkout.session.expired", fake.expire(link.id))
    assert post(client, event).status_code == 200
    assert post(client, event).status_code == 200  # redelivered
    assert booking(uow, held.id).status is BookingStatus.EXPIRED
    assert kinds(engine).count("PaymentExpired") == 1
    assert "SlotFreed" in kinds(engine)
    # The slot is free for the next customer.
    other = hold(uow, customer, now=clock.now)
    assert other.status is BookingStatus.HELD


def test_expired_after_completed_changes_nothing(uow: Uow, customer: str, gateway: StripeGateway,
                                                 fake: FakeStripe, client: Client,
                                                 clock: Clock, engine: Engine) -> None:
    booking_id, session = _paid_session(uow, customer, gateway, fake)
    clock.now = LATER
    post(client, stripe_event("checkout.session.completed", session))
    expired = {**session, "status": "expired"}
    assert post(client, stripe_event("checkout.session.expired", expired)).status_code == 200
    assert booking(uow, booking_id).status is BookingStatus.CONFIRMED
    assert "PaymentExpired" not in kinds(engine)


def test_completed_after_expired_books_the_still_free_slot(
        uow: Uow, customer: str, gateway: StripeGateway, fake: FakeStripe, client: Client,
        clock: Clock, engine: Engine) -> None:
    booking_id, session = _paid_session(uow, customer, gateway, fake)
    clock.now = NOW + timedelta(minutes=40)
    post(client, stripe_event("checkout.session.expired", {**session, "status": "expired"}))
    assert booking(uow, booking_id).status is BookingStatus.EXPIRED
    assert post(client, stripe_event("checkout.session.completed", session)).status_code == 200
    with uow() as u:
        mine = [b for b in u.bookings.for_customer(customer, since=NOW)
                if b.status is BookingStatus.CONFIRMED]
        (payment,) = u.payments.payments_for(mine[0].id)
    assert [(b.start, b.paid_minor) for b in mine] == [(session_start(uow, booking_id), 2000)]
    assert payment.status.value == "paid"
    assert not fake.calls("/v1/refunds")
    assert overlap_count(engine) == 0


def session_start(uow: Uow, booking_id: str) -> object:
    return booking(uow, booking_id).start


def test_late_payment_for_a_taken_slot_is_refunded_in_full(
        uow: Uow, customer: str, gateway: StripeGateway, fake: FakeStripe, client: Client,
        clock: Clock, engine: Engine) -> None:
    booking_id, session = _paid_session(uow, customer, gateway, fake)
    clock.now = NOW + timedelta(minutes=40)
    expire_holds(uow(), now=clock.now)  # the sweep releases the lapsed hold ...
    with uow() as u:
        rival = u.customers.get_or_create("telegram", "99", now=clock.now).id
        u.commit()
    taken = hold(uow, rival, now=clock.now)  # ... and someone else books the slot
    confirm(uow(), taken.id, actor=actor(rival), now=clock.now)

    clock.now += timedelta(minutes=1)
    assert post(client, stripe_event("checkout.session.completed", session)).status_code == 200

    lost = booking(uow, booking_id)
    assert lost.status is BookingStatus.EXPIRED
    assert (lost.paid_minor, lost.refunded_minor) == (2000, 2000)
    (call,) = fake.calls("/v1/refunds")
    assert call.form["payment_intent"] == session["payment_intent"]
    assert call.form["amount"] == "2000"
    assert call.idempotency_key == f"bookingbot:refund:unbookable:{session['id']}"
    with uow() as u:
        (refund,) = u.payments.refunds_for(booking_id)
    assert refund.status.value == "succeeded"
    apology = [p for k, p in outbox(engine) if k == "LatePaymentRefunded"]
    assert len(apology) == 1
    assert apology[0]["amount_minor"] == 2000
    assert apology[0]["alternatives"]  # the nearest free slots, to offer
    assert overlap_count(engine) == 0
    assert booking(uow, taken.id).status is BookingStatus.CONFIRMED


def test_payment_for_an_unknown_booking_is_refunded(uow: Uow, customer: str, gateway: StripeGateway,
                                                    fake: FakeStripe, client: Client) -> None:
    _, session = _paid_session(uow, customer, gateway, fake)
    stray = {**session, "metadata": {"booking_id": "no-such-booking", "source": "bookingbot"}}
    assert post(client, stripe_event("checkout.session.completed", stray)).status_code == 200
    (call,) = fake.calls("/v1/refunds")
    assert call.form["amount"] == "2000"


def test_sessions_that_are_not_ours_are_ignored(uow: Uow, customer: str, gateway: StripeGateway,
                                                fake: FakeStripe, client: Client,
                                                engine: Engine) -> None:
    _, session = _paid_session(uow, customer, gateway, fake)
    foreign = {**session, "metadata": {"order": "42"}}
    reply = post(client, stripe_event("checkout.session.completed", foreign))
    assert reply.status_code == 200
    assert reply.json() == {"received": True, "ignored": True}
    assert _events_seen(engine) == 0
    assert not fake.calls("/v1/refunds")


def test_return_page_promises_nothing(client: Client) -> None:
    page = client.get("/stripe/return?result=paid&booking=x")
    assert page.status_code == 200
    assert "confirmation will arrive in the chat" in page.text


def test_concurrent_redeliveries_confirm_once(uow: Uow, customer: str, gateway: StripeGateway,
                                              fake: FakeStripe, engine: Engine) -> None:
    booking_id, session = _paid_session(uow, customer, gateway, fake)
    event = translate(stripe_event("checkout.session.completed", session))
    assert event is not None
    together = threading.Barrier(4, timeout=60)  # all four redeliveries start at once

    def redeliver(_: int) -> PaymentOutcome:
        together.wait()
        return handle_payment_event(uow(), event, now=LATER)

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(redeliver, range(4)))
    assert sum(not o.duplicate for o in outcomes) == 1
    assert booking(uow, booking_id).paid_minor == 2000
    assert kinds(engine).count("BookingConfirmed") == 1
