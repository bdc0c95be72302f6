"""The web app and its wiring: /healthz, which channels are on, set-webhook, polling."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from pydantic import SecretStr

from bookingbot import cli, web
from bookingbot.bootstrap import Database
from bookingbot.channels_wiring import (
    SetupError,
    SqlOptOuts,
    build_mounts,
    channel_states,
    describe,
    set_telegram_webhook,
)
from bookingbot.settings import Settings
from bot.runner import Runner
from channels.http_guard import RateLimiter
from channels.telegram import TelegramApi, TelegramChannel, TelegramPoller
from tests.channels import updates as u
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW
from tests.channels.doubles import FakeTelegram

ENV = ("DATABASE_URL", "PUBLIC_BASE_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET",
       "TELEGRAM_API_BASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
       "TWILIO_FROM_NUMBER", "TWILIO_API_BASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env file


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


ALL_ON = {"telegram_bot_token": SecretStr("1:t"), "telegram_webhook_secret": SecretStr("s"),
          "twilio_account_sid": "AC1", "twilio_auth_token": SecretStr("tok"),
          "twilio_from_number": "+14155550100", "public_base_url": "https://b.example.com"}


def test_healthz(db: Database) -> None:
    with AppClient(web.build_app(db)) as client:
        assert client.get("/healthz").json() == {"ok": True, "database": "ok"}
        assert client.post("/telegram/webhook").status_code == 404  # channel off: no route
        assert client.post("/twilio/sms").status_code == 404


def test_channels_off_without_settings() -> None:
    states = {s.name: s for s in channel_states(settings())}
    assert not states["telegram"].on
    assert "TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET" in states["telegram"].detail
    assert not states["sms"].on
    assert "PUBLIC_BASE_URL" in states["sms"].detail
    assert build_mounts(settings(), handler=lambda m: [], opt_outs=SqlOptOuts) == []  # type: ignore[arg-type]


def test_channels_on_with_settings(db: Database, runner: Runner) -> None:
    s = settings(**ALL_ON)
    text = describe(channel_states(s))
    assert "telegram  on   webhook POST /telegram/webhook" in text
    assert "sms       on   webhook POST /twilio/sms" in text
    assert "slack     off" in text
    mounts = build_mounts(s, handler=runner.handle, opt_outs=SqlOptOuts(db))
    paths = [r.path for m in mounts for r in m.routes]  # type: ignore[attr-defined]
    assert paths == ["/telegram/webhook", "/twilio/sms"]
    polling = build_mounts(s, handler=runner.handle, opt_outs=SqlOptOuts(db),
                           telegram_polling=True)
    assert [r.path for m in polling for r in m.routes] == ["/twilio/sms"]  # type: ignore[attr-defined]
    assert "long polling" in describe(channel_states(s, telegram_polling=True))


def test_slack_mounts_with_its_settings_and_says_where_alerts_go(db: Database,
                                                                  runner: Runner) -> None:
    s = settings(**ALL_ON, slack_bot_token=SecretStr("xoxb-1"),
                 slack_signing_secret=SecretStr("sig"), slack_provider_channel="C123",
                 slack_api_url="http://127.0.0.1:9/api/")
    assert "slack     on   POST /slack/events (/bookings; alerts to C123)" in describe(
        channel_states(s))
    mounts = build_mounts(s, handler=runner.handle, opt_outs=SqlOptOuts(db), db=db)
    paths = [r.path for m in mounts for r in m.routes]  # type: ignore[attr-defined]
    assert paths == ["/telegram/webhook", "/twilio/sms", "/twilio/status", "/slack/events"]


def test_serve_says_which_channels_are_on(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str], db: Database,
                                          fake_telegram: FakeTelegram) -> None:
    ran: list[Any] = []
    monkeypatch.setattr(web.uvicorn, "run", lambda app, **kw: ran.append((app, kw)))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", fake_telegram.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake_telegram.api_base)
    assert cli.main(["serve", "--db", db.url, "--port", "8123", "--telegram-polling"]) == 0
    out = capsys.readouterr().out
    assert "telegram  on   long polling" in out
    assert "sms       off  set TWILIO_ACCOUNT_SID" in out
    assert ran[0][1]["port"] == 8123


def test_set_webhook_command(monkeypatch: pytest.MonkeyPatch, fake_telegram: FakeTelegram,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", fake_telegram.token)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "abc_DEF-123")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake_telegram.api_base)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://bookings.example.com/")
    assert cli.main(["telegram", "set-webhook"]) == 0
    assert "https://bookings.example.com/telegram/webhook" in capsys.readouterr().out
    [call] = fake_telegram.calls("/setWebhook")
    assert call.params["url"] == "https://bookings.example.com/telegram/webhook"
    assert call.params["secret_token"] == "abc_DEF-123"
    assert call.params["allowed_updates"] == ["message", "callback_query"]


@pytest.mark.parametrize(("values", "problem"), [
    ({}, "set TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, PUBLIC_BASE_URL"),
    ({**ALL_ON, "telegram_webhook_secret": SecretStr("has space")}, "1-256 characters"),
    ({**ALL_ON, "public_base_url": "http://b.example.com"}, "https://"),
])
def test_set_webhook_refuses_bad_settings(values: dict[str, Any], problem: str) -> None:
    with pytest.raises(SetupError, match=problem):
        set_telegram_webhook(settings(**values))


def test_long_polling_round(runner: Runner, fake_telegram: FakeTelegram) -> None:
    api = TelegramApi(fake_telegram.token, base_url=fake_telegram.api_base)
    channel = TelegramChannel(api, runner.handle, RateLimiter(), lambda: NOW)
    poller = TelegramPoller(channel, timeout_s=0)
    fake_telegram.updates = [u.message(5, "/start"), u.message(6, "my bookings")]

    async def rounds() -> tuple[int, int]:
        await api.start()
        try:
            return await poller.poll_once(), await poller.poll_once()
        finally:
            await api.stop()

    assert asyncio.run(rounds()) == (2, 0)
    assert poller.offset == 7
    assert [m["text"][:4] for m in fake_telegram.sent()] == ["Hi! ", "You "]
    assert [c.params.get("offset") for c in fake_telegram.calls("/getUpdates")] == [None, "7"]


def test_polling_task_starts_and_stops(db: Database, runner: Runner,
                                       fake_telegram: FakeTelegram) -> None:
    s = settings(telegram_bot_token=SecretStr(fake_telegram.token),
                 telegram_api_base_url=fake_telegram.api_base)
    mounts = build_mounts(s, handler=runner.handle, opt_outs=SqlOptOuts(db),
                          telegram_polling=True)
    fake_telegram.updates = [u.message(1, "/start")]
    with AppClient(web.build_app(db, mounts=mounts)) as client:
        async def wait_for_reply() -> None:
            # Polls until the reply shows, with a deadline far beyond need (a busy machine).
            deadline = time.monotonic() + 60
            while not fake_telegram.sent() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)

        client.run(wait_for_reply())
    assert fake_telegram.calls("/deleteWebhook")
    assert fake_telegram.sent()[0]["text"].startswith("Hi!")
