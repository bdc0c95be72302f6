"""Calendar sync through the real database: busy time removes slots, failures keep the last
good copy within the limit, pause bookings beyond it, and alert once per failure streak."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bookingbot.bootstrap import Database
from bookingbot.calendar_wiring import CalendarRefresher, calendar_jobs
from core.calendar_sync import UNAVAILABLE_SOURCE, Freshness
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import CalendarKind, CalendarLink
from db.uow import SqlUnitOfWork
from jobs.calendar_sync import CalendarJobs
from tests.calendar.conftest import DATA, utc
from tests.calendar.dbkit import (
    Clock,
    alerts,
    blocks,
    book,
    open_database,
    salon_with,
    setup,
    slots,
    state,
)
from tests.calendar.httpserver import LocalServer, Recorded, Reply
from tests.db.helpers import NOW

TUESDAY = Interval(utc(2030, 1, 8, 9), utc(2030, 1, 8, 17))  # London = UTC in January
DENTIST = Interval(utc(2030, 1, 8, 10), utc(2030, 1, 8, 11))


@dataclass
class IcsFeed:
    """Serves a real .ics file, or fails on demand."""

    text: str
    failing: bool = False

    def __call__(self, req: Recorded) -> Reply:
        if self.failing:
            return Reply(503, "<html>Service Unavailable</html>", {"Content-Type": "text/html"})
        return Reply(200, self.text, {"Content-Type": "text/calendar; charset=UTF-8"})


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with open_database(str(request.param), tmp_path) as handle:
        yield handle


@pytest.fixture
def feed() -> Iterator[tuple[IcsFeed, LocalServer]]:
    app = IcsFeed((DATA / "alice_personal.ics").read_text(encoding="utf-8"))
    with LocalServer(app) as server:
        yield app, server


@pytest.fixture
def world(db: Database, feed: tuple[IcsFeed, LocalServer]) -> Iterator[
        tuple[Database, IcsFeed, CalendarJobs, Clock, str]]:
    app, server = feed
    link = CalendarLink(CalendarKind.ICS, ics_url_env="ALICE_ICS_URL")
    customer = setup(db, salon_with(alice=link))
    clock = Clock()
    env = {"ALICE_ICS_URL": server.base_url + "/alice/basic.ics"}
    with httpx.Client(timeout=10) as http:
        yield db, app, calendar_jobs(db, clock=clock, http=http, env=env), clock, customer


World = tuple[Database, IcsFeed, CalendarJobs, Clock, str]


def overlapping(starts: list, span: Interval, length: timedelta) -> list:  # type: ignore[type-arg]
    return [s for s in starts if Interval(s, s + length).overlaps(span)]


def test_a_personal_event_removes_the_slot_it_covers(world: World) -> None:
    db, _, jobs, clock, _ = world
    before = slots(db, "alice", TUESDAY, clock.now)
    assert utc(2030, 1, 8, 10) in before
    assert utc(2030, 1, 8, 10, 30) in before
    [outcome] = jobs.sync()
    assert outcome.ok
    assert outcome.freshness is Freshness.FRESH
    after = slots(db, "alice", TUESDAY, clock.now)
    thirty = timedelta(minutes=30)
    assert overlapping(after, DENTIST, thirty) == []
    assert utc(2030, 1, 8, 9) in after
    assert utc(2030, 1, 8, 11) in after
    # The transparent lunch and our own imported event block nothing.
    assert utc(2030, 1, 8, 14) in after
    assert utc(2030, 1, 8, 16) in after
    # Monday's school run repeats; its Wednesday instance was removed (EXDATE).
    monday = slots(db, "alice", Interval(utc(2030, 1, 14, 9), utc(2030, 1, 14, 17)), clock.now)
    assert overlapping(monday, Interval(utc(2030, 1, 14, 15), utc(2030, 1, 14, 16)), thirty) == []
    wednesday = Interval(utc(2030, 1, 9, 12), utc(2030, 1, 9, 20))  # special hours that day
    assert utc(2030, 1, 9, 15) in slots(db, "alice", wednesday, clock.now)
    # Bob has no calendar: untouched.
    assert blocks(db, "bob") == []


def test_time_off_blocks_stay_and_a_second_sweep_changes_nothing(world: World) -> None:
    db, _, jobs, clock, _ = world
    with SqlUnitOfWork(db.sessions) as u:
        u.busy_blocks.add("alice", Interval(utc(2030, 1, 10, 14), utc(2030, 1, 10, 15)),
                          source="timeoff", note="dentist (time off)")
        u.commit()
    assert jobs.sync_sweep() == "1 calendar(s) read, 0 failed"
    first = blocks(db, "alice")
    assert ("timeoff", utc(2030, 1, 10, 14), utc(2030, 1, 10, 15)) in first
    assert ("calendar:ics", DENTIST.start, DENTIST.end) in first
    assert jobs.sync_sweep() is None  # nothing due yet
    jobs.sync(force=True)  # read again: the same blocks, nothing added
    assert blocks(db, "alice") == first
    clock.advance(minutes=5)
    assert jobs.sync_sweep() is not None  # due again after calendar_sync_interval
    assert blocks(db, "alice") == first


def test_a_failing_calendar_keeps_the_last_copy_then_pauses_bookings(world: World) -> None:
    db, app, jobs, clock, customer = world
    refresh = CalendarRefresher(jobs)
    jobs.sync()
    good = blocks(db, "alice")
    app.failing = True

    clock.advance(minutes=5)
    [outcome] = jobs.sync()
    assert not outcome.ok
    assert outcome.freshness is Freshness.STALE
    assert "HTTP 503" in (outcome.error or "")
    assert blocks(db, "alice") == good  # the last good copy stays in use
    assert overlapping(slots(db, "alice", TUESDAY, clock.now), DENTIST, timedelta(minutes=30)) == []
    [alert] = alerts(db)
    assert alert["provider_key"] == "alice"
    assert "503" in str(alert["error"])
    assert alert["pause_at"] == (NOW + timedelta(hours=2)).isoformat()

    clock.advance(minutes=50)
    assert refresh("alice", clock.now) == frozenset()  # within the limit: no refusal
    jobs.sync(force=True)
    assert len(alerts(db)) == 1  # one alert per failure streak

    clock.now = NOW + timedelta(hours=2, minutes=1)
    with pytest.raises(DomainError) as refused:
        refresh("alice", clock.now)
    assert refused.value.code is ErrorCode.CALENDAR_UNAVAILABLE
    assert slots(db, "alice", TUESDAY, clock.now) == []  # paused: nothing offered
    with pytest.raises(DomainError) as taken:
        book(db, customer, utc(2030, 1, 8, 12), clock.now)
    assert taken.value.code is ErrorCode.SLOT_TAKEN
    assert slots(db, "bob", TUESDAY, clock.now)  # other providers are still bookable
    # "anyone": no refusal, alice is simply not offered, and the caller learns she is paused
    assert refresh(None, clock.now) == {"alice"}
    assert any(src == UNAVAILABLE_SOURCE for src, _, _ in blocks(db, "alice"))
    assert len(alerts(db)) == 1
    current = state(db, "alice")
    assert current is not None
    assert current.paused
    assert current.alerted

    app.failing = False  # the calendar recovers: bookings resume, the streak ends
    clock.advance(minutes=5)
    [outcome] = jobs.sync()
    assert outcome.ok
    assert blocks(db, "alice") == good
    assert utc(2030, 1, 8, 12) in slots(db, "alice", TUESDAY, clock.now)

    app.failing = True  # a new streak: a new alert
    clock.advance(minutes=5)
    jobs.sync()
    assert len(alerts(db)) == 2


def test_a_booking_request_rereads_an_old_copy(world: World, feed: tuple[IcsFeed, LocalServer]
                                               ) -> None:
    db, _, jobs, clock, _ = world
    _, server = feed
    refresh = CalendarRefresher(jobs)
    refresh("alice", clock.now)  # never read: read now
    assert len(server.calls("GET")) == 1
    clock.advance(minutes=9)
    refresh("alice", clock.now)  # younger than calendar_max_age (10m): no read
    assert len(server.calls("GET")) == 1
    clock.advance(minutes=2)
    refresh("alice", clock.now)
    assert len(server.calls("GET")) == 2
    assert overlapping(slots(db, "alice", TUESDAY, clock.now), DENTIST,
                       timedelta(minutes=30)) == []


def test_a_missing_secret_is_a_failure_with_an_alert(db: Database) -> None:
    link = CalendarLink(CalendarKind.ICS, ics_url_env="NOT_SET_ANYWHERE")
    setup(db, salon_with(alice=link))
    with httpx.Client(timeout=10) as http:
        jobs = calendar_jobs(db, clock=Clock(), http=http, env={})
        [outcome] = jobs.sync()
    assert not outcome.ok
    assert "NOT_SET_ANYWHERE is not set" in (outcome.error or "")
    assert outcome.freshness is Freshness.UNAVAILABLE  # never read: bookings stay paused
    assert len(alerts(db)) == 1


def test_removing_the_calendar_from_the_business_file_forgets_it(world: World) -> None:
    db, _, jobs, _, _ = world
    jobs.sync()
    assert blocks(db, "alice")
    setup(db, salon_with())  # the next `bookingbot setup` drops the calendar: section
    assert jobs.sync() == []
    assert blocks(db, "alice") == []
    assert state(db, "alice") is None


def test_the_conversation_rereads_the_calendar_before_offering(world: World) -> None:
    """The booking path itself (runner → executor) re-reads a stale copy: a personal event
    made after the last sync is not offered, even though no sweep ran."""
    from bot.messages import InboundMessage  # noqa: PLC0415 - only this test talks to the bot
    from bot.runner import Runner  # noqa: PLC0415
    from db.conversations import SqlCustomerDirectory, SqlSessionStore  # noqa: PLC0415

    db, _, jobs, clock, _ = world
    runner = Runner(uow=db.uow, store=SqlSessionStore(db.engine),
                    customers=SqlCustomerDirectory(db.sessions), clock=clock,
                    calendar_check=CalendarRefresher(jobs))
    out = runner.handle(InboundMessage("telegram", "c1", "d1", clock.now,
                                       text="haircut with alice tomorrow at 10am"))
    offered = [c.label for r in out for c in r.choices]
    assert offered, [r.text for r in out]
    assert not any(label.startswith("Tue 8 Jan 10:00") for label in offered)
    assert any(label.startswith("Tue 8 Jan 11:") for label in offered)


def test_a_paused_calendar_is_named_as_the_reason_not_a_full_day(world: World) -> None:
    """Issue 13, point 9: with Alice's calendar unreadable (never read), a search for a
    service only she offers says her calendar cannot be checked, never "fully booked";
    a service Bob offers too is offered with Bob."""
    from bot.messages import InboundMessage  # noqa: PLC0415 - only these tests talk to the bot
    from bot.runner import Runner  # noqa: PLC0415
    from db.conversations import SqlCustomerDirectory, SqlSessionStore  # noqa: PLC0415

    db, app, jobs, clock, _ = world
    app.failing = True
    runner = Runner(uow=db.uow, store=SqlSessionStore(db.engine),
                    customers=SqlCustomerDirectory(db.sessions), clock=clock,
                    calendar_check=CalendarRefresher(jobs))

    def say(sender: str, text: str) -> tuple[str, list[str]]:
        out = runner.handle(InboundMessage("telegram", sender, f"{sender}-{text}", clock.now,
                                           text=text))
        return " ".join(r.text for r in out), [c.label for r in out for c in r.choices]

    colour, _ = say("c1", "colour tomorrow at 10am")
    assert "can't check that person's calendar" in colour
    assert "fully booked" not in colour
    cut, offered = say("c2", "haircut tomorrow at 10am")
    assert "can't check" not in cut
    assert offered, cut
    summary, _ = say("c2", "1")  # the first offer is Bob's: Alice is paused
    assert "with Bob" in summary, summary
