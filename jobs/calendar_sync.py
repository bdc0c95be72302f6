"""Calendar sweeps: read every provider's calendar when due, write our bookings into theirs.

Both are idempotent sweeps over the database. ``sync`` asks the business rules which
calendars are due (``calendar_sync_interval``), so its own timer only needs to tick often
(every minute); ``write`` compares bookings with what was written and does only the
difference. Adapters are handed in by the composition root; this module knows core only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.calendar_sync import due_providers
from core.model import Provider
from core.ports import CalendarSource, CalendarWriter
from core.usecases.calendar import (
    CalendarUnitOfWork,
    SyncOutcome,
    WriteReport,
    sync_calendar,
    write_bookings,
)

log = logging.getLogger(__name__)

# Seconds between ticks. A tick is cheap when nothing is due (one small query).
SYNC_TICK = 60.0
WRITE_TICK = 30.0


@dataclass
class CalendarJobs:
    uow: Callable[[], CalendarUnitOfWork]
    source_for: Callable[[Provider], CalendarSource]  # one that raises CalendarError if broken
    writer_for: Callable[[Provider], CalendarWriter | None]
    clock: Callable[[], datetime]

    def sync(self, only: str | None = None, *, force: bool = False) -> list[SyncOutcome]:
        """Read the calendars that are due (all of them with ``force``, or just ``only``)."""
        now = self.clock()
        with self.uow() as tx:
            business = tx.business()
            states = tx.calendar_state.all()
            for key in sorted(states):  # a calendar removed from the business file
                provider = business.provider(key)
                if provider is None or provider.calendar is None:
                    tx.calendar_state.forget(key)
            tx.commit()
        chosen = ([p for p in business.providers if p.calendar is not None] if force or only
                  else due_providers(business, states, now))
        outcomes: list[SyncOutcome] = []
        for provider in chosen:
            if only is not None and provider.key != only:
                continue
            try:
                outcomes.append(sync_calendar(self.uow, provider_key=provider.key,
                                              source=self.source_for(provider), now=now))
            except Exception:  # one provider's trouble must not starve the others
                log.exception("calendar sync for %s failed", provider.key)
        for outcome in outcomes:
            if not outcome.ok:
                log.warning("calendar of %s unreadable (%s): %s", outcome.provider_key,
                            outcome.freshness.value, outcome.error)
        return outcomes

    def write(self) -> WriteReport:
        """Write, move and remove our bookings' events in providers' calendars."""
        business_providers: dict[str, Provider] = {}

        def writer(provider_key: str) -> CalendarWriter | None:
            provider = business_providers.get(provider_key)
            return None if provider is None else self.writer_for(provider)

        with self.uow() as tx:
            business_providers.update({p.key: p for p in tx.business().providers})
        return write_bookings(self.uow, writer_for=writer, now=self.clock())

    def sync_sweep(self) -> str | None:
        """The scheduler's entry point: a short summary when something was read."""
        outcomes = self.sync()
        if not outcomes:
            return None
        good = sum(o.ok for o in outcomes)
        return f"{good} calendar(s) read, {len(outcomes) - good} failed"

    def write_sweep(self) -> str | None:
        report = self.write()
        return str(report) if report else None
