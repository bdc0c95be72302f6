"""The guard around the whole web app: bounded bodies, security headers, no crash escapes.

A pure ASGI middleware, so every route -- present and future, ours or a mount's -- reads
its body through it, whatever the route does with ``request.body()``:

- A ``Content-Length`` above the route's limit is refused with 413 before a byte of the
  body is read; a body streamed without one (chunked) is counted chunk by chunk and
  refused with 413 the moment it passes the limit. Memory per request is bounded by the
  limit, never by what the client sends.
- Every response gets ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Content-Security-Policy: frame-ancestors 'none'`` and ``Referrer-Policy: no-referrer``
  (a route may set its own CSP first), plus HSTS when the request came over https (directly
  or as ``X-Forwarded-Proto: https`` from the proxy in front).
- An exception that escapes a route is logged (masked, see ``bookingbot.logs``) and
  answered with a plain 500 here, and not re-raised: uvicorn then keeps the keep-alive
  connection open instead of closing it after a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_BODY_LIMIT = 64 * 1024
HSTS = b"max-age=31536000; includeSubDomains"
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
)


class _Refused(Exception):
    """The body went over the limit while the route was reading it (already answered)."""


class AsgiGuard:
    """``limits`` maps a path prefix to its body limit in bytes; the longest match wins."""

    def __init__(self, app: ASGIApp, *, limits: Mapping[str, int] | None = None,
                 default_limit: int = DEFAULT_BODY_LIMIT) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = sorted((limits or {}).items(), key=lambda kv: -len(kv[0]))

    def limit_for(self, path: str) -> int:
        return next((limit for prefix, limit in self.limits if path.startswith(prefix)),
                    self.default_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        limit = self.limit_for(scope.get("path", ""))
        declared = headers.get(b"content-length", b"").strip()
        https = scope.get("scheme") == "https" or \
            headers.get(b"x-forwarded-proto", b"").split(b",")[0].strip() == b"https"
        state = _Exchange(send, https=https)
        if declared and (not declared.isdigit() or int(declared) > limit):
            await state.refuse(413 if declared.isdigit() else 400)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            if state.refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    await state.refuse(413)
                    raise _Refused
            return message

        try:
            await self.app(scope, bounded_receive, state.send)
        except _Refused:
            return
        except Exception:
            if state.refused:
                return  # the route choked on the refused body: already answered 413
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not state.started:
                await state.plain(500, b"internal error")


class _Exchange:
    """One request's response side: adds the headers, and after a refusal swallows what
    the route (or Starlette's error middleware) still tries to send."""

    def __init__(self, send: Send, *, https: bool) -> None:
        self._send = send
        self._https = https
        self.started = False
        self.refused = False

    async def send(self, message: Message) -> None:
        if self.refused:
            return
        if message["type"] == "http.response.start":
            self.started = True
            message["headers"] = self._secured(list(message.get("headers") or ()))
        await self._send(message)

    def _secured(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in headers}
        extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
        if self._https and b"strict-transport-security" not in present:
            extra.append((b"strict-transport-security", HSTS))
        return headers + extra

    async def plain(self, status: int, body: bytes) -> None:
        await self.send({"type": "http.response.start", "status": status,
                         "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                     (b"content-length", str(len(body)).encode())]})
        await self.send({"type": "http.response.body", "body": body})

    async def refuse(self, status: int) -> None:
        if not self.started:
            await self.plain(status, b"request body too large" if status == 413
                             else b"bad content-length")
        self.refused = True
