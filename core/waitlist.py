"""Waitlist entries (placeholder replaced by the availability work)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.interval import Interval


@dataclass(frozen=True)
class WaitlistEntry:
    id: str
    customer_id: str
    channel: str
    service_key: str
    provider_key: str | None  # None = any provider
    window: Interval  # the wanted range of instants (a day, a part of a day, days)
    created_at: datetime
