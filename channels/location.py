"""A shared location (Telegram, WhatsApp) -> an IANA zone name the conversation understands.

timezonefinder maps the point to the real zone (with its daylight-saving rules) from the
boundary data it ships; out at sea, where it finds none, the nautical zone of the
longitude is the honest answer (``Etc/GMT-1``: no DST, and the customer can still say
"I'm in Paris").
"""

from __future__ import annotations

from functools import lru_cache

from timezonefinder import TimezoneFinder


@lru_cache(maxsize=1)
def _finder() -> TimezoneFinder:
    return TimezoneFinder()  # loads its boundary data once per process


def nautical_zone(longitude: float) -> str:
    hours = max(-12, min(12, round(longitude / 15)))
    if hours == 0:
        return "UTC"
    # The Etc zones' signs are POSIX-style: east of Greenwich is "GMT-".
    return f"Etc/GMT{-hours:+d}"


def zone_for(latitude: float, longitude: float) -> str:
    found = _finder().timezone_at(lng=longitude, lat=latitude)
    return found or nautical_zone(longitude)
