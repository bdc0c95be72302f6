"""A booking's actions from its page: reschedule to a picked free slot, message the
customer, mark completed or no-show (only once it has started)."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import text

from core.booking import BookingStatus
from core.staff import Role
from tests.admin.conftest import Site, csrf_of, http_login, log_in, shot
from tests.admin.test_bookings import paid_colour


def test_reschedule_to_a_picked_slot_and_message_the_customer(paid_site: Site,
                                                              page: Page) -> None:
    booking = paid_colour(paid_site, "mover")
    log_in(page, paid_site, paid_site.account("owner@example.com", Role.OWNER))
    page.goto(paid_site.url(f"/admin/bookings/{booking.id}?tz=America/Chicago"))
    page.get_by_role("link", name="Reschedule").click()
    page.get_by_role("link", name="Day after").click()  # Wednesday: Sam is free all day
    first = page.locator("input[name=start]").first
    new_start = first.get_attribute("value")
    assert new_start is not None
    shot(page, "reschedule")
    first.check()
    page.get_by_role("button", name="Move the booking").click()
    expect(page.locator("table.audit")).to_contain_text("booking.rescheduled")
    with paid_site.db.uow() as uow:
        moved = uow.bookings.get(booking.id)
    assert moved is not None
    assert moved.start.isoformat() == new_start
    assert moved.status is BookingStatus.CONFIRMED
    page.get_by_label("Message the customer").fill("Running 10 minutes late, sorry!")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Hair Colour with Sam")).to_be_visible()
    with paid_site.db.engine.connect() as conn:
        queued = conn.execute(text(
            "SELECT payload FROM outbox WHERE CAST(payload AS TEXT) LIKE :p"),
            {"p": "%Running 10 minutes late%"}).all()
    assert len(queued) == 1  # the provider-message event, for the customer's channel


def test_completed_and_no_show_only_after_the_start(paid_site: Site) -> None:
    booking = paid_colour(paid_site, "too-early")
    owner = paid_site.account("owner@example.com", Role.OWNER)
    with http_login(paid_site, owner) as client:
        page = client.get(f"/admin/bookings/{booking.id}").text
        assert "Mark completed" not in page  # not offered before the appointment
        refused = client.post(f"/admin/bookings/{booking.id}/complete",
                              data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 409
    assert "before the appointment starts" in refused.text
    with paid_site.db.uow() as uow:
        kept = uow.bookings.get(booking.id)
    assert kept is not None
    assert kept.status is BookingStatus.CONFIRMED
