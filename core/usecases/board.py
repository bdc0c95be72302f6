"""The front desk's board: every provider's bookings, holds and busy time over a window.

The window is any span of instants (the admin's day or week in the *viewer's* zone, so a
23- or 25-hour DST day is just a shorter or longer window); what counts as occupying is the
bookings repository's rule (held and unexpired, or confirmed), the same one availability uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.booking import BookingStatus
from core.interval import Interval
from core.model import Provider
from core.ports import UnitOfWork
from core.usecases.provider import (
    TIME_OFF,
    AgendaItem,
    ProviderQueries,
    TimeOff,
    agenda_items,
)


class EntryKind(StrEnum):
    BOOKING = "booking"
    HOLD = "hold"
    TIME_OFF = "timeoff"
    BUSY = "busy"  # a block read from the provider's own calendar


@dataclass(frozen=True)
class Entry:
    kind: EntryKind
    span: Interval
    item: AgendaItem | None = None  # bookings and holds
    block: TimeOff | None = None  # time off and busy


@dataclass(frozen=True)
class Column:
    provider: Provider
    entries: tuple[Entry, ...]


def _booking_entries(items: Sequence[AgendaItem]) -> list[Entry]:
    return [Entry(EntryKind.HOLD if i.booking.status is BookingStatus.HELD else EntryKind.BOOKING,
                  i.booking.appointment, item=i) for i in items]


def _block_entries(blocks: Sequence[TimeOff]) -> list[Entry]:
    return [Entry(EntryKind.TIME_OFF if b.source == TIME_OFF else EntryKind.BUSY, b.span,
                  block=b) for b in blocks]


def board(uow: UnitOfWork, q: ProviderQueries, *, window: Interval, provider_keys: Sequence[str],
          now: datetime) -> list[Column]:
    """One column per provider in ``provider_keys`` (business-file order), entries by start:
    bookings and holds starting in the window, busy blocks overlapping it."""
    with uow:
        business = uow.business()
        wanted = set(provider_keys)
        columns = []
        for provider in (p for p in business.providers if p.key in wanted):
            live = [b for b in uow.bookings.occupying(provider.key, window, now)
                    if window.start <= b.start < window.end]
            entries = _booking_entries(agenda_items(uow, q, business, live))
            entries += _block_entries(q.time_off(uow, provider.key, window))
            entries.sort(key=lambda e: (e.span.start, e.kind.value))
            columns.append(Column(provider, tuple(entries)))
        return columns
