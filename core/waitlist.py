"""Waitlist entries and fair, pure matching of a freed slot to the people waiting for it.

An entry wants a range of instants (``window``) and, optionally, a part of every day on
its own wall clock ("afternoons next week": ``window`` = next week, ``part_of_day`` =
12:00-18:00 in ``tz``). Matching is first come, first served: ``created_at``, then ``id``
so that entries created in the same instant still have one stable order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.availability import Slot, span_on
from core.interval import Interval
from core.model import LocalSpan
from core.timeutil import local_date


@dataclass(frozen=True)
class WaitlistEntry:
    id: str
    customer_id: str
    channel: str
    service_key: str
    provider_key: str | None  # None = any provider
    window: Interval  # the wanted range of instants (a day, a part of a day, days)
    created_at: datetime
    part_of_day: LocalSpan | None = None  # a daily wall-clock span within ``window`` ...
    tz: ZoneInfo | None = None  # ... read in this zone (the customer's or the provider's)

    def __post_init__(self) -> None:
        if (self.part_of_day is None) != (self.tz is None):
            raise ValueError("part_of_day and tz go together")

    def wants(self, slot: Slot, service_key: str) -> bool:
        if service_key != self.service_key:
            return False
        if self.provider_key is not None and self.provider_key != slot.provider_key:
            return False
        appointment = slot.appointment
        if not self.window.contains(appointment):
            return False
        if self.part_of_day is None or self.tz is None:
            return True
        # The span of the local day the appointment starts on, with the same DST handling
        # as opening hours (a span ending at 00:00 runs to midnight).
        day = local_date(slot.start, self.tz)
        return span_on(day, self.part_of_day, self.tz).contains(appointment)


def matching_entries(entries: Sequence[WaitlistEntry], slot: Slot,
                     service_key: str) -> list[WaitlistEntry]:
    """Entries that would take ``slot``, first come first served."""
    wanted = [e for e in entries if e.wants(slot, service_key)]
    return sorted(wanted, key=lambda e: (e.created_at, e.id))
