"""SMS end to end: Twilio-signed webhooks at the app, the real runner and SQLite, TwiML back;
``SmsSender`` through the real twilio client to a local Twilio REST double."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from twilio.request_validator import RequestValidator

from bookingbot.bootstrap import Database
from bookingbot.channels_wiring import SqlOptOuts
from bookingbot.web import build_app
from bot.runner import Runner
from channels.http_guard import MAX_BODY_BYTES, RATE_NOTICE, RateLimiter
from channels.sms import SmsSender, sms_mount
from channels.sms.gsm import segments
from core.errors import PermanentSendError
from db.customers import SqlCustomerRepository
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW, confirmed_bookings, snapshot
from tests.channels.doubles import FakeTwilio
from tests.channels.twiml import post_signed

TOKEN = "twilio-auth-token-0123456789abcdef"
PUBLIC = "https://bookings.example.com"
PATH = "/twilio/sms"
ANN = "+447911123456"
BUSINESS = "+14155550100"


@pytest.fixture
def client(db: Database, runner: Runner) -> Iterator[AppClient]:
    mount = sms_mount(auth_token=TOKEN, public_base_url=PUBLIC, handler=runner.handle,
                      limiter=RateLimiter(limit=50), opt_outs=SqlOptOuts(db),
                      clock=lambda: NOW)
    with AppClient(build_app(db, mounts=[mount])) as app_client:
        yield app_client


def form(body: str, sid: str, sender: str = ANN) -> dict[str, str]:
    return {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid,
            "AccountSid": "AC" + "0" * 32, "From": sender, "To": BUSINESS, "Body": body,
            "NumMedia": "0", "NumSegments": "1", "ApiVersion": "2010-04-01"}


def sign(params: dict[str, str], *, token: str = TOKEN, url: str = PUBLIC + PATH) -> str:
    return RequestValidator(token).compute_signature(url, params)


def sms(client: AppClient, body: str, sid: str, sender: str = ANN) -> str:
    """Post a correctly signed inbound SMS; the TwiML answer's text ('' for silence)."""
    return post_signed(client, PATH, form(body, sid, sender), token=TOKEN, public=PUBLIC)


def opted_out(db: Database, phone: str = ANN) -> bool:
    with db.sessions() as session:
        customer = SqlCustomerRepository(session).find("sms", phone)
    return customer is not None and customer.opted_out


def test_booking_end_to_end_with_numbered_options(client: AppClient, db: Database) -> None:
    offers = sms(client, "book a haircut tomorrow at 9am", "SM01")
    assert "1) Tue 8 Jan 9:00 AM" in offers
    assert offers.endswith("Reply 1-5 or MORE")
    assert (segments(offers).encoding, segments(offers).count) == ("GSM-7", 1)
    summary = sms(client, "1", "SM02")
    assert summary.startswith("Haircut with Alice, Tue 8 Jan 9:00 AM GMT.")
    assert summary.endswith("Reply YES or NO")
    done = sms(client, "YES", "SM03")
    assert done.startswith("Booked! Haircut with Alice")
    assert confirmed_bookings(db)[0][3:] == ("sms", ANN)


def test_duplicate_message_sid_changes_nothing(client: AppClient, db: Database) -> None:
    sms(client, "book a haircut tomorrow at 9am", "SM01")
    sms(client, "1", "SM02")
    first = sms(client, "yes", "SM03")
    before = snapshot(db)
    again = sms(client, "yes", "SM03")  # Twilio retried the same message
    assert first.startswith("Booked!")
    assert again == ""  # an empty <Response/>: the customer is not answered twice
    assert snapshot(db) == before
    assert len(confirmed_bookings(db)) == 1


def test_sender_is_normalised_to_e164(client: AppClient, db: Database) -> None:
    sms(client, "hello", "SM01", sender="+44 7911 123-456")
    with db.sessions() as session:
        assert SqlCustomerRepository(session).find("sms", ANN) is not None


def test_unparseable_sender_is_ignored(client: AppClient, db: Database) -> None:
    before = snapshot(db)
    assert sms(client, "book a haircut", "SM01", sender="SALONCO") == ""
    assert snapshot(db) == before


@pytest.mark.parametrize("forgery", ["missing", "wrong-token", "other-url", "tampered",
                                     "garbage"])
def test_forged_signature_has_no_effect(client: AppClient, db: Database, forgery: str) -> None:
    params = form("book a haircut tomorrow at 9am", "SM01")
    headers = {
        "missing": {},
        "wrong-token": {"X-Twilio-Signature": sign(params, token="not-" + TOKEN)},
        "other-url": {"X-Twilio-Signature": sign(params, url="http://testserver" + PATH)},
        "tampered": {"X-Twilio-Signature": sign({**params, "Body": "hi"})},
        "garbage": {"X-Twilio-Signature": "AAAA"},
    }[forgery]
    before = snapshot(db)
    response = client.post(PATH, data=params, headers=headers)
    assert response.status_code == (401 if forgery == "missing" else 403)
    assert snapshot(db) == before


