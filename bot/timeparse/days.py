"""Day rules: relative days, weekdays, calendar dates, weeks, weekends, months."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.timeparse.localtime import first_of_next_month, monday_of

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = "(?P<mon>" + "|".join(MONTHS) + ")"
_WEEKDAY = "(?P<wd>" + "|".join(WEEKDAYS) + ")"
_ORD = r"(?:st|nd|rd|th)?"
DAY_MARK = "\u00a7"  # left where a day expression was cut out


@dataclass(frozen=True)
class DaySpec:
    """Candidate calendar days, earliest first; pinned means 'exactly this day'."""

    candidates: tuple[date, ...]
    pinned: bool


@dataclass(frozen=True)
class SpanSpec:
    """A multi-day window [start, end) of whole local days."""

    start: date
    end: date
    grain: str  # "week" | "weekend" | "month" | "range"
    clip: bool  # start from 'now' when now falls inside the window
    step: int = 0  # days to the next occurrence, for windows that may already be over


DayLike = DaySpec | SpanSpec
Handler = Callable[[re.Match[str], date], DayLike | None]


def _pinned(day: date) -> DaySpec:
    return DaySpec((day,), True)


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(raw: str) -> int:
    year = int(raw)
    return year + 2000 if year < 100 else year


def _month_day(month: int, day: int, year: str | None, today: date) -> DaySpec | None:
    if year is not None:
        exact = safe_date(_full_year(year), month, day)
        return _pinned(exact) if exact else None
    found = [
        d
        for y in range(today.year, today.year + 9)
        if (d := safe_date(y, month, day)) is not None and d >= today
    ]
    return DaySpec(tuple(found[:2]), False) if found else None


def _iso(m: re.Match[str], today: date) -> DayLike | None:
    return _month_day(int(m.group("m")), int(m.group("d")), m.group("y"), today)


def _named(m: re.Match[str], today: date) -> DayLike | None:
    month = MONTHS.index(m.group("mon")) + 1
    return _month_day(month, int(m.group("d")), m.group("y"), today)


def _ordinal(m: re.Match[str], today: date) -> DayLike | None:
    day = int(m.group("d"))
    found: list[date] = []
    first = today.replace(day=1)
    for _ in range(14):
        d = safe_date(first.year, first.month, day)
        if d is not None and d >= today:
            found.append(d)
        first = first_of_next_month(first)
    return DaySpec(tuple(found[:2]), False) if found else None


def _relative_word(m: re.Match[str], today: date) -> DayLike | None:
    offsets = {"today": 0, "tomorrow": 1, "overmorrow": 2, "yesterday": -1}
    return _pinned(today + timedelta(days=offsets[m.group("w")]))


def _weekday(m: re.Match[str], today: date) -> DayLike | None:
    target = WEEKDAYS.index(m.group("wd"))
    mod, week = m.group("mod"), m.group("week")
    if week:
        monday = monday_of(today) + timedelta(days=7 if week == "next" else 0)
        return _pinned(monday + timedelta(days=target))
    if mod == "next" or m.group("afternext"):
        following = today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
        return _pinned(following + timedelta(days=7 if m.group("afternext") else 0))
    if mod == "last":
        return _pinned(today - timedelta(days=(today.weekday() - target - 1) % 7 + 1))
    first = today + timedelta(days=(target - today.weekday()) % 7)
    if m.group("after"):
        return _pinned(first + timedelta(days=7))
    return DaySpec((first, first + timedelta(days=7)), False)


def _base_day(word: str | None, today: date) -> date:
    if word in WEEKDAYS:
        return today + timedelta(days=(WEEKDAYS.index(word) - today.weekday()) % 7)
    return today + timedelta(days=1 if word == "tomorrow" else 0)


def _in_days(m: re.Match[str], today: date) -> DayLike | None:
    count = int(m.group("n") or m.group("n2") or 1)
    unit = m.group("u") or m.group("u2") or "week"
    base = _base_day(m.group("base") or m.group("base2"), today)
    return _pinned(base + timedelta(days=count * (1 if unit == "days" else 7)))


def _week_weekday(m: re.Match[str], today: date) -> DayLike | None:
    monday = monday_of(today) + timedelta(days=7 if m.group("mod") == "next" else 0)
    return _pinned(monday + timedelta(days=WEEKDAYS.index(m.group("wd"))))


def _weekend(m: re.Match[str], today: date) -> DayLike | None:
    if m.group("mod") == "next" or m.group("after"):
        saturday = monday_of(today) + timedelta(days=19 if m.group("after") else 12)
        return SpanSpec(saturday, saturday + timedelta(days=2), "weekend", False)
    saturday = monday_of(today) + timedelta(days=5)
    return SpanSpec(saturday, saturday + timedelta(days=2), "weekend", True)


def _weekend_day(m: re.Match[str], today: date) -> DayLike | None:
    """'next weekend sunday', 'saturday of next weekend': one day of that weekend."""
    weeks = 2 if m.group("after") else 1 if "next" in (m.group("mod"), m.group("mod2")) else 0
    saturday = monday_of(today) + timedelta(days=5 + 7 * weeks)
    return _pinned(saturday + timedelta(days=WEEKDAYS.index(m.group("wd") or m.group("wd2")) - 5))


def _week(m: re.Match[str], today: date) -> DayLike | None:
    weeks = 2 if m.group("after") else 1 if m.group("mod") == "next" else 0
    monday = monday_of(today) + timedelta(days=7 * weeks)
    return SpanSpec(monday, monday + timedelta(days=7), "week", m.group("mod") == "this")


def _relative_month(m: re.Match[str], today: date) -> DayLike | None:
    first = today.replace(day=1)
    if m.group("mod") == "next":
        first = first_of_next_month(first)
    return SpanSpec(first, first_of_next_month(first), "month", m.group("mod") == "this")


def _month_name(m: re.Match[str], today: date) -> DayLike | None:
    month = MONTHS.index(m.group("mon")) + 1
    if m.group("y"):
        year = _full_year(m.group("y"))
    elif m.group("mon") in ("may", "march") and not m.group("pre"):
        return None
    else:
        year = today.year if month >= today.month else today.year + 1
    first = date(year, month, 1)
    return SpanSpec(first, first_of_next_month(first), "month", True)


_NOT_TIME = r"(?![\w:/])(?!\s*(?:am|pm|hours|minutes)\b)"
# Words that may stand beside a bare month name when it really is the month: "june?",
# "what about december", "sometime in may".  Anything else ("June is my usual stylist",
# "I'll bring Jan along") makes the month name a person's name.
_MONTH_COMPANIONS = frozenset(
    [
        "what", "about", "how", "maybe", "perhaps", "sometime", "some", "time", "in", "during",
        "for", "please", "pls", "thanks", "around", "ok", "okay", "sure", "then", "or", "so",
        "like", "the", "month", "of", "next", "this", "works", "work", "good", "fine", "would",
        "could", "be", "is", "it", "i", "we", "do", "any", "day", "days", "early", "late", "mid",
        "start", "end",
    ]
)
RULES: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"), _iso),
    (
        re.compile(r"(?<![\d:/])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])"),
        _iso,
    ),
    (
        re.compile(
            rf"\b{_MONTH}\s+(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}{_NOT_TIME}(?:\s+(?P<y>\d{{4}}))?\b"
        ),
        _named,
    ),
    (
        re.compile(
            rf"(?<![\d:/])(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH}(?:\s+(?P<y>\d{{4}}))?\b"
        ),
        _named,
    ),
    (re.compile(r"\b(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\b"), _ordinal),
    (
        re.compile(
            r"\bin\s+(?P<n>\d{1,3})\s+(?P<u>days|week|weeks)\b"
            r"|\b(?P<n2>\d{1,3})\s+(?P<u2>days|week|weeks)\s+(?:(?:from|on|after)\s+)?"
            rf"(?P<base>now|today|tomorrow|{'|'.join(WEEKDAYS)})\b"
            r"|\b(?P<base2>today|tomorrow)\s+week\b"
        ),
        _in_days,
    ),
    (
        re.compile(rf"\b(?P<mod>next|this)\s+week\s+(?:on\s+)?{_WEEKDAY}\b"),
        _week_weekday,
    ),
    (re.compile(r"\b(?P<w>today|tomorrow|overmorrow|yesterday)\b"), _relative_word),
    (
        re.compile(
            r"\b(?:(?P<mod>this|next|coming)\s+)?weekend(?P<after>\s+after\s+next)?\s+(?:on\s+)?"
            r"(?P<wd>saturday|sunday)\b"
            r"|\b(?P<wd2>saturday|sunday)\s+(?:of\s+|on\s+)?(?:the\s+)?(?P<mod2>this|next|coming)\s+"
            r"weekend\b"
        ),
        _weekend_day,
    ),
    (
        re.compile(
            rf"\b(?:(?P<mod>next|this|last|coming|on)\s+)?{_WEEKDAY}"
            r"(?:\s+(?P<week>next|this)\s+week|\s+(?P<after>week)(?!\s*\d)"
            r"|\s+(?P<afternext>after\s+next))?\b"
        ),
        _weekday,
    ),
    (
        re.compile(r"\b(?:(?P<mod>this|next|the|coming)\s+)?weekend(?P<after>\s+after\s+next)?\b"),
        _weekend,
    ),
    (
        re.compile(r"\b(?:(?P<mod>this|next)\s+week|(?:the\s+)?week\s+(?P<after>after\s+next))\b"),
        _week,
    ),
    (re.compile(r"\b(?P<mod>this|next)\s+month\b"), _relative_month),
    (
        re.compile(rf"\b(?P<pre>in\s+|early\s+|late\s+)?{_MONTH}(?:\s+(?P<y>\d{{4}}))?\b"),
        _month_name,
    ),
)


@dataclass(frozen=True)
class DayParse:
    """Result of scanning a phrase for its day component."""

    spec: DayLike | None
    rest: str
    invalid: bool = False


_DATE_HANDLERS = (_iso, _named, _ordinal)
_PLAIN_WEEKDAY = re.compile(rf"\b(?:(?:on|this)\s+)?{_WEEKDAY}\b")


def _check_weekday(spec: DayLike | None, rest: str) -> tuple[DayLike | None, str]:
    """A weekday named beside a date must agree with it ("fri the 13th")."""
    m = _PLAIN_WEEKDAY.search(rest)
    if m is None or not isinstance(spec, DaySpec):
        return spec, rest
    target = WEEKDAYS.index(m.group("wd"))
    kept = tuple(d for d in spec.candidates if d.weekday() == target)
    rest = (rest[: m.start()] + " " + rest[m.end() :]).strip()
    return (DaySpec(kept, spec.pinned) if kept else None), rest


def find_day(text: str, today: date) -> DayParse:
    """Extract the first day expression (rules are tried in priority order)."""
    for pattern, handler in RULES:
        m = pattern.search(text)
        if not m:
            continue
        spec = handler(m, today)
        if spec is None and pattern is RULES[-1][0]:
            continue
        rest = (text[: m.start()] + f" {DAY_MARK} " + text[m.end() :]).strip()
        if handler is _month_name and not (m.group("pre") or m.group("y")) and not (
            set(re.findall(r"[a-z]+", rest)) <= _MONTH_COMPANIONS
        ):
            continue  # a name, not a month: the rest of the phrase may still hold a time
        if handler in _DATE_HANDLERS:
            spec, rest = _check_weekday(spec, rest)
        return DayParse(spec, rest, spec is None)
    return DayParse(None, text)
