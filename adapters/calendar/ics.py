"""Busy time from an iCalendar subscription URL (Google's or Outlook's secret iCal address).

Recurrence (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) is expanded by
``recurring_ical_events``; this module only decides what counts as busy and turns every
occurrence into a UTC ``Interval``:

* all-day events (DATE values) block the whole *local* day, in the calendar's
  ``X-WR-TIMEZONE`` when it names a real zone, else in the provider's zone;
* floating times (no TZID, no Z) are wall-clock times in that same zone;
* cancelled occurrences, transparent ("free") events and events we wrote ourselves
  (UID ending in ``@bookingbot``) are not busy.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import icalendar
import recurring_ical_events  # type: ignore[import-untyped]

from adapters.calendar._http import host_of, send
from core.errors import CalendarError
from core.interval import Interval, merge
from core.timeutil import local_boundary

OWN_UID_SUFFIX = "@bookingbot"

# The library compares floating and all-day values against an aware window as if they were
# UTC, so it is asked for a wider window; exact UTC intervals are clipped afterwards.
# Two days covers every UTC offset (-12h..+14h) and an all-day event's full length.
_QUERY_SLACK = timedelta(days=2)


class IcsCalendar:
    """A read-only ``CalendarSource`` over an iCal URL.

    ``default_tz`` is the provider's zone: it places all-day and floating events when the
    file itself does not say (no ``X-WR-TIMEZONE``). It is required on purpose: guessing
    UTC would silently shift every all-day event for most providers.
    """

    def __init__(self, url: str, *, http: httpx.Client, default_tz: ZoneInfo,
                 own_uid_suffix: str = OWN_UID_SUFFIX) -> None:
        self.url = normalise_url(url)
        self._http = http
        self._default_tz = default_tz
        self._own_uid_suffix = own_uid_suffix

    def busy(self, window: Interval) -> list[Interval]:
        return parse_ics_busy(self.fetch(), window, default_tz=self._default_tz,
                              own_uid_suffix=self._own_uid_suffix)

    def fetch(self) -> str:
        what = "reading the iCal subscription"
        response = send(self._http, "GET", self.url, what=what,
                        headers={"Accept": "text/calendar, */*;q=0.5"})
        # RFC 5545 files are UTF-8; a stray BOM is common in Outlook exports.
        text = response.content.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
        if not text[:15].upper().startswith("BEGIN:VCALENDAR"):
            kind = response.headers.get("content-type", "no content type")
            raise CalendarError(f"{what}: {host_of(self.url)} did not return an iCalendar "
                                f"file (got {kind}); is the secret address still valid?")
        return text


def normalise_url(url: str) -> str:
    """``webcal://`` is the calendar apps' name for plain HTTPS subscriptions."""
    stripped = url.strip()
    for scheme in ("webcals://", "webcal://"):
        if stripped.lower().startswith(scheme):
            return "https://" + stripped[len(scheme):]
    return stripped


def parse_ics_busy(text: str | bytes, window: Interval, *, default_tz: ZoneInfo,
                   own_uid_suffix: str | None = OWN_UID_SUFFIX) -> list[Interval]:
    """Busy intervals of an iCalendar document inside ``window``: clipped, merged, UTC.

    ``own_uid_suffix=None`` reads every event, ours included (useful for checking a feed).
    """
    calendar = _parse(text)
    zone = _calendar_zone(calendar, default_tz)
    try:
        occurrences = recurring_ical_events.of(calendar).between(
            window.start - _QUERY_SLACK, window.end + _QUERY_SLACK)
    except Exception as exc:  # any library failure on an outside file is a calendar failure
        raise CalendarError(f"the iCalendar file could not be expanded: {exc}") from exc
    busy: list[Interval] = []
    for event in occurrences:
        if not _is_busy(event, own_uid_suffix):
            continue
        interval = _occurrence_interval(event, zone)
        if interval is not None and interval.overlaps(window):
            busy.append(Interval(max(interval.start, window.start),
                                 min(interval.end, window.end)))
    return merge(busy)


def _parse(text: str | bytes) -> icalendar.Calendar:
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises ValueError and friends on malformed input
        raise CalendarError(f"the iCalendar file could not be parsed: {exc}") from exc
    if not isinstance(calendar, icalendar.Calendar):
        raise CalendarError("the iCalendar file holds no VCALENDAR")
    return calendar


def _calendar_zone(calendar: icalendar.Calendar, default_tz: ZoneInfo) -> ZoneInfo:
    """The zone for all-day and floating values: X-WR-TIMEZONE if real, else the provider's.

    An unknown X-WR-TIMEZONE is dropped from the calendar, because the expansion library
    would otherwise fail on it while applying it to floating and UTC times.
    """
    name = calendar.get("X-WR-TIMEZONE")
    if name is None:
        return default_tz
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError):
        del calendar["X-WR-TIMEZONE"]
        return default_tz


def _is_busy(event: Any, own_uid_suffix: str | None) -> bool:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return False
    uid = str(event.get("UID", ""))
    return not (own_uid_suffix and uid.lower().endswith(own_uid_suffix.lower()))


def _occurrence_interval(event: Any, zone: ZoneInfo) -> Interval | None:
    start_value = event["DTSTART"].dt
    end_prop = event.get("DTEND")
    if end_prop is not None:
        end_value = end_prop.dt
    elif isinstance(start_value, datetime):
        return None  # RFC 5545: a timed event without DTEND or DURATION takes no time
    else:
        end_value = start_value + timedelta(days=1)  # an all-day event without DTEND
    start, end = _to_utc(start_value, zone), _to_utc(end_value, zone)
    return Interval(start, end) if end > start else None


def _to_utc(value: date | datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        return local_boundary(value, datetime.min.time(), zone)  # local midnight
    if value.tzinfo is None or value.utcoffset() is None:
        # Floating: the same wall-clock time wherever the reader is; ours is the provider's.
        return local_boundary(value.date(), value.time(), zone)
    return value.astimezone(UTC)
