"""``bookingbot slots``: the free slots a customer would be offered, found the way the bot
finds them (the same calendar check first, so both see a paused provider)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bookingbot.bootstrap import database, utcnow
from bookingbot.calendar_wiring import calendar_refresher
from bookingbot.cli_errors import CommandError
from bookingbot.settings import Settings
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import Business, Provider, Service
from core.timeutil import local_midnight
from core.usecases import available_slots


def _fold(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


def find_service(business: Business, wanted: str) -> Service:
    """A service by key, name or alias, whatever the case ("Beard Trim", "beard-trim")."""
    folded = _fold(wanted)
    for service in business.services:
        if folded in {_fold(w) for w in (service.key, service.name, *service.aliases)}:
            return service
    keys = ", ".join(f"{s.key} ({s.name})" for s in business.services)
    raise CommandError(f"no service called {wanted!r}; services: {keys}")


def find_provider(business: Business, wanted: str | None) -> Provider | None:
    if wanted is None:
        return None
    folded = _fold(wanted)
    for provider in business.providers:
        if folded in (_fold(provider.key), _fold(provider.name)):
            return provider
    keys = ", ".join(f"{p.key} ({p.name})" for p in business.providers)
    raise CommandError(f"no provider called {wanted!r}; providers: {keys}")


def _zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else default
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"unknown timezone {name!r} (use an IANA name like "
                         "America/New_York)") from None


def _first_day(start: str | None, zone: ZoneInfo) -> date:
    if start is None:
        return utcnow().astimezone(zone).date()
    try:
        return date.fromisoformat(start)
    except ValueError:
        raise CommandError(f"--from {start!r} is not a date like 2026-12-24") from None


def slots(service: str, *, provider: str | None, start: str | None, days: int, tz: str | None,
          db: str | None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    handle = database(db)
    try:
        with handle.uow() as uow:
            business = uow.business()
        chosen = find_service(business, service)
        who = find_provider(business, provider)
        zone = _zone(tz, business.tz)
        first = _first_day(start, zone)
        window = Interval(local_midnight(first, zone),
                          local_midnight(first + timedelta(days=max(days, 1)), zone))
        now = utcnow()
        refresher = calendar_refresher(handle, Settings())
        try:
            paused = refresher(who.key if who else None, now)
        except DomainError as exc:
            if exc.code is not ErrorCode.CALENDAR_UNAVAILABLE or who is None:
                raise
            paused = frozenset({who.key})
        for key in sorted(paused):
            name = business.provider(key)
            reason = refresher.last_error(key)
            err.write(f"note: bookings with {name.name if name else key} are paused: their "
                      f"calendar cannot be read{f' ({reason})' if reason else ''}; "
                      "see `bookingbot calendar sync`\n")
        found = available_slots(handle.uow(), service_key=chosen.key,
                                provider_key=who.key if who else None, window=window, now=now)
    finally:
        handle.close()
    for slot in found:
        local = slot.start.astimezone(zone)
        out.write(f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}  {slot.provider_key}\n")
    if not found:
        out.write("no free slots in that range\n")
    return 0
