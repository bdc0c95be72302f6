"""Customers: list and history per role, the data export and erasure buttons."""

from __future__ import annotations

from sqlalchemy import text

from core.staff import Role
from tests.admin.conftest import Site, csrf_of, http_login
from tests.admin.test_staffing import alex_haircut


def test_export_then_erase_from_the_customer_page(paid_site: Site) -> None:
    booking = alex_haircut(paid_site, "forget-me")
    with paid_site.db.engine.begin() as conn:
        conn.execute(text("UPDATE customers SET name = 'Zoe Forget', phone_e164 = "
                          "'+12125550123' WHERE id = :i"), {"i": booking.customer_id})
    owner = paid_site.account("owner@example.com", Role.OWNER)
    with http_login(paid_site, owner) as client:
        listed = client.get("/admin/customers?q=zoe").text
        assert "Zoe Forget" in listed
        page = client.get(f"/admin/customers/{booking.customer_id}").text
        assert "Haircut" in page
        assert "subscribed" in page
        token = csrf_of(page)
        exported = client.post(f"/admin/customers/{booking.customer_id}/export",
                               data={"csrf_token": token})
        assert exported.status_code == 200
        assert "attachment" in exported.headers["content-disposition"]
        assert "Zoe Forget" in exported.text
        assert "+12125550123" in exported.text
        unconfirmed = client.post(f"/admin/customers/{booking.customer_id}/erase",
                                  data={"csrf_token": token})
        assert "Tick the box" in unconfirmed.text
        erased = client.post(f"/admin/customers/{booking.customer_id}/erase",
                             data={"csrf_token": token, "confirm": "erase"})
        assert erased.status_code == 200
        assert "Erased:" in erased.text
        assert "1 bookings kept" in erased.text
    with paid_site.db.engine.connect() as conn:
        row = conn.execute(text("SELECT name, phone_e164 FROM customers WHERE id = :i"),
                           {"i": booking.customer_id}).one()
        kept = conn.execute(text("SELECT price_minor FROM bookings WHERE id = :i"),
                            {"i": booking.id}).scalar_one()
    assert tuple(row) == (None, None)
    assert kept == booking.price_minor  # the ledger keeps its totals


def test_providers_see_their_customers_only_and_cannot_export(paid_site: Site) -> None:
    booking = alex_haircut(paid_site, "alex-regular")
    sam = paid_site.account("sam@example.com", Role.PROVIDER, provider="sam")
    alex = paid_site.account("alex@example.com", Role.PROVIDER, provider="alex")
    with http_login(paid_site, sam) as client:
        assert "alex-regular" not in client.get("/admin/customers").text
        assert client.get(f"/admin/customers/{booking.customer_id}").status_code == 404
    with http_login(paid_site, alex) as client:
        page = client.get(f"/admin/customers/{booking.customer_id}")
        assert page.status_code == 200
        assert "Download their data" not in page.text
        refused = client.post(f"/admin/customers/{booking.customer_id}/export",
                              data={"csrf_token": csrf_of(page.text)})
        assert refused.status_code == 403
