"""The admin and no-show fees, with Stripe pointed at the Stripe double (both databases):
the no-show form posted twice charges once; a fee the card refuses is flagged on the
booking's page and listed on the Fees page, for the owner to follow up."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from adapters.payments.events import translate
from adapters.payments.stripe_gateway import StripeGateway
from bookingbot.payments_wiring import payments_uow
from core.booking import Actor, Booking, BookingStatus
from core.fees import FeeKind, FeeStatus
from core.staff import Role
from core.usecases import hold_slot
from core.usecases.fees import fees_for
from core.usecases.payments import handle_payment_event, start_payment
from db.conversations import SqlCustomerDirectory
from tests.admin.conftest import Site, csrf_of, http_login, start_site
from tests.db.conftest import fresh_database
from tests.jobs.harness import Clock
from tests.payments.fake_stripe import FakeStripe, running
from tests.payments.fee_kit import stripe_event

STUDIO = Path(__file__).resolve().parents[2] / "examples" / "studio.yaml"
BOOKED_AT = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # a Monday
PRIVATE = datetime(2030, 1, 9, 10, 0, tzinfo=UTC)  # Wed 11:00 in Berlin: Mira works


@dataclass
class FeeSite:
    site: Site
    stripe: FakeStripe
    gateway: StripeGateway
    clock: Clock


@pytest.fixture(scope="module")
def fee_site(admin_backend: str, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[FeeSite]:
    clock = Clock(BOOKED_AT)
    with running() as stripe, fresh_database(admin_backend,
                                             tmp_path_factory.mktemp("fees")) as url:
        payments = {"payments_test_mode": False,
                    "stripe_secret_key": SecretStr("sk_test_admin"),
                    "stripe_api_base": stripe.url}
        for site in start_site(url, business=STUDIO, clock=clock, payments=payments):
            gateway = StripeGateway("sk_test_admin", api_base=stripe.url,
                                    max_network_retries=0)
            yield FeeSite(site, stripe, gateway, clock)


def private_with_card(fs: FeeSite, who: str, start: datetime) -> tuple[Booking, str]:
    """Held through the core use case, the card saved on the (double's) setup page, the
    signed event's effect: a confirmed booking with a card on file; and its session id."""
    db, now = fs.site.db, BOOKED_AT
    customer_id = SqlCustomerDirectory(db.sessions).identify("telegram", who, now=now).id
    actor = Actor("customer", customer_id, "telegram")
    held = hold_slot(db.uow(), service_key="private", provider_key="mira", start=start,
                     customer_id=customer_id, actor=actor, now=now)
    link = start_payment(payments_uow(db)(), fs.gateway, held.id, description="Private",
                         success_url="https://bb.example/ok",
                         cancel_url="https://bb.example/no", now=now)
    event = translate(stripe_event("checkout.session.completed", fs.stripe.save_card(link.id),
                                   f"evt_{link.id}"))
    assert event is not None
    done = handle_payment_event(payments_uow(db)(), event, now=now).booking
    assert done is not None
    assert done.status is BookingStatus.CONFIRMED
    return done, link.id


def charges_for(fs: FeeSite, booking: Booking) -> list[str]:
    """The idempotency keys of the off-session charges the double saw for ``booking``."""
    return [r.idempotency_key or "" for r in fs.stripe.calls("/v1/payment_intents")
            if r.form.get("metadata[booking_id]") == booking.id]


def test_the_no_show_form_posted_twice_charges_the_fee_once(fee_site: FeeSite) -> None:
    booking, _ = private_with_card(fee_site, "twice", PRIVATE)
    fee_site.clock.now = PRIVATE + timedelta(minutes=20)
    owner = fee_site.site.account("owner@studio.example", Role.OWNER)
    with http_login(fee_site.site, owner) as client:
        token = csrf_of(client.get(f"/admin/bookings/{booking.id}").text)
        first = client.post(f"/admin/bookings/{booking.id}/no-show",
                            data={"csrf_token": token})
        again = client.post(f"/admin/bookings/{booking.id}/no-show",
                            data={"csrf_token": token})  # the form sent a second time
        page = client.get(f"/admin/bookings/{booking.id}").text
    assert first.status_code == 303
    assert again.status_code in (303, 409)  # never a second charge, whatever it answers
    assert charges_for(fee_site, booking) == [f"bookingbot:fee:no_show:{booking.id}"]
    (fee,) = fees_for(payments_uow(fee_site.site.db)(), booking.id)
    assert (fee.kind, fee.amount_minor, fee.status) == (FeeKind.NO_SHOW, 3500,
                                                        FeeStatus.SUCCEEDED)
    assert "no-show" in page
    assert "succeeded" in page


def test_a_refused_fee_is_flagged_on_the_booking_and_listed_for_the_owner(
        fee_site: FeeSite) -> None:
    booking, session_id = private_with_card(fee_site, "refused", PRIVATE + timedelta(hours=2))
    fee_site.stripe.card_will(session_id, "authentication_required")
    fee_site.clock.now = PRIVATE + timedelta(hours=2, minutes=20)
    owner = fee_site.site.account("owner@studio.example", Role.OWNER)
    with http_login(fee_site.site, owner) as client:
        token = csrf_of(client.get(f"/admin/bookings/{booking.id}").text)
        done = client.post(f"/admin/bookings/{booking.id}/no-show",
                           data={"csrf_token": token})
        page = client.get(f"/admin/bookings/{booking.id}?tz=Europe/Berlin").text
        listed = client.get("/admin/fees?tz=Europe/Berlin").text
    assert done.status_code == 303
    assert len(charges_for(fee_site, booking)) == 1
    assert [c for c in fee_site.stripe.off_session_charges()
            if c["metadata"]["booking_id"] == booking.id] == []  # no money moved
    flag = "Not charged: the bank wants the customer to authenticate"
    assert flag in page
    assert flag in listed
    assert f'href="/admin/bookings/{booking.id}?tz=Europe/Berlin"' in listed
    assert "<td>no-show</td><td>€35.00</td>" in listed
    assert '<a href="/admin/fees">Fees</a>' in listed  # in the menu
