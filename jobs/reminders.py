"""Reminder and daily-agenda planning: computed from the database on every sweep.

Nothing is scheduled per booking. Each sweep asks the store for confirmed, upcoming
bookings with a reminder offset due and not yet recorded for their *current* start, and
stores what ``core.notifications.plan_reminders`` decides (one to send, others skipped).
So a reschedule moves its reminders (the start changed: new keys), a cancellation removes
them (no longer confirmed; anything already queued is dropped at delivery), and a worker
back from downtime sends what is still useful, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from core.notifications import (
    MAX_QUIET_SHIFT,
    BookingFacts,
    Draft,
    Message,
    agenda_day,
    agenda_notice,
    plan_reminders,
    reminder_notice,
)
from jobs.ports import AgendaText, JobsStore, Renderer

SKIPPED = Message("")  # a skipped reminder is recorded, never sent


@dataclass
class ReminderPlanner:
    store: JobsStore
    render: Renderer
    page: int = 500

    def sweep(self, now: datetime) -> int:
        """Plan every due reminder; returns how many notifications were stored."""
        offsets = self.store.business().rules.reminders

        def plan(page: Sequence[tuple[BookingFacts, frozenset[timedelta]]]) -> list[Draft]:
            return [d for facts, done in page for d in self._drafts(facts, done, offsets, now)]

        after: tuple[datetime, str] | None = None
        stored = 0
        while True:
            seen, new, after = self.store.plan_reminder_page(
                now=now, offsets=offsets, slack=MAX_QUIET_SHIFT, after=after,
                limit=self.page, plan=plan)
            stored += new
            if seen < self.page:
                return stored

    def _drafts(self, facts: BookingFacts, done: frozenset[timedelta],
                offsets: tuple[timedelta, ...], now: datetime) -> list[Draft]:
        who = facts.customer
        if who is None:
            return []
        plan = plan_reminders(start=facts.booking.start, offsets=offsets, now=now, who=who,
                              since=facts.since, done=done)
        out = [Draft(reminder_notice(facts, who, o), SKIPPED, now, skip_reason=why)
               for o, why in plan.skip]
        if plan.send is not None:
            notice = reminder_notice(facts, who, plan.send)
            out.append(Draft(notice, self.render(notice, facts), now))
        return out


@dataclass
class AgendaPlanner:
    """Each provider's agenda in Slack once per provider-local day, from ``at`` onwards."""

    store: JobsStore
    agenda_text: AgendaText
    at: time = time(7, 0)

    def sweep(self, now: datetime) -> int:
        due = []
        for key, who in self.store.provider_recipients().items():
            day = agenda_day(now, who.tz, self.at)
            if day is not None:
                due.append((key, day, agenda_notice(key, who, day)))
        known = self.store.known([n.key for _, _, n in due]) if due else set()
        drafts = [Draft(n, self.agenda_text(key, day, now), now)
                  for key, day, n in due if n.key not in known]
        return self.store.add_drafts(drafts, now=now)
