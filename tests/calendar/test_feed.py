"""The ICS feed and the single-event .ics: round-trips through icalendar, and feed tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.calendar.feed import (
    FeedEntry,
    build_event_ics,
    build_feed,
    feed_token,
    verify_feed_token,
)
from adapters.calendar.ics import parse_ics_busy
from core.booking import BookingStatus
from core.interval import Interval
from tests.calendar.conftest import BOOKING_ID, make_booking, utc

NOW = utc(2024, 9, 1, 12)
SEPTEMBER = Interval(utc(2024, 9, 1), utc(2024, 10, 1))
SECRET = b"0123456789abcdef0123456789abcdef"


def entries() -> list[FeedEntry]:
    return [
        FeedEntry(make_booking(utc(2024, 9, 10, 9)), "Haircut — Dana",
                  "Booked on Telegram; pay at the desk, please.", location="Main St 1",
                  sequence=2),
        FeedEntry(make_booking(utc(2024, 9, 11, 14), 30, booking_id="b-held",
                               status=BookingStatus.HELD), "Beard trim — Eli"),
        FeedEntry(make_booking(utc(2024, 9, 12, 8), booking_id="b-cancelled",
                               status=BookingStatus.CANCELLED), "Colour — Fay"),
        FeedEntry(make_booking(utc(2024, 9, 13, 8), booking_id="b-expired",
                               status=BookingStatus.EXPIRED), "never happened"),
    ]


def test_feed_round_trips_through_icalendar() -> None:
    calendar = icalendar.Calendar.from_ical(build_feed(entries(), name="Anna", now=NOW))
    assert str(calendar["X-WR-CALNAME"]) == "Anna"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"{BOOKING_ID}@bookingbot", "b-held@bookingbot",
                           "b-cancelled@bookingbot"}  # the expired hold is left out
    first = events[f"{BOOKING_ID}@bookingbot"]
    assert first["DTSTART"].dt == datetime(2024, 9, 10, 9, tzinfo=UTC)
    assert first["DTEND"].dt == datetime(2024, 9, 10, 10, tzinfo=UTC)
    assert first["DTSTAMP"].dt == NOW
    assert str(first["SUMMARY"]) == "Haircut — Dana"
    assert str(first["DESCRIPTION"]) == "Booked on Telegram; pay at the desk, please."
    assert str(first["LOCATION"]) == "Main St 1"
    assert int(first["SEQUENCE"]) == 2
    assert [str(events[u]["STATUS"]) for u in sorted(events)] == [
        "CONFIRMED", "CANCELLED", "TENTATIVE"]


def test_feed_times_are_utc_on_the_wire() -> None:
    text = build_feed(entries(), name="Anna", now=NOW).decode()
    assert "DTSTART:20240910T090000Z" in text
    assert "TZID" not in text


def test_our_reader_skips_the_feed_but_can_read_it() -> None:
    feed = build_feed(entries(), name="Anna", now=NOW)
    london = ZoneInfo("Europe/London")
    assert parse_ics_busy(feed, SEPTEMBER, default_tz=london) == []  # imported feeds: ours
    assert parse_ics_busy(feed, SEPTEMBER, default_tz=london, own_uid_suffix=None) == [
        Interval(utc(2024, 9, 10, 9), utc(2024, 9, 10, 10)),
        Interval(utc(2024, 9, 11, 14), utc(2024, 9, 11, 14, 30)),
    ]  # the cancelled booking is not busy


def test_single_event_ics_for_add_to_calendar() -> None:
    calendar = icalendar.Calendar.from_ical(build_event_ics(entries()[0], now=NOW))
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{BOOKING_ID}@bookingbot"
    assert event["DTSTART"].dt == utc(2024, 9, 10, 9)


def test_feed_token_verifies_only_its_own_provider_and_secret() -> None:
    token = feed_token(SECRET, "anna")
    assert len(token) == 43
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert verify_feed_token(SECRET, "anna", token)
    assert not verify_feed_token(SECRET, "ben", token)
    assert not verify_feed_token(b"another secret", "anna", token)
    assert not verify_feed_token(SECRET, "anna", token[:-1])
    assert not verify_feed_token(SECRET, "anna", "")
    assert not verify_feed_token(SECRET, "anna", "ü" * 43)


def test_a_new_generation_revokes_the_old_url() -> None:
    old = feed_token(SECRET, "anna")
    assert not verify_feed_token(SECRET, "anna", old, generation=1)
    assert verify_feed_token(SECRET, "anna", feed_token(SECRET, "anna", generation=1),
                             generation=1)


@settings(max_examples=100, database=None)
@given(provider=st.text(min_size=1, max_size=40), tampered=st.text(max_size=60))
def test_only_the_exact_token_verifies(provider: str, tampered: str) -> None:
    token = feed_token(SECRET, provider)
    assert verify_feed_token(SECRET, provider, token)
    assert verify_feed_token(SECRET, provider, tampered) == (tampered == token)


@pytest.mark.parametrize("status", [BookingStatus.COMPLETED, BookingStatus.NO_SHOW])
def test_past_appointments_stay_in_the_feed(status: BookingStatus) -> None:
    entry = FeedEntry(make_booking(utc(2024, 9, 2, 9), status=status), "Done")
    calendar = icalendar.Calendar.from_ical(build_feed([entry], name="Anna", now=NOW))
    [event] = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED"
