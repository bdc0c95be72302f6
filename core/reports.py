"""The business in figures: bookings, money and the rates a person asks about, over a window.

What counts (``db.report_queries`` computes it in SQL, read-only):

* a *booking* is an appointment starting in the window that was confirmed at some point
  (holds that lapsed or were let go never were bookings); it is counted by its status now:
  completed, no-show, cancelled, or still confirmed;
* *collected* and *refunded* are the money taken for, and given back on, those bookings;
* the *no-show rate* and the *cancellation rate* are shares of the bookings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from core.interval import Interval


@dataclass(frozen=True)
class Figures:
    bookings: int = 0
    completed: int = 0
    no_shows: int = 0
    cancelled: int = 0
    collected_minor: int = 0
    refunded_minor: int = 0

    @property
    def net_minor(self) -> int:
        return self.collected_minor - self.refunded_minor

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.bookings if self.bookings else None

    @property
    def cancellation_rate(self) -> float | None:
        return self.cancelled / self.bookings if self.bookings else None

    def plus(self, other: Figures) -> Figures:
        return Figures(self.bookings + other.bookings, self.completed + other.completed,
                       self.no_shows + other.no_shows, self.cancelled + other.cancelled,
                       self.collected_minor + other.collected_minor,
                       self.refunded_minor + other.refunded_minor)


@dataclass(frozen=True)
class ReportLine:
    """One provider's figures for one service, in one currency."""

    provider_key: str
    service_key: str
    currency: str
    figures: Figures


class ReportQueries(Protocol):
    """Read-only; ``provider_keys`` None: every provider, () nobody."""

    def by_provider_service(self, window: Interval, provider_keys: tuple[str, ...] | None
                            ) -> list[ReportLine]: ...

    def by_day(self, days: Sequence[Interval], provider_keys: tuple[str, ...] | None, *,
               currency: str) -> list[Figures]:
        """One ``Figures`` per interval of ``days`` (local days: 23 or 25 hours at DST),
        money in ``currency`` only."""
