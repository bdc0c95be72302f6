"""The viewer's zone and day from the query string: every time on a page is shown in one
zone, named on the page (the browser's own zone by default, sent by ``admin.js``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.interval import Interval
from core.timeutil import local_midnight
from i18n.formats import zone_label


def zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default  # a mistyped zone shows the business zone, named, never an error


def day(text: str | None, today: date) -> date:
    try:
        return date.fromisoformat(text) if text else today
    except ValueError:
        return today


def day_window(d: date, tz: ZoneInfo, days: int = 1) -> Interval:
    """Local midnight to local midnight: 23 or 25 hours on DST days."""
    return Interval(local_midnight(d, tz), local_midnight(d + timedelta(days=days), tz))


def hours(window: Interval) -> list[Interval]:
    """The window cut into real hours (UTC steps): the fall-back day has two 01:00 rows."""
    out, at = [], window.start
    while at < window.end:
        out.append(Interval(at, min(at + timedelta(hours=1), window.end)))
        at += timedelta(hours=1)
    return out


def hhmm(instant: datetime, tz: ZoneInfo) -> str:
    local = instant.astimezone(tz)
    return f"{local:%H:%M} {zone_label(local)}"

