"""The result type returned by :func:`bot.timeparse.parse_time`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

GRAINS = ("minute", "part_of_day", "day", "weekend", "week", "range", "month")
DATE_GRAINS = frozenset({"day", "weekend", "week", "month"})


@dataclass(frozen=True)
class TimeWindow:
    """A resolved time: an instant (start == end) or a half-open window [start, end).

    ``part_of_day`` ("morning", "afternoon", "evening", "lunchtime") is set when
    the customer named one, so the bot can filter slots inside a wider window
    (e.g. "any time next week in the morning" -> grain "week", part "morning").
    """

    start: datetime
    end: datetime
    grain: str
    part_of_day: str | None = None

    @property
    def date_only(self) -> bool:
        """True when no time of day was given (day/weekend/week/month grains)."""
        return self.grain in DATE_GRAINS


@dataclass(frozen=True)
class Reading:
    """What :func:`bot.timeparse.read_time` understood.

    ``window`` is the answer, or None.  ``ambiguous`` holds two candidate windows
    (the zone's usual reading first) when a numeric date such as "3/4" can be read
    both ways and both are plausible: the bot asks which one was meant.
    ``lang`` is the lexicon used ("en", "es", ...).
    """

    window: TimeWindow | None
    lang: str
    ambiguous: tuple[TimeWindow, ...] = ()
