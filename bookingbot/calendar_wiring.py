"""Providers' calendars wired to the database: adapters from the business file's
``calendar:`` sections and secrets from the environment, the worker's sweeps, the
booking-time freshness check and ``bookingbot calendar sync``.

For the lead to wire (nothing here runs at import time):

* worker: ``for name, seconds, run in calendar_sweeps(db, settings, clock): ...`` schedules
  ``run`` every ``seconds`` (each returns a short summary or None; exceptions are logged
  by the scheduler's guard and retried next tick);
* runner: ``refresh = calendar_refresher(db, settings)`` then, before finding slots or
  holding/rescheduling, ``refresh(provider_key_or_None, now)``. It re-reads calendars
  older than ``calendar_max_age`` and raises ``DomainError(CALENDAR_UNAVAILABLE)`` when the
  named provider's calendar has been unreadable beyond ``calendar_stale_limit``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import datetime
from pathlib import Path

import httpx
from dotenv import dotenv_values

from adapters.calendar.google import GOOGLE_API, GoogleCalendar
from adapters.calendar.graph import GRAPH_API, GraphCalendar
from adapters.calendar.ics import IcsCalendar
from adapters.calendar.oauth import (
    GOOGLE_TOKEN_URL,
    MICROSOFT_TOKEN_URL,
    CachedToken,
    client_credentials_token,
    refresh_access_token,
)
from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.settings import Settings
from core.booking import Booking
from core.errors import CalendarError, DomainError
from core.interval import Interval
from core.model import Business, CalendarKind, CalendarLink, Provider
from core.ports import CalendarSource, CalendarWriter
from core.usecases.calendar import CalendarUnitOfWork, refresh_if_stale
from db.calendar_store import SqlCalendarUnitOfWork
from jobs.calendar_sync import SYNC_TICK, WRITE_TICK, CalendarJobs

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
Sweep = tuple[str, float, Callable[[], object]]
HTTP_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def environment(settings: Settings | None = None) -> dict[str, str]:
    """The process environment over the .env file (read like Settings reads it)."""
    env_file = (settings or Settings()).model_config.get("env_file")
    found: dict[str, str] = {}
    if isinstance(env_file, str | Path) and Path(env_file).is_file():
        found = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    return {**found, **os.environ}


class Unconfigured:
    """Stands in for a calendar whose set-up is incomplete: every call is a CalendarError,
    so the sync records it and the provider is alerted instead of nothing happening."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def busy(self, window: Interval) -> list[Interval]:  # noqa: ARG002
        raise CalendarError(self.reason)

    def upsert(self, booking: Booking, *, title: str, description: str) -> str:  # noqa: ARG002
        raise CalendarError(self.reason)

    def delete(self, booking_id: str) -> None:  # noqa: ARG002
        raise CalendarError(self.reason)


Adapter = IcsCalendar | GoogleCalendar | GraphCalendar | Unconfigured


class CalendarConnections:
    """Builds (and keeps, so access tokens are reused) one adapter per provider calendar."""

    def __init__(self, env: Mapping[str, str], *, http: httpx.Client, clock: Clock) -> None:
        self._env = env
        self._http = http
        self._clock = clock
        self._built: dict[tuple[str, CalendarLink], Adapter] = {}

    def source_for(self, provider: Provider) -> CalendarSource:
        return self._adapter(provider)

    def writer_for(self, provider: Provider) -> CalendarWriter | None:
        if provider.calendar is None or not provider.calendar.writable:
            return None
        return self._adapter(provider)  # type: ignore[return-value]  # never an IcsCalendar

    def _adapter(self, provider: Provider) -> Adapter:
        link = provider.calendar
        if link is None:
            return Unconfigured(f"{provider.key} has no calendar")
        key = (provider.key, link)
        if key not in self._built:
            try:
                self._built[key] = self._connect(provider, link)
            except CalendarError as err:
                return Unconfigured(str(err))  # not kept: the variable may be set later
        return self._built[key]

    def _secret(self, name: str | None, what: str) -> str:
        value = self._env.get(name or "", "").strip()
        if not name or not value:
            raise CalendarError(f"{what}: environment variable {name or '(unnamed)'} is not set")
        return value

    def _connect(self, provider: Provider, link: CalendarLink) -> Adapter:
        what = f"calendar of {provider.key}"
        if link.kind is CalendarKind.ICS:
            url = link.ics_url or self._secret(link.ics_url_env, what)
            return IcsCalendar(url, http=self._http, default_tz=provider.tz)
        client_id = self._secret(link.client_id_env, what)
        client_secret = self._secret(link.client_secret_env, what)
        if link.kind is CalendarKind.GOOGLE:
            refresh = self._secret(link.refresh_token_env, what)
            token_url = link.token_url or GOOGLE_TOKEN_URL
            google_token = CachedToken(lambda: refresh_access_token(
                client_id, client_secret, refresh, token_url, http=self._http), clock=self._clock)
            return GoogleCalendar(link.calendar_id or "primary", token_provider=google_token,
                                  http=self._http, base_url=link.api_url or GOOGLE_API)
        tenant = self._secret(link.tenant_env, what)
        ms_url = link.token_url or MICROSOFT_TOKEN_URL
        graph_token = CachedToken(lambda: client_credentials_token(
            tenant, client_id, client_secret, http=self._http, token_url=ms_url),
            clock=self._clock)
        return GraphCalendar(link.user or "", token_provider=graph_token, http=self._http,
                             all_day_tz=provider.tz, base_url=link.api_url or GRAPH_API,
                             calendar_id=link.calendar_id)


