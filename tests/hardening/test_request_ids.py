"""One request id from the webhook to the worker's send (issue 17): ``grep <id>`` over the
web and worker JSON logs follows one customer's message.

A signed Telegram webhook through the real app (durable replies, SQLite and PostgreSQL)
confirms a booking; the response's ``X-Request-ID``, the outbox row of the booking event,
the reply rows, the notifications the worker makes of the event and the worker's log lines
while it dispatches and sends them all carry the id the caller gave. All logging goes
through ``bookingbot.logs.configure`` into one captured JSON stream.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import text

from bookingbot import logs
from bookingbot.bootstrap import Database, database
from bookingbot.request_ids import chosen
from bookingbot.web import build_app
from bookingbot.worker import build_jobs
from bot.messages import InboundMessage, Reply
from bot.runner import Runner
from channels.http_guard import RateLimiter
from channels.slack import CarryContext
from channels.slack.sender import SlackSender
from channels.telegram import TelegramApi, TelegramChannel, TelegramPoller, telegram_mount
from channels.telegram.webhook import SECRET_HEADER
from core.tracing import current_request_id, request_scope
from db.catalog import sync_business
from db.reply_outbox import SqlReplyLedger
from tests.channels import updates as u
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW, fake_telegram, runner
from tests.channels.doubles import FakeTelegram
from tests.channels.slack.conftest import fake_slack
from tests.channels.slack.fake_slack import FakeSlack
from tests.channels.test_durable_replies import SECRET, URL, durable_runner
from tests.db.conftest import BACKENDS, fresh_postgres
from tests.db.helpers import make_business

TRACE = "trace-confirm-4242"
__all__ = ["fake_slack", "fake_telegram", "runner"]  # fixtures


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgres":
        with fresh_postgres("bb_trace") as url:
            yield from _salon(url)
    else:
        yield from _salon(f"sqlite:///{tmp_path / 'trace.db'}")


def _salon(url: str) -> Iterator[Database]:
    handle = database(url)
    with handle.sessions.begin() as session:
        sync_business(session, make_business(), raw_text="salon: {}", now=NOW)
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    out = io.StringIO()
    logs.configure("INFO", stream=out)
    try:
        yield out
    finally:
        root.handlers[:], _ = before
        root.setLevel(before[1])


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def rows(db: Database, sql: str) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def book(client: AppClient, request_id: str) -> Any:
    """Three updates to the confirmation question, then 'yes' with the caller's id."""
    for update in (u.message(1, "book a haircut tomorrow at 9am"),
                   u.press(2, "slot:0", message_id=70)):
        assert client.post(URL, json=update, headers={SECRET_HEADER: SECRET}).status_code == 200
    return client.post(URL, json=u.press(3, "yes", message_id=71),
                       headers={SECRET_HEADER: SECRET, "X-Request-ID": request_id})


def test_one_request_id_from_the_webhook_to_the_workers_send(
        db: Database, fake_telegram: FakeTelegram, fake_slack: FakeSlack,
        captured: io.StringIO) -> None:
    ledger = SqlReplyLedger(db.engine)
    mount = telegram_mount(token=fake_telegram.token, secret=SECRET,
                           handler=durable_runner(db).handle, limiter=RateLimiter(),
                           clock=lambda: NOW, base_url=fake_telegram.api_base, ledger=ledger)
    with AppClient(build_app(db, mounts=[mount])) as client:
        response = book(client, TRACE)
        ledger.flush()
    ledger.close()
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == TRACE
    assert response.json()["text"].startswith("Booked!")

    # The booking event and the reply rows were written with the request's id.
    [(held, hold_id), (confirmed, confirm_id)] = rows(
        db, "SELECT kind, request_id FROM outbox ORDER BY id")
    assert (confirmed, confirm_id) == ("BookingConfirmed", TRACE)
    assert held == "SlotHeld"
    assert hold_id not in (None, TRACE)  # the press that held the slot: an id of its own
    replies = rows(db, "SELECT request_id FROM notifications WHERE kind = 'reply' ORDER BY id")
    assert replies[-1] == (TRACE,)
    assert TRACE not in [r for (r,) in replies[:-1]]  # the earlier updates had their own
    web = [line for line in lines(captured) if line.get("request_id") == TRACE]
    assert [(w["event"], w["status"]) for w in web
            if w["logger"] == "bookingbot.access"] == [("POST /telegram/webhook 200", 200)]

    # The worker: the event becomes the provider's Slack alert, carrying the id, sent.
    mark = len(captured.getvalue())
    senders = {"slack": SlackSender(WebClient(token="xoxb-test", base_url=fake_slack.api_url))}
    report = build_jobs(db, senders=senders, clock=lambda: NOW).run_once()
    assert report["events"] == 2
    [alert] = rows(db, "SELECT id, status, request_id FROM notifications "
                       "WHERE kind = 'booking_confirmed' AND audience = 'provider'")
    assert alert[1:] == ("sent", TRACE)
    [posted] = [p for p in fake_slack.of("chat.postMessage") if "Haircut" in str(p)]
    assert posted["channel"] == "U123"  # Alice, the provider
    worker = [json.loads(line) for line in captured.getvalue()[mark:].splitlines() if line]
    traced = [w["event"] for w in worker if w.get("request_id") == TRACE]
    assert traced == ["outbox 2 (BookingConfirmed): 1 notifications",
                      f"notification {alert[0]} (booking_confirmed on slack): sent"]
    # What the worker planned on its own (the provider's daily agenda) carries none.
    agenda = [w for w in worker if "daily_agenda" in w["event"]]
    assert agenda
    assert all("request_id" not in w for w in agenda)
    assert current_request_id() is None  # nothing leaks out of a request or a row


