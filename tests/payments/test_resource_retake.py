"""A deposit paid after its hold lapsed re-takes the slot only if its room is free too."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import Engine

from adapters.payments.stripe_gateway import StripeGateway
from core.booking import BookingStatus
from core.usecases import confirm, expire_holds, hold_slot
from db.catalog import sync_business
from tests.db.helpers import NOW
from tests.db.resource_kit import MASSAGE, clinic
from tests.payments.conftest import START, Client, Clock, Uow, actor, booking, checkout, hold, post
from tests.payments.conftest import stripe_event as event
from tests.payments.fake_stripe import FakeStripe


def _one_room_clinic(uow: Uow) -> tuple[str, str]:
    """The clinic with one room; colour (a deposit) needs the room as well."""
    base = clinic(room_count=1)
    services = tuple(replace(s, requires=("room",)) if s.key == "color" else s
                     for s in base.services)
    with uow() as u:
        sync_business(u.session, replace(base, services=services), raw_text="x", now=NOW)
        ann = u.customers.get_or_create("telegram", "1", now=NOW).id
        rival = u.customers.get_or_create("telegram", "2", now=NOW).id
        u.commit()
    return ann, rival


def _lapse(uow: Uow, ann: str, gateway: StripeGateway, fake: FakeStripe,
           clock: Clock) -> tuple[str, dict[str, object]]:
    held = hold(uow, ann)
    session = fake.pay(checkout(uow, gateway, held).id)
    clock.now = NOW + timedelta(minutes=40)
    expire_holds(uow(), now=clock.now)
    return held.id, session


def test_a_late_payment_whose_room_went_is_refunded(
        uow: Uow, gateway: StripeGateway, fake: FakeStripe, client: Client, clock: Clock,
        engine: Engine) -> None:
    ann, rival = _one_room_clinic(uow)
    lapsed, session = _lapse(uow, ann, gateway, fake, clock)
    # Bob's massage takes the one room at that time; Alice herself stays free.
    massage = hold_slot(uow(), service_key=MASSAGE.key, provider_key="bob", start=START,
                        customer_id=rival, actor=actor(rival), now=clock.now)
    confirm(uow(), massage.id, actor=actor(rival), now=clock.now)
    assert post(client, event("checkout.session.completed", session)).status_code == 200
    lost = booking(uow, lapsed)
    assert lost.status is BookingStatus.EXPIRED
    assert lost.refunded_minor == lost.paid_minor > 0
    with uow() as u:
        mine = [b for b in u.bookings.for_customer(ann, since=NOW)
                if b.status is BookingStatus.CONFIRMED]
    assert mine == []


def test_a_late_payment_with_its_room_free_takes_the_room_again(
        uow: Uow, gateway: StripeGateway, fake: FakeStripe, client: Client,
        clock: Clock) -> None:
    ann, _ = _one_room_clinic(uow)
    _, session = _lapse(uow, ann, gateway, fake, clock)
    assert post(client, event("checkout.session.completed", session)).status_code == 200
    with uow() as u:
        (fresh,) = [b for b in u.bookings.for_customer(ann, since=NOW)
                    if b.status is BookingStatus.CONFIRMED]
        assert u.resources.of_booking(fresh.id) == {"room": "room1"}
