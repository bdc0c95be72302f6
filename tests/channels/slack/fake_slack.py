"""A local HTTP server that speaks Slack's Web API wire format and records every call.

``POST|GET /api/<method>`` (JSON, form or query parameters) answers ``{"ok": true, ...}``
like Slack; ``POST /response/<id>`` stands in for a slash command's or button's
``response_url`` (bolt's ``respond()``), which Slack answers with plain ``ok``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER = "UBOT"


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response" for a response_url post
    path: str
    params: dict[str, Any]


@dataclass
class FakeSlack:
    user_tz: dict[str, str] = field(default_factory=dict)  # users.info -> user.tz
    errors: dict[str, str] = field(default_factory=dict)  # method -> Slack error code
    delays: dict[str, float] = field(default_factory=dict)  # method -> seconds (a slow API)
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        time.sleep(self.delays.get(method, 0.0))
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

    def record(self, verb: str, raw_path: str, body: str, content_type: str) -> Call:
        url = urlsplit(raw_path)
        params: dict[str, Any] = dict(parse_qsl(url.query))
        if content_type.startswith("application/json") and body:
            params.update(json.loads(body))
        elif body:
            params.update(parse_qsl(body, keep_blank_values=True))
        for key in ("blocks", "view"):  # form-encoded calls carry these as JSON text
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        method = url.path.removeprefix("/api/") if url.path.startswith("/api/") else "response"
        call = Call(method, url.path, params)
        with self._lock:
            self.calls.append(call)
        del verb
        return call

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode("utf-8")
                call = fake.record(self.command, self.path, body,
                                   self.headers.get("Content-Type", ""))
                if call.method == "response":
                    data, kind = b"ok", "text/plain"
                else:
                    data = json.dumps(fake.answer(call.method, call.params)).encode()
                    kind = "application/json; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                del format, args

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def of(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c.params for c in self.calls if c.method == method]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
