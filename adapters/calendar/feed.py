"""Our bookings as iCalendar: a provider's subscribable feed and a customer's "add to calendar".

UIDs are ``<booking id>@bookingbot``, stable across edits, so calendar apps update an event
in place when it moves, and our own ICS reader recognises (and skips) it if a provider
imports the feed into the very calendar we read.

The feed URL carries ``feed_token(secret, provider_key)``: an HMAC, so nothing is stored,
and rotating ``generation`` (or the secret) revokes a leaked address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import icalendar

from core.booking import Booking, BookingStatus
from core.timeutil import to_utc

PRODID = "-//bookingbot//bookingbot calendar feed//EN"
UID_SUFFIX = "@bookingbot"
# How often subscribing apps should poll (most apps treat it as a hint at best).
REFRESH = timedelta(minutes=15)

_STATUS: dict[BookingStatus, str] = {
    BookingStatus.HELD: "TENTATIVE",
    BookingStatus.CONFIRMED: "CONFIRMED",
    BookingStatus.COMPLETED: "CONFIRMED",
    BookingStatus.NO_SHOW: "CONFIRMED",
    BookingStatus.CANCELLED: "CANCELLED",
}  # EXPIRED holds never were appointments: left out of feeds entirely


@dataclass(frozen=True)
class FeedEntry:
    """One booking plus the words shown for it; ``sequence`` counts its updates (RFC 5545)."""

    booking: Booking
    summary: str
    description: str = ""
    location: str = ""
    sequence: int = 0


def build_feed(entries: Iterable[FeedEntry], *, name: str, now: datetime) -> bytes:
    """A VCALENDAR with one VEVENT per entry, for a provider to subscribe to."""
    calendar = _calendar(method="PUBLISH")
    calendar.add("X-WR-CALNAME", name)
    calendar.add("NAME", name)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    for entry in entries:
        event = _event(entry, now=now)
        if event is not None:
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def build_event_ics(entry: FeedEntry, *, now: datetime) -> bytes:
    """A single-event ``.ics`` for a customer's confirmation ("add to calendar")."""
    calendar = _calendar(method="PUBLISH")
    event = _event(entry, now=now)
    if event is not None:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def feed_token(secret: bytes, provider_key: str, *, generation: int = 0) -> str:
    """The URL-safe secret for a provider's feed address (43 characters, no padding)."""
    message = f"bookingbot-feed:{generation}:{provider_key}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def verify_feed_token(secret: bytes, provider_key: str, token: str, *,
                      generation: int = 0) -> bool:
    """Constant-time check of a token taken from a request URL."""
    expected = feed_token(secret, provider_key, generation=generation)
    return hmac.compare_digest(expected.encode(), token.encode("utf-8", errors="replace"))


def _calendar(*, method: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    return calendar


def _event(entry: FeedEntry, *, now: datetime) -> icalendar.Event | None:
    booking = entry.booking
    status = _STATUS.get(booking.status)
    if status is None:
        return None
    event = icalendar.Event()
    event.add("UID", booking.id + UID_SUFFIX)
    event.add("DTSTAMP", to_utc(now))
    event.add("DTSTART", to_utc(booking.start))
    event.add("DTEND", to_utc(booking.end))
    event.add("SUMMARY", entry.summary)
    if entry.description:
        event.add("DESCRIPTION", entry.description)
    if entry.location:
        event.add("LOCATION", entry.location)
    event.add("SEQUENCE", entry.sequence)
    event.add("STATUS", status)
    event.add("TRANSP", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    return event
