"""CSV exports downloaded in the browser and parsed; who may download them."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page
from sqlalchemy import text

from core.staff import Role
from tests.admin.conftest import Site, http_login, log_in, shot
from tests.admin.test_bookings import paid_colour

RANGE = "from=2030-01-08&to=2030-01-08&tz=America/Chicago"


def _download(page: Page, name: str) -> list[dict[str, str]]:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    path = info.value.path()
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_bookings_and_payments_csv_download_with_the_right_rows(paid_site: Site,
                                                                page: Page) -> None:
    booking = paid_colour(paid_site, "exporter")
    with paid_site.db.engine.begin() as conn:  # a name a spreadsheet would run as a formula
        conn.execute(text("UPDATE customers SET name = :n WHERE id = :i"),
                     {"n": "=cmd|' /C calc'!A0", "i": booking.customer_id})
    log_in(page, paid_site, paid_site.account("owner@example.com", Role.OWNER))
    page.goto(paid_site.url(f"/admin/exports?{RANGE}"))
    shot(page, "exports")
    rows = _download(page, "Bookings CSV")
    with paid_site.db.engine.connect() as conn:  # Chicago's 8 Jan, as UTC instants
        expected = {r[0] for r in conn.execute(text(
            "SELECT id FROM bookings WHERE start_at >= '2030-01-08 06:00:00' "
            "AND start_at < '2030-01-09 06:00:00'"))}
    assert {r["booking_id"] for r in rows} == expected
    mine = next(r for r in rows if r["booking_id"] == booking.id)
    assert (mine["service"], mine["provider"], mine["status"]) == ("color", "sam", "confirmed")
    assert (mine["paid"], mine["refunded"], mine["currency"]) == ("120.00", "0.00", "USD")
    assert mine["start_utc"] == booking.start.isoformat()
    assert mine["start_local"].endswith("-06:00")  # Chicago in January
    assert mine["customer"] == "'=cmd|' /C calc'!A0"  # no formula for a spreadsheet to run
    money = _download(page, "Payments and refunds CSV")
    paid = [m for m in money if m["booking_id"] == booking.id]
    assert [(m["kind"], m["amount"], m["status"], m["livemode"]) for m in paid] == [
        ("payment", "120.00", "paid", "test")]
    assert paid[0]["stripe_id"].startswith("test_cs_")
    assert all(m["kind"] in ("payment", "refund") for m in money)


def test_the_export_is_streamed_and_not_for_providers(paid_site: Site) -> None:
    owner = paid_site.account("owner@example.com", Role.OWNER)
    with http_login(paid_site, owner) as client, client.stream(
            "GET", f"/admin/exports/bookings.csv?{RANGE}") as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/csv")
        assert "content-length" not in reply.headers  # chunked: written as it is read
        assert reply.headers["transfer-encoding"] == "chunked"
        body = reply.read().decode()
    assert next(csv.reader(io.StringIO(body)))[0] == "booking_id"
    alex = paid_site.account("alex@example.com", Role.PROVIDER, provider="alex")
    with http_login(paid_site, alex) as client:
        assert client.get(f"/admin/exports/bookings.csv?{RANGE}").status_code == 403
        assert client.get("/admin/exports").status_code == 403
