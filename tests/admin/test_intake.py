"""A booking's page shows its intake answers as they were asked (examples/clinic.yaml),
in the browser, to the owner and to the provider the booking is with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.booking import Actor, Booking
from core.staff import Role
from core.usecases import confirm, hold_slot
from core.usecases.intake import save_answers
from db.conversations import SqlCustomerDirectory
from tests.admin.conftest import Site, log_in, shot, start_site
from tests.db.conftest import fresh_database

CLINIC = Path(__file__).resolve().parents[2] / "examples" / "clinic.yaml"
NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)  # a Monday
FRI_10 = datetime(2030, 1, 11, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def clinic_site(admin_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with fresh_database(admin_backend, tmp_path_factory.mktemp("clinic")) as url:
        yield from start_site(url, business=CLINIC, clock=lambda: NOW)


def physio(site: Site) -> Booking:
    """A physio booking made as the chat makes it: hold, answers on the hold, confirm."""
    customer = SqlCustomerDirectory(site.db.sessions).identify("console", "ann", now=NOW)
    actor = Actor("customer", customer.id, "console")
    hold = hold_slot(site.db.uow(), service_key="physio", provider_key="priya", start=FRI_10,
                     customer_id=customer.id, actor=actor, now=NOW)
    save_answers(site.db.uow(), hold.id, actor=actor, now=NOW,
                 given=[("injuries", "Sore <b>knee</b>"), ("first_visit", "yes"),
                        ("referral", "")])
    return confirm(site.db.uow(), hold.id, actor=actor, now=NOW)


def test_the_booking_page_lists_the_answers(clinic_site: Site, page: Page) -> None:
    booking = physio(clinic_site)
    log_in(page, clinic_site, clinic_site.account("priya@example.com", Role.PROVIDER, "priya"))
    page.goto(clinic_site.url(f"/admin/bookings/{booking.id}?tz=Europe/London"))
    section = page.get_by_role("region", name="Intake answers")
    expect(section).to_be_visible()
    terms, values = section.locator("dt"), section.locator("dd")
    expect(terms).to_have_text(["Any injuries we should know about?",
                                "Is this your first visit with us?",
                                "Were you referred by a doctor?"])
    expect(values).to_have_text(["Sore <b>knee</b>", "yes", "(skipped)"])  # escaped, as typed
    shot(page, "booking-intake")
