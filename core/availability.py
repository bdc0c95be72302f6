"""Free slots for a service, and validation of one requested start.

Every rule (opening hours, breaks, time off, the per-day limit, the horizon) is read on
the provider's own wall clock; every instant in and out is aware UTC.

Decisions worth knowing:

* Candidate starts lie on the wall-clock grid ``span.start + k * slot_step`` of each
  opening span. A grid time inside a spring-forward gap is skipped; one inside a
  fall-back overlap is offered once, at its first occurrence (``fold=0``).
* An appointment must lie inside the opening time, which is the union of the opening
  spans of its own and the following days (touching spans join, so 09:00-12:00 plus
  12:00-17:00 is one opening and a night shift may run past midnight), minus breaks and
  time off.
* Buffers are prep and cleanup: ``[start - buffer_before, end + buffer_after)`` must not
  overlap another booking's block or external busy time, but it may reach outside
  opening hours and into breaks or time off. Only the appointment itself needs hours.
* ``check_start`` accepts a start off the slot grid (a customer may ask for 10:10) as
  long as every rule holds; the grid only shapes what we *offer*.
* ``max_per_day`` counts Taken by the provider-local date of their start, so ``taken``
  must hold every booking of the local days concerned, not only those touching the
  window. When a booking is being moved, the caller leaves it out of ``taken``.
* Zero-length busy intervals block nothing (as ``Interval.overlaps`` and PostgreSQL).

``free_slots`` and ``check_start`` share ``_problem``, so an offered slot always passes
``check_start``. Lookups are bisects over merged, sorted interval lists.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.classes import (
    ClassView,
    SeatTaken,
    class_view,
    is_own_session,
    session_key,
    timetable_starts,
)
from core.errors import DomainError, ErrorCode
from core.interval import Interval, subtract
from core.model import Business, LocalSpan, Provider, Rules, Service
from core.timeutil import days, local_boundary, local_date, local_instant, to_utc

_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class Slot:
    provider_key: str
    start: datetime  # UTC
    end: datetime  # UTC (start + service.duration)
    seats_left: int | None = None  # classes only: free seats in this session

    @property
    def appointment(self) -> Interval:
        return Interval(self.start, self.end)


@dataclass(frozen=True)
class Taken:
    """Something already occupying a provider's time."""

    provider_key: str
    start: datetime  # appointment start (UTC) -- used for per-day counts
    block: Interval  # the range it occupies incl. its own buffers
    session: str | None = None  # a class booking's session (core.classes); None: one-to-one
    seats: int = 1


def span_on(day: date, span: LocalSpan, tz: ZoneInfo) -> Interval:
    """A wall-clock span of ``day`` as UTC; an end of 00:00 is the midnight ending the day."""
    end_day = day + _ONE_DAY if span.end == _MIDNIGHT else day
    return Interval(local_boundary(day, span.start, tz), local_boundary(end_day, span.end, tz))


