"""The main pages at desktop and at phone width (375 px), as the README shows them.

A site of its own (the shipped example with payments, a fixed clock, a few customers on
different channels) so the pictures are the same on every run. At 375 px no page may scroll
sideways as a whole (the agenda grid scrolls inside its own box). The pictures go to
``var/screenshots/pages/``; ``make screenshots`` writes them into ``docs/screenshots/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from core.booking import Actor, Booking
from core.interval import Interval
from core.staff import Role
from core.usecases.booking import available_slots, confirm, hold_slot
from core.usecases.provider import block_time
from db.customers import SqlCustomerRepository
from db.provider_queries import SqlProviderQueries
from tests.admin.conftest import (
    PAID_NOW,
    SCREENSHOTS,
    Site,
    log_in,
    start_site,
)
from tests.admin.test_bookings import paid_colour
from tests.example_file import example_file

OUT = Path(os.environ.get("BOOKINGBOT_SCREENSHOTS") or SCREENSHOTS / "pages")
DESKTOP = {"width": 1100, "height": 800}
PHONE = {"width": 375, "height": 740}
MAX_HEIGHT = 2200  # long pages are cut there: the README shows their top
DAY = "2030-01-08"  # PAID_NOW's day: the bookings below are all on it
TZ = "America/Chicago"
CUSTOMERS = [("telegram", "5001", "Ann Lee"), ("sms", "+12125550143", None),
             ("whatsapp", "whatsapp:+447911123456", "Bruno Costa")]


def _book(site: Site, customer: tuple[str, str, str | None], service: str,
          provider: str, hours: float, *, keep_hold: bool = False) -> None:
    channel, sender, name = customer
    with site.db.sessions() as s, s.begin():
        customer_id = SqlCustomerRepository(s).get_or_create(
            channel, sender, now=PAID_NOW, name=name,
            phone_e164=sender.removeprefix("whatsapp:") if "+" in sender else None).id
    window = Interval(PAID_NOW + timedelta(hours=hours), PAID_NOW + timedelta(hours=hours + 4))
    slot = available_slots(site.db.uow(), service_key=service, provider_key=provider,
                           window=window, now=PAID_NOW)[0]
    actor = Actor("customer", customer_id, channel)
    hold = hold_slot(site.db.uow(), service_key=service, provider_key=provider,
                     start=slot.start, customer_id=customer_id, actor=actor, now=PAID_NOW)
    if not keep_hold:
        confirm(site.db.uow(), hold.id, actor=actor, now=PAID_NOW)


def _populate(site: Site) -> Booking:
    ann, sms, bruno = CUSTOMERS
    _book(site, ann, "haircut", "alex", 3)
    _book(site, sms, "beard-trim", "alex", 5)
    _book(site, bruno, "haircut", "sam", 4)
    _book(site, sms, "haircut", "alex", 8, keep_hold=True)
    block_time(site.db.uow(), SqlProviderQueries(clock=lambda: PAID_NOW), provider_key="alex",
               span=Interval(PAID_NOW + timedelta(hours=6), PAID_NOW + timedelta(hours=7)),
               note="dentist", now=PAID_NOW)
    return paid_colour(site, "colour-customer")


@pytest.fixture(scope="module")
def shots_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Booking]]:
    folder = tmp_path_factory.mktemp("shots")
    for site in start_site(f"sqlite:///{folder / 'shots.db'}",
                           business=example_file(folder, payments=True),
                           clock=lambda: PAID_NOW):
        yield site, _populate(site)


def _shoot(page: Page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.viewport_size["width"] if page.viewport_size else DESKTOP["width"]
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT)})


def _pages(booking: Booking) -> list[tuple[str, str, str]]:
    """(name, address, a heading that shows it loaded)."""
    return [
        ("agenda-day", f"/admin/agenda?day={DAY}&tz={TZ}", "Agenda"),
        ("agenda-week", f"/admin/agenda?view=week&day={DAY}&tz={TZ}", "Agenda"),
        ("bookings", f"/admin/bookings?from={DAY}&to={DAY}&tz={TZ}", "Bookings"),
        ("booking", f"/admin/bookings/{booking.id}?tz={TZ}", "Hair Colour with Sam"),
        ("customers", "/admin/customers", "Customers"),
        ("entry-points", "/admin/entry-points", "Entry points"),
    ]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_main_pages_fit_and_are_pictured(shots_site: tuple[Site, Booking], browser: Browser,
                                         size: str, viewport: dict[str, int]) -> None:
    site, booking = shots_site
    context = browser.new_context(viewport=viewport, timezone_id=TZ)  # type: ignore[arg-type]
    page = context.new_page()
    try:
        page.goto(site.url("/admin/login"))
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
        _shoot(page, f"login-{size}")
        log_in(page, site, site.account("owner@example.com", Role.OWNER))
        expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
        wide = []
        for name, path, heading in _pages(booking):
            page.goto(site.url(path))
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            if name == "booking":  # the refund the policy gives, before cancelling
                expect(page.locator("label[for=by-customer]")).to_contain_text("50 %")
            _shoot(page, f"{name}-{size}")
            if page.evaluate("document.documentElement.scrollWidth") > viewport["width"]:
                wide.append(name)
        assert wide == [], f"pages wider than {viewport['width']} px: {wide}"
    finally:
        context.close()
