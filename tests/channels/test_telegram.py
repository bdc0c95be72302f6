"""Telegram end to end: signed webhooks at the app, the real runner and SQLite, and the real
python-telegram-bot client talking to a local Bot API double."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from bookingbot.bootstrap import Database
from bookingbot.web import build_app
from bot.runner import Runner
from channels.http_guard import MAX_BODY_BYTES, RATE_NOTICE, RateLimiter
from channels.telegram import telegram_mount
from channels.telegram.location import nautical_zone, zone_for
from channels.telegram.webhook import SECRET_HEADER
from db.customers import SqlCustomerRepository
from tests.channels import updates as u
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW, confirmed_bookings, snapshot
from tests.channels.doubles import FakeTelegram

SECRET = "webhook-secret_0123456789"
URL = "/telegram/webhook"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class TelegramClient(AppClient):
    """Plays Telegram: a webhook answered with a Bot API method gets that method performed."""

    def __init__(self, app: Any, fake: FakeTelegram) -> None:
        super().__init__(app)
        self.fake = fake

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = super().request(method, url, **kwargs)
        if url == URL and response.headers.get("content-type", "").startswith(
                "application/json"):
            self.fake.perform(response.json())
        return response


@pytest.fixture
def limiter() -> RateLimiter:
    return RateLimiter(limit=50)


@pytest.fixture
def client(db: Database, runner: Runner, fake_telegram: FakeTelegram,
           limiter: RateLimiter) -> Iterator[AppClient]:
    mount = telegram_mount(token=fake_telegram.token, secret=SECRET, handler=runner.handle,
                           limiter=limiter, clock=lambda: NOW, base_url=fake_telegram.api_base)
    with TelegramClient(build_app(db, mounts=[mount]), fake_telegram) as test_client:
        fake_telegram.clear()  # forget start-up's getMe
        yield test_client


def post(client: AppClient, update: dict[str, Any], secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post(URL, json=update, headers=headers).status_code


def buttons(sent: dict[str, Any]) -> list[tuple[str, str]]:
    rows = sent["reply_markup"]["inline_keyboard"]
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def last_sent(fake: FakeTelegram) -> dict[str, Any]:
    return fake.sent()[-1]


def test_booking_end_to_end_with_buttons(client: AppClient, fake_telegram: FakeTelegram,
                                         db: Database) -> None:
    assert post(client, u.message(1, "/start")) == 200
    menu = last_sent(fake_telegram)
    assert menu["chat_id"] == str(u.CHAT)
    assert menu["text"].startswith("Hi!")
    assert ("My bookings", "list") in buttons(menu)

    assert post(client, u.message(2, "book a haircut tomorrow at 9am")) == 200
    offers = last_sent(fake_telegram)
    assert buttons(offers)[0] == ("Tue 8 Jan 9:00 AM", "slot:0")

    assert post(client, u.press(3, "slot:0", message_id=77)) == 200
    assert [c.params["callback_query_id"] for c in fake_telegram.calls("/answerCallbackQuery")
            ] == ["cq3"]
    edit = fake_telegram.calls("/editMessageReplyMarkup")[-1].params
    assert (edit["chat_id"], edit["message_id"]) == (str(u.CHAT), "77")
    assert "reply_markup" not in edit  # omitted = keyboard removed
    summary = last_sent(fake_telegram)
    assert "Confirm?" in summary["text"]
    assert buttons(summary) == [("Yes", "yes"), ("No", "no")]

    assert post(client, u.press(4, "yes", message_id=78)) == 200
    assert last_sent(fake_telegram)["text"].startswith("Booked! Haircut with Alice")
    assert len(confirmed_bookings(db)) == 1
    assert confirmed_bookings(db)[0][3:] == ("telegram", str(u.CHAT))


def test_duplicate_delivery_changes_nothing(client: AppClient, fake_telegram: FakeTelegram,
                                            db: Database) -> None:
    for i, update in enumerate([u.message(1, "book a haircut tomorrow at 9am"),
                                u.press(2, "slot:0", message_id=70),
                                u.press(3, "yes", message_id=71)]):
        assert post(client, update) == 200, i
    before = snapshot(db)
    answer = last_sent(fake_telegram)["text"]
    assert post(client, u.press(3, "yes", message_id=71)) == 200  # Telegram retries
    assert snapshot(db) == before
    assert last_sent(fake_telegram)["text"] == answer  # the same answer, no new effect
    assert len(confirmed_bookings(db)) == 1


def test_stale_button_cannot_book_twice(client: AppClient, fake_telegram: FakeTelegram,
                                        db: Database) -> None:
    post(client, u.message(1, "book a haircut tomorrow at 9am"))
    post(client, u.press(2, "slot:0", message_id=70))
    post(client, u.press(3, "yes", message_id=71))
    assert len(confirmed_bookings(db)) == 1
    # Old keyboards were removed, but a client that still shows one can press it again:
    post(client, u.press(4, "yes", message_id=71))
    post(client, u.press(5, "slot:0", message_id=70))
    post(client, u.press(6, "yes", message_id=71))
    assert len(confirmed_bookings(db)) == 1
    removed = {c.params["message_id"] for c in fake_telegram.calls("/editMessageReplyMarkup")}
    assert removed == {"70", "71"}


@pytest.mark.parametrize(("secret", "status"), [
    (None, 401), ("", 403), ("wrong", 403), (SECRET[:-1] + "X", 403), (SECRET + "X", 403),
])
def test_forged_or_missing_secret_has_no_effect(client: AppClient, fake_telegram: FakeTelegram,
                                                db: Database, secret: str | None,
                                                status: int) -> None:
    before = snapshot(db)
    for i, update in enumerate([u.message(1, "book a haircut tomorrow at 9am"),
                                u.press(2, "slot:0", message_id=70)]):
        assert post(client, update, secret=secret) == status, i
    assert snapshot(db) == before
    assert fake_telegram.requests == []


def test_oversized_body_is_refused(client: AppClient, fake_telegram: FakeTelegram,
                                   db: Database) -> None:
    before = snapshot(db)
    big = u.message(1, "x" * (MAX_BODY_BYTES + 1))
    assert post(client, big) == 413
    async def stream() -> AsyncIterator[bytes]:  # chunked: no Content-Length to trust
        yield json.dumps(big).encode()

    chunked = client.post(URL, content=stream(), headers={SECRET_HEADER: SECRET})
    assert chunked.status_code == 413
    assert snapshot(db) == before
    assert fake_telegram.requests == []


def test_not_json_is_a_bad_request(client: AppClient, db: Database) -> None:
    before = snapshot(db)
    response = client.post(URL, content=b"{nope", headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400
    assert snapshot(db) == before


def test_commands_map_to_the_conversation(client: AppClient, fake_telegram: FakeTelegram,
                                          db: Database) -> None:
    post(client, u.message(1, "book a haircut tomorrow at 9am"))
    post(client, u.press(2, "slot:0", message_id=70))
    post(client, u.press(3, "yes", message_id=71))
    post(client, u.message(4, "/mybookings"))
    assert last_sent(fake_telegram)["text"].startswith("Your upcoming bookings:")
    post(client, u.message(5, "/help@salon_bot"))
    assert last_sent(fake_telegram)["text"].startswith("Hi!")
    post(client, u.message(6, "/cancel"))
    assert last_sent(fake_telegram)["text"].startswith("Cancel Haircut")


def test_shared_location_sets_the_timezone(client: AppClient, fake_telegram: FakeTelegram,
                                           db: Database) -> None:
    post(client, u.location(1, 35.68, 139.69))  # Tokyo
    assert "Asia/Tokyo" in last_sent(fake_telegram)["text"]
    with db.sessions() as session:
        customer = SqlCustomerRepository(session).find("telegram", str(u.CHAT))
    assert customer is not None
    assert customer.tz is not None
    assert customer.tz.key == "Asia/Tokyo"


def test_location_in_a_dst_zone_gets_the_real_zone_and_the_sea_a_nautical_one() -> None:
    assert zone_for(48.85, 2.35) == "Europe/Paris"  # its DST rules come with it
    assert zone_for(-33.87, 151.21) == "Australia/Sydney"
    assert nautical_zone(-150.0) == "Etc/GMT+10"
    assert nautical_zone(0.0) == "UTC"


def test_group_chats_and_edits_are_ignored(client: AppClient, fake_telegram: FakeTelegram,
                                           db: Database) -> None:
    before = snapshot(db)
    assert post(client, u.message(1, "book a haircut", chat_id=-100, kind="group")) == 200
    edited = u.message(2, "book a haircut")
    edited["edited_message"] = edited.pop("message")
    assert post(client, edited) == 200
    assert snapshot(db) == before
    assert fake_telegram.requests == []


def test_flood_gets_one_polite_notice(db: Database, runner: Runner,
                                      fake_telegram: FakeTelegram) -> None:
    clock = Clock()
    limiter = RateLimiter(limit=3, window_s=60, clock=clock)
    mount = telegram_mount(token=fake_telegram.token, secret=SECRET, handler=runner.handle,
                           limiter=limiter, clock=lambda: NOW, base_url=fake_telegram.api_base)
    with TelegramClient(build_app(db, mounts=[mount]), fake_telegram) as client:
        for i in range(1, 8):
            assert post(client, u.message(i, "hi")) == 200
        texts = [m["text"] for m in fake_telegram.sent()]
        assert len(texts) == 4
        assert texts[-1] == RATE_NOTICE
        assert post(client, u.message(20, "hi", chat_id=7)) == 200  # someone else: fine
        assert fake_telegram.sent()[-1]["chat_id"] == "7"
        clock.t = 61  # the window has passed
        assert post(client, u.message(21, "hi")) == 200
        assert fake_telegram.sent()[-1]["text"].startswith("Hi!")
