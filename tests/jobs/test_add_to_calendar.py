"""Customers' confirmations end with an "add to calendar" link when CALENDAR_FEED_SECRET and
PUBLIC_BASE_URL are set: the link, fetched through the web app's feed routes, is that
booking's event. SMS confirmations stay within two segments; without the settings, no link."""

from __future__ import annotations

import re

import icalendar
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine
from starlette.applications import Starlette

from bookingbot.bootstrap import Database
from bookingbot.calendar_feed import booking_link, calendar_feed_mount
from bookingbot.settings import Settings
from channels.sms.gsm import segments, to_gsm
from core.booking import Booking
from db.uow import session_factory
from tests.channels.asgi import AppClient
from tests.jobs.conftest import at
from tests.jobs.harness import Clock, World
from tests.jobs.seams import settle, worker_world

SECRET = "feed-secret-0123456789abcdef0123"
BASE = "https://bookings.salon-example.com"
LINK = re.compile(r"\nAdd to calendar: (\S+)\Z")
SMS_NUMBER = "+447700900123"


def configured(*, secret: str | None = SECRET, base: str | None = BASE + "/") -> Settings:
    return Settings(calendar_feed_secret=SecretStr(secret) if secret else None,
                    public_base_url=base)


def confirmations(w: World, channel: str) -> list[str]:
    return [s.text for s in w.sent(channel) if s.text.startswith("Confirmed:")]


def book_both(w: World) -> tuple[Booking, Booking]:
    ann = w.customer()  # Telegram
    sam = w.customer("sms", SMS_NUMBER, name="Sam")
    return w.book(ann, at(8, 10)), w.book(sam, at(8, 11))  # booked for them, not in chat


def test_the_confirmation_links_to_the_bookings_own_calendar_file(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    settings = configured()
    w = worker_world(jengine, jobs_url, clock, add_to_calendar=booking_link(settings))
    ann_booking, sam_booking = book_both(w)
    settle(w)
    [text] = confirmations(w, "telegram")
    assert text.startswith("Confirmed: Haircut with Alice, Tue 8 Jan 10:00 AM GMT. Reply ")
    found = LINK.search(text)
    assert found is not None
    link = found.group(1)
    assert link.startswith(BASE + "/calendar/booking/" + ann_booking.id + "/")

    db = Database(jobs_url, jengine, session_factory(jengine))
    mount = calendar_feed_mount(settings, db, clock=clock)
    assert mount is not None
    with AppClient(Starlette(routes=list(mount.routes))) as client:
        answer = client.get(link.removeprefix(BASE))
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
        [event] = icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
        assert str(event["UID"]) == f"{ann_booking.id}@bookingbot"
        assert event.decoded("DTSTART") == ann_booking.start
        assert event.decoded("DTEND") == ann_booking.end
        # Another booking's id under this token is not found.
        forged = link.removeprefix(BASE).replace(ann_booking.id, sam_booking.id)
        assert client.get(forged).status_code == 404

    [sms] = confirmations(w, "sms")
    assert LINK.search(sms) is not None
    assert sam_booking.id in sms
    counted = segments(to_gsm(sms))
    assert (counted.encoding, counted.count) == ("GSM-7", 2)  # the link is the second
    providers = [s.text for s in w.sent("slack")]
    assert providers
    assert all("calendar/booking" not in t for t in providers)  # customers' only


@pytest.mark.parametrize("settings", [
    configured(secret=None), configured(base=None), configured(secret=None, base=None)],
    ids=["no secret", "no base URL", "neither"])
def test_no_link_without_both_settings(
        jengine: Engine, jobs_url: str, clock: Clock, settings: Settings) -> None:
    assert booking_link(settings) is None
    w = worker_world(jengine, jobs_url, clock, add_to_calendar=booking_link(settings))
    book_both(w)
    settle(w)
    [text] = confirmations(w, "telegram")
    assert text == ('Confirmed: Haircut with Alice, Tue 8 Jan 10:00 AM GMT. '
                    'Reply "my bookings" any time.')
    [sms] = confirmations(w, "sms")
    assert "http" not in sms
    assert segments(to_gsm(sms)).count == 1


def test_on_sms_the_hint_gives_way_when_it_would_cost_a_segment(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    base = BASE + "/a/long/path/prefix/the/salon/site/is/served/under/by/its/reverse/proxy/today"
    w = worker_world(jengine, jobs_url, clock,
                     add_to_calendar=booking_link(configured(base=base)))
    book_both(w)
    settle(w)
    [sms] = confirmations(w, "sms")
    assert sms.startswith("Confirmed: Haircut with Alice, Tue 8 Jan 11:00 AM GMT.\nAdd to ")
    assert segments(to_gsm(sms)).count == 2
    assert segments(to_gsm(sms.replace(".\n", '. Reply "my bookings" any time.\n'))).count == 3
    [text] = confirmations(w, "telegram")  # chat apps have no segments: the hint stays
    assert 'Reply "my bookings" any time.\nAdd to calendar: ' + base in text
