"""GraphCalendar against a local Microsoft Graph double that records every request."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import httpx
import pytest

from adapters.calendar.graph import PROPERTY_ID, GraphCalendar
from core.errors import CalendarError
from core.interval import Interval
from tests.calendar.conftest import BOOKING_ID, SHORT_TIMEOUT_S, make_booking, utc
from tests.calendar.fake_google import TOKEN
from tests.calendar.fake_graph import FakeGraph
from tests.calendar.httpserver import LocalServer

DAY = Interval(utc(2024, 9, 10, 6), utc(2024, 9, 10, 20))
Graph = tuple[FakeGraph, LocalServer]


def connect(graph: Graph, http: httpx.Client, zone: str = "UTC") -> GraphCalendar:
    fake, server = graph
    return GraphCalendar(fake.user, token_provider=lambda: TOKEN, http=http,
                         base_url=server.base_url + "/v1.0", all_day_tz=ZoneInfo(zone))


def test_a_personal_event_is_busy(graph: Graph, http: httpx.Client) -> None:
    fake, server = graph
    fake.add_personal(utc(2024, 9, 10, 13), utc(2024, 9, 10, 14))
    assert connect(graph, http).busy(DAY) == [Interval(utc(2024, 9, 10, 13),
                                                       utc(2024, 9, 10, 14))]
    [request] = server.requests
    assert request.path == "/v1.0/users/anna@contoso.com/calendarView"
    assert request.param("startDateTime") == "2024-09-10T06:00:00Z"
    assert request.param("endDateTime") == "2024-09-10T20:00:00Z"
    assert request.headers["prefer"] == 'outlook.timezone="UTC"'
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_free_and_cancelled_events_are_not_busy(graph: Graph, http: httpx.Client) -> None:
    fake, _ = graph
    fake.add_personal(utc(2024, 9, 10, 9), utc(2024, 9, 10, 10), showAs="free")
    fake.add_personal(utc(2024, 9, 10, 11), utc(2024, 9, 10, 12), isCancelled=True)
    fake.add_personal(utc(2024, 9, 10, 15), utc(2024, 9, 10, 16), showAs="tentative")
    assert connect(graph, http).busy(DAY) == [Interval(utc(2024, 9, 10, 15),
                                                       utc(2024, 9, 10, 16))]


def test_pages_are_followed(graph: Graph, http: httpx.Client) -> None:
    fake, server = graph
    for hour in (7, 9, 11, 13, 15):  # page size 2: three pages
        fake.add_personal(utc(2024, 9, 10, hour), utc(2024, 9, 10, hour, 30))
    assert len(connect(graph, http).busy(DAY)) == 5
    assert [r.param("$skip") for r in server.requests] == [None, "2", "4"]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in server.requests)


def test_a_next_link_to_another_host_is_refused(graph: Graph, http: httpx.Client) -> None:
    fake, server = graph
    fake.failure = "foreign_link"
    for hour in (7, 9, 11):
        fake.add_personal(utc(2024, 9, 10, hour), utc(2024, 9, 10, hour, 30))
    with pytest.raises(CalendarError, match="refusing a next-page link"):
        connect(graph, http).busy(DAY)
    assert len(server.requests) == 1  # the token never went to evil.example


def test_all_day_events_block_the_providers_local_day(graph: Graph,
                                                      http: httpx.Client) -> None:
    fake, _ = graph
    fake.add_personal(utc(2024, 9, 10), utc(2024, 9, 11), isAllDay=True)
    week = Interval(utc(2024, 9, 9), utc(2024, 9, 13))
    busy = connect(graph, http, "America/Chicago").busy(week)
    assert busy == [Interval(utc(2024, 9, 10, 5), utc(2024, 9, 11, 5))]  # CDT is UTC-5


def test_our_own_events_are_not_busy(graph: Graph, http: httpx.Client) -> None:
    fake, server = graph
    fake.add_personal(utc(2024, 9, 10, 13), utc(2024, 9, 10, 14))
    calendar = connect(graph, http)
    calendar.upsert(make_booking(utc(2024, 9, 10, 9)), title="Haircut", description="")
    assert calendar.busy(DAY) == [Interval(utc(2024, 9, 10, 13), utc(2024, 9, 10, 14))]
    view = server.calls("GET")[-1]
    assert view.param("$expand") == (
        f"singleValueExtendedProperties($filter=id eq '{PROPERTY_ID}')")


def test_upsert_creates_exactly_one_event(graph: Graph, http: httpx.Client) -> None:
    fake, server = graph
    event_id = connect(graph, http).upsert(make_booking(utc(2024, 9, 10, 9)),
                                           title="Haircut - Dana", description="via Telegram")
    [event] = fake.events.values()
    assert event_id == event["id"]
    assert event["subject"] == "Haircut - Dana"
    assert event["body"] == {"contentType": "text", "content": "via Telegram"}
    assert event["start"] == {"dateTime": "2024-09-10T09:00:00", "timeZone": "UTC"}
    assert event["transactionId"] == "bookingbot-" + BOOKING_ID
    assert event["singleValueExtendedProperties"] == [{"id": PROPERTY_ID, "value": BOOKING_ID}]
    assert [r.method for r in server.requests] == ["GET", "POST"]  # look up, then create


def test_second_upsert_updates_rather_than_duplicates(graph: Graph, http: httpx.Client) -> None:
    fake, server = graph
    calendar = connect(graph, http)
    booking = make_booking(utc(2024, 9, 10, 9))
    first = calendar.upsert(booking, title="Haircut", description="")
    moved = booking.moved(utc(2024, 9, 12, 16), utc(2024, 9, 12, 17), booking.block)
    second = calendar.upsert(moved, title="Haircut (moved)", description="")
    assert first == second
    [event] = fake.events.values()
    assert event["start"] == {"dateTime": "2024-09-12T16:00:00", "timeZone": "UTC"}
    patch = server.calls("PATCH")[0]
    assert patch.segments[-1] == first  # the base64 id's "/" and "=" were escaped
    assert "%2F" in patch.raw_path


def test_a_retried_create_is_deduplicated_by_transaction_id(graph: Graph,
                                                            http: httpx.Client) -> None:
    fake, _ = graph
    calendar = connect(graph, http)
    booking = make_booking(utc(2024, 9, 10, 9))
    calendar.upsert(booking, title="Haircut", description="")
    # A crash after Graph created the event but before we saw it: the property is missing
    # from the lookup (simulated), yet the transactionId stops a second event.
    [event] = fake.events.values()
    saved = event.pop("singleValueExtendedProperties")
    calendar.upsert(booking, title="Haircut", description="")
    event["singleValueExtendedProperties"] = saved
    assert len(fake.events) == 1


def test_delete_removes_the_event_and_is_idempotent(graph: Graph, http: httpx.Client) -> None:
    fake, server = graph
    calendar = connect(graph, http)
    calendar.upsert(make_booking(utc(2024, 9, 10, 9)), title="Haircut", description="")
    calendar.delete(BOOKING_ID)
    assert fake.events == {}
    calendar.delete(BOOKING_ID)  # nothing found: no DELETE sent, no error
    assert [r.method for r in server.requests].count("DELETE") == 1


def test_booking_ids_with_quotes_are_escaped_in_the_filter(graph: Graph,
                                                           http: httpx.Client) -> None:
    _, server = graph
    calendar = connect(graph, http)
    calendar.upsert(make_booking(utc(2024, 9, 10, 9), booking_id="o'brien"), title="x",
                    description="")
    assert calendar.find_event_id("o'brien") is not None
    assert "ep/value eq 'o''brien'" in (server.calls("GET")[-1].param("$filter") or "")


@pytest.mark.parametrize(("failure", "message"), [
    ("500", "HTTP 500: An internal server error occurred."),
    ("garbage", "expected JSON"),
    ("slow", "did not answer in time"),
])
def test_a_failing_calendar_raises_calendar_error(graph: Graph, http: httpx.Client,
                                                  failure: str, message: str) -> None:
    fake, _ = graph
    fake.failure = failure
    if failure == "slow":
        http.timeout = httpx.Timeout(SHORT_TIMEOUT_S)
    calendar = connect(graph, http)
    with pytest.raises(CalendarError, match=re.escape(message)):
        calendar.busy(DAY)
    with pytest.raises(CalendarError, match=re.escape(message)):
        calendar.upsert(make_booking(utc(2024, 9, 10, 9)), title="x", description="")


def test_an_unknown_mailbox_is_a_calendar_error(graph: Graph, http: httpx.Client) -> None:
    _, server = graph
    calendar = GraphCalendar("nobody@contoso.com", token_provider=lambda: TOKEN, http=http,
                             base_url=server.base_url + "/v1.0", all_day_tz=ZoneInfo("UTC"))
    with pytest.raises(CalendarError, match="HTTP 404: The requested user is invalid"):
        calendar.busy(DAY)
