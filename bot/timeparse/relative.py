"""Elapsed-time phrases: 'in 2 hours', '30 min from now', 'now'."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from bot.timeparse.localtime import add_minutes

_NUM = r"(?P<n>\d{1,4}(?:\.\d+)?)"
_POLITE = r"(?:\s+(?:please|pls|plz|thanks|thx|ty))*"
_IN = re.compile(
    rf"^(?:in|within)\s+{_NUM}\s+(?P<u>hours|minutes)"
    rf"(?:\s+and\s+(?P<extra>\d{{1,3}})\s+minutes)?{_POLITE}$"
)
_FROM_NOW = re.compile(rf"^{_NUM}\s+(?P<u>hours|minutes)\s+from\s+now{_POLITE}$")
_NOW = re.compile(r"^(?:now|immediately)$")


def parse_relative(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    """The instant for a whole-phrase elapsed-time expression, else None."""
    if _NOW.match(text):
        return now.astimezone(zone)
    m = _IN.match(text) or _FROM_NOW.match(text)
    if not m:
        return None
    amount = float(m.group("n"))
    minutes = amount * 60 if m.group("u") == "hours" else amount
    extra = m.groupdict().get("extra")
    if extra:
        minutes += int(extra)
    if minutes > 60 * 24 * 366:
        return None
    return add_minutes(now, minutes, zone)
