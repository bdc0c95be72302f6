"""Delivering stored notifications: claim a batch (a lease), send each, record each outcome.

Exactly once, where the platform allows: a notification is created once (unique key),
claimed by one worker (SKIP LOCKED / serialised claim) and marked soon after its send, in
groups (``record_every`` sends or ``record_after`` seconds, one commit each). The one
unavoidable gap is a crash between the platform accepting messages and our mark; those
messages (at most one group) are sent again when the lease ends (none of our channels
accepts a client idempotency key). A worker never sends past its lease: it hands back what
it has not reached before the lease could run out, so no other worker can hold the same
row meanwhile. Asked to stop (SIGTERM, ``stopping``), it finishes the send under way,
records what it sent and hands back the rest of its batch at once, for any worker to take.

Each send runs with the request id of the row bound (``core.tracing``) and logs one line,
so a customer's message can be followed from the webhook that caused it to its delivery.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.delivery import SENT, Outcome
from core.errors import PermanentSendError
from core.notifications import Kind, Outgoing, in_quiet_hours, quiet_ends
from core.ports import Sender, TemplateSender
from core.tracing import request_scope
from jobs.ports import Claimed, Clock, JobsStore
from jobs.reply_context import SESSION_KEY, context_after
from jobs.retry import Backoff

log = logging.getLogger(__name__)

CONFIRMED = "confirmed"
HELD = "held"


@dataclass(frozen=True)
class Verdict:
    status: str  # "skipped" | "obsolete" | "pending" (deferred) | "" (send it)
    reason: str | None = None
    retry_at: datetime | None = None


SEND = Verdict("")


def check(c: Claimed, now: datetime) -> Verdict:
    """Re-checked at delivery, because things change between planning and sending."""
    if c.opted_out:
        return Verdict("skipped", "opted out")
    if c.kind == Kind.REMINDER.value:
        if c.booking_status != CONFIRMED or c.booking_start != c.start or \
                c.start is None or c.start <= now:
            return Verdict("obsolete", "booking changed, cancelled or started")
        if c.quiet_tz and in_quiet_hours(now, ZoneInfo(c.quiet_tz)):
            wake = quiet_ends(now, ZoneInfo(c.quiet_tz))
            if wake >= c.start:
                return Verdict("obsolete", "quiet hours until the start")
            return Verdict("pending", "quiet hours", wake)
    if c.kind == Kind.WAITLIST_OFFER.value and c.booking_status != HELD:
        return Verdict("obsolete", "the offer lapsed before it was sent")
    return SEND


@dataclass
class Deliverer:
    store: JobsStore
    senders: Mapping[str, Sender]
    clock: Clock
    backoff: Backoff = field(default_factory=Backoff)
    lease: timedelta = timedelta(minutes=5)
    # Longer than any one send may take; a quarter of the lease if that is shorter.
    margin: timedelta = timedelta(minutes=1)
    batch: int = 200
    timer: Callable[[], float] = time.monotonic
    # True once the worker was asked to stop: no new claim, the rest of a batch handed back.
    stopping: Callable[[], bool] = field(default=lambda: False)
    # Outcomes are recorded in groups: after this many sends, or once the oldest unrecorded
    # one is this old (seconds), whichever comes first. This bounds what a crash can make
    # us send again; against a slow platform the group shrinks to about one message.
    record_every: int = 50
    record_after: float = 0.1

    def sweep(self) -> Counter[str]:
        """Deliver one claimed batch; counts outcomes ("sent", "failed", ...)."""
        counts: Counter[str] = Counter()
        if self.stopping():
            return counts
        claimed = self.store.claim_notifications(now=self.clock(), limit=self.batch,
                                                 lease=self.lease)
        margin = min(self.margin, self.lease / 4)
        deadline = self.timer() + (self.lease - margin).total_seconds()
        unrecorded: list[Outcome] = []
        oldest = 0.0
        try:
            for i, c in enumerate(claimed):
                if self.stopping() or self.timer() > deadline:
                    self._record(unrecorded)
                    unrecorded = []
                    self.store.release([x.id for x in claimed[i:]], c.token, now=self.clock())
                    counts["released"] += len(claimed) - i
                    break
                outcome = self._traced(c)
                counts[outcome.status] += 1
                if not unrecorded:
                    oldest = self.timer()
                unrecorded.append(outcome)
                if len(unrecorded) >= self.record_every or \
                        self.timer() - oldest >= self.record_after:
                    self._record(unrecorded)
                    unrecorded = []
        finally:  # also on the way out of an interrupt: what was sent stays sent
            self._record(unrecorded)
        return counts

    def _record(self, outcomes: list[Outcome]) -> None:
        if not outcomes:
            return
        try:
            self.store.finish_many(outcomes)
        except Exception as exc:  # e.g. a session row is busy: never lose the "sent" marks
            if not any(o.session for o in outcomes):
                raise
            log.warning("reply contexts of %s notifications not stored: %s", len(outcomes), exc)
            self.store.finish_many([replace(o, session=None) for o in outcomes])

    def _traced(self, c: Claimed) -> Outcome:
        with request_scope(c.request_id):
            outcome = self._one(c)
            log.info("notification %s (%s on %s): %s", c.id, c.kind, c.channel, outcome.status)
        return outcome

    def _one(self, c: Claimed) -> Outcome:
        now = self.clock()
        verdict = check(c, now)
        if verdict.status:
            return Outcome(c.id, c.token, verdict.status, now, error=verdict.reason,
                           retry_at=verdict.retry_at)
        sender = self.senders.get(c.channel)
        if sender is None:  # not configured (yet): keep trying, so configuring it delivers
            return self._failed(c, now, f"no sender for channel {c.channel!r}")
        return self._send(sender, c, now)

    def _failed(self, c: Claimed, now: datetime, error: str) -> Outcome:
        retry_at = self.backoff.retry_at(c.attempts, now)
        status = "failed" if retry_at is not None else "dead"
        if status == "dead":  # given up: someone should know (the customer never got it)
            log.warning("notification %s dead after %s attempts: %s", c.id, c.attempts, error)
        return Outcome(c.id, c.token, status, self.clock(), error=error, retry_at=retry_at)

    def _send(self, sender: Sender, c: Claimed, now: datetime) -> Outcome:
        try:
            if isinstance(sender, TemplateSender):  # may need a template: give it the kind
                message_id = sender.send_notification(Outgoing(
                    c.kind, c.address, c.text, c.choices, c.variables, c.lang))
            else:
                message_id = sender.send(c.address, c.text, c.choices)
        except PermanentSendError as exc:  # opted out at the carrier, blocked bot, bad number
            log.warning("notification %s dead: %s", c.id, exc)
            return Outcome(c.id, c.token, "dead", self.clock(), error=str(exc))
        except Exception as exc:  # TransientSendError and anything unexpected: retry
            log.warning("notification %s attempt %s failed: %s", c.id, c.attempts, exc)
            return self._failed(c, now, f"{type(exc).__name__}: {exc}")
        context = context_after(c.kind, c.booking_id, c.valid_until, c.choices)
        session = (c.channel, c.address, {SESSION_KEY: context.to_json()}) if context else None
        return Outcome(c.id, c.token, SENT, self.clock(), message_id=message_id,
                       session=session)
