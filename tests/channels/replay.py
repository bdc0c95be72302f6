"""Replaying a scripted customer through a real channel (issue 13, "the same dialogues
through the Telegram and SMS handlers").

The shop is wired as ``bookingbot serve`` wires it: ``build_runner`` and ``build_handler``
with settings, ``build_mounts`` for the webhooks, the durable-reply ledger, the demo-like
barbers of tests/bot/conftest.py on a migrated database. A customer is then one of:

- console: ``channels.console`` parsing and rendering (tests/bot/console_kit.py);
- telegram: a signed update (``X-Telegram-Bot-Api-Secret-Token``) posted at the webhook,
  a bare number pressing that button of the last keyboard (a callback query, as the app
  does), the replies read back from what reached the local Bot API double -- the webhook's
  own JSON answer performed as Telegram performs it, and python-telegram-bot's calls;
- sms: a Twilio-signed form (``X-Twilio-Signature``, the twilio package's validator) posted
  at the SMS webhook, the replies read from the TwiML answer.

Every customer is called with a line and returns what they saw as text, choices as
numbered lines, so one dialogue script asserts the gist on all three.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from bookingbot.bootstrap import database
from bookingbot.channels_wiring import (
    SqlOptOuts,
    build_handler,
    build_mounts,
    build_runner,
    reply_ledger,
)
from bookingbot.settings import Settings
from bookingbot.web import build_app
from channels.sms.webhook import PATH as SMS_PATH
from channels.telegram.webhook import PATH as TELEGRAM_PATH
from channels.telegram.webhook import SECRET_HEADER
from core.model import Business
from db.catalog import sync_business
from tests.bot.conftest import make_business
from tests.bot.console_kit import Clock, Console, Shop
from tests.channels import updates as u
from tests.channels.asgi import AppClient
from tests.channels.doubles import FakeTelegram, FakeTwilio
from tests.channels.twiml import post_signed
from tests.db.conftest import fresh_database

SECRET = "replay-webhook-secret_0123456789"
TOKEN = "replay-twilio-auth-token-0123456789"
PUBLIC = "https://bookings.example.com"
BUSINESS_NUMBER = "+14155550100"
OWNER = "+14155550199"  # where a handoff is texted (business.info.owner_phone)
CHANNELS = ("console", "telegram", "sms")

Say = Callable[[str], str]


def replay_business() -> Business:
    base = make_business()
    return replace(base, info=replace(base.info, owner_phone=OWNER,
                                      address="12 Main St, Springfield"))


def _settings(telegram: FakeTelegram, twilio: FakeTwilio) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, public_base_url=PUBLIC, rate_limit_per_minute=1000,
        payments_test_mode=True,
        telegram_bot_token=SecretStr(telegram.token), telegram_webhook_secret=SecretStr(SECRET),
        telegram_api_base_url=telegram.api_base,
        twilio_account_sid=twilio.account_sid, twilio_auth_token=SecretStr(TOKEN),
        twilio_from_number=BUSINESS_NUMBER, twilio_api_base_url=twilio.base)


class _TelegramPlayer(AppClient):
    """Plays Telegram: a webhook answered with a Bot API method gets that method performed."""

    def __init__(self, app: Any, fake: FakeTelegram) -> None:
        super().__init__(app)
        self.fake = fake

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = super().request(method, url, **kwargs)
        if url == TELEGRAM_PATH and response.headers.get("content-type", "").startswith(
                "application/json"):
            self.fake.perform(response.json())
        return response


@dataclass
class TelegramCustomer:
    app: _TelegramPlayer
    fake: FakeTelegram
    chat_id: int
    ids: Iterator[int]
    buttons: list[tuple[str, str]] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    def __call__(self, line: str) -> str:
        before = len(self.fake.sent())
        update_id = next(self.ids)
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            update = u.press(update_id, self.buttons[int(text) - 1][1], message_id=update_id,
                             chat_id=self.chat_id)
        else:
            update = u.message(update_id, line, chat_id=self.chat_id)
        response = self.app.post(TELEGRAM_PATH, json=update, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200, response.text
        sent = [m for m in self.fake.sent()[before:] if m["chat_id"] == str(self.chat_id)]
        keyboards = [_keyboard(m) for m in sent if "reply_markup" in m]
        self.buttons = keyboards[-1] if keyboards else []
        said = "\n".join(_shown(m) for m in sent)
        self.transcript.append(f"tg {self.chat_id}> {line}\n{said}")
        print(self.transcript[-1])
        return said


def _keyboard(sent: dict[str, Any]) -> list[tuple[str, str]]:
    rows = sent["reply_markup"].get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def _shown(sent: dict[str, Any]) -> str:
    labels = _keyboard(sent) if "reply_markup" in sent else []
    return "\n".join([sent["text"], *(f"  {i}) {label}" for i, (label, _) in
                                      enumerate(labels, 1))])


@dataclass
class SmsCustomer:
    app: AppClient
    phone: str
    ids: Iterator[int]
    transcript: list[str] = field(default_factory=list)

    def __call__(self, line: str) -> str:
        sid = f"SM{next(self.ids):032d}"
        params = {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid,
                  "AccountSid": "AC" + "0" * 32, "From": self.phone, "To": BUSINESS_NUMBER,
                  "Body": line, "NumMedia": "0", "NumSegments": "1", "ApiVersion": "2010-04-01"}
        said = post_signed(self.app, SMS_PATH, params, token=TOKEN, public=PUBLIC)
        self.transcript.append(f"sms {self.phone}> {line}\n{said}")
        print(self.transcript[-1])
        return said


@dataclass
class Replay:
    """One shop reached through one channel; ``customer`` makes a new person there."""

    channel: str
    shop: Shop
    telegram: FakeTelegram
    twilio: FakeTwilio
    app: AppClient
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def customer(self, tz: str | None = None) -> Say:
        n = next(self._numbers)
        sender = {"console": f"cust{n}", "telegram": str(5000 + n),
                  "sms": f"+4479111234{n:02d}"}[self.channel]
        if tz is not None:
            info = self.shop.runner.customers.identify(self.channel, sender,
                                                       now=self.shop.clock())
            self.shop.runner.customers.set_tz(info.id, tz)
        if self.channel == "telegram":
            assert isinstance(self.app, _TelegramPlayer)
            return TelegramCustomer(self.app, self.telegram, int(sender), self._ids)
        if self.channel == "sms":
            return SmsCustomer(self.app, sender, self._ids)
        return Console(self.shop.handle, sender, self.shop.clock)

    def texts_to(self, phone: str) -> list[str]:
        """What the business texted ``phone`` through the Twilio REST double."""
        return [str(m["Body"]) for m in self.twilio.sent() if m.get("To") == phone]


@contextmanager
def replay(channel: str, tmp_path: Path) -> Iterator[Replay]:
    """The shop, wired as served, with the channel's webhook (or the console) in front."""
    with ExitStack() as stack:
        telegram, twilio = FakeTelegram(), FakeTwilio()
        for fake in (telegram, twilio):
            fake.start()
            stack.callback(fake.stop)
        url = stack.enter_context(fresh_database("sqlite", tmp_path))
        db = database(url)
        stack.callback(db.close)
        clock = Clock()
        with db.sessions() as s, s.begin():
            sync_business(s, replay_business(), raw_text="", now=clock())
        settings = _settings(telegram, twilio)
        runner = build_runner(db, settings)
        runner.clock = clock
        handler = build_handler(db, runner)
        ledger = reply_ledger(db)
        stack.callback(ledger.close)
        mounts = build_mounts(settings, handler=handler, opt_outs=SqlOptOuts(db), clock=clock,
                              db=db, ledger=ledger)
        app: AppClient = (_TelegramPlayer(build_app(db, mounts=mounts), telegram)
                          if channel == "telegram" else AppClient(build_app(db, mounts=mounts)))
        stack.enter_context(app)
        telegram.clear()  # forget start-up's getMe
        yield Replay(channel, Shop(db, runner, clock, handler), telegram, twilio, app)
