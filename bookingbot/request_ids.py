"""Every HTTP request gets a request id: the caller's ``X-Request-ID`` if well formed,
else a new one. It is current (``core.tracing``) while the request runs -- its log lines,
the outbox and notification rows it writes, the worker's lines when it sends them -- and
goes back in the response's ``X-Request-ID``, so one customer's message can be followed
with ``grep <id>`` across the web and worker logs.

Well formed: 1-64 letters, digits, ``.``, ``_`` or ``-`` (a UUID, nginx's ``$request_id``,
Heroku's), and nothing the log scrubber would hide (``bookingbot.logs.mask``): an id must
read the same in every log. Anything else is replaced, never echoed.

It also writes the access line (uvicorn's own is off): method, path, status and time,
with the request id, which uvicorn's line cannot carry (it is written outside the app).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bookingbot.logs import mask
from core.tracing import MAX_LENGTH, new_request_id, request_scope

log = logging.getLogger("bookingbot.access")
HEADER = b"x-request-id"
# A calendar feed's last segment is its secret token: never in a log.
_FEED_TOKEN = re.compile(r"[^/]+\.ics$")
_WELL_FORMED = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_LENGTH - 1}}}")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def chosen(given: bytes | None) -> str:
    """The caller's id if it is one we can carry unchanged; a new one otherwise."""
    if given:
        text = given.decode("latin-1").strip()
        if _WELL_FORMED.fullmatch(text) and mask(text) == text:
            return text
    return new_request_id()


class RequestIds:
    """Pure ASGI middleware, outermost, so even a refused body's 413 carries the id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope.get("headers") or () if k.lower() == HEADER), None)
        request_id = chosen(given)
        scope.setdefault("state", {})["request_id"] = request_id

        status = 0
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers") or () if k.lower() != HEADER]
                message["headers"] = [*headers, (HEADER, request_id.encode())]
            await send(message)

        # Set in this task's context: the route's threads (run_in_threadpool copies the
        # context) and its background tasks (same task) see it too.
        with request_scope(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                log.info("%s %s %s", scope.get("method"),
                         _FEED_TOKEN.sub("***.ics", str(scope.get("path", ""))), status,
                         extra={"status": status,
                                "ms": round((time.perf_counter() - started) * 1000, 1)})
