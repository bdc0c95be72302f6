"""Entry points end to end: a chat opened from the admin's links.

Telegram: ``t.me/<bot>?start=<payload>`` arrives as the update text "/start <payload>" at the
signed webhook, through the real runner, and the booking starts with the service (and
provider) chosen, asking for the time in the customer's language. SMS and WhatsApp: the link's
pre-filled body, sent as it is, is understood like any first message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bookingbot.bootstrap import Database
from bookingbot.channels_wiring import SqlOptOuts, build_handler
from bookingbot.web import build_app
from bot.runner import Runner
from channels.http_guard import RateLimiter
from channels.sms import sms_mount
from channels.telegram import telegram_mount
from channels.telegram.webhook import SECRET_HEADER
from channels.whatsapp import whatsapp_mount
from core.entry_points import ChannelAddresses, entry_points, payload
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from db.service_windows import SqlServiceWindows
from tests.channels import updates as u
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW, confirmed_bookings
from tests.channels.doubles import FakeTelegram
from tests.channels.test_telegram import URL, TelegramClient, buttons
from tests.channels.twiml import post_signed
from tests.channels.whatsapp.wire import TOKEN as WA_TOKEN
from tests.channels.whatsapp.wire import whatsapp
from tests.db.helpers import make_business

SECRET = "webhook-secret_0123456789"
TOKEN = "twilio-auth-token-0123456789abcdef"
PUBLIC = "https://bookings.example.com"
ADDRESSES = ChannelAddresses(telegram_bot="salon_bot", sms_number="+14155550100",
                             whatsapp_number="+14155238886")
# The test salon's Haircut at 09:00 London time is offered first on Tuesday (NOW: Monday).
GERMAN_ASK = "Haircut: Wann passt es Ihnen? (Zeitzone GMT)"


@pytest.fixture
def telegram(db: Database, runner: Runner, fake_telegram: FakeTelegram) -> Iterator[AppClient]:
    mount = telegram_mount(token=fake_telegram.token, secret=SECRET, handler=runner.handle,
                           limiter=RateLimiter(limit=50), clock=lambda: NOW,
                           base_url=fake_telegram.api_base)
    with TelegramClient(build_app(db, mounts=[mount]), fake_telegram) as client:
        fake_telegram.clear()
        yield client


def start(update_id: int, text: str, *, language: str = "en") -> dict[str, Any]:
    update = u.message(update_id, text)
    update["message"]["from"]["language_code"] = language
    return update


def post(client: AppClient, update: dict[str, Any]) -> None:
    assert client.post(URL, json=update, headers={SECRET_HEADER: SECRET}).status_code == 200


def said(fake: FakeTelegram) -> str:
    return str(fake.sent()[-1]["text"])


def link_payload(service: str, provider: str | None = None) -> str:
    """The payload exactly as the admin's Telegram link carries it."""
    points = entry_points(make_business(), ADDRESSES)
    point = next(p for p in points if p.service.key == service
                 and (p.provider.key if p.provider else None) == provider)
    link = point.link("telegram")
    assert link is not None
    return parse_qs(urlsplit(link.url).query)["start"][0]


def test_start_payload_books_that_service_with_that_provider(
        telegram: AppClient, fake_telegram: FakeTelegram, db: Database) -> None:
    key = link_payload("cut", "bob")
    assert key == payload("cut", "bob") == "cut__bob"
    post(telegram, start(1, f"/start {key}"))
    assert said(fake_telegram).startswith("Haircut: when suits you? (GMT time)")
    post(telegram, start(2, "tomorrow at 9am"))
    offers = buttons(fake_telegram.sent()[-1])
    assert offers
    assert offers[0][1] == "slot:0"
    post(telegram, u.press(3, "slot:0", message_id=70))
    assert "Confirm?" in said(fake_telegram)
    post(telegram, u.press(4, "yes", message_id=71))
    assert said(fake_telegram).startswith("Booked! Haircut with Bob")
    [booking] = confirmed_bookings(db)
    assert booking[1:] == ("bob", "cut", "telegram", str(u.CHAT))


def test_start_payload_asks_in_the_customers_language(
        telegram: AppClient, fake_telegram: FakeTelegram) -> None:
    post(telegram, start(1, f"/start {link_payload('cut')}", language="de"))
    assert said(fake_telegram).startswith(GERMAN_ASK)
    post(telegram, start(2, "/help", language="de"))  # the language stays with the chat
    assert said(fake_telegram).startswith("Hallo!")


