"""Bookings: the list, a booking's page, cancelling with the policy's refund, and a provider
who cannot reach another provider's booking by URL or by a tampered form."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from adapters.payments.test_mode import TestModeGateway
from bookingbot.payments_wiring import payments_uow
from core.booking import Actor, Booking, BookingStatus
from core.interval import Interval
from core.staff import Role
from core.usecases.booking import available_slots, hold_slot
from core.usecases.payments import handle_payment_event, start_payment
from db.conversations import SqlCustomerDirectory
from db.payments import RefundRow
from tests.admin.conftest import PAID_NOW, Site, csrf_of, http_login, log_in, shot


def paid_colour(site: Site, sender: str) -> Booking:
    """The first free Hair Colour 3-20 h ahead (Sam has room for five), paid in full
    through the test gateway's checkout."""
    customer = SqlCustomerDirectory(site.db.sessions).identify("console", sender, now=PAID_NOW)
    window = Interval(PAID_NOW + timedelta(hours=3), PAID_NOW + timedelta(hours=20))
    slots = available_slots(site.db.uow(), service_key="color", provider_key=None,
                            window=window, now=PAID_NOW)
    slot = slots[0]
    actor = Actor("customer", customer.id, "console")
    hold = hold_slot(site.db.uow(), service_key="color", provider_key=slot.provider_key,
                     start=slot.start, customer_id=customer.id, actor=actor, now=PAID_NOW)
    gateway = TestModeGateway()
    link = start_payment(payments_uow(site.db)(), gateway, hold.id, description="Hair Colour",
                         success_url="https://x.invalid/ok", cancel_url="https://x.invalid/no",
                         now=PAID_NOW)
    handle_payment_event(payments_uow(site.db)(), gateway.completed_event(link, hold),
                         now=PAID_NOW)
    with site.db.uow() as uow:
        paid = uow.bookings.get(hold.id)
    assert paid is not None
    assert (paid.status, paid.paid_minor) == (BookingStatus.CONFIRMED, 12000)
    return paid


def test_cancel_shows_the_50_percent_quote_and_records_the_refund(paid_site: Site,
                                                                  page: Page) -> None:
    booking = paid_colour(paid_site, "cancel-me")
    log_in(page, paid_site, paid_site.account("owner@example.com", Role.OWNER))
    page.goto(paid_site.url("/admin/bookings?tz=America/Chicago"))
    row = page.locator("table.list tbody tr").filter(
        has=page.locator(f"a[href^='/admin/bookings/{booking.id}']"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Hair Colour")
    expect(row).to_contain_text("Sam")
    expect(row).to_contain_text("$120.00")
    shot(page, "bookings")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Hair Colour with Sam")).to_be_visible()
    customer = page.get_by_label("The customer asked to")
    expect(page.locator("label[for=by-customer]")).to_contain_text(
        "refund $60.00 of $120.00 paid (50 %")
    expect(page.locator("label[for=by-business]")).to_contain_text("refund $120.00 (100 %)")
    expect(page.get_by_role("table").first).to_contain_text("test_cs_")  # the checkout id
    shot(page, "booking-cancel-quote")
    customer.check()
    page.get_by_role("button", name="Cancel the booking").click()
    expect(page.locator("dd.status")).to_have_text("cancelled")
    refunds = page.locator("table.refunds tbody tr")
    expect(refunds).to_have_count(1)
    expect(refunds).to_contain_text("$60.00")
    expect(refunds).to_contain_text("succeeded")
    expect(refunds).to_contain_text("test_re_")  # the gateway's refund id
    expect(page.locator("table.audit")).to_contain_text("booking.cancelled.by_customer")
    shot(page, "booking-cancelled")
    with paid_site.db.sessions() as s:
        rows = s.execute(select(RefundRow.amount_minor, RefundRow.status)
                         .where(RefundRow.booking_id == booking.id)).all()
    assert [tuple(r) for r in rows] == [(6000, "succeeded")]


def test_a_provider_cannot_reach_another_providers_booking(paid_site: Site) -> None:
    booking = paid_colour(paid_site, "not-yours")  # Sam's
    alex = paid_site.account("alex@example.com", Role.PROVIDER, provider="alex")
    sam = paid_site.account("sam@example.com", Role.PROVIDER, provider="sam")
    with http_login(paid_site, sam) as client:
        assert client.get(f"/admin/bookings/{booking.id}").status_code == 200  # control
    with http_login(paid_site, alex) as client:
        by_url = client.get(f"/admin/bookings/{booking.id}")
        assert by_url.status_code == 404
        assert "Hair Colour" not in by_url.text
        # A valid token from alex's own page, posted at Sam's booking: refused alike.
        token = csrf_of(client.get("/admin/").text)
        tampered = client.post(f"/admin/bookings/{booking.id}/cancel",
                               data={"csrf_token": token, "by": "business"})
        assert tampered.status_code == 404
        # The list narrowed to alex whatever the filter asks for.
        listed = client.get("/admin/bookings?provider=sam&from=2030-01-01&to=2030-02-01")
        assert listed.status_code == 200
        assert booking.id not in listed.text
        assert "0 bookings" in listed.text
    with paid_site.db.uow() as uow:
        kept = uow.bookings.get(booking.id)
    assert kept is not None
    assert kept.status is BookingStatus.CONFIRMED


FILTERS = [("q=filter-me", True), ("q=FILTER", True), ("q=nobody", False),
           ("payment=paid", True), ("payment=unpaid", False), ("status=confirmed", True),
           ("status=cancelled", False), ("service=haircut", False), ("service=color", True),
           ("provider=sam", True), ("provider=alex", False), ("channel=console", True),
           ("channel=sms", False), ("from=2030-01-09&to=2030-01-12", False)]


def test_filters_and_search_find_the_booking_only_when_they_match(paid_site: Site) -> None:
    booking = paid_colour(paid_site, "filter-me")
    owner = paid_site.account("owner@example.com", Role.OWNER)
    with http_login(paid_site, owner) as client:
        for query, found in FILTERS:
            listed = client.get(f"/admin/bookings?from=2030-01-08&to=2030-01-09&{query}")
            assert listed.status_code == 200
            assert (booking.id in listed.text) == found, query
