"""Accounts, login, logout, throttling, CSRF and headers, in a real browser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from core.staff import MAX_FAILURES, Role
from tests.admin.conftest import PASSWORD, Site, log_in, shot

BIN = Path(sys.executable).with_name("bookingbot")


def test_owner_made_by_the_cli_logs_in_and_out(site: Site, page: Page) -> None:
    made = subprocess.run(
        [str(BIN), "admin", "add-user", "Owner@Example.com", "--role", "owner",
         "--password-stdin", "--db", site.db.url],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=60, check=False)
    assert made.returncode == 0, made.stderr
    assert "added owner owner@example.com" in made.stdout
    page.goto(site.url("/admin/"))
    expect(page).to_have_url(site.url("/admin/login"))  # not logged in: the login page
    shot(page, "login")
    log_in(page, site, "owner@example.com")
    expect(page.get_by_text("Signed in as owner@example.com, role owner")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "bb_admin")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert cookie["path"] == "/admin"
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(site.url("/admin/login"))
    # The cookie from before the logout no longer opens anything.
    page.context.add_cookies([cookie])
    page.goto(site.url("/admin/"))
    expect(page).to_have_url(site.url("/admin/login"))


def test_the_cli_refuses_weak_passwords_and_providers_without_a_provider(site: Site) -> None:
    weak = subprocess.run(
        [str(BIN), "admin", "add-user", "weak@example.com", "--role", "manager",
         "--password-stdin", "--db", site.db.url],
        input="short\n", capture_output=True, text=True, timeout=60, check=False)
    assert weak.returncode != 0
    assert "at least 10 characters" in weak.stderr
    orphan = subprocess.run(
        [str(BIN), "admin", "add-user", "p@example.com", "--role", "provider",
         "--password-stdin", "--db", site.db.url],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=60, check=False)
    assert orphan.returncode != 0
    assert "--provider KEY" in orphan.stderr
    assert site.staff.by_email("weak@example.com") is None
    assert site.staff.by_email("p@example.com") is None


def test_five_wrong_passwords_throttle_even_the_right_one(site: Site, page: Page) -> None:
    email = site.account("locked@example.com", Role.MANAGER)
    try:
        for _ in range(MAX_FAILURES):
            log_in(page, site, email, "wrong password!")
            expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
        log_in(page, site, email)  # the right password, too late
        expect(page.get_by_role("alert")).to_contain_text("Too many wrong passwords")
        shot(page, "login-throttled")
        assert "Signed in" not in page.content()
    finally:  # every browser test comes from 127.0.0.1: unlock the address for the rest
        site.staff.clear_failures(f"account:{email}")
        site.staff.clear_failures("address:127.0.0.1")


def test_a_post_without_the_csrf_token_is_refused(site: Site, page: Page) -> None:
    email = site.account("csrf@example.com", Role.MANAGER)
    log_in(page, site, email)
    expect(page.get_by_text("Signed in as csrf@example.com")).to_be_visible()
    # The logged-in browser posts the logout form with the token removed.
    page.eval_on_selector("form.logout input[name=csrf_token]", "e => e.remove()")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    page.goto(site.url("/admin/"))
    expect(page.get_by_text("Signed in as csrf@example.com")).to_be_visible()  # still in
    # Nor does a login post without one (from a page that never showed the form).
    refused = httpx.post(site.url("/admin/login"),
                         data={"email": email, "password": PASSWORD})
    assert refused.status_code == 403


def test_admin_pages_carry_the_security_headers_and_no_traceback(site: Site) -> None:
    reply = httpx.get(site.url("/admin/login"))
    csp = reply.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["cache-control"] == "no-store"
    assert "<script>" not in reply.text  # the one script is a file
    missing = httpx.get(site.url("/admin/nothing-here"))
    assert missing.status_code == 404
    assert "Traceback" not in missing.text
    https = httpx.get(site.url("/admin/login"), headers={"x-forwarded-proto": "https"})
    assert "strict-transport-security" in https.headers
    assert "Secure" in https.headers["set-cookie"]
    assert "Secure" not in reply.headers["set-cookie"]
