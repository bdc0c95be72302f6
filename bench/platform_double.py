"""A chat platform's send API, in a process of its own, for the benchmarks.

It answers ``POST /<anything>`` (a JSON body with a ``text``) like a chat API, and
``POST /bot<token>/<method>`` like the Telegram Bot API, and counts every message by its
text; ``GET /stats`` returns the counts, ``POST /reset`` clears them. Running it in its own
process matters: a real platform is not in our process, and a double that shares our GIL
would be measured as our cost.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import multiprocessing
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar
from urllib.parse import parse_qs


class _Connection(asyncio.Protocol):
    """Just enough HTTP/1.1 (keep-alive, Content-Length bodies) to answer like a chat API.
    Hand-rolled on asyncio so that the double costs little per request: it stands in for
    a platform, and its own cost is only the floor under every figure (the anchor)."""

    received: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (end := self._buffer.find(b"\r\n\r\n")) >= 0:
            head = self._buffer[:end].decode("latin-1").split("\r\n")
            length = next((int(line.split(":", 1)[1]) for line in head[1:]
                           if line.lower().startswith("content-length:")), 0)
            if len(self._buffer) < end + 4 + length:
                return
            body = self._buffer[end + 4:end + 4 + length]
            self._buffer = self._buffer[end + 4 + length:]
            method, path = head[0].split(" ")[:2]
            self._respond(self._handle(method, path, body))

    def _handle(self, method: str, path: str, body: bytes) -> Any:
        if method == "GET":
            return dict(self.received)
        if path == "/reset":
            self.received.clear()
            return {"ok": True}
        if path.startswith("/bot"):  # the Telegram Bot API: /bot<token>/<method>
            return _telegram(path.rsplit("/", 1)[-1], _params(body), self.received)
        self.received[json.loads(body)["text"]] += 1
        return {"ok": True, "id": sum(self.received.values())}

    def _respond(self, payload: Any) -> None:
        reply = json.dumps(payload).encode()
        assert self._transport is not None
        self._transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              b"Content-Length: " + str(len(reply)).encode() + b"\r\n\r\n"
                              + reply)


BOT_USER = {"id": 999, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}


def _params(body: bytes) -> dict[str, Any]:
    """python-telegram-bot posts form fields (structured values JSON-encoded) or JSON."""
    if body[:1] == b"{":
        found: dict[str, Any] = json.loads(body)
        return found
    return {k: v[-1] for k, v in parse_qs(body.decode()).items()}


def _telegram(method: str, params: dict[str, Any], received: Counter[str]) -> Any:
    if method == "getMe":
        return {"ok": True, "result": BOT_USER}
    if method in {"sendMessage", "editMessageText"}:
        received[str(params.get("text", ""))] += 1
        chat = int(params.get("chat_id", 0))
        return {"ok": True, "result": {
            "message_id": sum(received.values()), "date": 1_893_916_800, "from": BOT_USER,
            "chat": {"id": chat, "type": "private"}, "text": params.get("text", "")}}
    return {"ok": True, "result": True}


def _serve(port: Any) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_Connection, "127.0.0.1", 0)
        port.value = server.sockets[0].getsockname()[1]
        await server.serve_forever()

    asyncio.run(main())


class PlatformDouble:
    """Start with ``with PlatformDouble() as double:``; ``double.port`` is where it listens."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._port = ctx.Value("i", 0)
        self._process = ctx.Process(target=_serve, args=(self._port,), daemon=True)

    def __enter__(self) -> PlatformDouble:
        self._process.start()
        while not self._port.value:
            self._process.join(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join()

    @property
    def port(self) -> int:
        return int(self._port.value)

    def _call(self, method: str, path: str) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, b"" if method == "POST" else None)
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def reset(self) -> None:
        self._call("POST", "/reset")

    def received(self) -> Counter[str]:
        return Counter(self._call("GET", "/stats"))


class HttpSender:
    """``core.ports.Sender`` over HTTP, one keep-alive connection per thread."""

    channel = "telegram"

    def __init__(self, port: int) -> None:
        self._port = port
        self._local = threading.local()

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection("127.0.0.1", self._port,
                                                                 timeout=10)
        body = json.dumps({"chat_id": recipient_id, "text": text,
                           "choices": list(choices)}).encode()  # bytes: one send with the head
        conn.request("POST", "/sendMessage", body, {"Content-Type": "application/json"})
        return str(json.loads(conn.getresponse().read())["id"])
