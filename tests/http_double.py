"""A real HTTP server on 127.0.0.1 that records every request and answers from a fake API.

The shared plumbing of the tests' HTTP doubles (calendar APIs, Telegram, Twilio, Slack,
Stripe): an *app* ``(Recorded) -> Reply`` decides the answer, the server does the rest. The
adapters talk to it through their real HTTP clients, so URLs, query strings, headers, bodies
and status codes all cross a socket exactly as they would in production.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit


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
        """The url-encoded body; blank fields kept, a repeated name keeps its last value."""
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list → JSON, str/bytes → as is, None → empty
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to stall before answering, cut short when the server stops: a timeout test
    # sets it far beyond the client's timeout, so the client gives up however slow the machine.
    delay: float = 0.0


App = Callable[[Recorded], Reply]


class _Running:
    """``with x:`` runs ``x.start()`` and, on the way out, ``x.stop()``."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


class LocalServer(_Running):
    """Serves ``app`` from a thread; use as a context manager, or ``start()``/``stop()``."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # releases stalled replies at teardown
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval makes shutdown (and so every test teardown) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self._thread.is_alive():  # shutdown() would wait forever on a server never run
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def calls(self, method: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if method is None or r.method == method]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()


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
            owner.record(request)
            reply = owner.app(request)
            if reply.delay:
                owner.stopping.wait(reply.delay)
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


class HttpDouble(_Running):
    """A fake API served by its own ``LocalServer``: subclasses implement ``_serve``.

    Meant for dataclass doubles, whose generated ``__init__`` runs ``__post_init__``.
    """

    _http: LocalServer

    def __post_init__(self) -> None:
        self._http = LocalServer(self._serve)

    def _serve(self, request: Recorded) -> Reply:
        raise NotImplementedError

    @property
    def base(self) -> str:
        return self._http.base_url

    def start(self) -> None:
        self._http.start()

    def stop(self) -> None:
        self._http.stop()

    def received(self) -> list[Recorded]:
        return self._http.calls()

    def clear(self) -> None:
        self._http.clear()
