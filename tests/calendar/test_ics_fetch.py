"""IcsCalendar over a real local HTTP server: the fetch path and its failure modes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import httpx
import pytest

from adapters.calendar.ics import IcsCalendar, normalise_url
from core.errors import CalendarError
from core.interval import Interval
from tests.calendar.conftest import SHORT_TIMEOUT_S, utc
from tests.calendar.httpserver import LocalServer, Recorded, Reply

JUNE = Interval(utc(2024, 6, 1), utc(2024, 7, 1))
SECRET_PATH = "/calendar/ical/anna%40example.com/private-0123456789abcdef/basic.ics"


class IcsHost:
    def __init__(self, body: str) -> None:
        self.reply = Reply(200, body, {"Content-Type": "text/calendar; charset=UTF-8"})

    def __call__(self, req: Recorded) -> Reply:
        if req.raw_path == "/moved.ics":
            return Reply(302, "", {"Location": SECRET_PATH})
        if req.raw_path != SECRET_PATH:
            return Reply(404, "Not Found", {"Content-Type": "text/html"})
        return self.reply


@pytest.fixture
def host(read_fixture: Callable[[str], str]) -> Iterator[tuple[IcsHost, LocalServer]]:
    app = IcsHost(read_fixture("weekly_exceptions.ics"))
    with LocalServer(app) as server:
        yield app, server


def calendar(server: LocalServer, http: httpx.Client, path: str = SECRET_PATH) -> IcsCalendar:
    return IcsCalendar(server.base_url + path, http=http, default_tz=ZoneInfo("Europe/Berlin"))


def test_reads_busy_time_from_the_subscription(host: tuple[IcsHost, LocalServer],
                                               http: httpx.Client) -> None:
    _, server = host
    busy = calendar(server, http).busy(JUNE)
    assert busy == [Interval(utc(2024, 6, 3, 16), utc(2024, 6, 3, 17)),
                    Interval(utc(2024, 6, 18, 5, 30), utc(2024, 6, 18, 6, 30))]
    [request] = server.requests
    assert request.method == "GET"
    assert "text/calendar" in request.headers["accept"]


def test_follows_redirects(host: tuple[IcsHost, LocalServer], http: httpx.Client) -> None:
    _, server = host
    assert len(calendar(server, http, "/moved.ics").busy(JUNE)) == 2
    assert [r.raw_path for r in server.requests] == ["/moved.ics", SECRET_PATH]


def test_a_bom_before_the_calendar_is_accepted(host: tuple[IcsHost, LocalServer],
                                               http: httpx.Client) -> None:
    app, server = host
    app.reply = Reply(200, "\ufeff" + str(app.reply.body), {"Content-Type": "text/calendar"})
    assert len(calendar(server, http).busy(JUNE)) == 2


@pytest.mark.parametrize(("reply", "message"), [
    (Reply(500, "oops"), "HTTP 500"),
    (Reply(200, "<html>Sign in to continue</html>", {"Content-Type": "text/html"}),
     "did not return an iCalendar file (got text/html)"),
    (Reply(200, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:yesterday\nEND:VEVENT\n"),
     "could not be"),
    (Reply(200, "", delay=30), "did not answer in time"),
])
def test_failures_raise_calendar_error(host: tuple[IcsHost, LocalServer], http: httpx.Client,
                                       reply: Reply, message: str) -> None:
    app, server = host
    app.reply = reply
    if reply.delay:
        http.timeout = httpx.Timeout(SHORT_TIMEOUT_S)
    with pytest.raises(CalendarError, match=re.escape(message)) as caught:
        calendar(server, http).busy(JUNE)
    assert "private-0123456789abcdef" not in str(caught.value)  # the URL is a secret


def test_missing_calendar_is_a_calendar_error(host: tuple[IcsHost, LocalServer],
                                              http: httpx.Client) -> None:
    _, server = host
    with pytest.raises(CalendarError, match="HTTP 404"):
        calendar(server, http, "/revoked.ics").busy(JUNE)


def test_unreachable_server_is_a_calendar_error(http: httpx.Client) -> None:
    with LocalServer(IcsHost("")) as server:
        url = server.base_url
    # The server is closed now: nothing listens on that port.
    with pytest.raises(CalendarError, match=re.escape("could not reach 127.0.0.1")):
        IcsCalendar(url + SECRET_PATH, http=http, default_tz=ZoneInfo("UTC")).busy(JUNE)


@pytest.mark.parametrize(("given", "expected"), [
    ("webcal://calendar.google.com/x/basic.ics", "https://calendar.google.com/x/basic.ics"),
    ("WEBCAL://outlook.office365.com/owa/calendar/a/b/reachcalendar.ics",
     "https://outlook.office365.com/owa/calendar/a/b/reachcalendar.ics"),
    ("webcals://example.org/c.ics", "https://example.org/c.ics"),
    (" https://example.org/c.ics ", "https://example.org/c.ics"),
])
def test_webcal_urls_become_https(given: str, expected: str) -> None:
    assert normalise_url(given) == expected