def test_oversized_body_is_refused(client: AppClient, db: Database) -> None:
    params = form("x" * (MAX_BODY_BYTES + 1), "SM01")
    before = snapshot(db)
    response = client.post(PATH, data=params, headers={"X-Twilio-Signature": sign(params)})
    assert response.status_code == 413

    async def stream() -> AsyncIterator[bytes]:  # chunked: no Content-Length to trust
        yield b"Body=" + b"x" * (MAX_BODY_BYTES + 1)

    chunked = client.post(PATH, content=stream(),
                          headers={"X-Twilio-Signature": "x",
                                   "Content-Type": "application/x-www-form-urlencoded"})
    assert chunked.status_code == 413
    assert snapshot(db) == before


def test_stop_is_remembered_and_nothing_is_sent(client: AppClient, db: Database,
                                                fake_twilio: FakeTwilio) -> None:
    sms(client, "book a haircut tomorrow at 9am", "SM01")
    assert sms(client, "Stop.", "SM02") == ""  # Twilio itself confirms the opt-out
    assert opted_out(db)
    before = snapshot(db)
    assert sms(client, "book a haircut tomorrow at 9am", "SM03") == ""
    assert sms(client, "help", "SM04") == ""
    assert snapshot(db) == before  # not even the conversation moved
    with SmsSender(fake_twilio.account_sid, TOKEN, BUSINESS, opt_outs=SqlOptOuts(db),
                   api_base_url=fake_twilio.base) as sender, \
            pytest.raises(PermanentSendError, match="opted out"):
        sender.send(ANN, "Reminder: your haircut is tomorrow at 9:00 AM")
    assert fake_twilio.requests == []


def test_start_and_yes_opt_back_in(client: AppClient, db: Database) -> None:
    sms(client, "UNSUBSCRIBE", "SM01")
    assert opted_out(db)
    assert sms(client, "yes", "SM02").startswith("Welcome back!")
    assert not opted_out(db)
    sms(client, "quit", "SM03")
    assert opted_out(db)
    assert sms(client, " START ", "SM04").startswith("Welcome back!")
    assert not opted_out(db)


@pytest.mark.parametrize("body", ["cancel my booking", "cancel 1", "please stop", "stop it",
                                  "yes please", "end of the day"])
def test_keywords_count_only_as_the_whole_message(client: AppClient, db: Database,
                                                  body: str) -> None:
    sms(client, body, "SM01")
    assert not opted_out(db)


@pytest.mark.parametrize("body", ["CANCEL", "cancel", "End", "stopall", "optout", "Revoke!"])
def test_twilio_opt_out_keywords(client: AppClient, db: Database, body: str) -> None:
    assert sms(client, body, "SM01") == ""
    assert opted_out(db)


def test_help_keyword_answers_with_the_menu(client: AppClient) -> None:
    answer = sms(client, "INFO", "SM01")
    assert answer.startswith("Hi!")
    assert answer.endswith("Reply BOOK, LIST, RESCHEDULE or CANCEL A BOOKING")


def test_flood_gets_one_polite_notice(db: Database, runner: Runner) -> None:
    now = [0.0]
    limiter = RateLimiter(limit=2, window_s=60, clock=lambda: now[0])
    mount = sms_mount(auth_token=TOKEN, public_base_url=PUBLIC, handler=runner.handle,
                      limiter=limiter, opt_outs=SqlOptOuts(db), clock=lambda: NOW)
    with AppClient(build_app(db, mounts=[mount])) as client:
        answers = [sms(client, "hi", f"SM{i}") for i in range(5)]
        assert answers[0].startswith("Hi!")
        assert answers[2:] == [RATE_NOTICE, "", ""]
        assert sms(client, "STOP", "SM5") == ""  # honoured even in a flood
        assert opted_out(db)
        now[0] = 60.0
        assert sms(client, "start", "SM9").startswith("Welcome back!")


def test_a_slot_held_at_confirm_is_not_offered_to_another_texter(client: AppClient,
                                                                  db: Database) -> None:
    bob = "+447911654321"
    sms(client, "book a haircut tomorrow at 9am", "SM41")
    assert sms(client, "1", "SM42").startswith("Haircut with Alice, Tue 8 Jan 9:00 AM GMT.")
    offers = sms(client, "book a haircut with alice tomorrow at 9am", "SM43", sender=bob)
    assert "9:00 AM" not in offers  # held for the first texter while they confirm
    assert sms(client, "YES", "SM44").startswith("Booked! Haircut with Alice, Tue 8 Jan 9:00")
    assert "(ref " in sms(client, "my bookings", "SM45")
