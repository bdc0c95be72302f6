"""The agenda: across providers, in the viewer's zone, live, DST days right."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, expect

from bookingbot.bootstrap import utcnow
from bookingbot.chat import run_chat
from core.interval import Interval
from core.staff import Role
from core.usecases.provider import block_time
from db.provider_queries import SqlProviderQueries
from tests.admin.conftest import Site, http_login, log_in, shot

SHOP = ZoneInfo("America/New_York")  # the demo business
CHAT = ["hi", "i'd like a haircut", "next friday afternoon", "1", "yes"]


def test_a_console_booking_appears_in_the_agenda_without_a_reload(site: Site,
                                                                  browser: Browser) -> None:
    email = site.account("desk@example.com", Role.MANAGER)
    context = browser.new_context(timezone_id="Europe/London", viewport={"width": 1100,
                                                                          "height": 900})
    page = context.new_page()
    try:
        log_in(page, site, email)
        # "next friday" is 1-7 days ahead: the week from tomorrow (shop time) holds it.
        tomorrow = (utcnow().astimezone(SHOP) + timedelta(days=1)).date()
        page.goto(site.url(f"/admin/agenda?view=week&day={tomorrow.isoformat()}"))
        # admin.js reloads once with the browser's zone; every time is then in it, named.
        expect(page.get_by_text("times in Europe/London (GMT)")).to_be_visible()
        expect(page.locator("table.agenda thead th")).to_have_text(["Day", "Alex", "Jordan"])
        expect(page.locator(".agenda .entry.booking")).to_have_count(0)
        page.evaluate("window.stillTheSamePage = true")
        out = io.StringIO()
        chat = threading.Thread(target=run_chat, kwargs={
            "db_url": site.db.url, "sender_id": "agenda-test", "tz": None,
            "stdin": io.StringIO("\n".join(CHAT) + "\n"), "stdout": out, "jobs": False})
        chat.start()
        chat.join(60)
        assert "Booked! Haircut" in out.getvalue(), out.getvalue()
        booked = page.locator(".agenda .entry.booking")
        expect(booked).to_have_count(1, timeout=20_000)
        expect(booked).to_contain_text("Haircut")
        expect(booked).to_contain_text("GMT")  # an afternoon in New York, in London time
        assert page.evaluate("window.stillTheSamePage") is True  # no reload happened
        shot(page, "agenda-week")
        page.set_viewport_size({"width": 375, "height": 800})
        shot(page, "agenda-week-phone")
    finally:
        context.close()


def test_the_fall_back_day_has_25_hours_and_time_off_shows_as_such(site: Site) -> None:
    email = site.account("dst@example.com", Role.OWNER)
    fall_back = "2027-11-07"  # New York leaves daylight time at 02:00 EDT
    span = Interval(datetime(2027, 11, 7, 4, 30, tzinfo=ZoneInfo("UTC")),  # 00:30 EDT
                    datetime(2027, 11, 7, 8, 0, tzinfo=ZoneInfo("UTC")))  # 03:00 EST
    block_time(site.db.uow(), SqlProviderQueries(), provider_key="jordan", span=span,
               note="dentist", now=utcnow())
    with http_login(site, email) as client:
        grid = client.get(f"/admin/agenda/grid?view=day&day={fall_back}&tz=America/New_York")
    assert grid.status_code == 200
    html = grid.text
    assert html.count('<tr><th scope="row">') == 25
    assert "01:00 EDT" in html
    assert "01:00 EST" in html
    assert html.index("01:00 EDT") < html.index("01:00 EST")
    assert 'class="entry timeoff"' in html
    assert "00:30 EDT–03:00 EST" in html
    assert "dentist" in html


def test_a_provider_sees_only_their_own_column(site: Site) -> None:
    email = site.account("jordan@example.com", Role.PROVIDER, provider="jordan")
    with http_login(site, email) as client:
        grid = client.get("/admin/agenda/grid?view=week&tz=America/New_York")
    assert grid.status_code == 200
    assert "<th scope=\"col\">Jordan</th>" in grid.text
    assert "Alex" not in grid.text
