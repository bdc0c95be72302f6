"""All sweeps of one worker, each taking ``now`` from the injected clock.

Every sweep is idempotent and safe on several workers at once; the scheduler
(jobs/scheduler.py) only decides how often each runs. ``run_once`` runs them all in
dependency order until nothing is left to do, which is what the tests and the console
demo use; production runs each on its own interval.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta

from core.ports import Sender
from core.usecases import expire_holds
from core.usecases.confirmations import release_unconfirmed
from core.usecases.waitlist_offers import OfferUnitOfWork, expire_offers
from jobs.delivery import Deliverer
from jobs.outbox import OutboxDispatcher
from jobs.ports import AgendaText, BookingChanged, Clock, JobsStore, NoticeText, Renderer
from jobs.reminders import AgendaPlanner, ReminderPlanner
from jobs.retry import Backoff

log = logging.getLogger(__name__)
MAX_ROUNDS = 20  # outbox -> offer -> outbox ... chains are short; this only stops a loop


@dataclass(frozen=True)
class JobSettings:
    batch: int = 200
    lease: timedelta = timedelta(minutes=5)
    agenda_at: time = time(7, 0)  # provider-local time the daily agenda goes out
    session_retention: timedelta = timedelta(days=30)
    delivery_retention: timedelta = timedelta(days=7)
    backoff: Backoff = field(default_factory=Backoff)


@dataclass
class Jobs:
    store: JobsStore
    senders: Mapping[str, Sender]
    render: Renderer
    offers_uow: Callable[[], OfferUnitOfWork]
    clock: Clock
    agenda_text: AgendaText | None = None
    settings: JobSettings = field(default_factory=JobSettings)
    refund_sweep: Callable[[], int] | None = None  # payments: retries due refunds
    on_change: BookingChanged | None = None  # a provider's booking changed (App Home)
    notice_text: NoticeText | None = None  # words notices about no booking (calendar alerts)

    def __post_init__(self) -> None:
        s = self.settings
        self._outbox = OutboxDispatcher(self.store, self.render, self.offers_uow, s.backoff,
                                        lease=s.lease, batch=s.batch, on_change=self.on_change,
                                        notice_text=self.notice_text)
        self._stop = threading.Event()
        self._deliverer = Deliverer(self.store, self.senders, self.clock, s.backoff,
                                    lease=s.lease, batch=s.batch, stopping=self._stop.is_set)
        self._reminders = ReminderPlanner(self.store, self.render)
        self._agenda = (AgendaPlanner(self.store, self.agenda_text, s.agenda_at)
                        if self.agenda_text is not None else None)

    def stop(self) -> None:
        """Asked to shut down (SIGTERM): delivery finishes the send in hand and hands the
        rest of its batch back; the outbox finishes the batch it claimed (database work,
        no message goes out from it); nothing claims a new batch after this."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def expire(self) -> int:
        """Offers first (their holds pass the slot on), then every other lapsed hold, then
        bookings whose confirmation deadline passed unconfirmed (their slot is offered)."""
        now = self.clock()
        offers = expire_offers(self.offers_uow(), now=now, limit=self.settings.batch)
        holds = expire_holds(self.offers_uow(), now=now, limit=self.settings.batch)
        released = release_unconfirmed(self.offers_uow(), now=now, limit=self.settings.batch)
        return len(offers) + len(holds) + len(released)

    def refunds(self) -> int:
        """Due refunds retried (a refund given up on becomes an outbox event for the
        provider); nothing when no payment gateway is configured."""
        return self.refund_sweep() if self.refund_sweep is not None else 0

    def outbox(self) -> int:
        done = 0
        for _ in range(MAX_ROUNDS):
            if self.stopping:
                break
            handled = self._outbox.sweep(self.clock())
            done += handled
            if handled == 0:
                break
        return done

    def reminders(self) -> int:
        return self._reminders.sweep(self.clock())

    def agendas(self) -> int:
        return self._agenda.sweep(self.clock()) if self._agenda is not None else 0

    def deliver(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for _ in range(MAX_ROUNDS * 100):
            outcomes = self._deliverer.sweep()
            total.update(outcomes)
            if not outcomes or outcomes.get("released") or self.stopping:
                break
        return total

    def cleanup(self) -> int:
        now = self.clock()
        return self.store.cleanup(sessions_before=now - self.settings.session_retention,
                                  deliveries_before=now - self.settings.delivery_retention)

    def run_once(self) -> Counter[str]:
        """Every sweep once, in order, to quiescence: what a restarted worker does first."""
        report: Counter[str] = Counter()
        report["expired"] = self.expire()
        report["refunds"] = self.refunds()
        report["events"] = self.outbox()
        report["reminders"] = self.reminders()
        report["agendas"] = self.agendas()
        report.update(self.deliver())
        return report
