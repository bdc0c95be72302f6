"""Entry points: per service the Telegram, SMS and WhatsApp links with their QR codes, who
may see which, and QR codes that a real decoder (zxing-cpp) reads back as the link: the PNG
download as served, and the SVG as Chromium draws it on the page."""

from __future__ import annotations

import io
import re
from html import unescape

import httpx
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect
from pydantic import SecretStr

from bookingbot.entry_wiring import ChannelDirectory
from bookingbot.settings import Settings
from core.entry_points import ChannelAddresses
from core.staff import Role
from tests.admin.conftest import CHANNELS, Site, http_login, log_in, shot
from tests.channels.doubles import FakeTelegram

TG = "https://t.me/demo_barbers_bot?start="
ALL_POINTS = ["haircut", "haircut__alex", "haircut__jordan", "beard", "beard__alex",
              "beard__jordan", "cut-and-beard", "cut-and-beard__alex"]


def decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]


def payloads(html: str) -> list[str]:
    return re.findall(r'<section class="entry-point" id="ep-([^"]+)"', html)


def links(html: str) -> list[str]:
    return [unescape(u) for u in re.findall(r'class="url" href="([^"]+)"', html)]


def test_the_owner_sees_every_service_and_provider_with_all_three_links(site: Site) -> None:
    with http_login(site, site.account("ep-owner@example.com", Role.OWNER)) as client:
        page = client.get("/admin/entry-points")
    assert page.status_code == 200
    assert payloads(page.text) == ALL_POINTS
    found = links(page.text)
    assert TG + "haircut__jordan" in found
    assert "sms:+12125550100?&body=Beard%20Trim%2C%20Jordan" in found
    assert "https://wa.me/14155238886?text=Haircut%20and%20Beard" in found
    assert len(found) == 3 * len(ALL_POINTS)
    assert 'href="/admin/entry-points">Entry points</a>' in page.text  # in the menu


def test_a_provider_sees_only_their_services_and_their_own_links(site: Site) -> None:
    jordan = site.account("jordan-ep@example.com", Role.PROVIDER, "jordan")
    with http_login(site, jordan) as client:
        page = client.get("/admin/entry-points")
        assert page.status_code == 200
        assert payloads(page.text) == ["haircut", "haircut__jordan", "beard", "beard__jordan"]
        assert client.get("/admin/entry-points/haircut__jordan/telegram.svg").status_code == 200
        # Alex's link and a service Jordan does not offer: not found, by address either.
        for path in ("haircut__alex/telegram.svg", "cut-and-beard/sms.png",
                     "haircut/fax.svg", "haircut/telegram.gif", "nosuch/telegram.svg"):
            assert client.get(f"/admin/entry-points/{path}").status_code == 404, path


def test_logged_out_visitors_are_sent_to_the_login(site: Site) -> None:
    with httpx.Client(base_url=site.base) as client:
        for path in ("/admin/entry-points", "/admin/entry-points/haircut/telegram.svg"):
            answer = client.get(path)
            assert answer.status_code == 303
            assert answer.headers["location"] == "/admin/login"


def test_png_download_decodes_to_the_link(site: Site) -> None:
    with http_login(site, site.account("ep-owner@example.com", Role.OWNER)) as client:
        for channel, link in (("telegram", TG + "beard__alex"),
                              ("sms", "sms:+12125550100?&body=Beard%20Trim%2C%20Alex"),
                              ("whatsapp", "https://wa.me/14155238886?text=Beard%20Trim%2C%20Alex")):
            answer = client.get(f"/admin/entry-points/beard__alex/{channel}.png?download=1")
            assert answer.status_code == 200
            assert answer.headers["content-type"] == "image/png"
            assert answer.headers["content-disposition"] == (
                f'attachment; filename="beard__alex-{channel}.png"')
            assert decode(answer.content) == [link]
        svg = client.get("/admin/entry-points/beard__alex/telegram.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert "content-disposition" not in svg.headers  # shown on the page, not downloaded
    assert svg.text.lstrip().startswith("<?xml")
    assert "<script" not in svg.text


def test_the_qr_codes_on_the_page_scan_as_their_links(site: Site, page: Page) -> None:
    log_in(page, site, site.account("ep-owner@example.com", Role.OWNER))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Entry points").click()
    expect(page.get_by_role("heading", name="Entry points")).to_be_visible()
    page.wait_for_load_state("load")  # the images too, not only the HTML
    section = page.locator("#ep-haircut__jordan")
    expect(section.get_by_role("heading")).to_have_text("Haircut with Jordan")
    codes = section.get_by_role("img")
    expect(codes).to_have_count(3)
    for i in range(3):
        code = codes.nth(i)
        code.scroll_into_view_if_needed()
        assert code.evaluate("img => img.complete && img.naturalWidth > 0")
        assert decode(code.screenshot()) == [code.get_attribute("data-link")]
    expect(section.get_by_role("link", name=TG + "haircut__jordan")).to_be_visible()
    with page.expect_download() as download:
        section.get_by_role("link", name="PNG").first.click()
    assert download.value.suggested_filename == "haircut__jordan-telegram.png"
    shot(page, "entry-points")


def test_the_bot_name_comes_from_getme_when_not_configured() -> None:
    fake = FakeTelegram()
    fake.start()
    try:
        directory = ChannelDirectory(Settings(telegram_bot_token=SecretStr(fake.token),
                                              telegram_api_base_url=fake.api_base))
        assert directory().telegram_bot == "salon_bot"
        assert directory().telegram_bot == "salon_bot"
        assert len(fake.calls("/getMe")) == 1  # asked once, then kept
    finally:
        fake.stop()


def test_only_channels_that_are_set_up_get_links() -> None:
    assert ChannelDirectory(Settings())() == ChannelAddresses()
    given = {k: v for k, v in CHANNELS.items() if k != "public_base_url"}
    # Without a public address Twilio cannot reach the webhooks: SMS and WhatsApp are off.
    assert ChannelDirectory(Settings(**given))() == ChannelAddresses(
        telegram_bot="demo_barbers_bot")
    assert ChannelDirectory(Settings(**CHANNELS))() == ChannelAddresses(
        telegram_bot="demo_barbers_bot", sms_number="+12125550100",
        whatsapp_number="+14155238886")
