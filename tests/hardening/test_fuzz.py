"""Fuzz every webhook with signed and unsigned malformed bodies, and the conversation with
odd texts: never a 5xx, always a reply to a well-formed message, no traceback in the logs.

One app with all four webhooks (Telegram, Twilio SMS, Slack, Stripe) on a migrated SQLite
database, the real runner, and local doubles of the Bot API and Slack's Web API.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
import stripe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from adapters.payments.test_mode import TestModeGateway
from adapters.payments.webhook import stripe_routes
from bookingbot.bootstrap import Database
from bookingbot.payments_wiring import event_handler
from bookingbot.web import build_app
from bot.messages import InboundMessage
from bot.runner import Runner
from channels.http_guard import RateLimiter
from channels.mount import ChannelMount
from channels.slack import slack_mount, web_client
from channels.sms import sms_mount
from channels.telegram import telegram_mount
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from db.provider_queries import SqlProviderQueries
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW
from tests.channels.doubles import FakeTelegram
from tests.channels.slack.fake_slack import FakeSlack

TG_SECRET = "tg-secret"
TWILIO_TOKEN = "twilio-auth-token-0123456789abcdef"
PUBLIC = "https://bookings.example.com"
SLACK_SECRET = "slack-signing-secret"
STRIPE_SECRET = "whsec_fuzz_secret"
ROUTES = ("/telegram/webhook", "/twilio/sms", "/slack/events", "/stripe/webhook")
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
_ids = itertools.count(1)

# JSON-ish values, odd on purpose: huge and negative numbers, floats, nulls, nesting.
scalars = st.one_of(st.none(), st.booleans(), st.integers(),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=30), st.just(1e20), st.just(-1), st.just(2**70))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
raw_bodies = st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                       values.map(lambda v: json.dumps(v).encode()))
# Odd messages a person might still send: far dates, huge numbers, control characters.
texts = st.one_of(
    st.text(min_size=1, max_size=200),
    st.sampled_from(["haircut on 31 dec 9999 at 10am", "30 dec 9999 at 10am",
                     "haircut 1 jan 0001", "haircut in 99999999999 days",
                     "haircut at 99999999999999999999am", "book 9999-12-31T23:59",
                     "haircut \x00\x07\x1b[31m tomorrow", "delete my data", "STOP", "C",
                     "haircut on 29 feb 2031", "next 10000000 weeks", "yes", "1", "-1"]),
    st.builds(lambda a, b: f"{a} {b}", st.sampled_from(["haircut", "book", "cancel"]),
              st.integers(min_value=-10**30, max_value=10**30).map(str)))


def _tg_message(update_id: int, text: Any, chat: Any = None) -> dict[str, Any]:
    chat = {"id": 777, "type": "private", "first_name": "Ann"} if chat is None else chat
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_900_000_000, "chat": chat, "text": text,
        "from": {"id": 777, "is_bot": False, "first_name": "Ann"}}}


@pytest.fixture
def app(db: Database, runner: Runner) -> Iterator[AppClient]:
    telegram = FakeTelegram()
    slack = FakeSlack()
    telegram.start()
    slack.start()
    pool = ThreadPoolExecutor(max_workers=2)
    store, customers = SqlSessionStore(db.engine), SqlCustomerDirectory(db.sessions)
    big = RateLimiter(limit=10_000)
    mounts = [
        telegram_mount(token=telegram.token, secret=TG_SECRET, handler=runner.handle,
                       limiter=big, clock=lambda: NOW, base_url=telegram.api_base),
        sms_mount(auth_token=TWILIO_TOKEN, public_base_url=PUBLIC, handler=runner.handle,
                  limiter=big, opt_outs=_NoOptOuts(), clock=lambda: NOW),
        slack_mount(client=web_client("xoxb-test", base_url=slack.api_url),
                    signing_secret=SLACK_SECRET, handler=runner.handle, store=store,
                    customers=customers, uow=db.uow, queries=SqlProviderQueries(),
                    limiter=big, clock=lambda: NOW, executor=pool),
        ChannelMount("stripe", stripe_routes(
            webhook_secret=STRIPE_SECRET,
            handle_event=event_handler(db, TestModeGateway(), lambda: NOW)),
            body_limits={"/stripe/webhook": 512 * 1024}),
    ]
    try:
        with AppClient(build_app(db, mounts=mounts)) as client:
            client.telegram = telegram  # type: ignore[attr-defined]
            yield client
    finally:
        pool.shutdown(wait=True)
        telegram.stop()
        slack.stop()


class _NoOptOuts:
    def is_opted_out(self, _address: str) -> bool:
        return False

    def opt_out(self, _address: str) -> None:
        return None

    def opt_in(self, _address: str) -> None:
        return None


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.WARNING)
    yield
    crashes = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not crashes, [r.getMessage() for r in crashes]


def _twilio_headers(params: dict[str, str]) -> dict[str, str]:
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC + "/twilio/sms", params)
    return {"X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded"}


def _slack_headers(body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(SLACK_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def _stripe_headers(body: bytes) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode("utf-8", "replace"), STRIPE_SECRET)
    return {"Stripe-Signature": header}


@FUZZ
@given(route=st.sampled_from(ROUTES), body=raw_bodies,
       content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded",
                                     "text/plain", ""]))
def test_unsigned_garbage_is_refused_cheaply(app: AppClient, no_tracebacks: None, route: str,
                                             body: bytes, content_type: str) -> None:
    reply = app.post(route, content=body, headers={"Content-Type": content_type})
    assert reply.status_code in (401, 403), (route, body, reply.status_code)


@FUZZ
@given(route=st.sampled_from(ROUTES), body=raw_bodies)
def test_signed_garbage_is_never_a_5xx(app: AppClient, no_tracebacks: None, route: str,
                                       body: bytes) -> None:
    if route == "/telegram/webhook":
        headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    elif route == "/twilio/sms":
        headers = {"X-Twilio-Signature": "x"}  # a form needs a real signature: see below
    elif route == "/slack/events":
        headers = {**_slack_headers(body), "Content-Type": "application/json"}
    else:
        headers = _stripe_headers(body)
    reply = app.post(route, content=body, headers=headers)
    assert reply.status_code < 500, (route, body, reply.status_code, reply.text)


@FUZZ
@given(message=st.dictionaries(st.sampled_from(
    ["text", "chat", "date", "from", "location", "caption", "message_id", "entities"]),
    values, max_size=6), update_id=values)
def test_signed_malformed_telegram_updates_are_never_a_5xx(
        app: AppClient, no_tracebacks: None, message: dict[str, Any], update_id: Any) -> None:
    update = {"update_id": update_id, "message": message}
    reply = app.post("/telegram/webhook", json=update,
                     headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert reply.status_code in (200, 400), (update, reply.status_code)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["From", "Body", "MessageSid", "To", "NumMedia",
                                               "ButtonPayload"]),
                              st.text(max_size=40), max_size=6))
def test_signed_odd_twilio_forms_are_never_a_5xx(app: AppClient, no_tracebacks: None,
                                                 fields: dict[str, str]) -> None:
    reply = app.post("/twilio/sms", content=urlencode(fields), headers=_twilio_headers(fields))
    assert reply.status_code == 200, (fields, reply.status_code)


@FUZZ
@given(event=st.dictionaries(st.sampled_from(["id", "object", "type", "data", "livemode"]),
                             values, max_size=5),
       kind=st.sampled_from(["checkout.session.completed", "checkout.session.expired",
                             "refund.updated", "charge.refund.updated", "other"]),
       obj=values)
def test_signed_odd_stripe_events_are_never_a_5xx(app: AppClient, no_tracebacks: None,
                                                  event: dict[str, Any], kind: str,
                                                  obj: Any) -> None:
    shaped = {"id": f"evt_{next(_ids)}", "object": "event", "type": kind,
              "data": {"object": obj}, **event}
    body = json.dumps(shaped).encode()
    reply = app.post("/stripe/webhook", content=body, headers=_stripe_headers(body))
    assert reply.status_code in (200, 400), (shaped, reply.status_code, reply.text)


@FUZZ
@given(text=texts)
def test_every_well_formed_message_gets_a_reply(app: AppClient, no_tracebacks: None,
                                                runner: Runner, text: str) -> None:
    sender = f"fuzz-{next(_ids)}"  # a fresh customer each time: no rate limit, no state
    replies = runner.handle(InboundMessage("test", sender, f"d-{next(_ids)}", NOW, text=text))
    assert replies, text
    assert all(r.text.strip() for r in replies), text
    form = {"From": "+447911123456", "Body": text, "MessageSid": f"SM{next(_ids):032d}",
            "To": "+14155550100"}
    reply = app.post("/twilio/sms", content=urlencode(form), headers=_twilio_headers(form))
    assert reply.status_code == 200, (text, reply.status_code)
    assert "<Message>" in reply.text, (text, reply.text)
    update = _tg_message(next(_ids), text)
    assert app.post("/telegram/webhook", json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}).status_code == 200
