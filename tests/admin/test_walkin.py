"""Walk-in: the desk books for a customer who phoned, through hold + confirm, and the
booking shows in the agenda, names the staff member in its history and tells the customer
by SMS. A slot taken meanwhile is refused; a provider books only for itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from core.booking import Actor, BookingStatus
from core.interval import Interval
from core.staff import Role
from core.usecases.booking import available_slots, hold_slot
from db.conversations import SqlCustomerDirectory
from tests.admin.conftest import PAID_NOW, Site, csrf_of, http_login, log_in, shot, start_site
from tests.db.conftest import fresh_postgres
from tests.example_file import example_file

WEDNESDAY = "2030-01-09"  # the day after PAID_NOW: Sam (Chicago) works 10:00-19:00
CHICAGO = "America/Chicago"


def free_starts(site: Site, provider: str = "sam") -> list[datetime]:
    window = Interval(datetime.fromisoformat(f"{WEDNESDAY}T06:00:00+00:00"),
                      datetime.fromisoformat(f"{WEDNESDAY}T06:00:00+00:00") + timedelta(days=1))
    return [s.start for s in available_slots(site.db.uow(), service_key="color",
                                             provider_key=provider, window=window,
                                             now=PAID_NOW)]


def test_walkin_booked_from_the_form_shows_in_the_agenda(paid_site: Site, page: Page) -> None:
    owner = paid_site.account("owner@example.com", Role.OWNER)
    log_in(page, paid_site, owner)
    expect(page.get_by_role("navigation").get_by_role("link", name="Walk-in")).to_be_visible()
    page.goto(paid_site.url(f"/admin/walkin?tz={CHICAGO}"))
    page.get_by_label("Service").select_option("color")
    page.get_by_label("With").select_option("sam")
    page.get_by_label("Day", exact=True).fill(WEDNESDAY)
    page.get_by_role("button", name="Show free times").click()
    first = page.locator("input[name=start]").first
    start = first.get_attribute("value")
    assert start is not None
    first.check()
    page.get_by_label("Name", exact=True).fill("Walk-in Wanda")
    page.get_by_label("Phone").fill("(312) 555-0142")
    page.get_by_label("Note (optional, kept in the booking's history)").fill("Prefers Sam")
    shot(page, "walkin")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("heading", name="Hair Colour with Sam")).to_be_visible()
    history = page.locator("table.audit")
    expect(history).to_contain_text("booking.confirmed")
    expect(history).to_contain_text("staff owner@example.com via admin")
    expect(history).to_contain_text("booking.note: Prefers Sam")
    booking_id = page.url.split("/admin/bookings/")[1].split("?")[0]
    with paid_site.db.uow() as uow:
        booking = uow.bookings.get(booking_id)
    assert booking is not None
    assert (booking.status, booking.start.isoformat(), booking.channel) == (
        BookingStatus.CONFIRMED, start, "admin")
    with paid_site.db.engine.connect() as conn:
        customer = conn.execute(text("SELECT channel, sender_id, name, phone_e164 FROM customers "
                                     "WHERE id = :id"), {"id": booking.customer_id}).one()
        events = conn.execute(text("SELECT kind FROM outbox WHERE CAST(payload AS TEXT) LIKE :p"),
                              {"p": f"%{booking_id}%"}).scalars().all()
    # The caller is the SMS customer at that number: the confirmation goes there.
    assert tuple(customer) == ("sms", "+13125550142", "Walk-in Wanda", "+13125550142")
    assert "BookingConfirmed" in events
    page.goto(paid_site.url(f"/admin/agenda?day={WEDNESDAY}&tz={CHICAGO}"))
    entry = page.locator(".agenda .entry.booking", has_text="Walk-in Wanda")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Hair Colour")
    shot(page, "walkin-agenda")


def _post(site: Site, email: str, **data: str) -> tuple[int, str]:
    with http_login(site, email) as client:
        form = client.get(f"/admin/walkin?tz={CHICAGO}")
        assert form.status_code == 200
        done = client.post("/admin/walkin", data={"csrf_token": csrf_of(form.text),
                                                  "service": "color", "day": WEDNESDAY,
                                                  "tz": CHICAGO, **data})
    return done.status_code, done.text


def test_a_slot_taken_meanwhile_is_refused_not_double_booked(paid_site: Site) -> None:
    manager = paid_site.account("manager@example.com", Role.MANAGER)
    start = free_starts(paid_site)[-1]
    # Someone in the chat takes it between the page being shown and the desk's click.
    rival = SqlCustomerDirectory(paid_site.db.sessions).identify("console", "rival",
                                                                 now=PAID_NOW)
    hold_slot(paid_site.db.uow(), service_key="color", provider_key="sam", start=start,
              customer_id=rival.id, actor=Actor("customer", rival.id, "console"), now=PAID_NOW)
    status, page = _post(paid_site, manager, provider="sam", start=start.isoformat(),
                         name="Late Larry", phone="+1 312 555 0143")
    assert status == 409
    assert "Not booked:" in page
    with paid_site.db.uow() as uow:
        there = uow.bookings.occupying("sam", Interval(start, start + timedelta(minutes=1)),
                                       PAID_NOW)
    assert [b.customer_id for b in there] == [rival.id]  # the rival's hold only


def test_bad_phone_and_missing_customer_are_explained(paid_site: Site) -> None:
    manager = paid_site.account("manager@example.com", Role.MANAGER)
    start = free_starts(paid_site)[0].isoformat()
    status, page = _post(paid_site, manager, provider="sam", start=start, name="Ann",
                         phone="12")
    assert (status, "is not a phone number we can text" in page) == (400, True)
    status, page = _post(paid_site, manager, provider="sam", start=start)
    assert (status, "Give the customer&#39;s name and phone number" in page) == (400, True)
    assert free_starts(paid_site)[0].isoformat() == start  # nothing was held


def test_a_provider_books_only_for_itself(paid_site: Site) -> None:
    alex = paid_site.account("alex@example.com", Role.PROVIDER, provider="alex")
    with http_login(paid_site, alex) as client:
        form = client.get(f"/admin/walkin?service=haircut&day={WEDNESDAY}").text
        assert '<option value="sam"' not in form  # only themselves to pick
        assert '<option value="">Anyone</option>' not in form
    sams = SqlCustomerDirectory(paid_site.db.sessions).identify("console", "sams-own",
                                                                now=PAID_NOW)
    hold_slot(paid_site.db.uow(), service_key="color", provider_key="sam",
              start=free_starts(paid_site)[-1], customer_id=sams.id,
              actor=Actor("customer", sams.id, "console"), now=PAID_NOW)
    start = free_starts(paid_site)[0].isoformat()
    status, _ = _post(paid_site, alex, provider="sam", start=start, name="Tampered",
                      phone="+1 312 555 0144")
    assert status == 403
    assert free_starts(paid_site)[0].isoformat() == start  # Sam's slot untouched
    sam_customer = sams.id
    # A customer only Sam has seen is "not found" for Alex, whatever the form says.
    with http_login(paid_site, alex) as client:
        form = client.get(f"/admin/walkin?service=haircut&day={WEDNESDAY}&tz={CHICAGO}")
        refused = client.post("/admin/walkin", data={
            "csrf_token": csrf_of(form.text), "service": "haircut", "provider": "",
            "day": WEDNESDAY, "tz": CHICAGO, "customer_id": sam_customer,
            "start": f"{WEDNESDAY}T15:00:00+00:00"})
    assert refused.status_code == 400
    assert "That customer was not found." in refused.text


def test_walkin_needs_the_csrf_token(paid_site: Site) -> None:
    manager = paid_site.account("manager@example.com", Role.MANAGER)
    start = free_starts(paid_site)[0].isoformat()
    with http_login(paid_site, manager) as client:
        refused = client.post("/admin/walkin", data={
            "service": "color", "provider": "sam", "start": start, "name": "No Token",
            "phone": "+1 312 555 0145", "tz": CHICAGO})
    assert refused.status_code == 403
    assert free_starts(paid_site)[0].isoformat() == start


@pytest.fixture(scope="module")
def pg_paid_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("pg-walkin")
    with fresh_postgres() as url:
        yield from start_site(url, business=example_file(folder, payments=True),
                              clock=lambda: PAID_NOW)


def test_walkin_on_postgres_books_once_for_a_known_customer(pg_paid_site: Site) -> None:
    manager = pg_paid_site.account("manager@example.com", Role.MANAGER)
    known = SqlCustomerDirectory(pg_paid_site.db.sessions).identify("console", "regular",
                                                                    now=PAID_NOW)
    start = free_starts(pg_paid_site)[0]
    status, _ = _post(pg_paid_site, manager, provider="", start=start.isoformat(),
                      customer_id=known.id)
    assert status == 303
    again, page = _post(pg_paid_site, manager, provider="sam", start=start.isoformat(),
                        customer_id=known.id)
    assert again == 409  # the same time twice: the second is refused, not double-booked
    assert "Not booked:" in page
    with pg_paid_site.db.engine.connect() as conn:
        rows = conn.execute(text("SELECT customer_id, status, channel FROM bookings")).all()
    assert [tuple(r) for r in rows] == [(known.id, "confirmed", "admin")]
