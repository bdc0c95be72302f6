"""A provider's calendar that cannot be read becomes one Slack alert per failure streak: the
calendar sweep (real ICS adapter against a local server) emits ``CalendarSyncFailed``, the
worker's jobs (built as ``bookingbot worker`` builds them) word it in the provider's zone
and send it to their own Slack user, or to the provider channel when they have none."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import Engine

from bookingbot.bootstrap import Database
from bookingbot.calendar_wiring import calendar_jobs
from bookingbot.notify_texts import notice_text
from core.calendar_sync import CalendarSyncFailed
from core.model import Business, CalendarKind, CalendarLink
from core.notifications import Audience, Recipient
from db.uow import session_factory
from jobs.calendar_sync import CalendarJobs
from jobs.notices import calendar_alert
from tests.calendar.conftest import DATA
from tests.calendar.httpserver import LocalServer, Recorded, Reply
from tests.db.helpers import NOW, make_business
from tests.jobs.harness import PROVIDER_CHANNEL, Clock, World, make_world, rules
from tests.jobs.seams import settle, worker_world

KIND = "calendar_sync_failed"


@dataclass
class IcsFeed:
    """Serves a real .ics file, or a 503 while ``failing``."""

    text: str
    failing: bool = False

    def __call__(self, req: Recorded) -> Reply:
        if self.failing:
            return Reply(503, "<html>Service Unavailable</html>", {"Content-Type": "text/html"})
        return Reply(200, self.text, {"Content-Type": "text/calendar; charset=UTF-8"})


def salon(*, alice: str = "ALICE_ICS", bob: str = "BOB_ICS") -> Business:
    """Alice (London, Slack user U123) and Bob (Kolkata, no Slack user): ICS calendars."""
    base = make_business(rules=rules())
    links = {"alice": CalendarLink(CalendarKind.ICS, ics_url_env=alice),
             "bob": CalendarLink(CalendarKind.ICS, ics_url_env=bob)}
    return replace(base, providers=tuple(replace(p, calendar=links.get(p.key))
                                         for p in base.providers))


@pytest.fixture
def feed() -> Iterator[tuple[IcsFeed, LocalServer]]:
    app = IcsFeed((DATA / "alice_personal.ics").read_text(encoding="utf-8"))
    with LocalServer(app) as server:
        yield app, server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def calendars(w: World, url: str, http: httpx.Client, env: dict[str, str]) -> CalendarJobs:
    db = Database(url, w.engine, session_factory(w.engine))
    return calendar_jobs(db, clock=w.clock, http=http, env=env)


def alerts(w: World) -> list[tuple[str, str]]:
    """(address, text) of every calendar alert sent in Slack."""
    texts = {str(r["text"]) for r in w.rows() if r["kind"] == KIND}
    return [(s.address, s.text) for s in w.sent("slack") if s.text in texts]


def test_a_failing_calendar_alerts_its_provider_once_per_streak(
        jengine: Engine, jobs_url: str, clock: Clock, http: httpx.Client,
        feed: tuple[IcsFeed, LocalServer]) -> None:
    app, server = feed
    clock.set(NOW)  # Monday 08:00 UTC
    w = worker_world(jengine, jobs_url, clock, business=salon())
    ics = server.base_url + "/personal.ics"
    cal = calendars(w, jobs_url, http, {"ALICE_ICS": ics, "BOB_ICS": ics})
    assert all(o.ok for o in cal.sync())  # a good copy at 08:00
    settle(w)

    app.failing = True
    for _ in range(36):  # three hours of sweeps every five minutes, past the 2 h limit
        clock.advance(timedelta(minutes=5))
        cal.sync_sweep()
        cal.sync(force=True)  # and on demand, as a booking request would
        w.jobs.run_once()
    settle(w)
    error = "reading the iCal subscription: 127.0.0.1 answered HTTP 503"
    assert alerts(w) == [
        ("U123", f"I couldn't read your calendar ({error}). I'm using the copy from before "
                 "8:05 AM GMT; if it still fails at 10:00 AM GMT, new bookings with you "
                 "pause until it works again."),
        (PROVIDER_CHANNEL, f"I couldn't read your calendar ({error}). I'm using the copy "
                           "from before 1:35 PM IST; if it still fails at 3:30 PM IST, new "
                           "bookings with you pause until it works again.")]
    assert w.sent_kinds()[(KIND, "provider")] == 2

    app.failing = False  # the calendars recover: bookings resume, nothing more to say
    clock.advance(timedelta(minutes=5))
    assert all(o.ok for o in cal.sync())
    settle(w)
    assert len(alerts(w)) == 2

    app.failing = True  # a new streak: a new alert
    clock.advance(timedelta(minutes=5))
    cal.sync(only="alice")
    settle(w)
    assert [address for address, _ in alerts(w)] == ["U123", PROVIDER_CHANNEL, "U123"]
    # the copy from the 11:05 read is in use until 13:05
    assert "before 11:10 AM GMT; if it still fails at 1:05 PM GMT," in alerts(w)[-1][1]


def test_a_calendar_never_read_says_bookings_are_paused(
        jengine: Engine, jobs_url: str, clock: Clock, http: httpx.Client) -> None:
    w = worker_world(jengine, jobs_url, clock, business=salon())
    cal = calendars(w, jobs_url, http, {})  # neither URL is set
    cal.sync(only="alice")
    cal.sync(only="alice")
    settle(w)
    assert alerts(w) == [("U123", "I couldn't read your calendar (calendar of alice: "
                                  "environment variable ALICE_ICS is not set), so new "
                                  "bookings with you are paused until it works again.")]


def test_jobs_that_cannot_word_the_alert_leave_it_for_a_worker_that_can(
        jengine: Engine, jobs_url: str, clock: Clock, http: httpx.Client) -> None:
    w = make_world(jengine, clock, salon())  # the harness's jobs: no notice_text
    calendars(w, jobs_url, http, {}).sync(only="bob")
    w.jobs.run_once()
    assert [r for r in w.rows() if r["kind"] == KIND] == []  # still pending, not dropped
    worker = worker_world(jengine, jobs_url, clock, business=salon())
    settle(worker)
    assert [address for address, _ in alerts(worker)] == [PROVIDER_CHANNEL]


def test_a_pause_on_another_day_names_the_day() -> None:
    who = Recipient(Audience.PROVIDER, "slack", "U1", ZoneInfo("America/New_York"))
    since = NOW.replace(hour=22, minute=5)  # 5:05 PM EST, Monday
    event = CalendarSyncFailed(booking_id="", provider_key="alice", error="timeout",
                               failing_since=since, pause_at=since + timedelta(hours=12))
    [notice] = calendar_alert(event, who, now=since)
    assert notice_text(notice).text == (
        "I couldn't read your calendar (timeout). I'm using the copy from before 5:05 PM EST; "
        "if it still fails at Tue 8 Jan 5:05 AM EST, new bookings with you pause until it "
        "works again.")
    assert calendar_alert(event, None, now=since) == []
    [again] = calendar_alert(event, who, now=since + timedelta(minutes=1))
    assert again.key == notice.key  # the same streak: the same notification
