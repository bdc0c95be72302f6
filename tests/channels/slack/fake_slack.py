"""A local HTTP server that speaks Slack's Web API wire format and records every call.

``POST|GET /api/<method>`` (JSON, form or query parameters) answers ``{"ok": true, ...}``
like Slack; ``POST /response/<id>`` stands in for a slash command's or button's
``response_url`` (bolt's ``respond()``), which Slack answers with plain ``ok``.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.http_double import HttpDouble, Recorded, Reply

BOT_USER = "UBOT"


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response" for a response_url post
    path: str
    params: dict[str, Any]


@dataclass
class FakeSlack(HttpDouble):
    user_tz: dict[str, str] = field(default_factory=dict)  # users.info -> user.tz
    errors: dict[str, str] = field(default_factory=dict)  # method -> Slack error code
    # method -> an event the call waits on (Slack's API being slow, until the test says go)
    gates: dict[str, threading.Event] = field(default_factory=dict)
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def calls(self) -> list[Call]:
        return [_call(r) for r in self.received()]

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if (gate := self.gates.get(method)) is not None:
            gate.wait(timeout=30)
        if method in self.errors:
            return {"ok": False, "error": self.errors[method]}
        if method == "auth.test":
            return {"ok": True, "url": "https://test.slack.com/", "team": "Test",
                    "user": "bookingbot", "team_id": "T1", "user_id": BOT_USER,
                    "bot_id": "BBOT"}
        if method in {"chat.postMessage", "chat.update"}:
            ts = f"1893916800.{next(self._ts):06d}"
            return {"ok": True, "channel": params.get("channel"), "ts": ts,
                    "message": {"text": params.get("text"), "ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1893916800.{next(self._ts):06d}"}
        if method in {"views.publish", "views.open"}:
            return {"ok": True, "view": {"id": "V0001", **(params.get("view") or {})}}
        if method == "users.info":
            user = str(params.get("user"))
            return {"ok": True, "user": {"id": user, "name": user.lower(),
                                         "tz": self.user_tz.get(user)}}
        return {"ok": True}

    def _serve(self, request: Recorded) -> Reply:
        call = _call(request)
        if call.method == "response":
            return Reply(200, "ok", {"Content-Type": "text/plain"})
        return Reply(200, self.answer(call.method, call.params),
                     {"Content-Type": "application/json; charset=utf-8"})

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]


def _call(request: Recorded) -> Call:
    params: dict[str, Any] = {k: v[-1] for k, v in request.query.items() if v[-1]}
    if request.headers.get("content-type", "").startswith("application/json") and request.body:
        params.update(request.json())
    elif request.body:
        params.update(request.form())
    for key in ("blocks", "view"):  # form-encoded calls carry these as JSON text
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    path = request.raw_path
    method = path.removeprefix("/api/") if path.startswith("/api/") else "response"
    return Call(method, path, params)
