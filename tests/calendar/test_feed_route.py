"""The feed routes over HTTP: a valid calendar for the right token, 404 for anything else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from adapters.calendar.feed import feed_token
from adapters.calendar.ics import parse_ics_busy
from bookingbot.bootstrap import Database
from bookingbot.calendar_feed import booking_ics_path, calendar_feed_mount, feed_path
from bookingbot.settings import Settings
from core.interval import Interval
from core.usecases import cancel
from tests.calendar.conftest import utc
from tests.calendar.dbkit import CUSTOMER, Clock, book, open_database, salon_with, setup
from tests.channels.asgi import AppClient

SECRET = "feed-secret-0123456789abcdef0123"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[AppClient, Database, str, str]]:
    with open_database("sqlite", tmp_path) as db:
        customer = setup(db, salon_with())
        clock = Clock()
        kept = book(db, customer, utc(2030, 1, 8, 10), clock.now)
        gone = book(db, customer, utc(2030, 1, 9, 13), clock.now)
        cancel(db.uow(), gone.id, actor=replace(CUSTOMER, id=customer), now=clock.now)
        book(db, customer, utc(2030, 1, 8, 10), clock.now, provider="bob")
        mount = calendar_feed_mount(Settings(calendar_feed_secret=SecretStr(SECRET)), db,
                                    clock=clock)
        assert mount is not None
        with AppClient(Starlette(routes=list(mount.routes))) as client:
            yield client, db, kept.id, gone.id


Site = tuple[AppClient, Database, str, str]


def test_the_feed_is_a_valid_calendar_of_the_providers_bookings(site: Site) -> None:
    client, _, kept, gone = site
    answer = client.get(feed_path(SECRET.encode(), "alice"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(answer.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"{kept}@bookingbot", f"{gone}@bookingbot"}  # not bob's
    assert str(events[f"{kept}@bookingbot"]["SUMMARY"]) == "Haircut: Ann"
    assert str(events[f"{gone}@bookingbot"]["STATUS"]) == "CANCELLED"
    assert int(events[f"{gone}@bookingbot"]["SEQUENCE"]) >= 1
    week = Interval(utc(2030, 1, 7), utc(2030, 1, 14))
    busy = parse_ics_busy(answer.content, week, default_tz=utc(2030, 1, 1).tzinfo,  # type: ignore[arg-type]
                          own_uid_suffix=None)
    assert busy == [Interval(utc(2030, 1, 8, 10), utc(2030, 1, 8, 10, 30))]


@pytest.mark.parametrize("path", [
    "/calendar/alice/" + "A" * 43 + ".ics",  # forged
    "/calendar/alice/" + feed_token(SECRET.encode(), "bob") + ".ics",  # bob's token
    "/calendar/alice/" + feed_token(b"another secret entirely!", "alice") + ".ics",
    "/calendar/nobody/" + feed_token(SECRET.encode(), "nobody") + ".ics",  # unknown provider
    "/calendar/alice/.ics",
])
def test_anything_but_the_right_token_is_not_found(site: Site, path: str) -> None:
    client, *_ = site
    answer = client.get(path)
    assert answer.status_code == 404
    assert "VCALENDAR" not in answer.text


def test_a_booking_has_its_own_add_to_calendar_file(site: Site) -> None:
    client, _, kept, _ = site
    answer = client.get(booking_ics_path(SECRET.encode(), kept))
    assert answer.status_code == 200
    [event] = icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    assert str(event["UID"]) == f"{kept}@bookingbot"
    assert client.get(booking_ics_path(b"wrong-secret-wrong-secret", kept)).status_code == 404


def test_no_secret_no_feed(tmp_path: Path) -> None:
    with open_database("sqlite", tmp_path) as db:
        assert calendar_feed_mount(Settings(calendar_feed_secret=None), db) is None
        assert calendar_feed_mount(Settings(calendar_feed_secret=SecretStr(" ")), db) is None
