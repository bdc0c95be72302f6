"""What every webhook shares: a body size limit, constant-time compares, per-sender rate limits.

Order at every webhook: read the body (bounded) -> verify the signature -> parse -> rate-limit
the sender -> hand the message to the runner. A forged request never reaches the limiter, so
it cannot use up a real customer's allowance.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from i18n import say

MAX_BODY_BYTES = 64 * 1024
def rate_notice(lang: str | None = None) -> str:
    return say(lang, "You're sending messages faster than I can keep up. Please wait a "
                     "minute, then try again.")


RATE_NOTICE = rate_notice()


class BodyTooLarge(Exception):
    """The request body exceeds the limit: answer 413 without reading the rest."""


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, refusing early on a large Content-Length and again while streaming."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def secrets_equal(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented secret with the configured one."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class Verdict(StrEnum):
    ALLOW = "allow"
    NOTICE = "notice"  # the first message over the limit: tell them once, politely
    DROP = "drop"  # further messages in the same flood: silence


class SenderLimiter(Protocol):
    shared: bool  # True: ``check`` makes a round trip (run it off the event loop)

    def check(self, sender_key: str) -> Verdict: ...


class HitCounter(Protocol):
    """Where a shared limit counts (PostgreSQL or Redis): every web process sees one count."""

    def hit(self, key: str, window_s: float) -> int:
        """Messages from ``key`` in its current window, this one included."""


async def verdict_for(limiter: SenderLimiter, sender_key: str) -> Verdict:
    """The verdict, without blocking the event loop on a shared limiter's round trip."""
    if limiter.shared:
        return await run_in_threadpool(limiter.check, sender_key)
    return limiter.check(sender_key)


class SharedRateLimiter:
    """The same rule as ``RateLimiter`` (``limit`` a window, then one notice, then silence)
    counted where every web process counts: a fixed window per sender, so ``serve --workers``
    or several hosts cannot loosen it."""

    shared = True

    def __init__(self, counter: HitCounter, *, limit: int = 20, window_s: float = 60.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._counter = counter

    def check(self, sender_key: str) -> Verdict:
        hits = self._counter.hit(sender_key, self.window_s)
        if hits <= self.limit:
            return Verdict.ALLOW
        return Verdict.NOTICE if hits == self.limit + 1 else Verdict.DROP


class RateLimiter:
    """A sliding-window limit per sender, kept in this process's memory.

    For one process (the SQLite default, tests); with several web processes each would have
    its own window, so PostgreSQL deployments use ``SharedRateLimiter``. Clock injected for
    tests.
    """

    shared = False

    def __init__(self, *, limit: int = 20, window_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, max_senders: int = 10_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._max_senders = max_senders
        self._hits: dict[str, deque[float]] = {}
        self._noticed: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, sender_key: str) -> Verdict:
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(sender_key, deque())
            while hits and now - hits[0] >= self.window_s:
                hits.popleft()
            if len(hits) < self.limit:
                hits.append(now)
                self._prune(now)
                return Verdict.ALLOW
            noticed = self._noticed.get(sender_key)
            if noticed is not None and now - noticed < self.window_s:
                return Verdict.DROP
            self._noticed[sender_key] = now
            return Verdict.NOTICE

    def _prune(self, now: float) -> None:
        if len(self._hits) <= self._max_senders:
            return
        stale = [k for k, h in self._hits.items() if not h or now - h[-1] >= self.window_s]
        for key in stale:
            self._hits.pop(key, None)
            self._noticed.pop(key, None)
