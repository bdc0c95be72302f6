"""Hand-written ICS fixtures → busy UTC intervals, each expectation worked out by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.calendar.ics import parse_ics_busy
from core.errors import CalendarError
from core.interval import Interval
from tests.calendar.conftest import DATA, utc

LONDON = ZoneInfo("Europe/London")
YEAR_2024 = Interval(utc(2024, 1, 1), utc(2025, 1, 1))


def iv(start: tuple[int, ...], end: tuple[int, ...]) -> Interval:
    return Interval(utc(*start), utc(*end))


CASES = [
    pytest.param(
        # Mondays 18:00-19:00 Europe/Berlin (CEST, UTC+2), COUNT=5 from 3 June:
        # 3 Jun kept; 10 Jun EXDATE; 17 Jun moved to Tue 18 Jun 07:30-08:30;
        # 24 Jun STATUS:CANCELLED override; 1 Jul kept.
        "weekly_exceptions.ics", LONDON,
        [iv((2024, 6, 3, 16), (2024, 6, 3, 17)),
         iv((2024, 6, 18, 5, 30), (2024, 6, 18, 6, 30)),
         iv((2024, 7, 1, 16), (2024, 7, 1, 17))],
        id="weekly-exdate-moved-cancelled"),
    pytest.param(
        # X-WR-TIMEZONE America/Los_Angeles (PDT, UTC-7): local midnight is 07:00Z.
        # 4 Jul one day; 10-12 Jul two days; 15 Jul without DTEND = one day;
        # 16 Jul birthday is TRANSP:TRANSPARENT (free).
        "all_day.ics", LONDON,
        [iv((2024, 7, 4, 7), (2024, 7, 5, 7)),
         iv((2024, 7, 10, 7), (2024, 7, 12, 7)),
         iv((2024, 7, 15, 7), (2024, 7, 16, 7))],
        id="all-day-in-calendar-zone"),
    pytest.param(
        # No X-WR-TIMEZONE: the provider's zone, Asia/Kolkata (+05:30), places the day.
        "all_day_no_zone.ics", ZoneInfo("Asia/Kolkata"),
        [iv((2024, 10, 31, 18, 30), (2024, 11, 1, 18, 30))],
        id="all-day-in-provider-zone"),
    pytest.param(
        # Outlook's Windows zone names with their own VTIMEZONE blocks, a UTC event with
        # DURATION, and Lord Howe at +10:30 (standard time in May).
        "other_zones.ics", LONDON,
        [iv((2024, 5, 20, 0), (2024, 5, 20, 1)),  # Tokyo 09:00 +09:00
         iv((2024, 5, 21, 4, 30), (2024, 5, 21, 5, 30)),  # Kolkata 10:00 +05:30
         iv((2024, 5, 22, 12), (2024, 5, 22, 12, 45)),  # 12:00Z for 45 minutes
         iv((2024, 5, 22, 22, 30), (2024, 5, 22, 23))],  # Lord Howe 09:00 on 23 May
        id="other-zones"),
    pytest.param(
        # Tuesdays 10:00-11:00 New York; DST ends Sun 3 Nov 2024: EDT (-4) → EST (-5).
        "dst_new_york.ics", LONDON,
        [iv((2024, 10, 22, 14), (2024, 10, 22, 15)),
         iv((2024, 10, 29, 14), (2024, 10, 29, 15)),
         iv((2024, 11, 5, 15), (2024, 11, 5, 16)),
         iv((2024, 11, 12, 15), (2024, 11, 12, 16))],
        id="weekly-across-dst"),
    pytest.param(
        # Floating times in the provider's zone, Europe/London: BST (+1) until 27 Oct.
        "floating.ics", LONDON,
        [iv((2024, 8, 1, 8), (2024, 8, 1, 9)),
         iv((2024, 10, 18, 8), (2024, 10, 18, 8, 30)),
         iv((2024, 10, 25, 8), (2024, 10, 25, 8, 30)),
         iv((2024, 11, 1, 9), (2024, 11, 1, 9, 30))],
        id="floating-in-provider-zone"),
    pytest.param(
        # Transparent, cancelled, our own (@bookingbot) and zero-length events are not busy.
        "not_busy.ics", LONDON,
        [iv((2024, 9, 10, 13), (2024, 9, 10, 14))],
        id="free-cancelled-own-skipped"),
]


@pytest.mark.parametrize(("name", "zone", "expected"), CASES)
def test_fixture_busy_intervals(read_fixture: Callable[[str], str], name: str,
                                zone: ZoneInfo, expected: list[Interval]) -> None:
    assert parse_ics_busy(read_fixture(name), YEAR_2024, default_tz=zone) == expected


def test_floating_times_follow_the_provider_zone(read_fixture: Callable[[str], str]) -> None:
    busy = parse_ics_busy(read_fixture("floating.ics"), iv((2024, 8, 1), (2024, 8, 2)),
                          default_tz=ZoneInfo("America/New_York"))
    assert busy == [iv((2024, 8, 1, 13), (2024, 8, 1, 14))]  # 09:00 EDT


def test_x_wr_timezone_beats_the_provider_zone(read_fixture: Callable[[str], str]) -> None:
    busy = parse_ics_busy(read_fixture("all_day.ics"), iv((2024, 7, 4), (2024, 7, 6)),
                          default_tz=ZoneInfo("Asia/Tokyo"))
    assert busy == [iv((2024, 7, 4, 7), (2024, 7, 5, 7))]


def test_unknown_x_wr_timezone_falls_back_to_the_provider_zone(
        read_fixture: Callable[[str], str]) -> None:
    text = read_fixture("all_day.ics").replace("America/Los_Angeles", "Mars/Olympus_Mons")
    busy = parse_ics_busy(text, iv((2024, 7, 3), (2024, 7, 6)),
                          default_tz=ZoneInfo("Asia/Kolkata"))
    assert busy == [iv((2024, 7, 3, 18, 30), (2024, 7, 4, 18, 30))]


def test_busy_is_clipped_to_the_window(read_fixture: Callable[[str], str]) -> None:
    window = iv((2024, 7, 11), (2024, 7, 11, 12))  # inside the two-day conference
    busy = parse_ics_busy(read_fixture("all_day.ics"), window, default_tz=LONDON)
    assert busy == [window]


def test_occurrences_outside_the_window_are_left_out(
        read_fixture: Callable[[str], str]) -> None:
    window = iv((2024, 6, 10), (2024, 6, 17))  # only the EXDATE'd Monday falls inside
    assert parse_ics_busy(read_fixture("weekly_exceptions.ics"), window,
                          default_tz=LONDON) == []


def test_own_events_are_read_when_asked(read_fixture: Callable[[str], str]) -> None:
    busy = parse_ics_busy(read_fixture("not_busy.ics"), YEAR_2024, default_tz=LONDON,
                          own_uid_suffix=None)
    assert iv((2024, 9, 10, 9), (2024, 9, 10, 10)) in busy


@pytest.mark.parametrize("text", [
    "",
    "<html><body>Sign in</body></html>",
    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:not-a-date\nEND:VEVENT\nEND:VCALENDAR\n",
    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20240101T100000Z\n"
    "RRULE:FREQ=SOMETIMES\nEND:VEVENT\nEND:VCALENDAR\n",
    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nSUMMARY:no start\nEND:VEVENT\nEND:VCALENDAR\n",
])
def test_malformed_files_raise_calendar_error(text: str) -> None:
    with pytest.raises(CalendarError):
        parse_ics_busy(text, YEAR_2024, default_tz=LONDON)


FIXTURES = ["weekly_exceptions.ics", "all_day.ics", "all_day_no_zone.ics", "other_zones.ics",
            "dst_new_york.ics", "floating.ics", "not_busy.ics"]
_instants = st.datetimes(min_value=datetime(2024, 5, 1), max_value=datetime(2024, 12, 1),
                         timezones=st.just(UTC))


@settings(max_examples=60, deadline=None, database=None)
@given(name=st.sampled_from(FIXTURES), a=_instants, b=_instants,
       zone=st.sampled_from(["Europe/London", "Asia/Kolkata", "Pacific/Chatham",
                             "America/New_York"]))
def test_any_window_sees_exactly_the_clipped_year(name: str, a: datetime, b: datetime,
                                                  zone: str) -> None:
    """The widened library query never loses or invents an occurrence near the edges."""
    text = (DATA / name).read_text(encoding="utf-8")
    window = Interval(min(a, b), max(a, b))
    tz = ZoneInfo(zone)
    year = parse_ics_busy(text, YEAR_2024, default_tz=tz)
    expected = [Interval(max(x.start, window.start), min(x.end, window.end))
                for x in year if x.overlaps(window)]
    assert parse_ics_busy(text, window, default_tz=tz) == expected
