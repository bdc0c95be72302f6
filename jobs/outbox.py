"""Outbox dispatch: each event becomes per-recipient notifications, or a waitlist offer.

An event's notifications and its "done" mark are written in one transaction, and every
notification has an idempotency key, so an event processed twice (a crash, a lost lease)
still yields each notification once. ``SeriesConfirmed`` becomes one notice per person for
the whole series (``core.series_notices``; its dates' own ``BookingConfirmed`` tell nobody,
and refresh the provider's view once, here). ``CalendarSyncFailed`` concerns no booking: its
provider alert is worded by ``notice_text`` (a dispatcher without one leaves these events
pending for one that has it). ``SlotFreed`` runs the waitlist offer use case in its
own transaction first; if the mark is then lost, the re-run finds the slot held (by the
offer) and offers nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.booking import BookingStatus
from core.calendar_sync import CalendarSyncFailed
from core.errors import DomainError, ErrorCode
from core.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRescheduled,
    Event,
    SeriesConfirmed,
    SlotFreed,
)
from core.notifications import Draft, Kind, notices_for
from core.series_notices import series_notices
from core.tracing import request_scope
from core.usecases.waitlist_offers import OfferUnitOfWork, offer_freed_slot
from jobs.events import ACTION, KNOWN, decode_event
from jobs.notices import ALWAYS, calendar_alert, more_notices
from jobs.ports import BookingChanged, JobsStore, NoticeText, OutboxItem, Renderer
from jobs.retry import Backoff

log = logging.getLogger(__name__)
# An event about an appointment that has already started is history, not news (a backlog
# after long downtime, an old database); money notices are a record and always go out.
MONEY = frozenset({Kind.PAYMENT_RECEIVED, Kind.REFUND_ISSUED})
# The changes after which a provider's view (Slack App Home) is refreshed.
CHANGES = (BookingConfirmed, BookingCancelled, BookingRescheduled, SeriesConfirmed)
# Events about no booking whose notices need ``notice_text`` to be worded.
NEEDS_TEXT = frozenset({CalendarSyncFailed.__name__})


@dataclass
class OutboxDispatcher:
    store: JobsStore
    render: Renderer
    offers_uow: Callable[[], OfferUnitOfWork]
    backoff: Backoff
    lease: timedelta = timedelta(minutes=5)
    batch: int = 200
    on_change: BookingChanged | None = None
    notice_text: NoticeText | None = None

    def sweep(self, now: datetime) -> int:
        """One claimed batch; returns how many events were handled (0: nothing due)."""
        kinds = set(KNOWN) if self.notice_text is not None else set(KNOWN) - NEEDS_TEXT
        items = self.store.claim_outbox(now=now, limit=self.batch, lease=self.lease,
                                        kinds=sorted(kinds))
        for item in items:
            # The request that emitted the event: its notifications carry it on, and every
            # line logged meanwhile names it (core.tracing).
            with request_scope(item.request_id):
                self._one(item, now)
        return len(items)

    def _one(self, item: OutboxItem, now: datetime) -> None:
        providers: tuple[str, ...] = ()
        try:
            event = decode_event(item.kind, item.payload)
            drafts, providers = ([], ()) if event is None else self._handle(item, event, now)
        except Exception as exc:  # a bug or the database: retry later, then give up loudly
            log.warning("outbox %s (%s) failed: %s", item.id, item.kind, exc)
            self.store.fail_outbox(item.id, item.attempts, error=f"{type(exc).__name__}: {exc}",
                                   now=now, retry_at=self.backoff.retry_at(item.attempts, now))
            return
        note = None if event is not None else f"no jobs handler for {item.kind}"
        done = self.store.complete_outbox(item.id, item.attempts, drafts, now=now, note=note)
        log.info("outbox %s (%s): %s notifications%s", item.id, item.kind, len(drafts),
                 "" if done else ", lease lost to another worker")
        if done and isinstance(event, CHANGES):
            for provider_key in providers:
                self._changed(provider_key)

    def _handle(self, item: OutboxItem, event: Event,
                now: datetime) -> tuple[list[Draft], tuple[str, ...]]:
        """The drafts to store, and the providers whose view changed (``on_change``)."""
        if isinstance(event, SlotFreed):
            self._offer(event, now)
            return [], ()
        if isinstance(event, CalendarSyncFailed):
            return self._calendar_alert(event, now), ()
        if isinstance(event, SeriesConfirmed):
            return self._series(item, event, now)
        facts = self.store.booking_facts(event.booking_id, action=ACTION.get(item.kind))
        if facts is None:
            return [], ()
        tag = f"e{item.id}"
        found = [*notices_for(event, facts, tag=tag),
                 *more_notices(event, facts, tag=tag, business=self.store.business)]
        notices = [n for n in found if n.kind in MONEY or n.kind in ALWAYS
                   or n.start is None or n.start > now]
        drafts = [Draft(n, self.render(n, facts), now) for n in notices]
        # A date confirmed with its series: the provider's view is refreshed once, for all.
        in_series = isinstance(event, BookingConfirmed) and event.series_id is not None
        return drafts, () if in_series else (facts.booking.provider_key,)

    def _series(self, item: OutboxItem, event: SeriesConfirmed,
                now: datetime) -> tuple[list[Draft], tuple[str, ...]]:
        """One message per person for the series' dates still confirmed and to come."""
        read = (self.store.booking_facts(i, action=ACTION.get(item.kind))
                for i in event.booking_ids)
        facts = [f for f in read if f is not None]
        live = {f.booking.id: f for f in facts
                if f.booking.status is BookingStatus.CONFIRMED and f.booking.start > now}
        notices = series_notices(event, list(live.values()))
        drafts = [Draft(n, self.render(n, live[n.booking_id or ""]), now) for n in notices]
        return drafts, tuple(dict.fromkeys(f.booking.provider_key for f in facts))

    def _calendar_alert(self, event: CalendarSyncFailed, now: datetime) -> list[Draft]:
        """The provider's own Slack user, else the provider channel (``provider_recipients``)."""
        text = self.notice_text
        if text is None:  # not claimed without it (see sweep)
            raise RuntimeError("no notice_text to word a calendar alert")
        who = self.store.provider_recipients().get(event.provider_key)
        if who is None:
            log.warning("calendar of %s unreadable, and no Slack address to tell them",
                        event.provider_key)
        return [Draft(n, text(n), now) for n in calendar_alert(event, who, now=now)]

    def _changed(self, provider_key: str) -> None:
        """Tell the composition root (it refreshes the provider's Slack App Home); a failure
        there is logged and never undoes or repeats the event."""
        if self.on_change is None:
            return
        try:
            self.on_change(provider_key)
        except Exception as exc:
            log.warning("refreshing provider %s after a change failed: %s", provider_key, exc)

    def _offer(self, event: SlotFreed, now: datetime) -> None:
        try:
            offer = offer_freed_slot(self.offers_uow(), event, now=now)
        except DomainError as err:
            if err.code is ErrorCode.BUSY:
                raise  # contention: worth another try
            log.info("slot %s %s not offered: %s", event.provider_key, event.start, err.code)
            return
        if offer is not None:
            log.info("offered %s %s to waitlist entry %s", offer.provider_key, offer.start,
                     offer.entry_id)