def test_unknown_or_stale_payload_gets_the_greeting(
        telegram: AppClient, fake_telegram: FakeTelegram) -> None:
    post(telegram, start(1, "/start"))
    greeting = fake_telegram.sent()[-1]
    for i, text in enumerate(["/start nosuch", "/start color__bob", "/start cut__zed"], 2):
        post(telegram, start(i, text))
        assert fake_telegram.sent()[-1] == greeting, text  # Bob does not do Colour


def test_a_link_opened_mid_flow_starts_over_with_its_service(
        telegram: AppClient, fake_telegram: FakeTelegram) -> None:
    post(telegram, start(1, "book a consultation"))
    assert "Consultation" in said(fake_telegram)
    post(telegram, start(2, f"/start {link_payload('color', 'alice')}"))
    assert said(fake_telegram).startswith("Colour: when suits you?")
    post(telegram, start(3, "tomorrow at 10am"))
    assert all("Bob" not in label for label, _ in buttons(fake_telegram.sent()[-1]))


def _body(channel: str, service: str, provider: str | None) -> str:
    point = next(p for p in entry_points(make_business(), ADDRESSES)
                 if p.service.key == service and (p.provider.key if p.provider else None)
                 == provider)
    link = point.link(channel)
    assert link is not None
    query = urlsplit(link.url).query if channel == "whatsapp" else link.url.split("?", 1)[1]
    values = parse_qs(query)
    return values["text" if channel == "whatsapp" else "body"][0]


@pytest.fixture
def sms_client(db: Database, runner: Runner) -> Iterator[AppClient]:
    mount = sms_mount(auth_token=TOKEN, public_base_url=PUBLIC, handler=runner.handle,
                      limiter=RateLimiter(limit=50), opt_outs=SqlOptOuts(db), clock=lambda: NOW)
    with AppClient(build_app(db, mounts=[mount])) as client:
        yield client


def sms(client: AppClient, body: str, sid: str) -> str:
    form = {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid,
            "AccountSid": "AC" + "0" * 32, "From": "+447911123456", "To": "+14155550100",
            "Body": body, "NumMedia": "0", "NumSegments": "1", "ApiVersion": "2010-04-01"}
    return post_signed(client, "/twilio/sms", form, token=TOKEN, public=PUBLIC)


def test_sms_link_body_starts_that_booking(sms_client: AppClient, db: Database) -> None:
    # Alice, not Bob: "bob" is also an ordinary word, heard as a name only after "with"
    # (bot/who.py), which a language-neutral body cannot say.
    body = _body("sms", "cut", "alice")
    assert body == "Haircut, Alice"
    assert sms(sms_client, body, "SM01").startswith("Haircut: when suits you?")
    offers = sms(sms_client, "tomorrow at 9am", "SM02")
    assert "1) Tue 8 Jan 9:00 AM" in offers
    assert "Bob" not in offers
    assert sms(sms_client, "1", "SM03").startswith("Haircut with Alice, Tue 8 Jan 9:00 AM")
    assert sms(sms_client, "yes", "SM04").startswith("Booked! Haircut with Alice")
    assert confirmed_bookings(db)[0][1:4] == ("alice", "cut", "sms")


@pytest.fixture
def whatsapp_client(db: Database) -> Iterator[AppClient]:
    runner = Runner(uow=db.uow, store=SqlSessionStore(db.engine),
                    customers=SqlCustomerDirectory(db.sessions), clock=lambda: NOW)
    mount = whatsapp_mount(auth_token=WA_TOKEN, public_base_url=PUBLIC,
                           handler=build_handler(db, runner), limiter=RateLimiter(limit=50),
                           opt_outs=SqlOptOuts(db, "whatsapp"),
                           windows=SqlServiceWindows(db.sessions, "whatsapp"),
                           clock=lambda: NOW)
    with AppClient(build_app(db, mounts=[mount])) as client:
        yield client


def test_whatsapp_link_text_starts_that_booking(whatsapp_client: AppClient) -> None:
    text = _body("whatsapp", "color", None)
    assert text == "Colour"
    assert whatsapp(whatsapp_client, text, "SM01").startswith("Colour: when suits you?")
    offers = whatsapp(whatsapp_client, "tomorrow at 10am", "SM02")
    assert "1) Tue 8 Jan" in offers
