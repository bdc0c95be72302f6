"""A real HTTP server on 127.0.0.1 that records every request and answers from a fake API.

The adapters talk to it through their real httpx clients, so URLs, query strings, headers,
JSON bodies and status codes all cross a socket exactly as they would in production.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Recorded:
    method: str
    raw_path: str  # still percent-encoded, as sent
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def path(self) -> str:
        return unquote(self.raw_path)

    @property
    def segments(self) -> list[str]:
        return [unquote(s) for s in self.raw_path.split("/") if s]

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list → JSON, str/bytes → as is, None → empty
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to stall before answering (timeouts)


App = Callable[[Recorded], Reply]


class LocalServer:
    def __init__(self, app: App) -> None:
        self.app = app
        self.requests: list[Recorded] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval makes shutdown (and so every test teardown) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def calls(self, method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if method is None or r.method == method]


def _handler_for(owner: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            request = Recorded(
                method=self.command, raw_path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"")
            owner.requests.append(request)
            reply = owner.app(request)
            if reply.delay:
                time.sleep(reply.delay)
            self._write(reply)

        def _write(self, reply: Reply) -> None:
            headers = dict(reply.headers)
            if isinstance(reply.body, dict | list):
                payload = json.dumps(reply.body).encode()
                headers.setdefault("Content-Type", "application/json; charset=UTF-8")
            elif isinstance(reply.body, str):
                payload = reply.body.encode()
            else:
                payload = reply.body or b""
            try:
                self.send_response(reply.status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (a timeout test): nothing left to answer

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


def json_error(status: int, message: str, **extra: Any) -> Reply:
    """The ``{"error": {...}}`` shape Google and Graph both use."""
    return Reply(status, {"error": {"code": extra.pop("code", status), "message": message,
                                    **extra}})
