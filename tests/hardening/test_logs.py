"""Every line a failing request writes is JSON and carries no phone number, token or text.

The database is broken under the app (a table dropped), so the request fails deep inside
SQLAlchemy -- the traceback a probe saw print ``'sender_id': '+14158887013'`` in clear.
All output of the root logger is captured through the one configuration every process
uses (``bookingbot.logs.configure``).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bookingbot import logs
from bookingbot.bootstrap import Database
from bookingbot.channels_wiring import SqlOptOuts
from bookingbot.web import build_app
from bot.runner import Runner
from channels.http_guard import RateLimiter
from channels.sms import sms_mount
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW
from tests.channels.test_sms import PATH, PUBLIC, TOKEN, form, sign

PHONE = "+14158887013"
WORDS = "please book my colonoscopy friday"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    out = io.StringIO()
    logs.configure("DEBUG", stream=out)
    try:
        yield out
    finally:
        root.handlers[:], _ = before
        root.setLevel(before[1])


def test_a_failing_request_logs_json_without_personal_data(
        db: Database, runner: Runner, captured: io.StringIO) -> None:
    mount = sms_mount(auth_token=TOKEN, public_base_url=PUBLIC, handler=runner.handle,
                      limiter=RateLimiter(limit=50), opt_outs=SqlOptOuts(db), clock=lambda: NOW)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE processed_deliveries"))
    params = form(WORDS, "SM" + "1" * 32, sender=PHONE)
    with AppClient(build_app(db, mounts=[mount])) as client:
        reply = client.post(PATH, data=params, headers={"X-Twilio-Signature": sign(params)})
    assert reply.status_code == 200  # the customer is still answered
    assert "went wrong" in reply.text
    output = captured.getvalue()
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    failures = [r for r in lines if r.get("level") == "error"]
    assert failures, output  # the failure itself is logged...
    assert "processed_deliveries" in failures[0].get("exception", "")  # ...with its cause
    for forbidden in (PHONE, PHONE[1:], "8887013", TOKEN, WORDS, "colonoscopy"):
        assert forbidden not in output, forbidden


def test_timestamps_survive_the_phone_mask() -> None:
    line = "at 2026-12-06T22:02:03+00:00 (+2026-12-06T22:02) id 1733522523"
    assert logs.mask(line) == line
    assert logs.mask("from +1 (415) 888-7013") == "from +1415***7013"
    assert logs.mask("bot123456:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0/send") == "bot***/send"
    assert logs.mask("mail ann.lee@example.com") == "mail ***@***"
