"""Recurring series: the same wall-clock time every N weeks, across DST changes.

10:00 stays 10:00 local when the clocks change, so the UTC instant moves instead. A
wall time the clocks skip that day has no instant: its occurrence is None and the
caller decides (skip it, or ask the customer). An ambiguous time takes its first
occurrence (``fold=0``), as everywhere else.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.timeutil import local_instant

MAX_COUNT = 52  # a year of weekly appointments; longer series are re-booked, not stored


def weekly_days(*, first_day: date, every_weeks: int = 1, count: int) -> list[date]:
    """The local dates of a series: ``first_day`` and then every ``every_weeks`` weeks."""
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be 1..{MAX_COUNT}, got {count}")
    if every_weeks < 1:
        raise ValueError(f"every_weeks must be at least 1, got {every_weeks}")
    return [first_day + timedelta(weeks=every_weeks * i) for i in range(count)]


def weekly_starts(*, first_day: date, at: time, tz: ZoneInfo, every_weeks: int = 1,
                  count: int) -> list[datetime | None]:
    """UTC starts of each occurrence, or None where ``at`` does not exist that day."""
    dates = weekly_days(first_day=first_day, every_weeks=every_weeks, count=count)
    return [local_instant(d, at, tz) for d in dates]


def series_summary(*, first_day: date, at: time, every_weeks: int = 1,
                   starts: list[datetime | None]) -> str:
    """A one-line description for a confirmation message, naming skipped dates."""
    every = "week" if every_weeks == 1 else f"{every_weeks} weeks"
    text = f"every {every} on {first_day:%A} at {at:%H:%M}, {len(starts)} times from {first_day}"
    dates = weekly_days(first_day=first_day, every_weeks=every_weeks, count=len(starts))
    skipped = [d.isoformat() for d, s in zip(dates, starts, strict=True) if s is None]
    if skipped:
        text += f" (no {at:%H:%M} on {', '.join(skipped)}: the clocks change)"
    return text
