"""Durable replies: written with the conversation's state, answered in the webhook response,
settled once out, and sent by the worker's outbox delivery when the web process did not.

In-process on both databases (the app through its ASGI interface, Telegram and Twilio as
local doubles), and once as a real ``bookingbot serve`` killed between its commit and its
answer: the reply still arrives, exactly once.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.channels_wiring import DURABLE_REPLIES, reply_ledger
from bookingbot.web import PAUSE_ENV, build_app
from bot.runner import Runner
from channels.http_guard import RateLimiter
from channels.sms import NoOptOuts, sms_mount
from channels.telegram import TelegramSender, telegram_mount
from channels.telegram.webhook import SECRET_HEADER
from db.catalog import sync_business
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from db.jobs_store import SqlJobsStore
from db.reply_outbox import DEFAULT_LEASE, SqlReplyLedger
from jobs.delivery import Deliverer
from tests.channels import updates as u
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW
from tests.channels.doubles import FakeTelegram
from tests.channels.test_sms import PUBLIC, TOKEN, sms
from tests.db.conftest import BACKENDS, fresh_postgres
from tests.db.helpers import make_business

SECRET = "durable-secret_0123456789"
URL = "/telegram/webhook"
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent / "bookingbot"


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with fresh_postgres("bb_replies") if request.param == "postgres" else _sqlite(tmp_path) \
            as url:
        handle = database(url)
        with handle.sessions.begin() as session:
            sync_business(session, make_business(), raw_text="salon: {}", now=NOW)
        try:
            yield handle
        finally:
            handle.close()


class _sqlite:
    def __init__(self, tmp_path: Path) -> None:
        self.url = f"sqlite:///{tmp_path / 'replies.db'}"

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc: object) -> None:
        return None


def durable_runner(db: Database, clock: Any = lambda: NOW) -> Runner:
    return Runner(uow=db.uow, store=SqlSessionStore(db.engine, durable=DURABLE_REPLIES),
                  customers=SqlCustomerDirectory(db.sessions), clock=clock)


def replies(db: Database) -> list[tuple[str, str, str]]:
    """(status, address, text) of every stored reply, in order."""
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT status, address, text FROM notifications WHERE kind = 'reply' "
            "ORDER BY id"))]  # type: ignore[misc]


def deliver(db: Database, fake: FakeTelegram, at: datetime) -> dict[str, int]:
    """One sweep of the worker's delivery, with its clock at ``at``."""
    with TelegramSender(fake.token, base_url=fake.api_base) as sender:
        counts = Deliverer(SqlJobsStore(db.sessions), {"telegram": sender},
                           clock=lambda: at).sweep()
    return dict(counts)


@pytest.fixture
def ledger(db: Database) -> Iterator[SqlReplyLedger]:
    found = reply_ledger(db)
    try:
        yield found
    finally:
        found.close()


@pytest.fixture
def telegram(db: Database, fake_telegram: FakeTelegram,
             ledger: SqlReplyLedger) -> Iterator[AppClient]:
    mount = telegram_mount(token=fake_telegram.token, secret=SECRET,
                           handler=durable_runner(db).handle, limiter=RateLimiter(),
                           clock=lambda: NOW, base_url=fake_telegram.api_base, ledger=ledger)
    with AppClient(build_app(db, mounts=[mount])) as client:
        fake_telegram.clear()
        yield client


