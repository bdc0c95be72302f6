"""Google Calendar over its REST API (no SDK): free/busy read, event insert/patch/delete.

Idempotency: the event id is derived from our booking id, so the same booking always maps
to the same Google event. An upsert inserts with that id; a 409 ("already exists", which
also covers an event we deleted earlier: Google keeps it as ``cancelled``) turns into a
patch that also sets ``status: confirmed``.

Our own events are not busy time: ``freeBusy`` cannot exclude them, so ``busy`` also lists
the events carrying our private marker property in the window and subtracts their times.
The time subtracted is time our own booking already occupies, so no real conflict is lost.
"""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx

from adapters.calendar._http import (
    TokenProvider,
    answer_shape,
    bearer,
    json_object,
    parse_instant,
    rfc3339,
    send,
)
from core.booking import Booking
from core.errors import CalendarError
from core.interval import Interval, merge, subtract

GOOGLE_API = "https://www.googleapis.com/calendar/v3"
ID_PROPERTY = "bookingbot_id"
# A constant marker as well as the id: Google filters private properties only by exact
# name=value, so one query for "bookingbot=1" finds all our events.
MARK_PROPERTY = "bookingbot"
MARK_VALUE = "1"
_PAGE_SIZE = 250
# freeBusy refuses long ranges ("time range too long"); 8 weeks stays well inside the cap.
FREEBUSY_SPAN = timedelta(days=56)


def event_id_for(booking_id: str) -> str:
    """A valid Google event id (base32hex: 0-9 and a-v, 5-1024 chars) for a booking id.

    A UUID's hex digits are already base32hex; any other id is base32hex-encoded under a
    different prefix so the two forms can never collide. "bookingbot" is itself base32hex.
    """
    try:
        return "bookingbot" + uuid.UUID(booking_id).hex
    except ValueError:
        encoded = base64.b32hexencode(booking_id.encode()).decode().rstrip("=").lower()
    event_id = "bookingbots" + encoded
    if len(event_id) > 1024:
        raise CalendarError(f"booking id too long for a Google event id: {booking_id[:40]}...")
    return event_id


class GoogleCalendar:
    """``CalendarSource`` and ``CalendarWriter`` for one Google calendar."""

    def __init__(self, calendar_id: str, *, token_provider: TokenProvider, http: httpx.Client,
                 base_url: str = GOOGLE_API) -> None:
        self.calendar_id = calendar_id
        self._token = token_provider
        self._http = http
        self._base = base_url.rstrip("/")
        self._events_url = f"{self._base}/calendars/{quote(calendar_id, safe='@')}/events"

    # -- reading ---------------------------------------------------------------------------

    def busy(self, window: Interval) -> list[Interval]:
        busy: list[Interval] = []
        for part in _chunks(window):
            busy.extend(self._free_busy(part))
        return subtract(merge(busy), self.own_events(window))

    def _free_busy(self, window: Interval) -> list[Interval]:
        what = "reading Google free/busy"
        body = {"timeMin": rfc3339(window.start), "timeMax": rfc3339(window.end),
                "timeZone": "UTC", "items": [{"id": self.calendar_id}]}
        answer = json_object(self._call("POST", f"{self._base}/freeBusy", what, json=body),
                             what=what)
        with answer_shape(what):
            periods = self._calendar_entry(answer, what).get("busy", [])
            busy = [_interval(p.get("start"), p.get("end"), what) for p in periods]
        return [Interval(max(iv.start, window.start), min(iv.end, window.end))
                for iv in busy if iv.overlaps(window)]

    def own_events(self, window: Interval) -> list[Interval]:
        """Times of the events we wrote that overlap ``window`` (instances, not series)."""
        what = "listing our events in Google Calendar"
        params = {"privateExtendedProperty": f"{MARK_PROPERTY}={MARK_VALUE}",
                  "timeMin": rfc3339(window.start), "timeMax": rfc3339(window.end),
                  "singleEvents": "true", "maxResults": str(_PAGE_SIZE)}
        found: list[Interval] = []
        while True:
            page = json_object(self._call("GET", self._events_url, what, params=params),
                               what=what)
            with answer_shape(what):
                found.extend(_interval(item["start"]["dateTime"], item["end"]["dateTime"], what)
                             for item in page.get("items", [])
                             if item.get("status") != "cancelled"
                             and "dateTime" in item.get("start", {}))
            token = page.get("nextPageToken")
            if not token:
                return found
            params = {**params, "pageToken": str(token)}

    def _calendar_entry(self, answer: dict[str, Any], what: str) -> dict[str, Any]:
        calendars = answer.get("calendars") or {}
        entry = calendars.get(self.calendar_id)
        if entry is None and len(calendars) == 1:
            entry = next(iter(calendars.values()))  # Google may echo a normalised id
        if not isinstance(entry, dict):
            raise CalendarError(f"{what}: the answer does not mention the calendar")
        if entry.get("errors"):
            reasons = ", ".join(str(e.get("reason", "unknown")) for e in entry["errors"])
            raise CalendarError(f"{what}: Google refused the calendar ({reasons})")
        return entry

    # -- writing ---------------------------------------------------------------------------

    def upsert(self, booking: Booking, *, title: str, description: str) -> str:
        what = "writing the booking to Google Calendar"
        event_id = event_id_for(booking.id)
        body = _event_body(booking, title=title, description=description)
        created = self._call("POST", self._events_url, what, json={"id": event_id, **body},
                             allow=(409,))
        if created.status_code == 409:  # ours already: move/retitle/revive it in place
            created = self._call("PATCH", f"{self._events_url}/{event_id}", what, json=body)
        return str(json_object(created, what=what).get("id", event_id))

    def delete(self, booking_id: str) -> None:
        # 404: never written; 410: already deleted. Both mean the event is gone.
        self._call("DELETE", f"{self._events_url}/{event_id_for(booking_id)}",
                   "removing the booking from Google Calendar", allow=(404, 410))

    def _call(self, method: str, url: str, what: str, **kwargs: Any) -> httpx.Response:
        return send(self._http, method, url, what=what,
                    headers=bearer(self._token, what=what), **kwargs)


def _chunks(window: Interval) -> list[Interval]:
    """Consecutive pieces of at most ``FREEBUSY_SPAN``: Google caps one query's range."""
    parts, start = [], window.start
    while start + FREEBUSY_SPAN < window.end:
        parts.append(Interval(start, start + FREEBUSY_SPAN))
        start += FREEBUSY_SPAN
    parts.append(Interval(start, window.end))
    return parts


def _event_body(booking: Booking, *, title: str, description: str) -> dict[str, Any]:
    return {
        "summary": title,
        "description": description,
        "start": {"dateTime": rfc3339(booking.start), "timeZone": "UTC"},
        "end": {"dateTime": rfc3339(booking.end), "timeZone": "UTC"},
        "status": "confirmed",
        "transparency": "opaque",
        "extendedProperties": {"private": {ID_PROPERTY: booking.id,
                                           MARK_PROPERTY: MARK_VALUE}},
    }


def _interval(start: Any, end: Any, what: str) -> Interval:
    begins, ends = parse_instant(start, what=what), parse_instant(end, what=what)
    if ends < begins:
        raise CalendarError(f"{what}: a period ends before it starts ({start} > {end})")
    return Interval(begins, ends)
