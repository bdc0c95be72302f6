"""Explicit time-zone mentions: abbreviations, city names, IANA names, UTC offsets."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Abbreviations name a *region*, not a fixed offset: "3pm EST" in July means 3pm
# New York wall time (EDT).  GMT/UTC/Z are fixed UTC+0.
ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(("et", "est", "edt", "eastern"), "America/New_York"),
    **dict.fromkeys(("ct", "cst", "cdt", "central"), "America/Chicago"),
    **dict.fromkeys(("mt", "mst", "mdt", "mountain"), "America/Denver"),
    **dict.fromkeys(("pt", "pst", "pdt", "pacific"), "America/Los_Angeles"),
    **dict.fromkeys(("akst", "akdt"), "America/Anchorage"),
    **dict.fromkeys(("hst",), "Pacific/Honolulu"),
    **dict.fromkeys(("gmt", "utc"), "UTC"),
    **dict.fromkeys(("bst", "uk"), "Europe/London"),
    **dict.fromkeys(("cet", "cest"), "Europe/Berlin"),
    **dict.fromkeys(("wet",), "Europe/Lisbon"),
    **dict.fromkeys(("eet", "eest"), "Europe/Athens"),
    **dict.fromkeys(("ist",), "Asia/Kolkata"),
    **dict.fromkeys(("jst",), "Asia/Tokyo"),
    **dict.fromkeys(("sgt",), "Asia/Singapore"),
    **dict.fromkeys(("hkt",), "Asia/Hong_Kong"),
    **dict.fromkeys(("aest", "aedt"), "Australia/Sydney"),
    **dict.fromkeys(("nzst", "nzdt"), "Pacific/Auckland"),
}

CITIES: dict[str, str] = {
    "london": "Europe/London",
    "new york": "America/New_York",
    "nyc": "America/New_York",
    "ny": "America/New_York",
    "boston": "America/New_York",
    "toronto": "America/Toronto",
    "chicago": "America/Chicago",
    "denver": "America/Denver",
    "los angeles": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "paris": "Europe/Paris",
    "berlin": "Europe/Berlin",
    "madrid": "Europe/Madrid",
    "amsterdam": "Europe/Amsterdam",
    "dublin": "Europe/Dublin",
    "sydney": "Australia/Sydney",
    "melbourne": "Australia/Melbourne",
    "auckland": "Pacific/Auckland",
    "tokyo": "Asia/Tokyo",
    "singapore": "Asia/Singapore",
    "dubai": "Asia/Dubai",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "india": "Asia/Kolkata",
}

_TIME_WORD = r"(?:\s+time)?"
_OFFSET = re.compile(r"\b(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b" + _TIME_WORD)
_IANA = re.compile(r"\b[a-z]+(?:/[a-z0-9_+\-]+){1,2}\b")


@lru_cache(maxsize=1)
def _iana_lookup() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones() if "/" in name}


@lru_cache(maxsize=1)
def _named_pattern() -> re.Pattern[str]:
    names = sorted([*ABBREVIATIONS, *CITIES], key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in names)
    return re.compile(r"\b(" + alternation + r")\b" + _TIME_WORD)


@lru_cache(maxsize=64)
def zone_for(name: str) -> ZoneInfo | None:
    """ZoneInfo for an IANA name, or None when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _offset_zone(match: re.Match[str]) -> tzinfo | None:
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    if hours == 0 and minutes == 0:
        return UTC
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def extract_zone(text: str) -> tuple[tzinfo | None, str]:
    """Find an explicit zone in *text*; return it and the text with it removed."""
    match = _OFFSET.search(text)
    if match:
        return _offset_zone(match), _cut(text, match)
    for match in _IANA.finditer(text):
        canonical = _iana_lookup().get(match.group(0))
        if canonical:
            return zone_for(canonical), _cut(text, match)
    match = _named_pattern().search(text)
    if match:
        return zone_for(_lookup_name(match.group(1))), _cut(text, match)
    return None, text


def _lookup_name(name: str) -> str:
    return ABBREVIATIONS.get(name) or CITIES[name]


def _cut(text: str, match: re.Match[str]) -> str:
    return (text[: match.start()] + " " + text[match.end() :]).strip()
