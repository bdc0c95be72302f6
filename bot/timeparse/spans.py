"""Multi-day ranges: 'mon-wed', 'dec 1-3', 'early next week', 'end of the month'.

Every rule here yields a :class:`SpanSpec` of grain "range" (whole local days,
[first day 00:00, day after the last 00:00)); a part of day named with it narrows
the ends ("mon-wed mornings" -> Mon 08:00 .. Wed 12:00).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from bot.timeparse.days import (
    DAY_MARK,
    MONTHS,
    WEEKDAYS,
    DayParse,
    SpanSpec,
    safe_date,
)
from bot.timeparse.localtime import first_of_next_month, monday_of

_WD = "|".join(WEEKDAYS)
_MON = "|".join(MONTHS)
_ORD = r"(?:st|nd|rd|th)?"
_TO = r"\s*(?:-|\bto\b|\buntil\b)\s*"
# Parts of a week: (first weekday index, number of days).
_WEEK_PARTS = {"early": (0, 2), "mid": (1, 3), "end": (3, 3)}
# Parts of a month: (first day, first day of the next part or None = month end).
_MONTH_PARTS = {"early": (1, 11), "mid": (11, 21), "end": (21, None)}
_PART_WORDS = {
    "early": "early",
    "start": "early",
    "beginning": "early",
    "mid": "mid",
    "middle": "mid",
    "end": "end",
    "late": "end",
}
_PART = r"(?P<part>early|start|beginning|mid|middle|end|late)"

Handler = Callable[[re.Match[str], date], SpanSpec | None]


def _weekday_range(m: re.Match[str], today: date) -> SpanSpec | None:
    first = WEEKDAYS.index(m.group("a") or m.group("a2"))
    last = WEEKDAYS.index(m.group("b") or m.group("b2"))
    length = (last - first) % 7 + 1
    start = today - timedelta(days=(today.weekday() - first) % 7)
    if start + timedelta(days=length) <= today:
        start += timedelta(days=7)
    return SpanSpec(start, start + timedelta(days=length), "range", True, 7)


def _date_range(m: re.Match[str], today: date) -> SpanSpec | None:
    month = MONTHS.index(m.group("mon")) + 1
    first, last = int(m.group("a")), int(m.group("b"))
    if last < first:
        return None
    for year in (today.year, today.year + 1):
        start, end = safe_date(year, month, first), safe_date(year, month, last)
        if start is None or end is None:
            return None
        if end >= today:
            return SpanSpec(start, end + timedelta(days=1), "range", True)
    return None


def _week_part(m: re.Match[str], today: date) -> SpanSpec | None:
    offset, length = _WEEK_PARTS[_PART_WORDS[m.group("part") or "mid"]]
    start = monday_of(today) + timedelta(days=offset)
    if m.group("mod") == "next" or start + timedelta(days=length) <= today:
        start += timedelta(days=7)
    return SpanSpec(start, start + timedelta(days=length), "range", True)


def _month_part(m: re.Match[str], today: date) -> SpanSpec | None:
    first_day, next_part = _MONTH_PARTS[_PART_WORDS[m.group("part")]]
    month = today.replace(day=1)
    if m.group("mod") == "next":
        month = first_of_next_month(month)
    for _ in range(2):
        start = month.replace(day=first_day)
        nxt = first_of_next_month(month)
        end = nxt if next_part is None else month.replace(day=next_part)
        if end > today:
            return SpanSpec(start, end, "range", True)
        month = nxt
    return None


def _named_month_part(m: re.Match[str], today: date) -> SpanSpec | None:
    """'early december', 'mid-june', 'end of may 2027': the next such part not yet over."""
    first_day, next_part = _MONTH_PARTS[_PART_WORDS[m.group("part")]]
    month = MONTHS.index(m.group("mon")) + 1
    years = [int(m.group("y"))] if m.group("y") else [today.year, today.year + 1]
    for year in years:
        start = date(year, month, first_day)
        nxt = first_of_next_month(start)
        end = nxt if next_part is None else start.replace(day=next_part)
        if end > today or m.group("y"):
            return SpanSpec(start, end, "range", True)
    return None


_RULES: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (
        re.compile(
            rf"\bbetween\s+(?P<a>{_WD})\s+and\s+(?P<b>{_WD})\b"
            rf"|\b(?P<a2>{_WD}){_TO}(?P<b2>{_WD})\b"
        ),
        _weekday_range,
    ),
    (
        re.compile(
            rf"\b(?P<mon>{_MON})\s+(?P<a>\d{{1,2}}){_ORD}{_TO}(?:(?P=mon)\s+)?(?P<b>\d{{1,2}}){_ORD}"
            r"(?![\w:/])(?!\s*(?:am|pm)\b)"
        ),
        _date_range,
    ),
    (
        re.compile(
            rf"(?<![\d:/])(?P<a>\d{{1,2}}){_ORD}{_TO}(?P<b>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MON})\b"
        ),
        _date_range,
    ),
    (
        re.compile(
            rf"\b(?:the\s+)?{_PART}(?:\s+of)?(?:\s+the)?\s+(?:(?P<mod>this|next)\s+)?week\b"
            r"|\b(?:the\s+)?mid\s?week\b"
        ),
        _week_part,
    ),
    (
        re.compile(
            rf"\b(?:the\s+)?{_PART}(?:\s+of)?(?:\s+the)?\s+(?:(?P<mod>this|next)\s+)?month\b"
        ),
        _month_part,
    ),
    (
        re.compile(
            rf"\b(?:the\s+)?{_PART}(?:\s+of)?\s*-?\s*(?P<mon>{_MON})(?:\s+(?P<y>\d{{4}}))?\b"
            r"(?!\s*\d)"
        ),
        _named_month_part,
    ),
)


def find_span(text: str, today: date) -> DayParse | None:
    """The first multi-day range in *text*, or None when there is none."""
    for pattern, handler in _RULES:
        m = pattern.search(text)
        if m:
            spec = handler(m, today)
            rest = (text[: m.start()] + f" {DAY_MARK} " + text[m.end() :]).strip()
            return DayParse(spec, rest, spec is None)
    return None
