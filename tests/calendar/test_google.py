"""GoogleCalendar against a local Google Calendar API double that records every request."""

from __future__ import annotations

import re
import string

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.calendar.google import GoogleCalendar, event_id_for
from core.errors import CalendarError
from core.interval import Interval
from tests.calendar.conftest import BOOKING_ID, SHORT_TIMEOUT_S, make_booking, utc
from tests.calendar.fake_google import TOKEN, FakeGoogle
from tests.calendar.httpserver import LocalServer

DAY = Interval(utc(2024, 9, 10, 6), utc(2024, 9, 10, 20))
Google = tuple[FakeGoogle, LocalServer]


def connect(google: Google, http: httpx.Client, token: str = TOKEN) -> GoogleCalendar:
    fake, server = google
    return GoogleCalendar(fake.calendar_id, token_provider=lambda: token, http=http,
                          base_url=server.base_url + "/calendar/v3")


def test_a_personal_event_is_busy(google: Google, http: httpx.Client) -> None:
    fake, server = google
    fake.add_personal(utc(2024, 9, 10, 13), utc(2024, 9, 10, 14))
    assert connect(google, http).busy(DAY) == [Interval(utc(2024, 9, 10, 13),
                                                        utc(2024, 9, 10, 14))]
    free_busy = server.calls("POST")[0]
    assert free_busy.path == "/calendar/v3/freeBusy"
    assert free_busy.headers["authorization"] == f"Bearer {TOKEN}"
    assert free_busy.json() == {"timeMin": "2024-09-10T06:00:00Z",
                                "timeMax": "2024-09-10T20:00:00Z", "timeZone": "UTC",
                                "items": [{"id": "anna@example.com"}]}


def test_long_windows_are_queried_in_pieces(google: Google, http: httpx.Client) -> None:
    fake, server = google
    fake.add_personal(utc(2024, 9, 10, 13), utc(2024, 9, 10, 14))
    fake.add_personal(utc(2024, 12, 24, 13), utc(2024, 12, 24, 14))
    year = Interval(utc(2024, 9, 1), utc(2025, 3, 1))  # 181 days: four pieces of <= 56
    assert connect(google, http).busy(year) == [
        Interval(utc(2024, 9, 10, 13), utc(2024, 9, 10, 14)),
        Interval(utc(2024, 12, 24, 13), utc(2024, 12, 24, 14))]
    pieces = [r.json() for r in server.calls("POST")]
    assert [p["timeMin"] for p in pieces] == ["2024-09-01T00:00:00Z", "2024-10-27T00:00:00Z",
                                              "2024-12-22T00:00:00Z", "2025-02-16T00:00:00Z"]
    assert pieces[-1]["timeMax"] == "2025-03-01T00:00:00Z"


def test_transparent_personal_events_are_free(google: Google, http: httpx.Client) -> None:
    fake, _ = google
    fake.add_personal(utc(2024, 9, 10, 13), utc(2024, 9, 10, 14), transparency="transparent")
    assert connect(google, http).busy(DAY) == []


def test_our_own_events_are_not_busy(google: Google, http: httpx.Client) -> None:
    fake, server = google
    fake.page_size = 1  # force the own-events listing to page
    fake.add_personal(utc(2024, 9, 10, 13), utc(2024, 9, 10, 14))
    calendar = connect(google, http)
    calendar.upsert(make_booking(utc(2024, 9, 10, 9)), title="Haircut", description="")
    calendar.upsert(make_booking(utc(2024, 9, 10, 15), booking_id="b-2"), title="Beard",
                    description="")
    assert calendar.busy(DAY) == [Interval(utc(2024, 9, 10, 13), utc(2024, 9, 10, 14))]
    listings = [r for r in server.calls("GET") if r.path.endswith("/events")]
    assert [r.param("pageToken") for r in listings] == [None, "1"]
    assert listings[0].param("privateExtendedProperty") == "bookingbot=1"
    assert listings[0].param("singleEvents") == "true"


def test_upsert_creates_exactly_one_event(google: Google, http: httpx.Client) -> None:
    fake, server = google
    booking = make_booking(utc(2024, 9, 10, 9))
    event_id = connect(google, http).upsert(booking, title="Haircut - Dana",
                                            description="Booked via Telegram")
    [event] = fake.live()
    assert event_id == event["id"] == "bookingbot" + BOOKING_ID.replace("-", "")
    assert event["summary"] == "Haircut - Dana"
    assert event["start"] == {"dateTime": "2024-09-10T09:00:00Z", "timeZone": "UTC"}
    assert event["end"] == {"dateTime": "2024-09-10T10:00:00Z", "timeZone": "UTC"}
    assert event["extendedProperties"]["private"]["bookingbot_id"] == BOOKING_ID
    assert [(r.method, r.path) for r in server.requests] == [
        ("POST", "/calendar/v3/calendars/anna@example.com/events")]


