"""SMS asks for delivery reports too, and only where Twilio can reach us."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from bookingbot.channels_wiring import status_callback
from bookingbot.settings import Settings
from channels.sms import NoOptOuts, SmsSender
from tests.channels.doubles import FakeTwilio


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, twilio_auth_token=SecretStr("t"), **values)  # type: ignore[call-arg]


def test_callback_only_on_a_public_https_address() -> None:
    assert status_callback(settings(public_base_url="https://b.example.com/")) == \
        "https://b.example.com/twilio/status"
    assert status_callback(settings(public_base_url="http://localhost:8000")) is None
    assert status_callback(settings()) is None


def test_sms_sender_asks_for_the_report(fake_twilio: FakeTwilio) -> None:
    url = "https://b.example.com/twilio/status"
    with SmsSender(fake_twilio.account_sid, "tok", "+14155550100", opt_outs=NoOptOuts(),
                   api_base_url=fake_twilio.base, status_callback=url) as sender:
        sender.send("+447911123456", "Reminder")
    with SmsSender(fake_twilio.account_sid, "tok", "+14155550100", opt_outs=NoOptOuts(),
                   api_base_url=fake_twilio.base) as sender:
        sender.send("+447911123456", "Reminder")
    with_url, without = fake_twilio.sent()
    assert with_url["StatusCallback"] == url
    assert "StatusCallback" not in without
