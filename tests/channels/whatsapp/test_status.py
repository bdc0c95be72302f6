"""Twilio's status callbacks: a WhatsApp "outside the window" failure (63016) closes our
window and the reminder goes again as its template; other failures are recorded as final;
delivered/read change nothing; forged callbacks are refused; repeats change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bookingbot.bootstrap import Database
from db.service_windows import SqlServiceWindows
from jobs.sweeps import Jobs
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW
from tests.channels.doubles import FakeTwilio
from tests.channels.twiml import signature
from tests.channels.whatsapp.test_whatsapp import book_wednesday, reminder_rows, state
from tests.channels.whatsapp.wire import ANN, BUSINESS, PUBLIC, REMINDER_SID, TOKEN, whatsapp
from tests.jobs.harness import Clock

STATUS = "/twilio/status"


def callback(sid: str, status: str, code: str | None = None) -> dict[str, str]:
    params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
              "AccountSid": "AC" + "0" * 32, "From": BUSINESS, "To": ANN,
              "ApiVersion": "2010-04-01", "ChannelPrefix": "whatsapp"}
    if code is not None:
        params["ErrorCode"] = code
    return params


def post(client: AppClient, params: dict[str, str], *, sign_with: str = TOKEN) -> int:
    headers = {"X-Twilio-Signature": signature(params, token=sign_with, url=PUBLIC + STATUS)}
    return client.post(STATUS, data=params, headers=headers).status_code


def reminded_inside_the_window(client: AppClient, db: Database, clock: Clock, jobs: Jobs,
                               fake_twilio: FakeTwilio) -> str:
    """Ann wrote Tuesday 08:00; the 09:01 reminder goes free-form; its message SID."""
    book_wednesday(client)
    clock.set(NOW + timedelta(hours=24))
    whatsapp(client, "thanks", "SM04")
    clock.set(NOW + timedelta(hours=25, minutes=1))
    jobs.run_once()
    [sent] = fake_twilio.sent()
    assert "Body" in sent
    assert sent["StatusCallback"] == PUBLIC + STATUS
    return str(reminder_rows(db)[0][2])


def test_window_closed_at_twilio_sends_the_template_next(
        client: AppClient, db: Database, clock: Clock, jobs: Jobs,
        fake_twilio: FakeTwilio) -> None:
    sid = reminded_inside_the_window(client, db, clock, jobs, fake_twilio)
    assert post(client, callback(sid, "undelivered", "63016")) == 204
    assert SqlServiceWindows(db.sessions, "whatsapp").last_inbound(ANN) is None
    [(status, error, _)] = reminder_rows(db)
    assert (status, error) == ("failed", "twilio undelivered (63016)")
    jobs.run_once()
    _, again = fake_twilio.sent()
    assert again["ContentSid"] == REMINDER_SID
    assert again["ContentVariables"] == {"1": "Haircut", "2": "Bob",
                                         "3": "Wed 9 Jan 9:00 AM GMT"}
    assert reminder_rows(db)[0][0] == "sent"
    before = state(db)
    assert post(client, callback(sid, "undelivered", "63016")) == 204  # a repeat
    assert state(db) == before


def test_other_failures_are_final_with_the_reason(client: AppClient, db: Database,
                                                  clock: Clock, jobs: Jobs,
                                                  fake_twilio: FakeTwilio) -> None:
    sid = reminded_inside_the_window(client, db, clock, jobs, fake_twilio)
    window = SqlServiceWindows(db.sessions, "whatsapp").last_inbound(ANN)
    assert post(client, callback(sid, "failed", "63024")) == 204
    assert reminder_rows(db) == [("dead", "twilio failed (63024)", sid)]
    assert SqlServiceWindows(db.sessions, "whatsapp").last_inbound(ANN) == window
    jobs.run_once()
    assert len(fake_twilio.sent()) == 1


@pytest.mark.parametrize("status", ["queued", "sent", "delivered", "read"])
def test_progress_changes_nothing(client: AppClient, db: Database, clock: Clock, jobs: Jobs,
                                  fake_twilio: FakeTwilio, status: str) -> None:
    sid = reminded_inside_the_window(client, db, clock, jobs, fake_twilio)
    before = state(db)
    assert post(client, callback(sid, status)) == 204
    assert state(db) == before


def test_forged_callback_is_refused(client: AppClient, db: Database, clock: Clock,
                                    jobs: Jobs, fake_twilio: FakeTwilio) -> None:
    sid = reminded_inside_the_window(client, db, clock, jobs, fake_twilio)
    before: dict[str, Any] = state(db)
    assert post(client, callback(sid, "undelivered", "63016"), sign_with="not-" + TOKEN) == 403
    assert client.post(STATUS, data=callback(sid, "failed", "1")).status_code == 401
    assert state(db) == before