def test_a_request_without_a_usable_id_gets_a_new_one(
        db: Database, fake_telegram: FakeTelegram, captured: io.StringIO) -> None:
    mount = telegram_mount(token=fake_telegram.token, secret=SECRET,
                           handler=durable_runner(db).handle, limiter=RateLimiter(),
                           clock=lambda: NOW, base_url=fake_telegram.api_base)
    given = ["", "has spaces in it", "x" * 65, "bot123456:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0",
             "+14155550123", "ann@example.com", "ok-Id_1.2"]
    answered = []
    with AppClient(build_app(db, mounts=[mount])) as client:
        for i, value in enumerate(given):
            headers = {SECRET_HEADER: SECRET, "X-Request-ID": value}
            response = client.post(URL, json=u.message(10 + i, "hi"), headers=headers)
            assert response.status_code == 200
            answered.append(response.headers["X-Request-ID"])
        answered.append(client.get("/healthz").headers["X-Request-ID"])
    assert answered[-2] == "ok-Id_1.2"  # well formed: kept
    fresh = answered[:-2] + answered[-1:]
    assert len(set(fresh)) == len(fresh)  # each replaced by a new one of its own
    assert all(len(a) == 32 and int(a, 16) >= 0 for a in fresh)
    output = captured.getvalue()
    assert "AAHfiqksKZ8WmR2zSjiQ7" not in output
    assert "ann@example.com" not in output
    assert chosen(b"a" * 64) == "a" * 64


def test_slack_listeners_run_with_the_request_id_of_the_event() -> None:
    """Bolt runs listeners on a thread pool after the ack; the pool is wrapped so they see
    the request's id. The control, the bare pool, loses it (threads start empty)."""
    with ThreadPoolExecutor(max_workers=1) as pool, request_scope("slack-event-1"):
        carried = CarryContext(pool).submit(current_request_id).result(30)
        bare = pool.submit(current_request_id).result(30)
    assert carried == "slack-event-1"
    assert bare is None


def test_each_polled_telegram_update_gets_a_request_id_of_its_own(
        runner: Runner, fake_telegram: FakeTelegram) -> None:
    """Long polling has no HTTP request: the poller gives each update its own id, which
    the handler (run in a thread) sees, and which is gone after the round."""
    seen: list[str | None] = []

    def handler(message: InboundMessage) -> list[Reply]:
        seen.append(current_request_id())
        return runner.handle(message)

    api = TelegramApi(fake_telegram.token, base_url=fake_telegram.api_base)
    poller = TelegramPoller(TelegramChannel(api, handler, RateLimiter(), lambda: NOW),
                            timeout_s=0)
    fake_telegram.updates = [u.message(5, "/start"), u.message(6, "my bookings")]

    async def round_() -> int:
        await api.start()
        try:
            return await poller.poll_once()
        finally:
            await api.stop()

    assert asyncio.run(round_()) == 2
    assert len(seen) == 2
    assert seen[0] != seen[1]
    assert all(s is not None and len(s) == 32 for s in seen)
    assert current_request_id() is None
