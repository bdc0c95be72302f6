"""Turn day and time-of-day components into concrete aware windows."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from bot.timeparse.clock import TimeSpec
from bot.timeparse.days import DaySpec, SpanSpec
from bot.timeparse.localtime import MINUTES_PER_DAY, is_before, later, localize, midnight

Window = tuple[datetime, datetime]


def rolling_days(today: date) -> DaySpec:
    """No day named: today, else tomorrow."""
    return DaySpec((today, today + timedelta(days=1)), False)


def resolve_instant(day: DaySpec, minute: int, now: datetime, zone: tzinfo) -> Window:
    """First candidate day on which the clock time is not in the past."""
    moment = localize(day.candidates[0], minute, zone)
    for candidate in day.candidates:
        moment = localize(candidate, minute, zone)
        if day.pinned or not is_before(moment, now):
            break
    return moment, moment


def resolve_window(day: DaySpec, spec: TimeSpec, now: datetime, zone: tzinfo) -> Window:
    """First candidate whose window has not ended; a running window starts at now."""
    start = end = now
    for candidate in day.candidates:
        start = localize(candidate, spec.start, zone)
        end = localize(candidate, spec.end, zone)
        if spec.tonight and not is_before(now, end):
            end = localize(candidate, MINUTES_PER_DAY, zone)
        if is_before(now, end):
            return later(start, now), end
        if day.pinned:
            break
    return start, end


def resolve_day(day: DaySpec, zone: tzinfo) -> Window:
    """Whole local day, midnight to midnight (23/25 h on DST days)."""
    first = day.candidates[0]
    return midnight(first, zone), midnight(first + timedelta(days=1), zone)


def resolve_span(span: SpanSpec, now: datetime, zone: tzinfo) -> Window:
    """Week/weekend/month window; a window already running starts at now."""
    start, end = midnight(span.start, zone), midnight(span.end, zone)
    if span.clip and is_before(start, now) and is_before(now, end):
        start = now
    return start, end


def resolve_part_span(span: SpanSpec, spec: TimeSpec, now: datetime, zone: tzinfo) -> Window:
    """'mon-wed mornings': first day's part start to last day's part end, never over."""
    start, last = span.start, span.end - timedelta(days=1)
    end = localize(last, spec.end, zone)
    if span.step and not is_before(now, end):
        start, last = start + timedelta(days=span.step), last + timedelta(days=span.step)
        end = localize(last, spec.end, zone)
    return later(localize(start, spec.start, zone), now), end


def resolve(
    day: DaySpec | None, spec: TimeSpec | None, now: datetime, zone: tzinfo
) -> tuple[Window, str] | None:
    """Combine components; returns the window and its grain."""
    if day is None and spec is None:
        return None
    if spec is None:
        assert day is not None
        return resolve_day(day, zone), "day"
    days = day or rolling_days(now.date())
    if spec.grain == "minute":
        return resolve_instant(days, spec.start, now, zone), "minute"
    return resolve_window(days, spec, now, zone), spec.grain
