"""Instants are aware UTC; local wall-clock time is a view computed with zoneinfo.

The two DST hazards are handled here once, so nothing else has to think about them:
a wall-clock time inside a spring-forward gap does not exist (``local_instant`` returns
None), and one inside a fall-back overlap exists twice (``fold`` picks which).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def require_aware(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {dt!r}")
    return dt


def to_utc(dt: datetime) -> datetime:
    return require_aware(dt).astimezone(UTC)


def local_instant(day: date, at: time, tz: ZoneInfo, *, fold: int = 0) -> datetime | None:
    """The UTC instant of a wall-clock time, or None when the clocks skip it."""
    naive = datetime.combine(day, at.replace(tzinfo=None))
    candidate = naive.replace(tzinfo=tz, fold=fold)
    as_utc = candidate.astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) != naive:
        return None  # in a spring-forward gap
    return as_utc


def local_boundary(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant for an interval boundary at a wall-clock time.

    Boundaries must exist even on DST days, so a time inside a gap maps to the
    instant the clocks jump (the first valid instant after it).
    """
    exact = local_instant(day, at, tz)
    if exact is not None:
        return exact
    naive = datetime.combine(day, at.replace(tzinfo=None))
    # Both folds of a gap time convert to instants around the jump; the later
    # offset interpretation is the first existing instant at/after the gap.
    before = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    after = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return _first_local_after(min(before, after), max(before, after), tz, naive)


def _first_local_after(lo: datetime, hi: datetime, tz: ZoneInfo, naive: datetime) -> datetime:
    # Gaps start on whole minutes in every real zone: search the minute grid.
    t = lo
    while t <= hi:
        if t.astimezone(tz).replace(tzinfo=None) >= naive:
            return t
        t += timedelta(minutes=1)
    return hi


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return local_boundary(day, time(0, 0), tz)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return require_aware(instant).astimezone(tz).date()


def days(start: date, end: date) -> list[date]:
    """Dates from start to end inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def parse_duration(text: str) -> timedelta:
    """'24h', '90m', '90s', '1d', '1h30m', or a bare number of minutes."""
    s = text.strip().lower().replace(" ", "")
    if not s:
        raise ValueError("empty duration")
    if s.isdigit():
        return timedelta(minutes=int(s))
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    total, number = 0, ""
    for ch in s:
        if ch.isdigit():
            number += ch
        elif ch in units and number:
            total += int(number) * units[ch]
            number = ""
        else:
            raise ValueError(f"invalid duration {text!r} (use e.g. 24h, 90m, 30s, 1h30m)")
    if number:
        raise ValueError(f"invalid duration {text!r}: number without unit")
    return timedelta(seconds=total)
