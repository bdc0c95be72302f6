"""WhatsApp in the composition root: on with its settings, its route, its sender, its link."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from bookingbot.bootstrap import Database
from bookingbot.channels_wiring import (
    SqlOptOuts,
    build_mounts,
    channel_states,
    describe,
    whatsapp_link,
    whatsapp_sender,
)
from bookingbot.settings import Settings
from bookingbot.worker import production_senders
from bot.runner import Runner

ON = {"twilio_account_sid": "AC1", "twilio_auth_token": SecretStr("tok"),
      "twilio_whatsapp_from": "whatsapp:+14155238886",
      "public_base_url": "https://b.example.com"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER",
                 "TWILIO_WHATSAPP_FROM", "TWILIO_WHATSAPP_TEMPLATES", "PUBLIC_BASE_URL",
                 "TELEGRAM_BOT_TOKEN", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_off_says_what_is_missing(db: Database) -> None:
    s = settings(twilio_account_sid="AC1", twilio_auth_token=SecretStr("tok"))
    assert "whatsapp  off  set TWILIO_WHATSAPP_FROM, PUBLIC_BASE_URL" in describe(
        channel_states(s))
    assert whatsapp_link(s) is None
    assert whatsapp_sender(s, db) is None
    assert "whatsapp" not in production_senders(s, db)


def test_on_mounts_its_webhook_and_sender(db: Database, runner: Runner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_WHATSAPP_TEMPLATES",
                       '{"reminder": {"en": "HX1", "es": "HX2"}, "waitlist_offer": {"en": "HX3"}}')
    s = settings(**ON)
    assert s.twilio_whatsapp_templates["reminder"] == {"en": "HX1", "es": "HX2"}
    assert ("whatsapp  on   webhook POST /twilio/whatsapp (Twilio; templates for 2 kind(s) "
            "outside the 24-hour window)") in describe(channel_states(s))
    mounts = build_mounts(s, handler=runner.handle, opt_outs=SqlOptOuts(db), db=db)
    assert [r.path for m in mounts for r in m.routes] == ["/twilio/whatsapp", "/twilio/status"]  # type: ignore[attr-defined]
    assert whatsapp_link(s) == "https://wa.me/14155238886"
    senders = production_senders(s, db)
    assert senders["whatsapp"].channel == "whatsapp"
    assert "sms" not in senders  # no TWILIO_FROM_NUMBER: WhatsApp alone is fine


def test_a_bad_sender_number_is_said(db: Database) -> None:
    s = settings(**{**ON, "twilio_whatsapp_from": "SALONCO"})
    assert "whatsapp  off  TWILIO_WHATSAPP_FROM is not a phone number" in describe(
        channel_states(s))
    assert whatsapp_sender(s, db) is None
