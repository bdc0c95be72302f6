"""Providers: unique keys, known services, weekly hours and dated exceptions."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bookingbot.business import values
from bookingbot.business.calendar import calendar_link
from bookingbot.business.problems import KeyPath, Problems, show
from bookingbot.business.schema import Closed, ExceptionIn, OpenHoursIn, ProviderIn
from core.model import DatedException, DayHours, ExceptionKind, LocalSpan, Provider

Numbered = list[tuple[int, ProviderIn]]  # (position in the file, validated entry)
DayValue = Closed | LocalSpan | list[LocalSpan] | OpenHoursIn


def build_providers(providers: Numbered, *, tz: ZoneInfo | None, services: set[str] | None,
                    problems: Problems) -> list[Provider]:
    """Check and convert providers; ``tz``/``services`` None when those sections are broken."""
    keys = {i: p.key or values.slug(p.name) for i, p in providers}
    _check_keys(providers, keys, problems)
    built = []
    for i, prov in providers:
        path: KeyPath = ("providers", i)
        offered = _offered(prov, services, path, problems)
        weekly = _weekly(prov, path, problems)
        exceptions = _exceptions(prov.exceptions, (*path, "exceptions"), problems)
        zone = prov.timezone or tz
        if zone is None or offered is None or not keys[i]:
            continue
        built.append(Provider(
            key=keys[i], name=prov.name, tz=zone, services=offered, weekly=weekly,
            exceptions=exceptions, slack_user_id=prov.slack_user,
            calendar=calendar_link(prov.calendar),
        ))
    return built


def _check_keys(providers: Numbered, keys: dict[int, str], problems: Problems) -> None:
    first: dict[str, int] = {}
    for i, prov in providers:
        where: KeyPath = ("providers", i, "key" if prov.key else "name")
        if not keys[i]:
            problems.add(where, f"cannot make a key from {show(prov.name)}; add key: with "
                         "lowercase letters and digits")
        elif keys[i] in first:
            problems.add(where, f'provider key "{keys[i]}" is already used by '
                         f"providers[{first[keys[i]]}]")
        else:
            first[keys[i]] = i


def _offered(prov: ProviderIn, services: set[str] | None, path: KeyPath,
             problems: Problems) -> frozenset[str] | None:
    """The services this provider offers; all of them when the key is left out."""
    if services is None:
        return None
    if prov.services is None:
        return frozenset(services)
    for j, key in enumerate(prov.services):
        if key not in services:
            known = ", ".join(sorted(services)) or "none"
            problems.add((*path, "services", j), f'unknown service "{key}" (services: {known})')
    return frozenset(prov.services) & services


def _weekly(prov: ProviderIn, path: KeyPath, problems: Problems) -> tuple[DayHours, ...]:
    return weekly_hours(prov.hours, path, problems)


def weekly_hours(hours: dict[str, DayValue], path: KeyPath,
                 problems: Problems) -> tuple[DayHours, ...]:
    """Checked weekly hours (providers and resources); ``path`` is the owner's."""
    week = [DayHours()] * 7  # a day not written is closed
    for name, value in hours.items():
        _check_day(value, (*path, "hours", name), problems)
        index = values.day_index(name)
        if index is not None:
            week[index] = _day_hours(value)
    return tuple(week)


def _day_hours(value: DayValue) -> DayHours:
    if isinstance(value, Closed):
        return DayHours()
    if isinstance(value, LocalSpan):
        return DayHours(spans=(value,))
    if isinstance(value, OpenHoursIn):
        return DayHours(spans=(value.open,), breaks=tuple(value.breaks))
    return DayHours(spans=tuple(sorted(value, key=_minutes)))


def _check_day(value: DayValue, path: KeyPath, problems: Problems) -> None:
    if isinstance(value, list):
        _check_no_overlap(value, path, problems)
    elif isinstance(value, OpenHoursIn):
        breaks_path = (*path, "breaks")
        _check_no_overlap(value.breaks, breaks_path, problems)
        for j, pause in enumerate(value.breaks):
            if not _inside(pause, value.open):
                problems.add((*breaks_path, j), f'break "{_fmt(pause)}" is outside the opening '
                             f'hours "{_fmt(value.open)}"')


def _check_no_overlap(spans: Sequence[LocalSpan], path: KeyPath, problems: Problems) -> None:
    order = sorted(range(len(spans)), key=lambda j: _minutes(spans[j]))
    for before, after in itertools.pairwise(order):
        if _minutes(spans[after])[0] < _minutes(spans[before])[1]:
            problems.add((*path, after), f'"{_fmt(spans[after])}" overlaps '
                         f'"{_fmt(spans[before])}"')


def _minutes(span: LocalSpan) -> tuple[int, int]:
    """Minutes from midnight; an end of 00:00 means the end of the day (LocalSpan semantics)."""
    end = span.end.hour * 60 + span.end.minute or 24 * 60
    return span.start.hour * 60 + span.start.minute, end


def _inside(inner: LocalSpan, outer: LocalSpan) -> bool:
    (a, b), (c, d) = _minutes(inner), _minutes(outer)
    return c <= a and b <= d


def _fmt(span: LocalSpan) -> str:
    start, end = _minutes(span)
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def dated_exceptions(entries: list[ExceptionIn], path: KeyPath,
                     problems: Problems) -> tuple[DatedException, ...]:
    return _exceptions(entries, path, problems)


def _exceptions(entries: list[ExceptionIn], path: KeyPath,
                problems: Problems) -> tuple[DatedException, ...]:
    out: list[DatedException] = []
    for j, entry in enumerate(entries):
        here: KeyPath = (*path, j)
        made = _exception(entry, here, problems)
        clash = next((k for k, other in enumerate(out) if other.day == made.day and (
            ExceptionKind.TIME_OFF not in (other.kind, made.kind))), None)
        if clash is not None:
            problems.add((*here, "date"), f"{entry.day} already has an entry at "
                         f"exceptions[{clash}]; keep one")
        out.append(made)
    return tuple(out)


def _exception(entry: ExceptionIn, path: KeyPath, problems: Problems) -> DatedException:
    if entry.closed or isinstance(entry.hours, Closed):
        return DatedException(entry.day, ExceptionKind.CLOSED, note=entry.note)
    if entry.hours is not None:
        _check_day(entry.hours, (*path, "hours"), problems)
        return DatedException(entry.day, ExceptionKind.HOURS, hours=_day_hours(entry.hours),
                              note=entry.note)
    blocked = tuple(entry.time_off or ())
    _check_no_overlap(blocked, (*path, "time_off"), problems)
    return DatedException(entry.day, ExceptionKind.TIME_OFF, blocked=blocked, note=entry.note)
