"""Our bookings in providers' Google and Outlook calendars, through the write sweep against
local API doubles: one event per booking, moved with it, removed on cancel, idempotent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bookingbot.bootstrap import Database
from bookingbot.calendar_wiring import calendar_jobs
from core.model import CalendarKind, CalendarLink
from core.usecases import cancel, reschedule
from db.calendar_store import SqlCalendarEvents
from jobs.calendar_sync import CalendarJobs
from tests.calendar.conftest import utc
from tests.calendar.dbkit import CUSTOMER, Clock, blocks, book, open_database, salon_with, setup
from tests.calendar.fake_google import FakeGoogle, token_endpoint
from tests.calendar.fake_graph import FakeGraph
from tests.calendar.httpserver import LocalServer, Recorded, Reply

ENV = {"GOOGLE_CLIENT_ID": "client", "GOOGLE_CLIENT_SECRET": "s3cret",
       "ALICE_REFRESH": "1//refresh", "MS_TENANT_ID": "contoso", "MS_CLIENT_ID": "client",
       "MS_CLIENT_SECRET": "s3cret"}
T10 = utc(2030, 1, 8, 10)
WRITES = ("POST", "PATCH", "DELETE")


def with_token(api: Callable[[Recorded], Reply]) -> Callable[[Recorded], Reply]:
    """The API double plus the OAuth token endpoint on the same server."""
    def app(req: Recorded) -> Reply:
        return token_endpoint(req) if req.path.endswith("/token") else api(req)
    return app


class Calendar:
    """One provider calendar double, Google or Graph, behind a real socket."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.fake: Any = FakeGoogle("alice@example.com") if kind == "google" \
            else FakeGraph("alice@contoso.com")
        self.server = LocalServer(with_token(self.fake))

    def link(self) -> CalendarLink:
        base = self.server.base_url
        if self.kind == "google":
            return CalendarLink(CalendarKind.GOOGLE, calendar_id="alice@example.com",
                                client_id_env="GOOGLE_CLIENT_ID",
                                client_secret_env="GOOGLE_CLIENT_SECRET",
                                refresh_token_env="ALICE_REFRESH",
                                api_url=base + "/calendar/v3", token_url=base + "/token")
        return CalendarLink(CalendarKind.GRAPH, user="alice@contoso.com",
                            tenant_env="MS_TENANT_ID", client_id_env="MS_CLIENT_ID",
                            client_secret_env="MS_CLIENT_SECRET", api_url=base + "/v1.0",
                            token_url=base + "/{tenant}/token")

    def ours(self) -> list[dict[str, Any]]:
        """Live events we wrote."""
        if self.kind == "google":
            return [e for e in self.fake.live() if "extendedProperties" in e]
        return [e for e in self.fake.events.values() if e.get("singleValueExtendedProperties")]

    def start_of(self, event: dict[str, Any]) -> datetime:
        text = event["start"]["dateTime"]
        return datetime.fromisoformat(text.replace("Z", "+00:00") if self.kind == "google"
                                      else text + "+00:00")

    def add_personal(self, start: datetime, end: datetime) -> None:
        self.fake.add_personal(start, end)

    def writes(self) -> int:
        return len([r for r in self.server.requests
                    if r.method in WRITES and not r.path.endswith("/token")])


@pytest.fixture(params=[
    "google", "graph",
    pytest.param("google-postgres", marks=pytest.mark.postgres)])
def setting(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[
        tuple[Database, Calendar, CalendarJobs, Clock, str]]:
    kind, _, backend = str(request.param).partition("-")
    calendar = Calendar(kind)
    with calendar.server, open_database(backend or "sqlite", tmp_path) as db:
        customer = setup(db, salon_with(alice=calendar.link()))
        clock = Clock()
        with httpx.Client(timeout=10) as http:
            yield db, calendar, calendar_jobs(db, clock=clock, http=http, env=ENV), clock, \
                customer


Setting = tuple[Database, Calendar, CalendarJobs, Clock, str]


def written(db: Database) -> list[tuple[str, str, datetime]]:
    with db.sessions() as s:
        return [(w.booking_id, w.provider_key, w.start) for w in SqlCalendarEvents(s).all()
                if w.synced_at is not None]


def test_a_booking_is_written_once_moved_then_removed(setting: Setting) -> None:
    db, calendar, jobs, clock, customer = setting
    booking = book(db, customer, T10, clock.now)
    report = jobs.write()
    assert report.upserted == [booking.id]
    assert not report.failed
    [event] = calendar.ours()
    assert calendar.start_of(event) == T10
    assert written(db) == [(booking.id, "alice", T10)]

    writes = calendar.writes()
    assert not jobs.write()  # a second sweep changes nothing and calls nobody
    assert jobs.write_sweep() is None
    assert calendar.writes() == writes

    actor = replace(CUSTOMER, id=customer)
    later = utc(2030, 1, 8, 14)
    reschedule(db.uow(), booking.id, new_start=later, actor=actor, now=clock.now)
    assert jobs.write().upserted == [booking.id]
    [moved] = calendar.ours()
    assert calendar.start_of(moved) == later
    assert moved["id"] == event["id"]
    assert not jobs.write()

    cancel(db.uow(), booking.id, actor=actor, now=clock.now)
    assert jobs.write().deleted == [booking.id]
    assert calendar.ours() == []
    assert written(db) == []
    assert not jobs.write()


def test_our_events_are_not_read_back_as_busy_time(setting: Setting) -> None:
    db, calendar, jobs, clock, customer = setting
    calendar.add_personal(utc(2030, 1, 8, 12), utc(2030, 1, 8, 13))
    book(db, customer, T10, clock.now)
    jobs.write()
    [outcome] = jobs.sync()
    assert outcome.ok, outcome.error
    sources = blocks(db, "alice")
    assert [(s, a, b) for s, a, b in sources if s.startswith("calendar:")] == [
        (f"calendar:{calendar.kind}", utc(2030, 1, 8, 12), utc(2030, 1, 8, 13))]


def test_a_failed_write_is_retried_later(setting: Setting) -> None:
    db, calendar, jobs, clock, customer = setting
    booking = book(db, customer, T10, clock.now)
    calendar.fake.failure = "500"
    assert jobs.write().failed == [booking.id]
    assert not jobs.write()  # waiting out the retry delay: no call
    calendar.fake.failure = None
    clock.advance(minutes=3)
    assert jobs.write().upserted == [booking.id]
    assert len(calendar.ours()) == 1


def test_a_calendar_without_write_support_gets_nothing(tmp_path: Path) -> None:
    with open_database("sqlite", tmp_path) as db:
        link = CalendarLink(CalendarKind.ICS, ics_url="https://calendar.example/alice.ics")
        customer = setup(db, salon_with(alice=link))
        clock = Clock()
        book(db, customer, T10, clock.now)
        with httpx.Client(timeout=10) as http:
            assert not calendar_jobs(db, clock=clock, http=http, env={}).write()


