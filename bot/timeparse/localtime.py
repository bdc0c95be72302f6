"""Wall-clock helpers that are correct across DST transitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

MINUTES_PER_DAY = 1440


def localize(day: date, minute_of_day: int, zone: tzinfo) -> datetime:
    """Aware datetime for wall time *minute_of_day* (0..1440) on *day* in *zone*.

    1440 means midnight at the end of *day*.  A wall time inside a spring-forward
    gap moves forward by the size of the gap (02:30 -> 03:30 when clocks jump an
    hour); an ambiguous wall time (fall-back) takes its first occurrence (fold=0).
    """
    wall = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minute_of_day)
    # Aware + timedelta is wall-clock arithmetic; the UTC round trip then
    # normalises gap times forward and keeps fold=0 for ambiguous ones.
    return wall.replace(fold=0).astimezone(UTC).astimezone(zone)


def midnight(day: date, zone: tzinfo) -> datetime:
    """Local midnight starting *day* (never +24h arithmetic on aware values)."""
    return localize(day, 0, zone)


def is_before(a: datetime, b: datetime) -> bool:
    """Strict instant comparison (safe for same-zone values with different folds)."""
    return a.timestamp() < b.timestamp()


def later(a: datetime, b: datetime) -> datetime:
    """The later of two instants."""
    return b if is_before(a, b) else a


def add_minutes(moment: datetime, minutes: float, zone: tzinfo) -> datetime:
    """Elapsed-time arithmetic done in UTC, result expressed in *zone*."""
    return (moment.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)


def monday_of(day: date) -> date:
    """The Monday of *day*'s ISO week."""
    return day - timedelta(days=day.weekday())


def first_of_next_month(day: date) -> date:
    """First day of the month after *day*'s month."""
    if day.month == 12:
        return date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)
