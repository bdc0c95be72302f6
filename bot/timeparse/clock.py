"""Time-of-day rules: clock times, ranges, 'after'/'before', parts of the day."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.timeparse.localtime import MINUTES_PER_DAY

NOON = 720
BUSINESS_START = 8 * 60
BUSINESS_END = 21 * 60

# name -> (start minute, end minute, meridiem hint for bare hours)
PARTS: dict[str, tuple[int, int, str | None]] = {
    "morning": (8 * 60, 12 * 60, "am"),
    "afternoon": (12 * 60, 17 * 60, "pm"),
    "evening": (17 * 60, 21 * 60, "pm"),
    "lunchtime": (12 * 60, 14 * 60, None),
    "early_morning": (8 * 60, 10 * 60, "am"),
    "mid_morning": (10 * 60, 12 * 60, "am"),
    "late_morning": (10 * 60, 12 * 60, "am"),
    "early_afternoon": (12 * 60, 15 * 60, "pm"),
    "mid_afternoon": (14 * 60, 16 * 60, "pm"),
    "late_afternoon": (15 * 60, 17 * 60, "pm"),
    "after_lunch": (14 * 60, 17 * 60, "pm"),
    "early_evening": (17 * 60, 19 * 60, "pm"),
    "late_evening": (19 * 60, 21 * 60, "pm"),
}
_PART_NAMES = "|".join(sorted(PARTS, key=len, reverse=True))
# Minutes named before "past"/"to" ("twenty past 2", "quarter to 5", "half 3").
_MINUTE_WORDS = {"half": 30, "quarter": 15, "five": 5, "ten": 10, "twenty": 20, "twenty five": 25}


@dataclass(frozen=True)
class Clock:
    """A written clock time before am/pm resolution."""

    hour: int
    minute: int
    meridiem: str | None
    twenty_four: bool  # "15:00", "07:45", "0:30": the hour is taken literally


@dataclass(frozen=True)
class TimeSpec:
    """A time-of-day component: an instant (start == end) or a window, in minutes."""

    start: int
    end: int
    grain: str  # "minute" | "part_of_day" | "range"
    part: str | None = None
    tonight: bool = False


_T = (
    r"(?:noon|midnight|(?<![\d:/])\d{1,2}(?::[0-5]\d)?(?:am|pm|a\b|p\b)?)"
    r"(?![\w:/])(?!\s*(?:hours|minutes|days|weeks|st|nd|rd|th)\b)"
)
_T_PARTS = re.compile(
    r"^(?:(?P<word>noon|midnight)|(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?P<ap>am|pm|a|p)?)$"
)
_RANGE = re.compile(
    rf"(?:\bbetween\s+(?P<a1>{_T})\s+and\s+(?P<b1>{_T}))"
    rf"|(?:(?:\bfrom\s+)?(?P<a2>{_T})\s*(?:-|\bto\b|\buntil\b)\s*(?P<b2>{_T}))"
)
# Not after a minute count: "quarter after 3", "10 minutes before 5" are clock times.
_OPEN = re.compile(
    r"(?<!minutes )(?<!quarter )(?<!half )(?<!ten )(?<!five )(?<!twenty )"
    rf"\b(?P<kw>after|from|before|until|by)\s+(?:around\s+)?(?P<t>{_T})"
)
_QUARTER = re.compile(
    r"\b(?P<q>half|quarter|twenty five|twenty|ten|five|[1-5]?\d)(?:\s+minutes)?"
    r"\s+(?P<dir>past|after)\s+(?P<h>\d{1,2})\b(?!:)"
    # "half to 3" = 2:30 is the form the German lexicon gives "halb 3".  A number before
    # "to" needs "minutes" ("10 minutes to 3", German "10 vor 3"): "10 to 12" is a range.
    r"|\b(?P<q2>half|quarter|twenty five|twenty|ten|five|[1-5]?\d(?=\s+minutes))(?:\s+minutes)?"
    r"\s+(?P<dir2>to|of|until|before)\s+(?P<h2>\d{1,2})\b(?!:)"
    r"|\b(?P<q3>half)\s+(?P<h3>\d{1,2})\b(?![:\w])(?!\s*(?:hours|minutes|days|weeks)\b)"
)
_EXPLICIT = re.compile(
    r"(?<![\d:/])(?P<t>\d{1,2}:[0-5]\d(?:am|pm|a\b|p\b)?|\d{1,2}(?:am|pm|a\b|p\b))(?![\w:/])"
    r"|\b(?P<w>noon|midnight)\b|(?<![\d:/])(?P<oc>\d{1,2})\s+oclock\b"
)
_AT_BARE = re.compile(r"\b(?:at|around)\s+(?P<h>\d{1,2})\b(?![:/])(?!\s*(?:st|nd|rd|th)\b)")
PART_MARK = "\u00b6"  # left where a part of day was cut out
_BARE = re.compile(
    r"[\u00a7\u00b6]\s+(?:at\s+)?(?P<h>\d{1,2})(?![\w:/])"
    r"|(?<![\d:/])(?P<h2>\d{1,2})\s+[\u00a7\u00b6]"
)
_PART = re.compile(
    r"\b(?:(?P<this>this|in the|during the)\s+)?"
    rf"(?P<p>{_PART_NAMES}|night|tonight)\b"
)


def parse_clock(token: str) -> Clock | None:
    """Parse one time token such as '3pm', '15:00', '3p', 'noon'."""
    m = _T_PARTS.match(token.strip())
    if not m:
        return None
    if m.group("word") == "noon":
        return Clock(12, 0, "pm", False)
    if m.group("word") == "midnight":
        return Clock(24, 0, None, True)
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    ap = m.group("ap")
    meridiem = None if ap is None else ("am" if ap.startswith("a") else "pm")
    zero_padded = m.group("h").startswith("0") and m.group("m") is not None
    literal = hour == 0 or hour > 12 or (zero_padded and meridiem is None)
    return Clock(hour, minute, meridiem, literal)


def clock_minutes(clock: Clock, hint: str | None = None) -> int | None:
    """Minutes since midnight.  Bare hours 1-7 mean pm (business-hours heuristic)."""
    hour, minute = clock.hour, clock.minute
    if clock.twenty_four:
        ok = hour < 24 or (hour == 24 and minute == 0)
        return hour * 60 + minute if ok else None
    if not 1 <= hour <= 12:
        return None
    meridiem = clock.meridiem
    if meridiem is None:
        if hour == 12:
            return NOON + minute
        meridiem = hint or ("pm" if hour <= 7 else "am")
    return (hour % 12 + (12 if meridiem == "pm" else 0)) * 60 + minute


def _range_minutes(a: Clock, b: Clock, hint: str | None) -> tuple[int, int] | None:
    end = clock_minutes(b, hint)
    start_hint = hint or b.meridiem
    start = clock_minutes(a, start_hint)
    if start == MINUTES_PER_DAY:
        start = 0
    if start is None or end is None:
        return None
    if a.meridiem is None and start_hint and start >= end and not a.twenty_four:
        flipped = clock_minutes(a, "am" if start_hint == "pm" else "pm")
        start = start if flipped is None else flipped
    if end <= start and b.meridiem is None and not b.twenty_four and end + 720 <= 1440:
        end += 720
    return (start, end) if start < end else None


def _open_range(keyword: str, at: int) -> tuple[int, int] | None:
    if keyword in ("after", "from"):
        at = 0 if at == MINUTES_PER_DAY else at
        return (at, BUSINESS_END if at < BUSINESS_END else MINUTES_PER_DAY)
    if at == 0:
        return None
    return (BUSINESS_START if at > BUSINESS_START else 0, at)


def _cut(text: str, match: re.Match[str]) -> str:
    return (text[: match.start()] + " " + text[match.end() :]).strip()


@dataclass(frozen=True)
class TimeParse:
    """Result of scanning a phrase for its time-of-day component."""

    spec: TimeSpec | None
    part: str | None
    today: bool  # "this morning" / "tonight" pin the day to today
    rest: str
    invalid: bool = False


def part_name(key: str) -> str:
    """The customer-facing part of day for a PARTS key ("late_afternoon" -> "afternoon")."""
    return {"after_lunch": "afternoon"}.get(key, key.rsplit("_", 1)[-1])


def _find_part(text: str) -> tuple[str | None, bool, bool, str]:
    """Return (PARTS key, pinned-to-today, tonight, remaining text)."""
    m = _PART.search(text)
    if not m:
        return None, False, False, text
    word = m.group("p")
    tonight = word == "tonight"
    part = "evening" if word in ("night", "tonight") else word
    rest = (text[: m.start()] + f" {PART_MARK} " + text[m.end() :]).strip()
    return part, tonight or m.group("this") == "this", tonight, rest


def _window_from_clocks(text: str, hint: str | None) -> tuple[TimeSpec | None, str, bool]:
    m = _RANGE.search(text)
    if m:
        a = parse_clock(m.group("a1") or m.group("a2"))
        b = parse_clock(m.group("b1") or m.group("b2"))
        span = _range_minutes(a, b, hint) if a and b else None
        spec = TimeSpec(span[0], span[1], "range") if span else None
        return spec, _cut(text, m), spec is None
    m = _OPEN.search(text)
    if m:
        clock = parse_clock(m.group("t"))
        at = clock_minutes(clock, hint) if clock else None
        span = _open_range(m.group("kw"), at) if at is not None else None
        spec = TimeSpec(span[0], span[1], "range") if span else None
        return spec, _cut(text, m), spec is None
    return None, text, False


def _instant(text: str, hint: str | None) -> tuple[int | None, str, bool]:
    m = _QUARTER.search(text)
    if m:
        hour = int(m.group("h") or m.group("h2") or m.group("h3"))
        base = clock_minutes(Clock(hour, 0, None, hour > 12), hint)  # "quarter to 16"
        word = m.group("q") or m.group("q2") or m.group("q3")
        delta = _MINUTE_WORDS[word] if word in _MINUTE_WORDS else int(word)
        delta = -delta if m.group("q2") else delta
        value = None if base is None or delta >= 60 else (base + delta) % MINUTES_PER_DAY
        return value, _cut(text, m), value is None
    m = _EXPLICIT.search(text) or _AT_BARE.search(text)
    if m:
        groups = m.groupdict()
        token = groups.get("t") or groups.get("w") or groups.get("oc") or groups["h"]
        clock = parse_clock(token)
        value = clock_minutes(clock, hint) if clock else None
        return value, _cut(text, m), value is None
    return None, text, False


def find_time(text: str) -> TimeParse:
    """Extract the time-of-day component of a normalised phrase."""
    key, today, tonight, text = _find_part(text)
    part = None if key is None else part_name(key)
    hint = PARTS[key][2] if key else None
    spec, text, invalid = _window_from_clocks(text, hint)
    if spec is None and not invalid:
        minute, text, invalid = _instant(text, hint)
        if minute is not None:
            spec = TimeSpec(minute, minute, "minute", part)
    if spec is not None and spec.part != part:
        spec = TimeSpec(spec.start, spec.end, spec.grain, part)
    if spec is None and key is not None and not invalid:
        start, end, _ = PARTS[key]
        spec = TimeSpec(start, end, "part_of_day", part, tonight)
    return TimeParse(spec, part, today, text, invalid)


def bare_hour(text: str, hint: str | None) -> tuple[TimeSpec | None, str]:
    """A lone number read as an hour; only used when a day was also named."""
    m = _BARE.search(text)
    if not m:
        return None, text
    hour = int(m.group("h") or m.group("h2"))
    value = clock_minutes(Clock(hour, 0, None, False), hint)
    if value is None:
        return None, text
    return TimeSpec(value, value, "minute"), _cut(text, m)
