"""Settings: the business file as a summary (owner only), a new one checked exactly as
``bookingbot setup`` checks it, applied only when valid, with what changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from bookingbot.business_file import BusinessFileError, parse_business
from core.staff import Role
from tests.admin.conftest import PAID_NOW, Site, csrf_of, http_login, log_in, shot, start_site
from tests.example_file import example_text

# A price and an hour that are not what they should be: two problems, reported together.
BROKEN = (example_text(payments=True).replace("price: 35.00", "price: cheap")
          .replace('wed: "10:00-19:00"', 'wed: "19:00-10:00"'))
DEARER = example_text(payments=True).replace("price: 35.00", "price: 38.00")


@pytest.fixture(scope="module")
def settings_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("settings")
    business = folder / "business.yaml"
    business.write_text(example_text(payments=True), encoding="utf-8")
    yield from start_site(f"sqlite:///{folder / 's.db'}", business=business,
                          clock=lambda: PAID_NOW)


def revision(site: Site) -> int:
    with site.db.engine.connect() as conn:
        return int(conn.execute(text("SELECT revision FROM business")).scalar_one())


def haircut_price(site: Site) -> int:
    with site.db.uow() as uow:
        service = uow.business().service("haircut")
    assert service is not None
    return service.price.amount_minor


def expected_problems(body: str, source: str) -> list[str]:
    with pytest.raises(BusinessFileError) as err:
        parse_business(body, source=source)
    return str(err.value).splitlines()


def test_only_the_owner_opens_settings(settings_site: Site) -> None:
    manager = settings_site.account("manager@example.com", Role.MANAGER)
    alex = settings_site.account("alex@example.com", Role.PROVIDER, provider="alex")
    owner = settings_site.account("owner@example.com", Role.OWNER)
    for email in (manager, alex):
        with http_login(settings_site, email) as client:
            assert client.get("/admin/settings").status_code == 403
            token = csrf_of(client.get("/admin/").text)
            refused = client.post("/admin/settings", data={"csrf_token": token,
                                                           "text": DEARER})
            assert refused.status_code == 403
    with http_login(settings_site, owner) as client:
        page = client.get("/admin/settings")
    assert page.status_code == 200
    for shown in ("Sharp Cuts", "Hair Colour", "1h30m", "$120.00", "America/Chicago",
                  "10:00-19:00", "09:00-24:00", "50 % if cancelled 2h or more ahead",
                  "Christmas"):
        assert shown in page.text, shown
    assert haircut_price(settings_site) == 3500


def test_a_post_without_the_csrf_token_changes_nothing(settings_site: Site) -> None:
    owner = settings_site.account("owner@example.com", Role.OWNER)
    before = revision(settings_site)
    with http_login(settings_site, owner) as client:
        refused = client.post("/admin/settings", data={"text": DEARER})
    assert refused.status_code == 403
    assert (revision(settings_site), haircut_price(settings_site)) == (before, 3500)


def test_invalid_text_lists_setups_problems_and_changes_nothing(settings_site: Site) -> None:
    owner = settings_site.account("owner@example.com", Role.OWNER)
    before = revision(settings_site)
    with http_login(settings_site, owner) as client:
        token = csrf_of(client.get("/admin/settings").text)
        done = client.post("/admin/settings", data={"csrf_token": token, "text": BROKEN})
    assert done.status_code == 400
    lines = expected_problems(BROKEN, "pasted.yaml")
    assert len(lines) >= 2
    assert all(line.startswith("pasted.yaml:") for line in lines)
    for line in lines:  # the same report as `bookingbot setup`, line for line
        assert line.replace("'", "&#39;").replace('"', "&#34;") in done.text, line
    assert "Not applied: nothing was changed" in done.text
    assert (revision(settings_site), haircut_price(settings_site)) == (before, 3500)


def test_browser_upload_bad_then_good(settings_site: Site, page: Page, tmp_path: Path) -> None:
    log_in(page, settings_site, settings_site.account("owner@example.com", Role.OWNER))
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Sharp Cuts")).to_be_visible()
    shot(page, "settings")
    before = revision(settings_site)
    bad = tmp_path / "shop.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and apply").click()
    problems = page.locator("pre.problems")
    for line in expected_problems(BROKEN, "shop.yaml"):
        expect(problems).to_contain_text(line)
    expect(page.get_by_role("heading", name="Not applied: nothing was changed")).to_be_visible()
    shot(page, "settings-refused")
    assert (revision(settings_site), haircut_price(settings_site)) == (before, 3500)
    good = tmp_path / "dearer.yaml"
    good.write_text(DEARER, encoding="utf-8")
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Check and apply").click()
    expect(page.get_by_role("heading", name="Applied")).to_be_visible()
    expect(page.locator("ul.changes")).to_contain_text("updated service:haircut")
    expect(page.locator("#services")).to_contain_text("$38.00")
    shot(page, "settings-applied")
    assert haircut_price(settings_site) == 3800
    assert revision(settings_site) == before + 1
