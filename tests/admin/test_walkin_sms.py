"""A walk-in caller's confirmation goes out by SMS: the real Twilio client of the SMS
channel, driven by the worker's own sweeps, talking to a local Twilio double."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bookingbot.channels_wiring import SqlOptOuts
from bookingbot.worker import build_jobs
from channels.sms import SmsSender
from core.interval import Interval
from core.staff import Role
from core.usecases.booking import available_slots
from tests.admin.conftest import PAID_NOW, Site, csrf_of, http_login, start_site
from tests.channels.doubles import FakeTwilio
from tests.example_file import example_file

SHOP_NUMBER = "+14155550100"


@pytest.fixture(scope="module")
def sms_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("walkin-sms")
    yield from start_site(f"sqlite:///{folder / 'w.db'}", business=example_file(folder),
                          clock=lambda: PAID_NOW)


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_the_caller_gets_the_confirmation_by_sms(sms_site: Site,
                                                 fake_twilio: FakeTwilio) -> None:
    start = datetime.fromisoformat("2030-01-09T16:00:00+00:00")  # Wednesday 10:00 Chicago
    free = available_slots(sms_site.db.uow(), service_key="haircut", provider_key="sam",
                           window=Interval(start, start + timedelta(hours=1)), now=PAID_NOW)
    assert free[0].start == start
    desk = sms_site.account("desk@example.com", Role.MANAGER)
    with http_login(sms_site, desk) as client:
        token = csrf_of(client.get("/admin/walkin?tz=America/Chicago").text)
        done = client.post("/admin/walkin", data={
            "csrf_token": token, "service": "haircut", "provider": "sam",
            "day": "2030-01-09", "tz": "America/Chicago", "start": start.isoformat(),
            "name": "Phoning Phil", "phone": "312-555-0177"})  # the shop's country: US
    assert done.status_code == 303, done.text
    with SmsSender(fake_twilio.account_sid, "token", SHOP_NUMBER,
                   opt_outs=SqlOptOuts(sms_site.db), api_base_url=fake_twilio.base) as sms:
        build_jobs(sms_site.db, senders={"sms": sms}, clock=lambda: PAID_NOW).run_once()
    sent = fake_twilio.sent()
    assert [m["To"] for m in sent] == ["+13125550177"]
    assert "Haircut" in sent[0]["Body"]
    assert "Sam" in sent[0]["Body"]
