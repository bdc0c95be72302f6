"""The owner invites staff from the admin; nobody else can."""

from __future__ import annotations

from core.staff import Role
from tests.admin.conftest import PASSWORD, Site, csrf_of, http_login


def test_the_owner_invites_a_provider_who_can_then_log_in(site: Site) -> None:
    owner = site.account("boss@example.com", Role.OWNER)
    with http_login(site, owner) as client:
        token = csrf_of(client.get("/admin/accounts").text)
        orphan = client.post("/admin/accounts", data={
            "csrf_token": token, "email": "new@example.com", "role": "provider",
            "provider": "", "password": PASSWORD})
        assert orphan.status_code == 400
        assert "A provider account needs" in orphan.text
        added = client.post("/admin/accounts", data={
            "csrf_token": token, "email": "New@Example.com", "role": "provider",
            "provider": "jordan", "password": PASSWORD})
        assert added.status_code == 303
        again = client.post("/admin/accounts", data={
            "csrf_token": token, "email": "new@example.com", "role": "manager",
            "provider": "", "password": PASSWORD})
        assert "exists already" in again.text
    made = site.staff.by_email("new@example.com")
    assert made is not None
    assert (made.role, made.provider_key) == (Role.PROVIDER, "jordan")
    with http_login(site, "new@example.com") as client:
        assert client.get("/admin/accounts").status_code == 403
    manager = site.account("mgr@example.com", Role.MANAGER)
    with http_login(site, manager) as client:
        assert client.get("/admin/accounts").status_code == 403
