"""Last resort: dateparser, imported once, with sanity checks on its answer."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from typing import Any

from dateparser.date import DateDataParser

from bot.timeparse.days import DaySpec
from bot.timeparse.resolve import Window, resolve_day

_CLOCK_HINT = re.compile(r"\d:\d|\d\s*(?:am|pm)\b|\bnoon\b|\bmidnight\b|\bhours\b|\bminutes\b")
_ONLY_NUMBER = re.compile(r"^[\d\s.:/+-]*$")
# A bare duration ("2 hours") answers "how long?", and 3+ digit runs are not dates.
_REFUSE = re.compile(r"^[\d.]+\s+(?:hours|minutes|days|weeks?)$|(?<![\d:])\d{3,}(?![\d:])")
_MAX_DISTANCE = timedelta(days=3 * 366)
_MAX_LENGTH = 80  # dateparser is slow on long text, and long text is not a bare date


def _settings(now: datetime, zone: tzinfo) -> dict[str, Any]:
    return {
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": str(zone) if str(zone) != "UTC" else "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": now.replace(tzinfo=None),
    }


def _parse(text: str, now: datetime, zone: tzinfo) -> tuple[datetime, str] | None:
    parser = DateDataParser(languages=["en"], settings=_settings(now, zone))
    data = parser.get_date_data(text)
    moment = data.date_obj
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        return None
    return moment, str(data.period)


def fallback(text: str, now: datetime, zone: tzinfo) -> tuple[Window, str] | None:
    """Ask dateparser about a normalised phrase the rules did not handle."""
    refused = len(text) > _MAX_LENGTH or _ONLY_NUMBER.match(text) or _REFUSE.search(text)
    if refused or not hasattr(zone, "key"):
        return None
    try:
        parsed = _parse(text, now, zone)
    except Exception:  # third-party boundary: pytz raises on DST-ambiguous times
        return None
    if parsed is None:
        return None
    moment, period = parsed[0].astimezone(zone), parsed[1]
    if period not in ("day", "week") or abs(moment - now) > _MAX_DISTANCE:
        return None
    if _CLOCK_HINT.search(text):
        return (moment, moment), "minute"
    return resolve_day(DaySpec((moment.date(),), True), zone), "day"
