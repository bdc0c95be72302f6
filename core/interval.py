"""Half-open UTC intervals and the few set operations availability needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.timeutil import require_aware


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware(self.start)
        require_aware(self.end)
        if self.end < self.start:
            raise ValueError(f"interval ends before it starts: {self.start} > {self.end}")

    @classmethod
    def trusted(cls, start: datetime, end: datetime) -> Interval:
        """An interval whose checks a store has already made (aware instants, and a CHECK
        constraint ordering them): built without ``__post_init__``, which was a third of
        reading a month of bookings."""
        interval = object.__new__(cls)
        object.__setattr__(interval, "start", start)
        object.__setattr__(interval, "end", end)
        return interval

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def empty(self) -> bool:
        return self.start == self.end

    def overlaps(self, other: Interval) -> bool:
        # An empty interval holds no instant, so it overlaps nothing (as PostgreSQL's '[)' ranges).
        return (self.start < other.end and other.start < self.end
                and not self.empty and not other.empty)

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end

    def widen(self, before: timedelta, after: timedelta) -> Interval:
        """Grown on both sides, saturating at the ends of time (a customer can ask for
        31 Dec 9999: the result stops at ``datetime.max`` instead of raising)."""
        return Interval(shift(self.start, -before), shift(self.end, after))


def shift(at: datetime, by: timedelta) -> datetime:
    """``at + by``, clamped to the representable range (in ``at``'s zone)."""
    try:
        return at + by
    except OverflowError:
        if by > timedelta(0):
            return datetime.max.replace(tzinfo=at.tzinfo)
        return datetime.min.replace(tzinfo=at.tzinfo)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union (touching intervals are joined)."""
    out: list[Interval] = []
    for iv in sorted(intervals):
        if out and iv.start <= out[-1].end:
            if iv.end > out[-1].end:
                out[-1] = Interval(out[-1].start, iv.end)
        else:
            out.append(iv)
    return out


def subtract(base: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """The parts of ``base`` not covered by ``holes``."""
    remaining = merge(base)
    for hole in merge(holes):
        nxt: list[Interval] = []
        for iv in remaining:
            if not iv.overlaps(hole):
                nxt.append(iv)
                continue
            if iv.start < hole.start:
                nxt.append(Interval(iv.start, hole.start))
            if hole.end < iv.end:
                nxt.append(Interval(hole.end, iv.end))
        remaining = nxt
    return remaining
