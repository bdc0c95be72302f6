"""'I'm in London', 'my timezone is America/Chicago', 'tz: EST' -> an IANA zone name."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from bot.intents import normalise

CITIES: dict[str, str] = {
    "london": "Europe/London", "uk": "Europe/London", "england": "Europe/London",
    "manchester": "Europe/London", "edinburgh": "Europe/London", "dublin": "Europe/Dublin",
    "ireland": "Europe/Dublin", "paris": "Europe/Paris", "france": "Europe/Paris",
    "berlin": "Europe/Berlin", "germany": "Europe/Berlin", "madrid": "Europe/Madrid",
    "spain": "Europe/Madrid", "rome": "Europe/Rome", "italy": "Europe/Rome",
    "amsterdam": "Europe/Amsterdam", "lisbon": "Europe/Lisbon", "athens": "Europe/Athens",
    "stockholm": "Europe/Stockholm", "zurich": "Europe/Zurich", "warsaw": "Europe/Warsaw",
    "new york": "America/New_York", "nyc": "America/New_York", "boston": "America/New_York",
    "miami": "America/New_York", "atlanta": "America/New_York",
    "washington": "America/New_York", "dc": "America/New_York", "toronto": "America/Toronto",
    "montreal": "America/Toronto", "chicago": "America/Chicago", "dallas": "America/Chicago",
    "houston": "America/Chicago", "austin": "America/Chicago", "denver": "America/Denver",
    "phoenix": "America/Phoenix", "arizona": "America/Phoenix",
    "los angeles": "America/Los_Angeles", "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "sf": "America/Los_Angeles",
    "seattle": "America/Los_Angeles", "portland": "America/Los_Angeles",
    "vancouver": "America/Vancouver", "anchorage": "America/Anchorage",
    "honolulu": "Pacific/Honolulu", "hawaii": "Pacific/Honolulu",
    "mexico city": "America/Mexico_City", "sao paulo": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires", "tokyo": "Asia/Tokyo",
    "japan": "Asia/Tokyo", "seoul": "Asia/Seoul", "beijing": "Asia/Shanghai",
    "shanghai": "Asia/Shanghai", "hong kong": "Asia/Hong_Kong", "singapore": "Asia/Singapore",
    "dubai": "Asia/Dubai", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "india": "Asia/Kolkata",
    "kolkata": "Asia/Kolkata", "sydney": "Australia/Sydney", "melbourne": "Australia/Melbourne",
    "brisbane": "Australia/Brisbane", "perth": "Australia/Perth",
    "adelaide": "Australia/Adelaide", "auckland": "Pacific/Auckland",
    "new zealand": "Pacific/Auckland", "johannesburg": "Africa/Johannesburg",
    "cairo": "Africa/Cairo", "lagos": "Africa/Lagos", "nairobi": "Africa/Nairobi",
    "istanbul": "Europe/Istanbul", "moscow": "Europe/Moscow",
}

ABBREVIATIONS: dict[str, str] = {
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "eastern": "America/New_York", "cst": "America/Chicago", "cdt": "America/Chicago",
    "central": "America/Chicago", "mst": "America/Denver", "mdt": "America/Denver",
    "mountain": "America/Denver", "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles", "pacific": "America/Los_Angeles",
    "gmt": "Europe/London", "bst": "Europe/London", "utc": "UTC",
    "cet": "Europe/Berlin", "ist": "Asia/Kolkata", "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
}

# Whole words only: "tz" is inside German "letztes" ("wie letztes Mal" is no zone).
_REQUEST = re.compile(
    r"\b(?:i'?m|i am|im)\s+(?:in|from|based in|living in|now in)\s+(?P<place>.+)"
    r"|\bi live in\s+(?P<place2>.+)"
    r"|\b(?:time ?zone|tz)\b\s*(?:is|=|:|to|should be|now)?\s*(?P<zone>.+)")


@lru_cache(maxsize=1)
def _iana() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def lookup(place: str) -> str | None:
    """A zone name for a city, an abbreviation or an IANA name (any case)."""
    raw = place.strip().strip(".!").strip()
    iana = _iana().get(raw.lower().replace(" ", "_"))
    if iana:
        return iana
    key = normalise(raw)
    key = re.sub(r"^(the|sunny|beautiful)\s+", "", key)
    key = re.sub(r"\s+(now|today|at the moment|right now|time)$", "", key)
    return CITIES.get(key) or ABBREVIATIONS.get(key)


def zone_request(text: str) -> tuple[bool, str | None]:
    """(asked?, zone): asked is True when the message is about a timezone at all."""
    lowered = text.lower().replace("’", "'")
    m = _REQUEST.search(lowered)
    if not m:
        return False, None
    place = m.group("place") or m.group("place2") or m.group("zone") or ""
    zone = lookup(place)
    explicit = m.group("zone") is not None
    return (explicit or zone is not None), zone


def valid_zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
