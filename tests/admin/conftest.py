"""Browser tests of the web admin: a real app on uvicorn (in a thread) over a real database,
driven by Playwright in Debian's Chromium (one browser for the whole session).

Playwright's sync API keeps its event loop running in the main thread while it is open, so
the browser (and the site) are package-scoped: one browser for all of ``tests/admin``, closed
before the rest of the suite calls ``asyncio.run``.

Chromium missing -> skip, unless ``CI=true`` (``.ci/run`` installs it), where it fails.
Screenshots of the pages go to ``var/screenshots/`` (the README shows them).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from pydantic import SecretStr

from admin.passwords import hash_password
from bookingbot import web
from bookingbot.admin_wiring import admin_mount
from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.business_file import load_business_file
from bookingbot.chat import seed_demo
from bookingbot.settings import Settings
from core.staff import Role
from db.catalog import sync_business
from db.staff import SqlStaffStore
from tests.db.conftest import BACKENDS, fresh_database
from tests.example_file import example_file

# The channels the entry points link to: the bot's name given, SMS and WhatsApp through
# Twilio (nothing is sent: the admin only reads where customers reach the business).
CHANNELS: dict[str, object] = {
    "telegram_bot_username": "demo_barbers_bot", "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": SecretStr("twilio-auth-token"), "twilio_from_number": "+12125550100",
    "twilio_whatsapp_from": "whatsapp:+14155238886",
    "public_base_url": "https://bookings.example.com"}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "correct horse battery"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "Chromium not installed (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    path = chromium()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Site:
    db: Database
    base: str
    staff: SqlStaffStore

    def url(self, path: str) -> str:
        return self.base + path

    def account(self, email: str, role: Role, provider: str | None = None) -> str:
        if self.staff.by_email(email) is None:
            self.staff.add(email=email, role=role, provider_key=provider,
                           password_hash=hash_password(PASSWORD), now=utcnow())
        return email


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_site(url: str, *, business: Path | None = None,
               clock: Callable[[], datetime] = utcnow,
               payments: dict[str, object] | None = None) -> Iterator[Site]:
    """The demo business (or ``business``) with payments in test mode (no money moves), or
    with the ``payments`` settings given (Stripe pointed at the double)."""
    db = database(url)
    if business is None:
        seed_demo(db)
    else:
        loaded, raw = load_business_file(business)
        with db.sessions() as s, s.begin():
            sync_business(s, loaded, raw_text=raw, now=clock())
    money = payments or {"payments_test_mode": True, "stripe_secret_key": None}
    settings = Settings(admin_secret=SecretStr("test secret " * 4), **money, **CHANNELS)
    app = web.build_app(db, mounts=[admin_mount(db, settings, clock=clock)])
    port = _port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           server_header=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:  # a condition polled, bounded
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield Site(db, f"http://127.0.0.1:{port}", SqlStaffStore(db.sessions))
    finally:
        server.should_exit = True
        thread.join(10)
        db.close()


@pytest.fixture(scope="package", params=BACKENDS)
def admin_backend(request: pytest.FixtureRequest) -> str:
    """Every site test runs on SQLite and on PostgreSQL (pytest groups the tests by backend,
    so each site starts once per backend)."""
    return str(request.param)


@pytest.fixture(scope="package")
def site(admin_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with fresh_database(admin_backend, tmp_path_factory.mktemp("admin")) as url:
        yield from start_site(url)


# The shipped example with its payments on: Hair Colour (Sam, America/Chicago) is paid in
# full up front, and a customer's cancellation 2-24 h ahead gets 50 % back.
PAID_NOW = datetime(2030, 1, 8, 12, 0, tzinfo=UTC)  # a Tuesday, 06:00 in Chicago


@pytest.fixture(scope="package")
def paid_site(admin_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("paid")
    with fresh_database(admin_backend, folder) as url:
        yield from start_site(url, business=example_file(folder, payments=True),
                              clock=lambda: PAID_NOW)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        yield context.new_page()
    finally:
        context.close()


def log_in(page: Page, site: Site, email: str, password: str = PASSWORD) -> None:
    page.goto(site.url("/admin/login"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def csrf_of(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token is not None
    return token.group(1)


@contextmanager
def http_login(site: Site, email: str) -> Iterator[httpx.Client]:
    """A logged-in HTTP client (for pages whose content, not behaviour, is under test)."""
    with httpx.Client(base_url=site.base, follow_redirects=False) as client:
        token = csrf_of(client.get("/admin/login").text)
        done = client.post("/admin/login", data={"csrf_token": token, "email": email,
                                                 "password": PASSWORD})
        assert done.status_code == 303, done.text
        yield client
