"""WhatsApp's 24-hour customer-service window, as pure rules over an injected ``now``.

A business may send free-form messages to a customer only within 24 hours of that
customer's last message; outside it, only pre-approved templates. We send free-form only
while the window has at least ``MARGIN`` left, so a message that takes a moment to reach
WhatsApp never arrives just after the window closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

WINDOW = timedelta(hours=24)
MARGIN = timedelta(minutes=5)


def inside(last_inbound: datetime | None, now: datetime, *, margin: timedelta = MARGIN) -> bool:
    return last_inbound is not None and last_inbound <= now < last_inbound + WINDOW - margin


class ServiceWindows(Protocol):
    """When each address last wrote (``db.service_windows.SqlServiceWindows``)."""

    def record(self, address: str, delivery_id: str, at: datetime) -> None:
        """An inbound message; a delivery already processed changes nothing."""

    def last_inbound(self, address: str) -> datetime | None: ...

    def close(self, address: str) -> None:
        """Twilio reported the window closed (error 63016)."""


class NoWindows:
    """For tests that do not care: the window is always open."""

    def __init__(self, now: datetime) -> None:
        self._now = now

    def record(self, address: str, delivery_id: str, at: datetime) -> None:
        del address, delivery_id, at

    def last_inbound(self, address: str) -> datetime | None:
        del address
        return self._now

    def close(self, address: str) -> None:
        del address
