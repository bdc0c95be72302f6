"""Delivering stored notifications: claim a batch (a lease), send each, record each outcome.

Exactly once, where the platform allows: a notification is created once (unique key),
claimed by one worker (SKIP LOCKED / serialised claim) and marked right after its send. The
one unavoidable gap is a crash between the platform accepting a message and our mark; that
single message is sent again when the lease ends (none of our channels accepts a client
idempotency key). A worker never sends past its lease: it hands back what it has not
reached before the lease could run out, so no other worker can hold the same row meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.errors import PermanentSendError
from core.notifications import Kind, in_quiet_hours, quiet_ends
from core.ports import Sender
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
    margin: timedelta = timedelta(minutes=1)  # longer than any one send may take
    batch: int = 200
    timer: Callable[[], float] = time.monotonic

    def sweep(self) -> Counter[str]:
        """Deliver one claimed batch; counts outcomes ("sent", "failed", ...)."""
        claimed = self.store.claim_notifications(now=self.clock(), limit=self.batch,
                                                 lease=self.lease)
        outcomes: Counter[str] = Counter()
        deadline = self.timer() + (self.lease - self.margin).total_seconds()
        for i, c in enumerate(claimed):
            if self.timer() > deadline:
                self.store.release([x.id for x in claimed[i:]], c.token, now=self.clock())
                outcomes["released"] += len(claimed) - i
                break
            outcomes[self._one(c)] += 1
        return outcomes

    def _one(self, c: Claimed) -> str:
        now = self.clock()
        verdict = check(c, now)
        if verdict.status:
            self.store.finish(c.id, c.token, status=verdict.status, now=now,
                              error=verdict.reason, retry_at=verdict.retry_at)
            return verdict.status
        sender = self.senders.get(c.channel)
        if sender is None:  # not configured (yet): keep trying, so configuring it delivers
            retry_at = self.backoff.retry_at(c.attempts, now)
            status = "failed" if retry_at is not None else "dead"
            self.store.finish(c.id, c.token, status=status, now=now, retry_at=retry_at,
                              error=f"no sender for channel {c.channel!r}")
            return status
        return self._send(sender, c, now)

    def _send(self, sender: Sender, c: Claimed, now: datetime) -> str:
        try:
            message_id = sender.send(c.address, c.text, c.choices)
        except PermanentSendError as exc:  # opted out at the carrier, blocked bot, bad number
            self.store.finish(c.id, c.token, status="dead", now=self.clock(), error=str(exc))
            return "dead"
        except Exception as exc:  # TransientSendError and anything unexpected: retry
            retry_at = self.backoff.retry_at(c.attempts, now)
            status = "failed" if retry_at is not None else "dead"
            log.warning("notification %s attempt %s failed: %s", c.id, c.attempts, exc)
            self.store.finish(c.id, c.token, status=status, now=self.clock(),
                              error=f"{type(exc).__name__}: {exc}", retry_at=retry_at)
            return status
        context = context_after(c.kind, c.booking_id, c.valid_until, c.choices)
        session = (c.channel, c.address, {SESSION_KEY: context.to_json()}) if context else None
        try:
            self.store.finish(c.id, c.token, status="sent", now=self.clock(),
                              message_id=message_id, session=session)
        except Exception as exc:  # e.g. the session row is busy: never lose the "sent" mark
            log.warning("reply context for notification %s not stored: %s", c.id, exc)
            self.store.finish(c.id, c.token, status="sent", now=self.clock(),
                              message_id=message_id)
        return "sent"
