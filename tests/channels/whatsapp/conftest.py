"""WhatsApp fixtures: the app with the WhatsApp webhook and Twilio's status callback, a
shared movable clock, the WhatsApp sender on the Twilio double, the real jobs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bookingbot.bootstrap import Database
from bookingbot.channels_wiring import SqlOptOuts, build_handler
from bookingbot.web import build_app
from bookingbot.worker import build_jobs
from bot.runner import Runner
from channels.http_guard import RateLimiter
from channels.mount import ChannelMount
from channels.twilio.signature import TwilioSignature
from channels.twilio.status import status_route
from channels.whatsapp import Templates, WhatsAppSender, whatsapp_mount
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from db.delivery_status import SqlDeliveryStatus
from db.service_windows import SqlServiceWindows
from jobs.sweeps import Jobs
from tests.channels.asgi import AppClient
from tests.channels.conftest import NOW
from tests.channels.doubles import FakeTwilio
from tests.channels.whatsapp.wire import BUSINESS, PUBLIC, REMINDER_SID, TOKEN
from tests.jobs.harness import Clock

TEMPLATES = Templates({"reminder": {"en": REMINDER_SID, "es": "HX" + "2" * 32}})


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def client(db: Database, clock: Clock) -> Iterator[AppClient]:
    runner = Runner(uow=db.uow, store=SqlSessionStore(db.engine),
                    customers=SqlCustomerDirectory(db.sessions), clock=clock)
    mount = whatsapp_mount(auth_token=TOKEN, public_base_url=PUBLIC,
                           handler=build_handler(db, runner), limiter=RateLimiter(limit=50),
                           opt_outs=SqlOptOuts(db, "whatsapp"),
                           windows=SqlServiceWindows(db.sessions, "whatsapp"), clock=clock)
    status = ChannelMount("twilio-status", (status_route(
        TwilioSignature(TOKEN, PUBLIC), SqlDeliveryStatus(db.sessions, clock)),))
    with AppClient(build_app(db, mounts=[mount, status])) as app_client:
        yield app_client


@pytest.fixture
def sender(db: Database, clock: Clock, fake_twilio: FakeTwilio) -> Iterator[WhatsAppSender]:
    with WhatsAppSender(fake_twilio.account_sid, TOKEN, BUSINESS,
                        opt_outs=SqlOptOuts(db, "whatsapp"),
                        windows=SqlServiceWindows(db.sessions, "whatsapp"),
                        templates=TEMPLATES, clock=clock,
                        api_base_url=fake_twilio.base,
                        status_callback=PUBLIC + "/twilio/status") as whatsapp_sender:
        yield whatsapp_sender


@pytest.fixture
def jobs(db: Database, clock: Clock, sender: WhatsAppSender) -> Jobs:
    return build_jobs(db, senders={"whatsapp": sender}, clock=clock)
