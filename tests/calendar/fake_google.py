"""A Google Calendar API v3 double: freeBusy, events list/insert/patch/delete, token endpoint.

It keeps Google's quirks that matter to us: a deleted event stays behind as ``cancelled``
(re-inserting its id answers 409, deleting it again answers 410), ids must be base32hex,
and privateExtendedProperty filters are exact ``name=value`` matches.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from core.interval import Interval, merge
from tests.calendar.httpserver import Recorded, Reply, json_error

TOKEN = "ya29.test-access-token"
_ID = re.compile(r"^[0-9a-v]{5,1024}$")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeGoogle:
    def __init__(self, calendar_id: str = "anna@example.com", *, page_size: int = 2) -> None:
        self.calendar_id = calendar_id
        self.page_size = page_size
        self.events: dict[str, dict[str, Any]] = {}
        self.failure: str | None = None  # "500" | "garbage" | "slow" | "not_found"

    def add_personal(self, start: datetime, end: datetime, *, transparency: str = "opaque",
                     summary: str = "Dentist") -> str:
        event_id = uuid.uuid4().hex
        self.events[event_id] = {
            "id": event_id, "status": "confirmed", "summary": summary,
            "transparency": transparency,
            "start": {"dateTime": _stamp(start)}, "end": {"dateTime": _stamp(end)}}
        return event_id

    def live(self) -> list[dict[str, Any]]:
        return [e for e in self.events.values() if e["status"] != "cancelled"]

    def __call__(self, req: Recorded) -> Reply:
        if self.failure == "500":
            return json_error(500, "Backend Error")
        if self.failure == "garbage":
            return Reply(200, "<html><body>Sign in</body></html>",
                         {"Content-Type": "text/html"})
        if self.failure == "slow":
            return Reply(200, {}, delay=30)
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return json_error(401, "Request had invalid authentication credentials.")
        seg = req.segments  # ["calendar", "v3", ...]
        if seg[2:] == ["freeBusy"] and req.method == "POST":
            return self._free_busy(req.json())
        if len(seg) < 5 or seg[2] != "calendars" or seg[4] != "events":
            return json_error(404, "Not Found")
        if seg[3] != self.calendar_id:
            return json_error(404, "Not Found")
        if len(seg) == 5:
            return self._list(req) if req.method == "GET" else self._insert(req.json())
        return self._one(req, seg[5])

    def _free_busy(self, body: dict[str, Any]) -> Reply:
        window = Interval(_parse(body["timeMin"]), _parse(body["timeMax"]))
        calendars: dict[str, Any] = {}
        for item in body["items"]:
            if item["id"] != self.calendar_id or self.failure == "not_found":
                calendars[item["id"]] = {"errors": [{"domain": "global",
                                                     "reason": "notFound"}], "busy": []}
                continue
            spans = [self._interval(e) for e in self.live() if e["transparency"] == "opaque"]
            busy = merge(Interval(max(s.start, window.start), min(s.end, window.end))
                         for s in spans if s.overlaps(window))
            calendars[item["id"]] = {"busy": [{"start": _stamp(b.start), "end": _stamp(b.end)}
                                              for b in busy]}
        return Reply(200, {"kind": "calendar#freeBusy", "timeMin": body["timeMin"],
                           "timeMax": body["timeMax"], "calendars": calendars})

    def _list(self, req: Recorded) -> Reply:
        window = Interval(_parse(req.param("timeMin") or ""), _parse(req.param("timeMax") or ""))
        found = [e for e in self.live() if self._interval(e).overlaps(window)]
        wanted = req.param("privateExtendedProperty")
        if wanted:
            name, value = wanted.split("=", 1)
            found = [e for e in found
                     if e.get("extendedProperties", {}).get("private", {}).get(name) == value]
        found.sort(key=lambda e: e["start"]["dateTime"])
        offset = int(req.param("pageToken") or 0)
        size = min(self.page_size, int(req.param("maxResults") or 250))
        page: dict[str, Any] = {"kind": "calendar#events", "items": found[offset:offset + size]}
        if offset + size < len(found):
            page["nextPageToken"] = str(offset + size)
        return Reply(200, page)

    def _insert(self, body: dict[str, Any]) -> Reply:
        event_id = body.get("id") or uuid.uuid4().hex
        if not _ID.match(event_id):
            return json_error(400, "Invalid resource id value.")
        if event_id in self.events:  # cancelled ones too: Google keeps them
            return json_error(409, "The requested identifier already exists.",
                              errors=[{"domain": "global", "reason": "duplicate"}])
        event = {"status": "confirmed", "transparency": "opaque", **body, "id": event_id,
                 "kind": "calendar#event"}
        self.events[event_id] = event
        return Reply(200, event)

    def _one(self, req: Recorded, event_id: str) -> Reply:
        event = self.events.get(event_id)
        if event is None:
            return json_error(404, "Not Found")
        if req.method == "DELETE":
            if event["status"] == "cancelled":
                return json_error(410, "Resource has been deleted")
            event["status"] = "cancelled"
            return Reply(204)
        if req.method == "PATCH":
            _deep_merge(event, req.json())
            return Reply(200, event)
        return Reply(200, event)

    @staticmethod
    def _interval(event: dict[str, Any]) -> Interval:
        return Interval(_parse(event["start"]["dateTime"]), _parse(event["end"]["dateTime"]))


def _deep_merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = value


def token_endpoint(req: Recorded) -> Reply:
    """Google's (and Microsoft's) token endpoint for the grants we use."""
    form = req.form()
    if form.get("client_secret") != "s3cret":
        return Reply(401, {"error": "invalid_client", "error_description": "Unauthorized"})
    if form.get("grant_type") == "refresh_token" and form.get("refresh_token") == "1//refresh":
        return Reply(200, {"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"})
    if form.get("grant_type") == "client_credentials" and form.get("scope"):
        return Reply(200, {"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"})
    return Reply(400, {"error": "invalid_grant",
                       "error_description": "Token has been expired or revoked."})
