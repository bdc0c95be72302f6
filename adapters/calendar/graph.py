"""Microsoft 365 / Outlook calendars over Microsoft Graph: calendar view read, event writes.

Our events carry the booking id in a single-value extended property (a MAPI named property
under our own GUID), which Graph can filter on: that is how an upsert or delete finds the
event for a booking without us storing Graph's ids. Creates also carry a ``transactionId``
so a retried create is deduplicated by Graph itself.

All times are exchanged in UTC (``Prefer: outlook.timezone="UTC"``). All-day events come
back as midnight-to-midnight dates; they block the provider's *local* days (``all_day_tz``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from adapters.calendar._http import (
    TokenProvider,
    answer_shape,
    bearer,
    json_object,
    rfc3339,
    send,
)
from core.booking import Booking
from core.errors import CalendarError
from core.interval import Interval, merge
from core.timeutil import local_boundary

GRAPH_API = "https://graph.microsoft.com/v1.0"
# Our property set GUID (uuid5 of "https://bookingbot/calendar"); never change it, or events
# written before the change are no longer recognised as ours.
PROPERTY_ID = "String {0e98d252-640c-593b-8f32-fb44bd1dee65} Name bookingbot_id"
TRANSACTION_PREFIX = "bookingbot-"
_PAGE_SIZE = 100
_FIELDS = "start,end,showAs,isCancelled,isAllDay,transactionId"


class GraphCalendar:
    """``CalendarSource`` and ``CalendarWriter`` for one mailbox's calendar.

    ``all_day_tz`` is the provider's zone (required, as for ``IcsCalendar``: a UTC guess
    would shift every all-day event). ``calendar_id=None`` means the default calendar.
    """

    def __init__(self, user: str, *, token_provider: TokenProvider, http: httpx.Client,
                 all_day_tz: ZoneInfo, base_url: str = GRAPH_API,
                 calendar_id: str | None = None) -> None:
        self.user = user
        self._token = token_provider
        self._http = http
        self._base = base_url.rstrip("/")
        self._all_day_tz = all_day_tz
        root = f"{self._base}/users/{quote(user, safe='@')}"
        self._root = root if calendar_id is None else f"{root}/calendars/{_segment(calendar_id)}"

    # -- reading ---------------------------------------------------------------------------

    def busy(self, window: Interval) -> list[Interval]:
        what = "reading the Outlook calendar"
        url: str | None = f"{self._root}/calendarView"
        params: dict[str, str] | None = {
            "startDateTime": rfc3339(window.start), "endDateTime": rfc3339(window.end),
            "$select": _FIELDS, "$top": str(_PAGE_SIZE),
            "$expand": f"singleValueExtendedProperties($filter=id eq '{PROPERTY_ID}')"}
        busy: list[Interval] = []
        while url is not None:
            page = json_object(self._call("GET", url, what, params=params), what=what)
            with answer_shape(what):
                busy.extend(self._interval(item, what) for item in page.get("value", [])
                            if _blocks_time(item))
            url, params = self._next_link(page, what), None  # the link carries the query
        return merge(Interval(max(iv.start, window.start), min(iv.end, window.end))
                     for iv in busy if iv.overlaps(window))

    def _next_link(self, page: dict[str, Any], what: str) -> str | None:
        link = page.get("@odata.nextLink")
        if link is None:
            return None
        # The link is followed with our bearer token: never to a host we were not given.
        if not str(link).startswith(self._base + "/"):
            raise CalendarError(f"{what}: refusing a next-page link outside {self._base}")
        return str(link)

    def _interval(self, item: dict[str, Any], what: str) -> Interval:
        start, end = _graph_time(item["start"], what), _graph_time(item["end"], what)
        if item.get("isAllDay"):
            start = local_boundary(start.date(), time(0), self._all_day_tz)
            end = local_boundary(end.date(), time(0), self._all_day_tz)
        if end < start:
            raise CalendarError(f"{what}: an event ends before it starts")
        return Interval(start, end)

    # -- writing ---------------------------------------------------------------------------

    def upsert(self, booking: Booking, *, title: str, description: str) -> str:
        what = "writing the booking to the Outlook calendar"
        body = _event_body(booking, title=title, description=description)
        existing = self.find_event_id(booking.id)
        if existing is None:
            created = self._call("POST", f"{self._root}/events", what, allow=(409,), json={
                **body, "transactionId": TRANSACTION_PREFIX + booking.id,
                "singleValueExtendedProperties": [{"id": PROPERTY_ID, "value": booking.id}]})
            if created.status_code != 409:
                return _event_id(json_object(created, what=what), what)
            existing = self.find_event_id(booking.id)  # lost a race to another worker
            if existing is None:
                raise CalendarError(f"{what}: Graph refused the create as a duplicate")
        self._call("PATCH", f"{self._root}/events/{_segment(existing)}", what, json=body)
        return existing

    def delete(self, booking_id: str) -> None:
        what = "removing the booking from the Outlook calendar"
        event_id = self.find_event_id(booking_id)
        if event_id is not None:  # 404: someone removed it by hand meanwhile; gone is gone
            self._call("DELETE", f"{self._root}/events/{_segment(event_id)}", what, allow=(404,))

    def find_event_id(self, booking_id: str) -> str | None:
        what = "looking up our event in the Outlook calendar"
        value = booking_id.replace("'", "''")  # OData string literal escaping
        params = {"$filter": ("singleValueExtendedProperties/Any(ep: ep/id eq "
                              f"'{PROPERTY_ID}' and ep/value eq '{value}')"),
                  "$select": "id", "$top": "1"}
        page = json_object(self._call("GET", f"{self._root}/events", what, params=params),
                           what=what)
        with answer_shape(what):
            items = page.get("value", [])
            return _event_id(items[0], what) if items else None

    def _call(self, method: str, url: str, what: str, **kwargs: Any) -> httpx.Response:
        headers = {**bearer(self._token, what=what), "Prefer": 'outlook.timezone="UTC"'}
        return send(self._http, method, url, what=what, headers=headers, **kwargs)


def _segment(text: str) -> str:
    # Graph ids are base64 and may hold "/" or "=": escape everything inside a path segment.
    return quote(text, safe="")


def _blocks_time(item: dict[str, Any]) -> bool:
    if item.get("isCancelled") or item.get("showAs") == "free":
        return False
    ours = any(p.get("id", "").lower() == PROPERTY_ID.lower()
               for p in item.get("singleValueExtendedProperties") or [])
    return not ours and not str(item.get("transactionId") or "").startswith(TRANSACTION_PREFIX)


def _graph_time(value: dict[str, Any], what: str) -> datetime:
    """Graph's ``{"dateTime": "2024-03-10T15:00:00.0000000", "timeZone": "UTC"}``."""
    try:
        wall = datetime.fromisoformat(value["dateTime"])
        zone = value.get("timeZone") or "UTC"
        tz = UTC if zone.upper() == "UTC" else ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise CalendarError(f"{what}: unreadable time {value!r}") from exc
    return (wall if wall.tzinfo else wall.replace(tzinfo=tz)).astimezone(UTC)


def _event_id(item: dict[str, Any], what: str) -> str:
    event_id = item.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise CalendarError(f"{what}: Graph returned an event without an id")
    return event_id


def _event_body(booking: Booking, *, title: str, description: str) -> dict[str, Any]:
    def utc(instant: datetime) -> dict[str, str]:
        return {"dateTime": rfc3339(instant).removesuffix("Z"), "timeZone": "UTC"}

    return {"subject": title, "body": {"contentType": "text", "content": description},
            "start": utc(booking.start), "end": utc(booking.end), "showAs": "busy"}
