"""Local HTTP servers that speak the Telegram Bot API and Twilio REST wire formats.

Each runs on 127.0.0.1:0 in a thread, answers like the platform, and records every request,
so the tests drive the REAL python-telegram-bot and twilio clients end to end.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.http_double import HttpDouble, Reply
from tests.http_double import Recorded as Request

BOT_USER = {"id": 999, "is_bot": True, "first_name": "Salon", "username": "salon_bot"}
EPOCH = 1_893_916_800  # 2030-01-07 (a date inside the tests' clock)


@dataclass
class Recorded:
    method: str
    path: str
    headers: Mapping[str, str]  # names in any case
    params: dict[str, Any]


def _decode(value: str) -> Any:
    """PTB JSON-encodes structured values (reply_markup, allowed_updates) inside the form."""
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _params(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        params: dict[str, Any] = json.loads(request.body or b"{}")
        return params
    return {k: _decode(v) for k, v in request.form().items()}


def _recorded(request: Request) -> Recorded:
    return Recorded(request.method, request.raw_path, httpx.Headers(request.headers),
                    _params(request))


@dataclass
class RecordingServer(HttpDouble):
    """Subclasses implement ``answer(path, params) -> (status, json body)``."""

    def _serve(self, request: Request) -> Reply:
        status, body = self.answer(request.raw_path, _params(request))
        return Reply(status, body, {"Content-Type": "application/json"})

    def answer(self, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        raise NotImplementedError

    @property
    def requests(self) -> list[Recorded]:
        return [_recorded(r) for r in self.received()]

    def calls(self, suffix: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith(suffix)]


@dataclass
class FakeTelegram(RecordingServer):
    """``POST /bot{token}/{method}`` -> ``{"ok": true, "result": ...}``."""

    token: str = "123456:TEST-token"
    updates: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, tuple[int, str]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))

    @property
    def api_base(self) -> str:
        return self.base + "/bot"

    def answer(self, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        method = path.rsplit("/", 1)[-1]
        if method in self.failures:
            code, description = self.failures[method]
            return code, {"ok": False, "error_code": code, "description": description}
        result: Any = True
        if method == "getMe":
            result = BOT_USER
        elif method == "sendMessage":
            result = {"message_id": next(self._ids), "date": EPOCH, "from": BOT_USER,
                      "chat": {"id": int(params["chat_id"]), "type": "private"},
                      "text": params.get("text", "")}
            if "reply_markup" in params:
                result["reply_markup"] = params["reply_markup"]
        elif method == "getUpdates":
            offset = int(params.get("offset") or 0)
            result = [u for u in self.updates if u["update_id"] >= offset]
            self.updates = []
        return 200, {"ok": True, "result": result}

    def sent(self) -> list[dict[str, Any]]:
        return [r.params for r in self.calls("/sendMessage")]

    def perform(self, webhook_reply: dict[str, Any]) -> None:
        """What Telegram does with a webhook's JSON answer: performs the method it names (here
        recorded like a Bot API call, form-encoded as python-telegram-bot posts them)."""
        params = {k: json.dumps(v) if isinstance(v, dict | list) else str(v)
                  for k, v in webhook_reply.items() if k != "method"}
        httpx.post(f"{self.api_base}{self.token}/{webhook_reply['method']}", data=params,
                   timeout=10).raise_for_status()


@dataclass
class FakeTwilio(RecordingServer):
    """``POST /2010-04-01/Accounts/{sid}/Messages.json`` -> 201 with a message resource."""

    account_sid: str = "AC" + "0" * 32
    failure: tuple[int, int, str] | None = None  # (HTTP status, Twilio code, message)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def answer(self, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        if self.failure is not None:
            status, code, message = self.failure
            return status, {"code": code, "message": message, "status": status,
                            "more_info": f"https://www.twilio.com/docs/errors/{code}"}
        sid = f"SM{next(self._ids):032d}"
        return 201, {
            "sid": sid, "account_sid": self.account_sid, "to": str(params.get("To")),
            "from": str(params.get("From")), "body": str(params.get("Body")),
            "status": "queued", "num_segments": "1", "direction": "outbound-api",
            "api_version": "2010-04-01", "price": None, "price_unit": "USD",
            "error_code": None, "error_message": None, "num_media": "0",
            "date_created": "Mon, 07 Jan 2030 08:00:00 +0000", "date_sent": None,
            "date_updated": "Mon, 07 Jan 2030 08:00:00 +0000", "messaging_service_sid": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            "subresource_uris": {},
        }

    def sent(self) -> list[dict[str, Any]]:
        return [r.params for r in self.calls("/Messages.json")]
