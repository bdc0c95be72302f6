"""Properties of free_slots over random zones, hours, bookings and DST-adjacent dates.

The hours oracle is independent of the implementation: it samples the appointment every
five minutes and reads each instant on the provider's wall clock. Instants whose wall
time occurs twice (a fall-back hour) are skipped by the oracle, because which of the two
a wall-clock rule means is exactly the convention under test elsewhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from core.availability import Slot, Taken, _span_grid, check_start, free_slots
from core.errors import DomainError
from core.interval import Interval
from core.model import Business, LocalSpan, Provider, Rules
from core.timeutil import days, local_date, local_instant
from tests.core.conftest import (
    PROPERTY,
    ZONES,
    instants_near_dst,
    make_business,
    make_provider,
    make_service,
    weeklies,
    zones,
)

FIVE = timedelta(minutes=5)


@dataclass(frozen=True)
class Scenario:
    business: Business
    window: Interval
    now: datetime
    taken: list[Taken]
    busy: dict[str, list[Interval]]


def minutes(*choices: int) -> st.SearchStrategy[timedelta]:
    return st.sampled_from(choices).map(lambda m: timedelta(minutes=m))


rules_strategy = st.builds(
    Rules, slot_step=minutes(15, 10, 20, 30, 60), min_notice=minutes(0, 0, 30, 120, 1440),
    max_days_ahead=st.sampled_from([30, 3, 1, 0]),
    max_per_day=st.sampled_from([None, None, 1, 2, 6]))


@st.composite
def scenarios(draw: st.DrawFn, *, provider_count: int = 1) -> Scenario:
    keys = [f"p{i}" for i in range(provider_count)]
    providers = [make_provider(k, tz=draw(zones), weekly=draw(weeklies)) for k in keys]
    service = make_service(minutes=draw(st.sampled_from([15, 30, 45, 60, 90])),
                           before=draw(st.sampled_from([0, 5, 10])),
                           after=draw(st.sampled_from([0, 5, 15])))
    business = make_business(providers=providers, services=[service], rules=draw(rules_strategy))
    now = draw(instants_near_dst())
    # Mostly ahead of ``now`` (where slots are), sometimes reaching back before it.
    start = now + FIVE * draw(st.integers(-72, 2 * 288))
    window = Interval(start, start + FIVE * (3 * 288 - draw(st.integers(0, 3 * 288 - 36))))

    def around() -> datetime:
        return window.start + FIVE * draw(st.integers(-288, 4 * 288))

    taken = []
    for _ in range(draw(st.integers(0, 12))):
        at = around()
        length = FIVE * draw(st.integers(1, 24))
        taken.append(Taken(draw(st.sampled_from(keys)), at,
                           Interval(at - FIVE * draw(st.integers(0, 3)), at + length)))
    busy: dict[str, list[Interval]] = {k: [] for k in keys}
    for _ in range(draw(st.integers(0, 3))):
        at = around()
        busy[draw(st.sampled_from(keys))].append(Interval(at, at + FIVE * draw(st.integers(1, 48))))
    return Scenario(business, window, now, taken, busy)


def offered(sc: Scenario, provider_key: str | None) -> list[Slot]:
    return free_slots(business=sc.business, service_key="cut", provider_key=provider_key,
                      window=sc.window, now=sc.now, taken=sc.taken, busy=sc.busy)


def passes_check(sc: Scenario, provider_key: str, start: datetime) -> bool:
    try:
        check_start(business=sc.business, service_key="cut", provider_key=provider_key,
                    start=start, now=sc.now, taken=sc.taken, busy=sc.busy)
    except DomainError:  # a crash is no refusal: let it fail the test
        return False
    return True


# ---- the independent oracles -------------------------------------------------------------


def _inside(wall: time, spans: tuple[LocalSpan, ...]) -> bool:
    return any(s.start <= wall and (s.end == time(0) or wall < s.end) for s in spans)


def wall_clock_open(provider: Provider, instant: datetime) -> bool | None:
    """Whether the wall clock says open at ``instant``; None when the wall time repeats."""
    local = instant.astimezone(provider.tz)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return None
    hours, time_off = provider.hours_on(local.date())
    wall = local.time().replace(tzinfo=None)
    return _inside(wall, hours.spans) and not _inside(wall, (*hours.breaks, *time_off))


def on_grid(provider: Provider, start: datetime, step: timedelta) -> bool:
    local = start.astimezone(provider.tz)
    hours, _ = provider.hours_on(local.date())
    wall = datetime.combine(local.date(), local.time().replace(tzinfo=None))
    for s in hours.spans:
        offset = wall - datetime.combine(local.date(), s.start)
        if offset >= timedelta(0) and offset % step == timedelta(0):
            return True
    return False


def assert_slot_is_sound(sc: Scenario, slot: Slot) -> None:
    business, rules = sc.business, sc.business.rules
    provider = business.provider(slot.provider_key)
    service = business.service("cut")
    assert provider is not None
    assert service is not None
    tz = provider.tz
    assert slot.end - slot.start == service.duration
    assert sc.window.start <= slot.start < sc.window.end
    assert slot.start > sc.now
    assert slot.start >= sc.now + rules.min_notice
    assert (local_date(slot.start, tz) - local_date(sc.now, tz)).days <= rules.max_days_ahead
    assert slot.start.astimezone(tz).fold == 0  # a repeated wall time: its first occurrence
    assert on_grid(provider, slot.start, rules.slot_step)
    t = slot.start
    while t < slot.end:
        assert wall_clock_open(provider, t) is not False, f"closed at {t.astimezone(tz)}"
        t += FIVE
    block = slot.appointment.widen(service.buffer_before, service.buffer_after)
    mine = [t.block for t in sc.taken if t.provider_key == slot.provider_key]
    assert not any(block.overlaps(b) for b in [*mine, *sc.busy[slot.provider_key]])
    if rules.max_per_day is not None:
        day = local_date(slot.start, tz)
        same_day = [t for t in sc.taken if t.provider_key == slot.provider_key
                    and local_date(t.start, tz) == day]
        assert len(same_day) < rules.max_per_day
    assert passes_check(sc, slot.provider_key, slot.start)


def grid_starts(provider: Provider, window: Interval, step: timedelta) -> set[datetime]:
    """Every wall-clock grid start in ``window``, built straight from the weekly table."""
    found = set()
    tz = provider.tz
    first = local_date(window.start, tz) - timedelta(days=1)
    for d in days(first, local_date(window.end, tz) + timedelta(days=1)):
        for s in provider.hours_on(d)[0].spans:
            wall = datetime.combine(d, s.start)
            stop = datetime.combine(d + timedelta(days=1) if s.end == time(0) else d, s.end)
            while wall < stop:
                at = local_instant(wall.date(), wall.time(), tz)
                if at is not None and window.start <= at < window.end:
                    found.add(at)
                wall += step
    return found


# ---- properties --------------------------------------------------------------------------


@PROPERTY
@given(sc=scenarios())
def test_every_offered_slot_is_sound_and_every_bookable_grid_start_is_offered(
        sc: Scenario) -> None:
    slots = offered(sc, "p0")
    assert len({s.start for s in slots}) == len(slots)
    assert [s.start for s in slots] == sorted(s.start for s in slots)
    for slot in slots:
        assert_slot_is_sound(sc, slot)
    provider = sc.business.providers[0]
    bookable = {s for s in grid_starts(provider, sc.window, sc.business.rules.slot_step)
                if passes_check(sc, "p0", s)}
    assert bookable == {s.start for s in slots}


@PROPERTY
@given(sc=scenarios(provider_count=3))
def test_any_provider_offers_each_start_once_to_the_least_loaded(sc: Scenario) -> None:
    slots = offered(sc, None)
    starts = [s.start for s in slots]
    assert starts == sorted(set(starts))  # sorted, and no start twice
    per_provider = {p.key: {s.start for s in offered(sc, p.key)} for p in sc.business.providers}
    assert set(starts) == set().union(*per_provider.values())
    for slot in slots:
        assert_slot_is_sound(sc, slot)
        free_here = [(load(sc, p, slot.start), order, p.key)
                     for order, p in enumerate(sc.business.providers)
                     if slot.start in per_provider[p.key]]
        assert min(free_here)[2] == slot.provider_key


def load(sc: Scenario, provider: Provider, start: datetime) -> int:
    day: date = local_date(start, provider.tz)
    counts = Counter(local_date(t.start, provider.tz) for t in sc.taken
                     if t.provider_key == provider.key)
    return counts[day]


def _wall_by_wall(wall: datetime, stop: datetime, step: timedelta, tz: ZoneInfo) -> list[datetime]:
    """The grid as defined: every wall time of the span resolved on its own."""
    out = []
    while wall < stop:
        instant = local_instant(wall.date(), wall.time(), tz)
        if instant is not None:
            out.append(instant)
        wall += step
    return out


def _change_days(tz: ZoneInfo, year: int = 2026) -> list[date]:
    """Local dates on which ``tz`` changes its clocks (the offset at noon differs from the
    next day's), and the day after each, so spans cross the change or sit beside it."""
    def offset(d: date) -> timedelta | None:
        return datetime.combine(d, time(12), tzinfo=tz).utcoffset()
    found: list[date] = []
    for d in days(date(year, 1, 1), date(year, 12, 31)):
        if offset(d) != offset(d + timedelta(days=1)):
            found += [d, d + timedelta(days=1)]
    return found


ZONE_CHANGE_DAYS = [(tz, d) for tz in ZONES for d in _change_days(tz)]


@PROPERTY
@given(zone_day=st.sampled_from(ZONE_CHANGE_DAYS), start_q=st.integers(-8, 95),
       length_q=st.integers(1, 96), step=minutes(1, 5, 15, 20, 30, 45, 60))
def test_span_grid_stepped_in_utc_equals_wall_by_wall(zone_day: tuple[ZoneInfo, date],
                                                      start_q: int, length_q: int,
                                                      step: timedelta) -> None:
    """The UTC-stepped grid (one zone lookup per span) is the wall-by-wall grid on the
    clock-change days of many zones (30-minute and 45-minute offsets included), for spans
    that cross the change, start or end inside its gap or overlap, or miss it."""
    tz, day = zone_day
    wall = datetime.combine(day, time(0)) + timedelta(minutes=15 * start_q)
    stop = wall + timedelta(minutes=15 * length_q)
    assert list(_span_grid(wall, stop, step, tz)) == _wall_by_wall(wall, stop, step, tz)
