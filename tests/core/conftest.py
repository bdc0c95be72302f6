"""Shared builders, the timezone fixture list and hypothesis strategies for core tests.

Hypothesis settings are applied per test (``PROPERTY``), never loaded as a global profile,
so the other rooms' suites keep their own settings. ``database=None`` keeps the run from
writing a ``.hypothesis`` folder into the repository.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from core.availability import Taken
from core.interval import Interval
from core.model import (
    Business,
    DatedException,
    DayHours,
    LocalSpan,
    Provider,
    Rules,
    Service,
)
from core.money import Money
from core.policy import DEFAULT_POLICY

ZONE_NAMES = (
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Asia/Kolkata",  # +05:30
    "Asia/Kathmandu",  # +05:45
    "Pacific/Chatham",  # +12:45/+13:45, DST at 02:45 local
    "UTC",
)
ZONES = tuple(ZoneInfo(name) for name in ZONE_NAMES)

# Days of 2026 on which some fixture zone changes its clocks (local dates).
DST_DAYS_2026 = (
    date(2026, 3, 8), date(2026, 11, 1),  # New York
    date(2026, 3, 29), date(2026, 10, 25),  # London
    date(2026, 4, 5), date(2026, 10, 4),  # Lord Howe
    date(2026, 9, 27),  # Chatham (its April change shares 4-5 with Lord Howe)
)

# Rules that stay out of the way unless a test is about them.
LOOSE_RULES = Rules(min_notice=timedelta(0), max_days_ahead=400)

PROPERTY = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(params=ZONE_NAMES)
def zone(request: pytest.FixtureRequest) -> ZoneInfo:
    return ZoneInfo(request.param)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def span(start: str, end: str) -> LocalSpan:
    return LocalSpan(time.fromisoformat(start), time.fromisoformat(end))


def every_day(spans: Sequence[LocalSpan], breaks: Sequence[LocalSpan] = ()) -> tuple[DayHours, ...]:
    return (DayHours(tuple(spans), tuple(breaks)),) * 7


def make_service(key: str = "cut", *, minutes: int = 30, before: int = 0,
                 after: int = 0) -> Service:
    return Service(key=key, name=key.title(), duration=timedelta(minutes=minutes),
                   price=Money(3000, "USD"), deposit=Money(0, "USD"),
                   buffer_before=timedelta(minutes=before), buffer_after=timedelta(minutes=after))


def make_provider(key: str = "ana", *, tz: ZoneInfo, weekly: tuple[DayHours, ...],
                  exceptions: Sequence[DatedException] = (),
                  services: Sequence[str] = ("cut",)) -> Provider:
    return Provider(key=key, name=key.title(), tz=tz, services=frozenset(services),
                    weekly=weekly, exceptions=tuple(exceptions))


def make_business(*, providers: Sequence[Provider], services: Sequence[Service] | None = None,
                  rules: Rules | None = None) -> Business:
    return Business(name="Test", tz=providers[0].tz, currency="USD",
                    services=tuple(services or (make_service(),)), providers=tuple(providers),
                    rules=rules or LOOSE_RULES, policy=DEFAULT_POLICY)


def taken_at(provider_key: str, start: datetime, *, minutes: int = 30, before: int = 0,
             after: int = 0) -> Taken:
    block = Interval(start - timedelta(minutes=before), start + timedelta(minutes=minutes + after))
    return Taken(provider_key, start, block)


# ---- hypothesis strategies -------------------------------------------------------------

zones = st.sampled_from(ZONES)


def _quarter(q: int) -> time:
    return time(0) if q == 96 else time(q // 4, q % 4 * 15)


@st.composite
def local_spans(draw: st.DrawFn, *, lo: int = 0, hi: int = 96) -> LocalSpan:
    """A span on the quarter-hour grid between quarter ``lo`` and ``hi`` (96 = midnight).

    Hypothesis favours small integers, so half the spans measure back from ``hi`` to get
    long spans as often as short ones.
    """
    a = draw(st.integers(lo, hi - 1))
    if draw(st.booleans()):
        b = hi - draw(st.integers(0, hi - a - 1))
    else:
        b = draw(st.integers(a + 1, hi))
    return LocalSpan(_quarter(a), _quarter(b))


TYPICAL_SPANS = (
    LocalSpan(time(9), time(17)),
    LocalSpan(time(0), time(4)),  # a night shift through the usual DST hours
    LocalSpan(time(1), time(3, 30)),
    LocalSpan(time(8, 30), time(12, 45)),
)


@st.composite
def day_hours(draw: st.DrawFn) -> DayHours:
    """Closed, or one or two opening spans with an optional break inside the first."""
    if draw(st.integers(0, 5)) == 5:  # hypothesis favours small numbers: 0 would close most days
        return DayHours()
    # Typical shapes first: the examples hypothesis starts from then have real hours.
    first = draw(st.one_of(st.sampled_from(TYPICAL_SPANS), local_spans(lo=0, hi=72)))
    spans = [first]
    if draw(st.booleans()):
        q = first.end.hour * 4 + first.end.minute // 15
        spans.append(draw(local_spans(lo=q, hi=96)))
    breaks = []
    q0 = first.start.hour * 4 + first.start.minute // 15
    q1 = first.end.hour * 4 + first.end.minute // 15 or 96
    if q1 - q0 >= 2 and draw(st.booleans()):
        breaks.append(draw(local_spans(lo=q0, hi=q1)))
    return DayHours(tuple(spans), tuple(breaks))


weeklies = st.lists(day_hours(), min_size=7, max_size=7).map(tuple)


@st.composite
def instants_near_dst(draw: st.DrawFn) -> datetime:
    """An instant within a few days before a 2026 clock change, on a 5-minute grid."""
    day = draw(st.sampled_from(DST_DAYS_2026))
    minutes = draw(st.integers(-4 * 24 * 12, 24 * 12)) * 5
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=minutes)
