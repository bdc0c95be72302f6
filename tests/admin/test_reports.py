"""Reports over a known month, on SQLite and PostgreSQL: counts, rates and money per
provider and service, the per-day chart, and a provider who sees only their own figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from adapters.payments.test_mode import TestModeGateway
from bookingbot.payments_wiring import canceller
from core.booking import Actor, Booking
from core.interval import Interval
from core.staff import Role
from core.usecases.booking import available_slots, confirm, hold_slot, release_hold
from core.usecases.lifecycle import complete, mark_no_show
from db.conversations import SqlCustomerDirectory
from tests.admin.conftest import PAID_NOW, Site, http_login, log_in, shot, start_site
from tests.admin.test_bookings import paid_colour
from tests.db.conftest import fresh_postgres
from tests.example_file import example_file

EARLIER = datetime.fromisoformat("2030-01-02T12:00:00+00:00")  # when the Monday was booked
MONDAY = datetime.fromisoformat("2030-01-07T15:00:00+00:00")  # 10:00 in New York (Alex)


def _haircut(site: Site, sender: str, start: datetime, *, now: datetime = EARLIER) -> Booking:
    customer = SqlCustomerDirectory(site.db.sessions).identify("console", sender, now=now)
    actor = Actor("customer", customer.id, "console")
    hold = hold_slot(site.db.uow(), service_key="haircut", provider_key="alex", start=start,
                     customer_id=customer.id, actor=actor, now=now)
    return confirm(site.db.uow(), hold.id, actor=actor, now=now)


def known_month(site: Site) -> None:
    """January 2030: Alex 2 haircuts (1 completed, 1 no-show), Sam 2 paid colours ($120
    each, one cancelled by the customer 2-24 h ahead: $60 back); a hold let go and a
    February booking that do not count."""
    provider = Actor("provider", "alex", "admin")
    done = _haircut(site, "done", MONDAY)
    complete(site.db.uow(), done.id, actor=provider, now=PAID_NOW)
    missed = _haircut(site, "missed", MONDAY + timedelta(hours=1))
    mark_no_show(site.db.uow(), missed.id, actor=provider, now=PAID_NOW)
    paid_colour(site, "kept")
    gone = paid_colour(site, "gone")
    canceller(site.db, TestModeGateway())(gone.id, Actor("customer", gone.customer_id,
                                                         "console"), PAID_NOW)
    free = available_slots(site.db.uow(), service_key="haircut", provider_key="alex",
                           window=Interval(MONDAY + timedelta(days=2),
                                           MONDAY + timedelta(days=3)), now=PAID_NOW)
    walker = SqlCustomerDirectory(site.db.sessions).identify("console", "walker", now=PAID_NOW)
    actor = Actor("customer", walker.id, "console")
    hold = hold_slot(site.db.uow(), service_key="haircut", provider_key="alex",
                     start=free[0].start, customer_id=walker.id, actor=actor, now=PAID_NOW)
    release_hold(site.db.uow(), hold.id, actor=actor, now=PAID_NOW)
    _haircut(site, "february", datetime.fromisoformat("2030-02-04T15:00:00+00:00"),
             now=PAID_NOW)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def report_site(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp(f"reports-{request.param}")
    business = example_file(folder, payments=True)
    if request.param == "sqlite":
        sites = start_site(f"sqlite:///{folder / 'r.db'}", business=business,
                           clock=lambda: PAID_NOW)
        site = next(sites)
        known_month(site)
        yield site
        sites.close()
        return
    with fresh_postgres() as url:
        sites = start_site(url, business=business, clock=lambda: PAID_NOW)
        site = next(sites)
        known_month(site)
        yield site
        sites.close()


def cells(html: str, table: str) -> list[list[str]]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]  # after the header
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                                    r, re.S)] for r in rows]


def test_owner_sees_the_known_month(report_site: Site) -> None:
    owner = report_site.account("owner@example.com", Role.OWNER)
    with http_login(report_site, owner) as client:
        page = client.get("/admin/reports?tz=America/New_York")  # default: this month
    assert page.status_code == 200
    html = page.text
    assert 'value="2030-01-01"' in html
    assert 'value="2030-01-31"' in html
    assert cells(html, "report-total") == [
        ["All", "4", "1", "1 (25.0%)", "1 (25.0%)", "$240.00", "$60.00", "$180.00"]]
    assert cells(html, "report-providers") == [
        ["Alex", "2", "1", "1 (50.0%)", "0 (0.0%)", "$0.00", "$0.00", "$0.00"],
        ["Sam", "2", "0", "0 (0.0%)", "1 (50.0%)", "$240.00", "$60.00", "$180.00"]]
    assert cells(html, "report-services") == [
        ["Hair Colour", "2", "0", "0 (0.0%)", "1 (50.0%)", "$240.00", "$60.00", "$180.00"],
        ["Haircut", "2", "1", "1 (50.0%)", "0 (0.0%)", "$0.00", "$0.00", "$0.00"]]
    # Per day, in the viewer's zone: Monday the 7th (Alex), Tuesday the 8th (Sam).
    bars = re.findall(r'<rect class="bar"[^>]*><title>([^<]+)</title>', html)
    assert len(bars) == 62  # 31 days, two charts
    assert "2030-01-07: 2" in bars[:31]
    assert "2030-01-08: 2" in bars[:31]
    assert "2030-01-08: $240.00" in bars[31:]
    assert sum(1 for b in bars[:31] if not b.endswith(": 0")) == 2
    february = client_get(report_site, owner, "/admin/reports?from=2030-02-01&to=2030-02-28"
                                               "&tz=America/New_York")
    assert cells(february, "report-total")[0][1] == "1"


def client_get(site: Site, email: str, path: str) -> str:
    with http_login(site, email) as client:
        got = client.get(path)
    assert got.status_code == 200
    return got.text


def test_a_provider_sees_only_their_own_figures(report_site: Site) -> None:
    alex = report_site.account("alex@example.com", Role.PROVIDER, provider="alex")
    html = client_get(report_site, alex, "/admin/reports?tz=America/New_York&provider=sam")
    assert cells(html, "report-total") == [
        ["All", "2", "1", "1 (50.0%)", "0 (0.0%)", "$0.00", "$0.00", "$0.00"]]
    assert "Sam" not in html.split('id="report-total"', 1)[1]
    assert "$240.00" not in html


def test_reports_page_in_the_browser(report_site: Site, page: Page) -> None:
    if "sqlite" not in report_site.db.url:
        pytest.skip("one browser run is enough; the figures are checked on both above")
    log_in(page, report_site, report_site.account("owner@example.com", Role.OWNER))
    expect(page.get_by_role("navigation").get_by_role("link", name="Reports")).to_be_visible()
    page.goto(report_site.url("/admin/reports?tz=America/New_York"))
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    page.get_by_label("From", exact=True).fill("2030-01-01")
    page.get_by_label("To", exact=True).fill("2030-01-31")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#report-total tbody tr")).to_contain_text("$240.00")
    expect(page.locator("#report-total tbody tr")).to_contain_text("1 (25.0%)")
    expect(page.locator("figure.chart svg")).to_have_count(2)
    shot(page, "reports")


def test_managers_open_reports_and_the_page_needs_a_login(report_site: Site) -> None:
    manager = report_site.account("manager@example.com", Role.MANAGER)
    html = client_get(report_site, manager, "/admin/reports?tz=America/New_York")
    assert cells(html, "report-total")[0][1] == "4"
    anonymous = httpx.get(report_site.url("/admin/reports"), follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/admin/login"


def test_money_is_formatted_for_the_browsers_language(report_site: Site) -> None:
    owner = report_site.account("owner@example.com", Role.OWNER)
    with http_login(report_site, owner) as client:
        page = client.get("/admin/reports?tz=America/New_York",
                          headers={"accept-language": "de-DE,de;q=0.9"})
    assert cells(page.text, "report-total") == [
        ["All", "4", "1", "1 (25,0%)", "1 (25,0%)", "240,00\xa0$", "60,00\xa0$", "180,00\xa0$"]]