def calendar_uow(db: Database, clock: Clock = utcnow) -> Callable[[], CalendarUnitOfWork]:
    def make() -> CalendarUnitOfWork:
        return SqlCalendarUnitOfWork(db.sessions, db.cache, clock=clock)
    return make


def calendar_jobs(db: Database, settings: Settings | None = None, clock: Clock = utcnow, *,
                  http: httpx.Client | None = None,
                  env: Mapping[str, str] | None = None) -> CalendarJobs:
    client = http or httpx.Client(timeout=HTTP_TIMEOUT)
    connections = CalendarConnections(env if env is not None else environment(settings),
                                      http=client, clock=clock)
    return CalendarJobs(calendar_uow(db, clock), connections.source_for,
                        connections.writer_for, clock)


def calendar_sweeps(db: Database, settings: Settings, clock: Clock = utcnow) -> list[Sweep]:
    """(name, interval seconds, function) for the worker's scheduler."""
    jobs = calendar_jobs(db, settings, clock)
    return [("calendar_sync", SYNC_TICK, jobs.sync_sweep),
            ("calendar_write", WRITE_TICK, jobs.write_sweep)]


class CalendarRefresher:
    """``refresh_if_stale(provider_key, now)`` for the booking path (see the module doc)."""

    def __init__(self, jobs: CalendarJobs) -> None:
        self._jobs = jobs

    def refresh_if_stale(self, provider_key: str | None, now: datetime) -> frozenset[str]:
        """The keys of the providers (of those asked about) whose bookings are paused."""
        with self._jobs.uow() as tx:
            providers = [p for p in tx.business().providers if p.calendar is not None
                         and provider_key in (None, p.key)]
        paused = set()
        for provider in providers:
            try:
                refresh_if_stale(self._jobs.uow, provider_key=provider.key,
                                 source=self._jobs.source_for(provider), now=now)
            except DomainError:
                if provider_key is not None:
                    raise  # the customer asked for this provider: say why we cannot book
                # "anyone": this provider's paused block already keeps them out of the offer;
                # the caller is told, so an empty search is not called "fully booked"
                paused.add(provider.key)
        return frozenset(paused)

    __call__ = refresh_if_stale

    def last_error(self, provider_key: str) -> str | None:
        """Why the provider's calendar could not be read last time (None: it could)."""
        with self._jobs.uow() as tx:
            state = tx.calendar_state.get(provider_key)
        return None if state is None or state.failing_since is None else state.last_error


def calendar_refresher(db: Database, settings: Settings | None = None,
                       clock: Clock = utcnow) -> CalendarRefresher:
    return CalendarRefresher(calendar_jobs(db, settings, clock))


def sync_command(*, provider: str | None, db_url: str | None) -> int:
    """``bookingbot calendar sync [--provider KEY]``: read now, print what happened."""
    settings = Settings()
    db = database(db_url or settings.database_url)
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT) as http:
            outcomes = calendar_jobs(db, settings, http=http).sync(only=provider, force=True)
    finally:
        db.close()
    if not outcomes:
        print("no provider calendar to sync" + (f" for {provider}" if provider else ""))  # noqa: T201
        return 1 if provider else 0
    for o in outcomes:
        detail = f"{o.blocks} busy block(s)" if o.ok else f"FAILED: {o.error}"
        print(f"{o.provider_key}: {o.freshness.value}; {detail}")  # noqa: T201
    return 0 if all(o.ok for o in outcomes) else 2



def missing_calendar_secrets(business: Business, settings: Settings | None = None) -> list[str]:
    """Calendars whose named environment variables are not set: until they are, bookings with
    that provider pause (we would rather not double-book), so ``setup`` warns about them."""
    env = environment(settings)
    out = []
    for provider in business.providers:
        link = provider.calendar
        if link is None:
            continue
        names = [getattr(link, f.name) for f in fields(link) if f.name.endswith("_env")]
        absent = [n for n in names if n and not env.get(n)]
        if absent:
            out.append(f"{provider.key}: calendar needs {', '.join(absent)}; until it is set, "
                       f"bookings with {provider.name} pause")
    return out
