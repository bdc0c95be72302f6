"""WhatsApp end to end: Twilio-signed webhooks at the app, the real runner, reply router and
SQLite; reminders through the real jobs and the real twilio client to the local Twilio
double, free-form inside the 24-hour window and as a Content template outside it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bookingbot.bootstrap import Database
from bookingbot.channels_wiring import SqlOptOuts
from bookingbot.worker import build_jobs
from channels.twilio.inbound import shared_location
from channels.whatsapp import Templates, WhatsAppSender
from db.customer_data import SqlCustomerData
from db.customers import SqlCustomerRepository
from db.service_windows import SqlServiceWindows
from jobs.sweeps import Jobs
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW, confirmed_bookings, snapshot
from tests.channels.doubles import FakeTwilio
from tests.channels.twiml import post_signed
from tests.channels.whatsapp.wire import (
    ANN,
    BUSINESS,
    PATH,
    PUBLIC,
    REMINDER_SID,
    TOKEN,
    form,
    sign,
    whatsapp,
)
from tests.jobs.harness import Clock


def state(db: Database) -> dict[str, list[Any]]:
    with db.engine.connect() as conn:
        extra = {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
                 for t in ("service_windows", "notifications")}
    return {**snapshot(db), **extra}


def opted_out(db: Database) -> bool:
    with db.sessions() as session:
        customer = SqlCustomerRepository(session).find("whatsapp", ANN)
    return customer is not None and customer.opted_out


def book_wednesday(client: AppClient) -> None:
    """Booked on Monday 08:00 for Wednesday 9:00 (its 24 h reminder: Tuesday 9:00)."""
    offers = whatsapp(client, "book a haircut on wednesday at 9am", "SM01")
    assert "1) Wed 9 Jan 9:00 AM" in offers
    whatsapp(client, "1", "SM02")
    assert whatsapp(client, "yes", "SM03").startswith("Booked! Haircut with Bob")


def reminder_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT status, last_error, provider_message_id FROM notifications "
            "WHERE kind = 'reminder'"))]


def test_booking_with_numbered_options(client: AppClient, db: Database) -> None:
    offers = whatsapp(client, "book a haircut tomorrow at 9am", "SM01")
    assert "1) Tue 8 Jan 9:00 AM" in offers
    assert offers.endswith("Reply 1-5 or MORE")
    summary = whatsapp(client, "1", "SM02")
    assert summary.startswith("Haircut with Alice, Tue 8 Jan 9:00 AM GMT.")
    assert summary.endswith("Reply YES or NO")
    assert whatsapp(client, "YES", "SM03").startswith("Booked! Haircut with Alice")
    assert confirmed_bookings(db)[0][3:] == ("whatsapp", ANN)


def test_every_inbound_message_opens_the_window(client: AppClient, db: Database,
                                                clock: Clock) -> None:
    windows = SqlServiceWindows(db.sessions, "whatsapp")
    assert windows.last_inbound(ANN) is None
    whatsapp(client, "hi", "SM01", sender="whatsapp:+44 7911 123456")
    assert windows.last_inbound(ANN) == NOW
    clock.advance(timedelta(hours=30))
    whatsapp(client, "hello again", "SM02")
    assert windows.last_inbound(ANN) == NOW + timedelta(hours=30)


def test_reminder_inside_the_window_is_free_form(client: AppClient, db: Database,
                                                 clock: Clock, jobs: Jobs,
                                                 fake_twilio: FakeTwilio) -> None:
    book_wednesday(client)
    clock.set(NOW + timedelta(hours=24))  # Tuesday 08:00: Ann writes, the window opens
    assert whatsapp(client, "thanks", "SM04")
    clock.set(NOW + timedelta(hours=25, minutes=1))  # Tuesday 09:01: the reminder is due
    jobs.run_once()
    [sent] = fake_twilio.sent()
    assert (sent["To"], sent["From"]) == (ANN, BUSINESS)
    assert sent["Body"].startswith("Reminder: Haircut with Bob, Wed 9 Jan 9:00 AM GMT.")
    assert sent["Body"].endswith("Reply C to confirm, R to reschedule or X to cancel")
    assert "ContentSid" not in sent
    assert reminder_rows(db) == [("sent", None, "SM" + "0" * 31 + "1")]


def test_reminder_outside_the_window_goes_as_its_template(client: AppClient, db: Database,
                                                          clock: Clock, jobs: Jobs,
                                                          fake_twilio: FakeTwilio) -> None:
    book_wednesday(client)
    clock.set(NOW + timedelta(hours=25, minutes=1))  # 25 h after Ann last wrote
    jobs.run_once()
    [sent] = fake_twilio.sent()
    assert (sent["To"], sent["From"], sent["ContentSid"]) == (ANN, BUSINESS, REMINDER_SID)
    assert sent["ContentVariables"] == {"1": "Haircut", "2": "Bob",
                                        "3": "Wed 9 Jan 9:00 AM GMT"}
    assert "Body" not in sent
    # Ann taps the template's "Cancel" quick-reply button: the reminder's reply context.
    answer = whatsapp(client, "Cancel", "SM05", button="cancel")
    assert answer == ("Cancel Haircut with Bob, Wed 9 Jan 9:00 AM GMT? No refund is due.\n"
                      "Reply YES or NO")
    assert whatsapp(client, "yes", "SM06").startswith("Cancelled")
    assert confirmed_bookings(db) == []


def test_reply_to_a_reminder_by_typing(client: AppClient, db: Database, clock: Clock,
                                       jobs: Jobs) -> None:
    book_wednesday(client)
    clock.set(NOW + timedelta(hours=25, minutes=1))
    jobs.run_once()
    answer = whatsapp(client, "confirm", "SM05")
    assert answer == "Thanks, see you Wed 9 Jan 9:00 AM GMT!"
    assert len(confirmed_bookings(db)) == 1


def test_a_kind_without_template_outside_the_window_fails_with_its_reason(
        client: AppClient, db: Database, clock: Clock, fake_twilio: FakeTwilio,
        caplog: pytest.LogCaptureFixture) -> None:
    book_wednesday(client)
    clock.set(NOW + timedelta(hours=25, minutes=1))
    with WhatsAppSender(fake_twilio.account_sid, TOKEN, BUSINESS,
                        opt_outs=SqlOptOuts(db, "whatsapp"),
                        windows=SqlServiceWindows(db.sessions, "whatsapp"),
                        templates=Templates({"booking_confirmed": {"en": "HX9"}}), clock=clock,
                        api_base_url=fake_twilio.base) as bare:
        build_jobs(db, senders={"whatsapp": bare}, clock=clock).run_once()
    assert fake_twilio.sent() == []
    [(status, error, message_id)] = reminder_rows(db)
    assert (status, message_id) == ("dead", None)
    assert error == ("whatsapp: outside the 24-hour window and no template configured for "
                     "'reminder' (en); set TWILIO_WHATSAPP_TEMPLATES")
    assert "no template configured for 'reminder'" in caplog.text


def test_stop_is_honoured_and_nothing_is_sent(client: AppClient, db: Database,
                                              clock: Clock, jobs: Jobs,
                                              fake_twilio: FakeTwilio) -> None:
    book_wednesday(client)
    assert whatsapp(client, "STOP", "SM04") == ""
    assert opted_out(db)
    before = state(db)
    assert whatsapp(client, "book a haircut on friday at 9am", "SM05") == ""
    assert whatsapp(client, "help", "SM06") == ""
    assert state(db) == before  # not even the window moved
    clock.set(NOW + timedelta(hours=25, minutes=1))
    jobs.run_once()
    assert fake_twilio.sent() == []
    assert whatsapp(client, "start", "SM07").startswith("Welcome back!")
    assert not opted_out(db)


def test_cancel_alone_is_conversation_on_whatsapp(client: AppClient, db: Database) -> None:
    book_wednesday(client)
    answer = whatsapp(client, "cancel", "SM04")
    assert not opted_out(db)
    assert answer.startswith("Cancel Haircut with Bob, Wed 9 Jan 9:00 AM GMT?")


@pytest.mark.parametrize("forgery", ["missing", "wrong-token", "sms-url", "tampered"])
def test_forged_signature_has_no_effect(client: AppClient, db: Database, forgery: str) -> None:
    params = form("book a haircut tomorrow at 9am", "SM01")
    headers = {
        "missing": {},
        "wrong-token": {"X-Twilio-Signature": sign(params, token="not-" + TOKEN)},
        "sms-url": {"X-Twilio-Signature": sign(params, url=PUBLIC + "/twilio/sms")},
        "tampered": {"X-Twilio-Signature": sign({**params, "From": "whatsapp:+15550001111"})},
    }[forgery]
    before = state(db)
    response = client.post(PATH, data=params, headers=headers)
    assert response.status_code == (401 if forgery == "missing" else 403)
    assert state(db) == before


def test_duplicate_message_sid_changes_nothing(client: AppClient, db: Database,
                                               clock: Clock) -> None:
    whatsapp(client, "book a haircut tomorrow at 9am", "SM01")
    whatsapp(client, "1", "SM02")
    first = whatsapp(client, "yes", "SM03")
    before = state(db)
    clock.advance(timedelta(minutes=10))  # Twilio retried later: the window stays put too
    assert first.startswith("Booked!")
    assert whatsapp(client, "yes", "SM03") == ""  # not answered twice
    assert state(db) == before
    assert len(confirmed_bookings(db)) == 1


def test_a_shared_location_sets_the_timezone(client: AppClient, db: Database) -> None:
    params = {**form("", "SM01"), "MessageType": "location", "Latitude": "40.4168",
              "Longitude": "-3.7038", "Address": "Puerta del Sol, Madrid"}
    answer = post_signed(client, PATH, params, token=TOKEN, public=PUBLIC)
    assert "Europe/Madrid" in answer
    with db.sessions() as session:
        customer = SqlCustomerRepository(session).find("whatsapp", ANN)
    assert customer is not None
    assert customer.tz is not None
    assert customer.tz.key == "Europe/Madrid"


@pytest.mark.parametrize(("lat", "lng"), [("91", "0"), ("nan", "0"), ("x", "1"), ("0", "")])
def test_a_malformed_location_is_ordinary_text(lat: str, lng: str) -> None:
    assert shared_location({"Latitude": lat, "Longitude": lng}) is None


def test_erasure_forgets_the_window_and_the_template_values(
        client: AppClient, db: Database, clock: Clock, jobs: Jobs) -> None:
    book_wednesday(client)
    clock.set(NOW + timedelta(hours=25, minutes=1))
    jobs.run_once()  # the reminder goes as its template; its values are stored
    data = SqlCustomerData(db.sessions)
    found = data.find("+447911123456")  # the bare number finds the WhatsApp customer
    assert found is not None
    data.erase(found, now=clock())
    extra = state(db)
    assert extra["service_windows"] == []
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT address, text, template FROM notifications "
                                 "WHERE audience = 'customer'")).all()
    assert rows
    assert all(r.template is None and ANN not in (r.address, r.text) for r in rows)
