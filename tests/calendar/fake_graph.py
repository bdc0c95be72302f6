"""A Microsoft Graph double: calendarView (paged), events filter/create/patch/delete.

Shapes follow Graph v1.0: ``{"value": [...], "@odata.nextLink": ...}``, times as
``{"dateTime": "2024-09-10T13:00:00.0000000", "timeZone": "UTC"}``, ids in base64 that
contain "/" and "=", creates deduplicated by ``transactionId``.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from core.interval import Interval
from tests.calendar.fake_google import TOKEN
from tests.calendar.httpserver import Recorded, Reply, json_error

_FILTER = re.compile(r"ep/id eq '(?P<id>[^']+)' and ep/value eq '(?P<value>(?:[^']|'')*)'\)")


def graph_time(instant: datetime) -> dict[str, str]:
    wall = instant.astimezone(UTC).replace(tzinfo=None)
    return {"dateTime": wall.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"}


def _parse(value: dict[str, str]) -> datetime:
    assert value["timeZone"] == "UTC"
    return datetime.fromisoformat(value["dateTime"]).replace(tzinfo=UTC)


def _parse_query(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class FakeGraph:
    def __init__(self, user: str = "anna@contoso.com", *, page_size: int = 2) -> None:
        self.user = user
        self.page_size = page_size
        self.events: dict[str, dict[str, Any]] = {}
        self.failure: str | None = None  # "500" | "garbage" | "slow" | "foreign_link"

    def add_personal(self, start: datetime, end: datetime, **fields: Any) -> str:
        event_id = f"AAMkAD{uuid.uuid4().hex[:8]}/personal="
        self.events[event_id] = {"id": event_id, "subject": "Personal", "showAs": "busy",
                                 "isCancelled": False, "isAllDay": False,
                                 "start": graph_time(start), "end": graph_time(end), **fields}
        return event_id

    def __call__(self, req: Recorded) -> Reply:
        if self.failure == "500":
            return json_error(500, "An internal server error occurred.", code="InternalServerError")
        if self.failure == "garbage":
            return Reply(200, "not json at all", {"Content-Type": "text/plain"})
        if self.failure == "slow":
            return Reply(200, {}, delay=30)
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return json_error(401, "Access token is empty.", code="InvalidAuthenticationToken")
        seg = req.segments  # ["v1.0", "users", user, ...]
        if seg[:3] != ["v1.0", "users", self.user]:
            return json_error(404, "The requested user is invalid.", code="ErrorInvalidUser")
        rest = seg[3:]
        if rest == ["calendarView"]:
            return self._calendar_view(req)
        if rest == ["events"]:
            return self._find(req) if req.method == "GET" else self._create(req.json())
        if len(rest) == 2 and rest[0] == "events":
            return self._one(req, rest[1])
        return json_error(400, "Unsupported", code="BadRequest")

    def _calendar_view(self, req: Recorded) -> Reply:
        start, end = req.param("startDateTime"), req.param("endDateTime")
        if not start or not end:
            return json_error(400, "This request requires a time window specified by the "
                              "query string parameters StartDateTime and EndDateTime.",
                              code="ErrorInvalidParameter")
        window = Interval(_parse_query(start), _parse_query(end))
        expand = req.param("$expand") or ""
        found = sorted((e for e in self.events.values()
                        if Interval(_parse(e["start"]), _parse(e["end"])).overlaps(window)),
                       key=lambda e: e["start"]["dateTime"])
        skip = int(req.param("$skip") or 0)
        items = [self._view(e, expand) for e in found[skip:skip + self.page_size]]
        page: dict[str, Any] = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata",
                                "value": items}
        if skip + self.page_size < len(found):
            host = ("http://evil.example" if self.failure == "foreign_link"
                    else f"http://{req.headers['host']}")
            query = urlencode({"startDateTime": start, "endDateTime": end,
                               "$expand": expand, "$skip": skip + self.page_size})
            page["@odata.nextLink"] = f"{host}/v1.0/users/{self.user}/calendarView?{query}"
        return Reply(200, page)

    @staticmethod
    def _view(event: dict[str, Any], expand: str) -> dict[str, Any]:
        view = {k: v for k, v in event.items() if k != "singleValueExtendedProperties"}
        props = [p for p in event.get("singleValueExtendedProperties", [])
                 if f"id eq '{p['id']}'" in expand]
        if props:  # Graph only returns extended properties that were expanded
            view["singleValueExtendedProperties"] = props
        return view

    def _find(self, req: Recorded) -> Reply:
        match = _FILTER.search(req.param("$filter") or "")
        if match is None:
            return json_error(400, "Invalid filter clause", code="BadRequest")
        prop_id, value = match["id"], match["value"].replace("''", "'")
        found = [{"id": e["id"]} for e in self.events.values()
                 if any(p["id"] == prop_id and p["value"] == value
                        for p in e.get("singleValueExtendedProperties", []))]
        return Reply(200, {"value": found})

    def _create(self, body: dict[str, Any]) -> Reply:
        for event in self.events.values():
            if body.get("transactionId") and event.get("transactionId") == body["transactionId"]:
                return Reply(201, event)  # Graph's de-duplication of retried creates
        event_id = f"AAMkAD{uuid.uuid4().hex[:8]}/ours="
        event = {"showAs": "busy", "isCancelled": False, "isAllDay": False, **body,
                 "id": event_id}
        self.events[event_id] = event
        return Reply(201, event)

    def _one(self, req: Recorded, event_id: str) -> Reply:
        event = self.events.get(event_id)
        if event is None:
            return json_error(404, "The specified object was not found in the store.",
                              code="ErrorItemNotFound")
        if req.method == "DELETE":
            del self.events[event_id]
            return Reply(204)
        if req.method == "PATCH":
            event.update(req.json())
        return Reply(200, event)
