"""``bookingbot links``: the entry links, as the admin lists them, from the shell; ``--qr``
writes QR codes that decode to those links."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from bookingbot.cli import main

DEMO = Path(__file__).resolve().parent.parent / "bookingbot" / "demo" / "demo_business.yaml"


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_WHATSAPP_FROM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    db = f"sqlite:///{tmp_path / 'links.sqlite3'}"
    assert main(["setup", str(DEMO), "--db", db]) == 0
    return db


def test_links_prints_every_service_and_provider(url: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "@demo_barbers_bot")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+1 212 555 0100")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://bookings.example.com")
    capsys.readouterr()
    assert main(["links", "--db", url, "--qr", str(tmp_path / "qr")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "# WhatsApp is not set up (TWILIO_WHATSAPP_FROM with the Twilio account)."
    assert out[1:7] == [
        "Haircut with anyone  [start=haircut]",
        "  Telegram  https://t.me/demo_barbers_bot?start=haircut",
        "  SMS       sms:+12125550100?&body=Haircut",
        "Haircut with Alex  [start=haircut__alex]",
        "  Telegram  https://t.me/demo_barbers_bot?start=haircut__alex",
        "  SMS       sms:+12125550100?&body=Haircut%2C%20Alex"]
    assert "Haircut and Beard with Alex  [start=cut-and-beard__alex]" in out
    assert not any("cut-and-beard__jordan" in line for line in out)  # Jordan does not do it
    assert out[-1] == f"# 32 QR code files written to {tmp_path / 'qr'}"
    png = Image.open(tmp_path / "qr" / "beard__jordan-telegram.png").convert("L")
    assert [r.text for r in zxingcpp.read_barcodes(png)] == [
        "https://t.me/demo_barbers_bot?start=beard__jordan"]
    assert (tmp_path / "qr" / "beard__jordan-sms.svg").read_text().lstrip().startswith("<?xml")


def test_links_without_channels_says_what_to_set(url: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["links", "--db", url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if line.startswith("#")] == [
        "# Telegram is not set up (TELEGRAM_BOT_TOKEN; the bot's name comes from getMe or "
        "TELEGRAM_BOT_USERNAME).",
        "# SMS is not set up (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER).",
        "# WhatsApp is not set up (TWILIO_WHATSAPP_FROM with the Twilio account)."]
    assert "Beard Trim with Jordan  [start=beard__jordan]" in out
    assert not any(line.startswith("  ") for line in out)