def test_second_upsert_updates_rather_than_duplicates(google: Google,
                                                      http: httpx.Client) -> None:
    fake, server = google
    calendar = connect(google, http)
    booking = make_booking(utc(2024, 9, 10, 9))
    first = calendar.upsert(booking, title="Haircut", description="")
    moved = booking.moved(utc(2024, 9, 11, 14), utc(2024, 9, 11, 15), booking.block)
    second = calendar.upsert(moved, title="Haircut (moved)", description="")
    assert first == second
    [event] = fake.live()
    assert event["start"]["dateTime"] == "2024-09-11T14:00:00Z"
    assert event["summary"] == "Haircut (moved)"
    assert [r.method for r in server.requests] == ["POST", "POST", "PATCH"]


def test_delete_removes_the_event_and_is_idempotent(google: Google,
                                                    http: httpx.Client) -> None:
    fake, server = google
    calendar = connect(google, http)
    calendar.upsert(make_booking(utc(2024, 9, 10, 9)), title="Haircut", description="")
    calendar.delete(BOOKING_ID)
    assert fake.live() == []
    calendar.delete(BOOKING_ID)  # Google answers 410 Gone: still fine
    calendar.delete("never-written")  # 404: fine too
    assert [r.method for r in server.requests][-3:] == ["DELETE"] * 3


def test_rebooking_after_delete_revives_the_same_event(google: Google,
                                                       http: httpx.Client) -> None:
    fake, _ = google
    calendar = connect(google, http)
    booking = make_booking(utc(2024, 9, 10, 9))
    calendar.upsert(booking, title="Haircut", description="")
    calendar.delete(booking.id)
    calendar.upsert(booking, title="Haircut", description="")  # 409 → patch status back
    [event] = fake.live()
    assert event["status"] == "confirmed"


@pytest.mark.parametrize(("failure", "message"), [
    ("500", "HTTP 500: Backend Error"),
    ("garbage", "expected JSON"),
    ("slow", "did not answer in time"),
    ("not_found", "Google refused the calendar (notFound)"),
])
def test_a_failing_calendar_raises_calendar_error(google: Google, http: httpx.Client,
                                                  failure: str, message: str) -> None:
    fake, _ = google
    fake.failure = failure
    if failure == "slow":
        http.timeout = httpx.Timeout(SHORT_TIMEOUT_S)
    with pytest.raises(CalendarError, match=re.escape(message)):
        connect(google, http).busy(DAY)


def test_writes_fail_loudly_too(google: Google, http: httpx.Client) -> None:
    fake, _ = google
    fake.failure = "500"
    with pytest.raises(CalendarError, match="HTTP 500"):
        connect(google, http).upsert(make_booking(utc(2024, 9, 10, 9)), title="x",
                                     description="")
    with pytest.raises(CalendarError, match="HTTP 500"):
        connect(google, http).delete(BOOKING_ID)


def test_a_rejected_token_is_a_calendar_error(google: Google, http: httpx.Client) -> None:
    with pytest.raises(CalendarError, match="HTTP 401") as caught:
        connect(google, http, token="expired").busy(DAY)
    assert "expired" not in str(caught.value)


def test_a_token_provider_failure_is_a_calendar_error(google: Google,
                                                      http: httpx.Client) -> None:
    def broken() -> str:
        raise RuntimeError("vault unreachable")

    fake, server = google
    calendar = GoogleCalendar(fake.calendar_id, token_provider=broken, http=http,
                              base_url=server.base_url + "/calendar/v3")
    with pytest.raises(CalendarError, match="access token"):
        calendar.busy(DAY)


@settings(max_examples=200, database=None)
@given(st.one_of(st.uuids().map(str), st.text(min_size=1, max_size=600)))
def test_event_ids_are_valid_and_deterministic(booking_id: str) -> None:
    event_id = event_id_for(booking_id)
    assert 5 <= len(event_id) <= 1024
    assert set(event_id) <= set(string.digits + "abcdefghijklmnopqrstuv")
    assert event_id == event_id_for(booking_id)


def test_distinct_booking_ids_get_distinct_event_ids() -> None:
    ids = ["b-1", "b-2", BOOKING_ID, BOOKING_ID.replace("-", ""), "B-1"]
    assert len({event_id_for(i) for i in ids}) == len(ids) - 1  # a UUID's two spellings agree


def test_a_huge_booking_id_is_refused() -> None:
    with pytest.raises(CalendarError, match="too long"):
        event_id_for("x" * 700)