def resolve_local_start(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant a customer means by a wall-clock start; a skipped time is outside hours."""
    instant = local_instant(day, at, tz)
    if instant is None:
        raise DomainError(ErrorCode.OUTSIDE_HOURS,
                          f"{day} {at:%H:%M} does not exist in {tz.key} (clocks change)")
    return instant


class _Sorted:
    """Disjoint intervals in order, kept as parallel lists so lookups are bisects."""

    __slots__ = ("ends", "starts")

    def __init__(self, pairs: Iterable[tuple[datetime, datetime]]) -> None:
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        for start, end in sorted(pairs, key=lambda p: p[0]):
            if start >= end:  # empty: holds no instant, blocks nothing (see Interval.overlaps)
                continue
            if self.ends and start <= self.ends[-1]:  # touching or overlapping: join
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def covers(self, start: datetime, end: datetime) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and end <= self.ends[i]

    def hits(self, start: datetime, end: datetime) -> bool:
        i = bisect_right(self.ends, start)  # first interval ending after ``start``
        return i < len(self.starts) and self.starts[i] < end


class _LocalDays:
    """Provider-local dates of instants by bisecting the local midnights of a few days:
    one conversion per day instead of one per instant (it ran for every candidate start
    and every booking). Instants outside the days fall back to zoneinfo."""

    __slots__ = ("_days", "_midnights", "_tz")

    def __init__(self, first: date, last: date, tz: ZoneInfo) -> None:
        self._tz = tz
        self._days = days(first, last + _ONE_DAY)
        # local_boundary: a midnight skipped by the clocks maps to the first instant after it.
        self._midnights = [local_boundary(d, _MIDNIGHT, tz) for d in self._days]

    def of(self, instant: datetime) -> date:
        i = bisect_right(self._midnights, instant) - 1
        if 0 <= i < len(self._days) - 1:
            return self._days[i]
        return local_date(instant, self._tz)


@dataclass(frozen=True)
class _Calendar:
    """One provider's opening time, occupied time and bookings per day, over some days."""

    provider: Provider
    open: _Sorted
    occupied: _Sorted
    per_day: Mapping[date, int]
    today: date  # provider-local date of ``now``
    own: ClassView  # a class's own sessions (kept out of ``occupied``); empty otherwise
    local: _LocalDays


def _opening(provider: Provider, day: date) -> list[Interval]:
    """The day's opening spans minus its breaks and time off, as UTC."""
    hours, time_off = provider.hours_on(day)
    spans = [span_on(day, s, provider.tz) for s in hours.spans]
    holes = [span_on(day, s, provider.tz) for s in (*hours.breaks, *time_off)]
    return subtract(spans, holes) if holes else spans


def _calendar(provider: Provider, *, first: date, last: date, service: Service, now: datetime,
              taken: Sequence[Taken], busy: Sequence[Interval]) -> _Calendar:
    # An appointment that starts on ``last`` may run into the following days.
    spill = timedelta(days=service.duration.days + 1)
    opening = [iv for d in days(first, last + spill) for iv in _opening(provider, d)]
    # A class's own sessions do not block the class: seats are counted instead (ClassView).
    mine = [t for t in taken if is_own_session(t.session, service, provider.key)]
    others = [t for t in taken if not is_own_session(t.session, service, provider.key)]
    occupied = [(t.block.start, t.block.end) for t in others]
    occupied.extend((b.start, b.end) for b in busy)
    local = _LocalDays(first - _ONE_DAY, last + spill, provider.tz)
    per_day = Counter(local.of(t.start) for t in others)
    per_day.update(local.of(t.start) for t in {t.session: t for t in mine}.values())
    own = class_view([SeatTaken(t.session or "", t.block, t.seats) for t in mine], service,
                     provider.key)
    return _Calendar(provider=provider, open=_Sorted((iv.start, iv.end) for iv in opening),
                     occupied=_Sorted(occupied), per_day=per_day,
                     today=local_date(now, provider.tz), own=own, local=local)


def _problem(cal: _Calendar, *, start: datetime, service: Service, rules: Rules,
             now: datetime) -> ErrorCode | None:
    """The first rule ``start`` breaks, in the order the customer should hear about it."""
    day = cal.local.of(start)
    return (_timing(cal, start=start, day=day, rules=rules, now=now)
            or _placement(cal, start=start, day=day, service=service, rules=rules))


def _timing(cal: _Calendar, *, start: datetime, day: date, rules: Rules,
            now: datetime) -> ErrorCode | None:
    if start <= now:
        return ErrorCode.IN_THE_PAST
    if start < now + rules.min_notice:
        return ErrorCode.TOO_SOON
    if (day - cal.today).days > rules.max_days_ahead:
        return ErrorCode.TOO_FAR_AHEAD
    return None


def _placement(cal: _Calendar, *, start: datetime, day: date, service: Service,
               rules: Rules) -> ErrorCode | None:
    end = start + service.duration
    if not cal.open.covers(start, end):
        return ErrorCode.OUTSIDE_HOURS
    if rules.max_per_day is not None and cal.per_day.get(day, 0) >= rules.max_per_day:
        return ErrorCode.DAY_FULL
    block_start, block_end = start - service.buffer_before, end + service.buffer_after
    if cal.occupied.hits(block_start, block_end):
        return ErrorCode.SLOT_TAKEN
    if service.is_class:
        key = session_key(service.key, cal.provider.key, start)
        if cal.own.clashes(key, Interval(block_start, block_end)):
            return ErrorCode.SLOT_TAKEN
        if seats_left(cal, service, start) <= 0:
            return ErrorCode.CLASS_FULL
    return None


def seats_left(cal: _Calendar, service: Service, start: datetime) -> int:
    used = cal.own.used(session_key(service.key, cal.provider.key, start))
    return (service.capacity or 0) - used


def _grid(provider: Provider, day: date, step: timedelta,
          service: Service | None = None) -> Iterator[datetime]:
    """Grid starts of ``day``'s opening spans, stepped in wall-clock time; a class with a
    timetable starts only at its timetable's times."""
    if service is not None and service.timetable:
        yield from timetable_starts(provider, service, day)
        return
    hours, _ = provider.hours_on(day)
    for span in hours.spans:
        wall = datetime.combine(day, span.start)
        stop = datetime.combine(day + _ONE_DAY if span.end == _MIDNIGHT else day, span.end)
        yield from _span_grid(wall, stop, step, provider.tz)


def _span_grid(wall: datetime, stop: datetime, step: timedelta, tz: ZoneInfo) -> Iterator[datetime]:
    """Grid instants of one wall-clock span. Where the UTC offset is the same at both ends
    (every span but those on a DST day) wall-clock steps are UTC steps, so the grid is
    stepped in UTC with one zone lookup; otherwise each wall time is resolved on its own."""
    first = local_instant(wall.date(), wall.time(), tz)
    last = local_instant(stop.date(), stop.time(), tz)
    if (first is not None and last is not None and stop - wall < _ONE_DAY
            and last - first == stop - wall):
        instant = first
        while instant < last:
            yield instant
            instant += step
        return
    while wall < stop:
        resolved = local_instant(wall.date(), wall.time(), tz)
        if resolved is not None:  # None: the clocks skip this wall time
            yield resolved
        wall += step


def _resolve(business: Business, service_key: str,
             provider_key: str | None) -> tuple[Service, tuple[Provider, ...]]:
    service = business.service(service_key)
    if service is None:
        raise DomainError(ErrorCode.UNKNOWN_SERVICE, f"no service {service_key!r}",
                          service=service_key)
    if service.duration <= timedelta(0) or business.rules.slot_step <= timedelta(0):
        raise DomainError(ErrorCode.INVALID_CONFIG, "duration and slot step must be positive")
    if provider_key is None:
        return service, business.providers_for(service_key)
    provider = business.provider(provider_key)
    if provider is None:
        raise DomainError(ErrorCode.UNKNOWN_PROVIDER, f"no provider {provider_key!r}",
                          provider=provider_key)
    if service_key not in provider.services:
        raise DomainError(ErrorCode.PROVIDER_DOES_NOT_OFFER,
                          f"{provider.name} does not offer {service.name}",
                          provider=provider_key, service=service_key)
    return service, (provider,)


def _by_provider(taken: Sequence[Taken]) -> dict[str, list[Taken]]:
    grouped: dict[str, list[Taken]] = defaultdict(list)
    for t in taken:
        grouped[t.provider_key].append(t)
    return grouped


def _provider_slots(provider: Provider, *, business: Business, service: Service, window: Interval,
                    now: datetime, taken: Sequence[Taken],
                    busy: Sequence[Interval]) -> tuple[list[Slot], _Calendar]:
    tz, rules = provider.tz, business.rules
    today = local_date(now, tz)
    first = max(local_date(window.start, tz), today)
    last = min(local_date(window.end, tz), today + timedelta(days=rules.max_days_ahead))
    cal = _calendar(provider, first=first, last=max(first, last), service=service, now=now,
                    taken=taken, busy=busy)
    starts = {s for d in days(first, last) for s in _grid(provider, d, rules.slot_step, service)
              if window.start <= s < window.end}  # a set: overlapping spans repeat starts
    slots = [Slot(provider.key, s, s + service.duration,
                  seats_left(cal, service, s) if service.is_class else None)
             for s in sorted(starts)
             if _problem(cal, start=s, service=service, rules=rules, now=now) is None]
    return slots, cal


def free_slots(*, business: Business, service_key: str, provider_key: str | None,
               window: Interval, now: datetime, taken: Sequence[Taken],
               busy: Mapping[str, Sequence[Interval]]) -> list[Slot]:
    """Bookable slots starting in ``window``; with no provider, one per start instant."""
    service, providers = _resolve(business, service_key, provider_key)
    now = to_utc(now)
    grouped = _by_provider(taken)
    # Any provider: the one with the fewest bookings that (local) day, then business order.
    best: dict[datetime, tuple[int, int, Slot]] = {}
    for order, provider in enumerate(providers):
        slots, cal = _provider_slots(provider, business=business, service=service, window=window,
                                     now=now, taken=grouped.get(provider.key, []),
                                     busy=busy.get(provider.key, ()))
        for slot in slots:
            load = cal.per_day.get(local_date(slot.start, provider.tz), 0)
            if slot.start not in best or (load, order) < best[slot.start][:2]:
                best[slot.start] = (load, order, slot)
    return [best[start][2] for start in sorted(best)]


_MESSAGES = {
    ErrorCode.IN_THE_PAST: "that time has already passed",
    ErrorCode.TOO_SOON: "that is too short notice",
    ErrorCode.TOO_FAR_AHEAD: "that is too far ahead to book yet",
    ErrorCode.OUTSIDE_HOURS: "that is outside opening hours",
    ErrorCode.DAY_FULL: "that day is fully booked",
    ErrorCode.SLOT_TAKEN: "that time is already taken",
    ErrorCode.CLASS_FULL: "every seat in that class is taken",
}


def check_start(*, business: Business, service_key: str, provider_key: str, start: datetime,
                now: datetime, taken: Sequence[Taken],
                busy: Mapping[str, Sequence[Interval]], seats: int = 1) -> None:
    """Raise the most specific DomainError if ``start`` cannot be booked (for ``seats``
    seats of a class); else return."""
    service, (provider,) = _resolve(business, service_key, provider_key)
    start, now = to_utc(start), to_utc(now)
    day = local_date(start, provider.tz)
    cal = _calendar(provider, first=day, last=day, service=service, now=now,
                    taken=[t for t in taken if t.provider_key == provider.key],
                    busy=busy.get(provider.key, ()))
    code = _problem(cal, start=start, service=service, rules=business.rules, now=now)
    if code is None and service.timetable and start not in set(
            timetable_starts(provider, service, day)):
        code = ErrorCode.OUTSIDE_HOURS  # a class with a timetable runs only at its times
    if code is None and service.is_class and seats_left(cal, service, start) < seats:
        code = ErrorCode.CLASS_FULL
    if code is not None:
        raise DomainError(code, _MESSAGES[code], provider=provider.key,
                          start=start.isoformat())
