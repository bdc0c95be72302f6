"""A platform that stops waiting for a webhook's answer (Telegram's or Twilio's timeout, a
proxy's) gets nothing from it: the replies must not be settled as sent then, or nobody
ever sends them (the platform's retry is a duplicate and gets no second answer). Found by
``bench/load.py``'s exactly-once accounting with a client that hung up; here the client
hangs up while the conversation runs (the handler waits until uvicorn has seen the
connection go), the replies stay leased, and the worker sends each of them once after the
lease. The control pretends the disconnect went unseen: the reply is marked sent and lost.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import uvicorn
from starlette.requests import Request
from twilio.request_validator import RequestValidator

from bookingbot.bootstrap import Database, database
from bookingbot.channels_wiring import reply_ledger
from bookingbot.web import build_app
from bot.messages import InboundMessage, Reply
from channels.http_guard import RateLimiter
from channels.sms import NoOptOuts, sms_mount
from channels.telegram import telegram_mount
from channels.telegram.webhook import SECRET_HEADER
from db.catalog import sync_business
from db.reply_outbox import DEFAULT_LEASE, SqlReplyLedger
from tests.channels import updates as u
from tests.channels.conftest import NOW
from tests.channels.doubles import FakeTelegram
from tests.channels.test_durable_replies import deliver, durable_runner, replies
from tests.channels.test_sms import PUBLIC, TOKEN
from tests.db.helpers import make_business

SECRET = "dropped-secret_0123456789"
Handler = Callable[[InboundMessage], list[Reply]]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    handle = database(f"sqlite:///{tmp_path / 'dropped.db'}")
    with handle.sessions.begin() as session:
        sync_business(session, make_business(), raw_text="salon: {}", now=NOW)
    try:
        yield handle
    finally:
        handle.close()


class Gate:
    """Holds the conversation until the test has hung up and the server has seen it."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, message: InboundMessage) -> list[Reply]:
        self.entered.set()
        assert self.release.wait(30)
        return self.handler(message)


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():  # a condition polled until true, bounded
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


@contextmanager
def serving(app: Any) -> Iterator[tuple[int, uvicorn.Server]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _until(lambda: server.started, "the server did not start")
        yield port, server
    finally:
        server.should_exit = True
        thread.join(30)


def hang_up_mid_conversation(port: int, server: uvicorn.Server, gate: Gate,
                             request: bytes) -> None:
    """Send ``request``, hang up while the conversation runs, then let it finish."""
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(request)
        assert gate.entered.wait(30)
    _until(lambda: not server.server_state.connections, "the server did not see the hang-up")
    gate.release.set()
    _until(lambda: not server.server_state.tasks, "the request did not finish")


def telegram_request() -> bytes:
    body = json.dumps(u.message(1, "/start")).encode()
    return (f"POST /telegram/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\n{SECRET_HEADER}: {SECRET}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def sms_request() -> bytes:
    form = {"MessageSid": "SM" + "5" * 32, "From": "+14155550123", "To": "+14155550100",
            "Body": "hi"}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/sms", form)
    body = urlencode(form).encode()
    return (f"POST /twilio/sms HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n"
            "\r\n").encode() + body


def _run(db: Database, fake: FakeTelegram, ledger: SqlReplyLedger, channel: str) -> Gate:
    gate = Gate(durable_runner(db).handle)
    if channel == "telegram":
        mount = telegram_mount(token=fake.token, secret=SECRET, handler=gate,
                               limiter=RateLimiter(), clock=lambda: NOW,
                               base_url=fake.api_base, ledger=ledger)
    else:
        mount = sms_mount(auth_token=TOKEN, public_base_url=PUBLIC, handler=gate,
                          limiter=RateLimiter(), opt_outs=NoOptOuts(), clock=lambda: NOW,
                          ledger=ledger)
    with serving(build_app(db, mounts=[mount])) as (port, server):
        hang_up_mid_conversation(port, server, gate,
                                 telegram_request() if channel == "telegram" else sms_request())
        ledger.flush()  # whatever the request settled is written now
    return gate


@pytest.mark.parametrize("channel", ["telegram", "sms"])
def test_replies_to_a_client_that_hung_up_are_sent_by_the_worker_once(
        db: Database, channel: str) -> None:
    ledger = reply_ledger(db)
    with FakeTelegram() as fake:
        try:
            _run(db, fake, ledger, channel)
        finally:
            ledger.close()
        [(status, _, text)] = replies(db)
        assert status == "sending"  # still leased to the request: not settled as sent
        if channel == "telegram":  # (the SMS outbox needs the Twilio sender: same rows)
            fake.clear()
            assert deliver(db, fake, NOW + DEFAULT_LEASE + timedelta(seconds=1)) == {"sent": 1}
            assert [m["text"] for m in fake.sent()] == [text]
            assert deliver(db, fake, NOW + DEFAULT_LEASE * 10) == {}  # once
            assert [s for s, _, _ in replies(db)] == ["sent"]


@pytest.mark.parametrize("channel", ["telegram", "sms"])
def test_control_an_unseen_hang_up_settles_the_reply_as_sent_and_loses_it(
        db: Database, channel: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def never(self: Request) -> bool:
        return False

    monkeypatch.setattr(Request, "is_disconnected", never)
    ledger = reply_ledger(db)
    with FakeTelegram() as fake:
        try:
            _run(db, fake, ledger, channel)
        finally:
            ledger.close()
        [(status, _, _)] = replies(db)
        assert status == "sent"  # nobody received it, yet nobody will send it
        fake.clear()
        assert deliver(db, fake, NOW + DEFAULT_LEASE * 10) == {}
        assert fake.sent() == []
