"""A shared location -> an IANA zone name the conversation understands.

Without a boundary database (e.g. the ``timezonefinder`` package) the honest answer is the
nautical zone of the longitude: ``Etc/GMT-1`` for Paris. It has no daylight-saving rules,
so the customer can still say "I'm in Paris" to get exact local time.
"""

from __future__ import annotations


def zone_for(latitude: float, longitude: float) -> str:
    del latitude  # nautical zones depend on the longitude only
    hours = max(-12, min(12, round(longitude / 15)))
    if hours == 0:
        return "UTC"
    # The Etc zones' signs are POSIX-style: east of Greenwich is "GMT-".
    return f"Etc/GMT{-hours:+d}"