def post(client: AppClient, update: dict[str, Any]) -> Any:
    response = client.post(URL, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    return response.json() if response.content else None


def test_reply_rides_in_the_response_and_is_settled(
        telegram: AppClient, db: Database, fake_telegram: FakeTelegram,
        ledger: SqlReplyLedger) -> None:
    body = post(telegram, u.message(1, "/start"))
    ledger.flush()  # the marks are written by the ledger's own thread
    assert body["method"] == "sendMessage"
    assert body["chat_id"] == u.CHAT
    assert body["text"].startswith("Hi!")
    assert ["My bookings", "list"] in [[b["text"], b["callback_data"]]
                                       for row in body["reply_markup"]["inline_keyboard"]
                                       for b in row]
    assert fake_telegram.sent() == []  # no Bot API call for it
    assert replies(db) == [("sent", str(u.CHAT), body["text"])]
    # The worker finds nothing to send, even long after the lease.
    assert deliver(db, fake_telegram, NOW + DEFAULT_LEASE * 10) == {}
    assert fake_telegram.sent() == []


def _two_replies(db: Database) -> Any:
    handler = durable_runner(db).handle

    def two_replies(message: Any) -> Any:
        return [*handler(message), *handler(message.__class__(
            message.channel, message.sender_id, message.delivery_id + "b",
            message.received_at, text="my bookings"))]

    return two_replies


def test_several_replies_go_by_the_bot_api_in_order(
        db: Database, fake_telegram: FakeTelegram, ledger: SqlReplyLedger) -> None:
    """Only a lone message rides in the response: Telegram performs it after reading the
    response, so Bot API calls for the rest could overtake it. Several go by the API, in
    order."""
    mount = telegram_mount(token=fake_telegram.token, secret=SECRET, handler=_two_replies(db),
                           limiter=RateLimiter(), clock=lambda: NOW,
                           base_url=fake_telegram.api_base, ledger=ledger)
    with AppClient(build_app(db, mounts=[mount])) as client:
        fake_telegram.clear()
        assert post(client, u.message(1, "/start")) is None  # nothing in the response
        ledger.flush()
    stored = replies(db)
    assert [m["text"] for m in fake_telegram.sent()] == [text for _, _, text in stored]
    assert fake_telegram.sent()[0]["text"].startswith("Hi!")
    # The update's own reply is settled; the second came from another delivery (the test's
    # handler made it), which settles its own.
    assert [s for s, _, _ in stored] == ["sent", "sending"]


def test_a_reply_the_bot_api_refused_is_sent_by_the_worker(
        db: Database, fake_telegram: FakeTelegram, ledger: SqlReplyLedger) -> None:
    """Two replies go by the Bot API, which refuses the first: both stay leased, then due,
    and the worker sends them after the lease, in order, once each."""
    mount = telegram_mount(token=fake_telegram.token, secret=SECRET, handler=_two_replies(db),
                           limiter=RateLimiter(), clock=lambda: NOW,
                           base_url=fake_telegram.api_base, ledger=ledger)
    with AppClient(build_app(db, mounts=[mount])) as client:
        fake_telegram.clear()
        fake_telegram.failures["sendMessage"] = (502, "Bad Gateway")
        assert post(client, u.message(1, "/start")) is None
        ledger.flush()  # before the app's shutdown closes the database
    stored = replies(db)
    assert [s for s, _, _ in stored] == ["sending", "sending"]
    assert deliver(db, fake_telegram, NOW + timedelta(seconds=1)) == {}  # still leased
    fake_telegram.failures.clear()
    fake_telegram.clear()
    assert deliver(db, fake_telegram, NOW + DEFAULT_LEASE + timedelta(seconds=1)) == {
        "sent": 2}
    assert [m["text"] for m in fake_telegram.sent()] == [text for _, _, text in stored]
    assert stored[0][2].startswith("Hi!")
    assert [s for s, _, _ in replies(db)] == ["sent", "sent"]


def test_sms_replies_settled_after_the_twiml(db: Database, fake_telegram: FakeTelegram,
                                            ledger: SqlReplyLedger) -> None:
    mount = sms_mount(auth_token=TOKEN, public_base_url=PUBLIC,
                      handler=durable_runner(db).handle, limiter=RateLimiter(),
                      opt_outs=NoOptOuts(), clock=lambda: NOW, ledger=ledger)
    with AppClient(build_app(db, mounts=[mount])) as client:
        answer = sms(client, "hi", "SM1")
        ledger.flush()
    assert answer
    [(status, _, stored)] = replies(db)
    assert status == "sent"
    assert answer.startswith(stored)  # the TwiML also numbers the choices
    assert deliver(db, fake_telegram, NOW + DEFAULT_LEASE * 10) == {}


# --- a real `bookingbot serve`, killed between its commit and its answer ---------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60  # a deadline far beyond need (a busy machine)
    while time.monotonic() < deadline:
        assert proc.poll() is None, "serve exited during start-up"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.05)
        finally:
            conn.close()
    proc.kill()
    raise AssertionError("serve did not come up")


def post_update(port: int, update: dict[str, Any]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", URL, json.dumps(update).encode(),
                     {"Content-Type": "application/json", SECRET_HEADER: SECRET})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.postgres
def test_killed_between_commit_and_answer_the_reply_arrives_once(
        tmp_path: Path, fake_telegram: FakeTelegram) -> None:
    with fresh_postgres("bb_kill") as url:
        db = database(url)
        try:
            with db.sessions.begin() as session:
                sync_business(session, make_business(), raw_text="salon: {}", now=NOW)
            _kill_and_recover(db, url, tmp_path, fake_telegram)
        finally:
            db.close()


def _kill_and_recover(db: Database, url: str, tmp_path: Path, fake: FakeTelegram) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "SLACK_", "TWILIO_", "STRIPE_", "BOOKINGBOT_"))}
    env.update(DATABASE_URL=url, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_WEBHOOK_SECRET=SECRET,
               TELEGRAM_API_BASE_URL=fake.api_base, PAYMENTS_TEST_MODE="true",
               LOG_LEVEL="WARNING")
    marker = tmp_path / "paused"
    port = free_port()
    serve = start_serve({**env, PAUSE_ENV: str(marker)}, port)
    update = u.message(7, "/start")
    outcome: list[object] = []

    def telegram_delivers() -> None:
        try:
            outcome.append(post_update(port, update))
        except (OSError, http.client.HTTPException) as exc:  # the process died: no answer
            outcome.append(exc)

    poster = threading.Thread(target=telegram_delivers)
    try:
        poster.start()
        deadline = time.monotonic() + 60
        # exists() may see the file before its text is written: wait for the text
        while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert marker.read_text() == URL  # paused after the commit, before any answer
        serve.send_signal(signal.SIGKILL)
        serve.wait(30)
        poster.join(30)
    finally:
        if serve.poll() is None:
            serve.kill()
    assert isinstance(outcome[0], Exception)  # Telegram got no answer: it will retry
    stored = replies(db)
    assert [(s, a) for s, a, _ in stored] == [("sending", str(u.CHAT))]  # committed, unsent
    assert fake.sent() == []

    # Telegram retries the update; the new process sees a duplicate delivery.
    serve = start_serve(env, port)
    try:
        status, body = post_update(port, update)
        assert status == 200
        if body:  # answered again: Telegram performs it (a duplicate is never re-answered)
            fake.perform(json.loads(body))
    finally:
        serve.terminate()  # graceful: a request's background work finishes first
        serve.wait(30)
    # The worker's delivery after the lease sends what nobody sent; then nothing more.
    deliver(db, fake, utcnow() + DEFAULT_LEASE + timedelta(seconds=1))
    deliver(db, fake, utcnow() + DEFAULT_LEASE * 10)
    texts = [m["text"] for m in fake.sent() if m["chat_id"] in (str(u.CHAT), u.CHAT)]
    assert texts == [stored[0][2]]
    assert [s for s, _, _ in replies(db)] == ["sent"]
