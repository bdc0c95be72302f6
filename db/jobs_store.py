"""SQL for the jobs: claiming outbox rows and notifications, recording outcomes, reminders.

Satisfies ``jobs.ports.JobsStore`` structurally (db/ may not import jobs/).

Claiming is a lease, in one short transaction: PostgreSQL selects due rows with
``FOR UPDATE SKIP LOCKED`` (two workers never pick the same row and never wait for each
other); SQLite's BEGIN IMMEDIATE serialises the whole claim. A claimed row gets a token
and ``next_attempt_at = now + lease``, so no one else sees it as due while the worker
sends outside any transaction; the outcomes are written in groups (``finish_many``), each
only if the token still matches. A worker that dies mid-batch leaves its rows to be
claimed again when the lease ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    bindparam,
    exists,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

from core.booking import Booking, BookingStatus
from core.delivery import Outcome
from core.errors import DomainError, ErrorCode
from core.model import Business
from core.notifications import BookingFacts, Draft, Kind, Recipient
from db import pipeline
from db.bookings import B, booking_from_row
from db.conversations import DELIVERIES, SESSIONS
from db.engine import single_statements
from db.jobs_facts import C, booking_facts, facts_of, provider_recipient, recorded_offsets
from db.jobs_tables import DUE_STATUSES
from db.jobs_tables import NOTIFICATIONS as N
from db.notification_writes import claim, insert_drafts, record_outcomes
from db.outbox import OUTBOX, OutboxStatus
from db.session_state import merge_state
from db.uow import BusinessCache

DUE = DUE_STATUSES  # "sending" is due again only once its lease ran out
# Literal, as in the partial index ix_bookings_confirmed_start, so every plan may use it.
# Built once: read before every inbound message (bound by name at execution).
_STATE = select(SESSIONS.c.state).where(SESSIONS.c.channel == bindparam("channel"),
                                        SESSIONS.c.sender_id == bindparam("sender_id"))
CONFIRMED_NOW = text(f"bookings.status = '{BookingStatus.CONFIRMED.value}'")
# Turns a page of reminder candidates (facts, offsets already recorded) into drafts.
PlanPage = Callable[[Sequence[tuple[BookingFacts, frozenset[timedelta]]]], Sequence[Draft]]


@dataclass(frozen=True)
class SqlOutboxItem:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int  # after this claim; doubles as the claim token
    request_id: str | None = None  # the request that emitted the event (core.tracing)


@dataclass(frozen=True)
class SqlClaimed:
    id: int
    token: str
    kind: str
    channel: str
    address: str
    text: str
    choices: tuple[tuple[str, str], ...]
    booking_id: str | None
    start: datetime | None
    valid_until: datetime | None
    attempts: int
    quiet_tz: str | None
    opted_out: bool  # the customer's opt-out as it is now, not when the row was planned
    booking_status: str | None
    booking_start: datetime | None
    variables: tuple[str, ...] = ()
    lang: str | None = None
    request_id: str | None = None


def _template(row: Any) -> tuple[tuple[str, ...], str | None]:
    t = row["template"] or {}
    return tuple(str(v) for v in t.get("variables") or ()), t.get("lang")


class SqlJobsStore:
    def __init__(self, sessions: sessionmaker[Session], *,
                 provider_channel: str | None = None) -> None:
        self._sessions = sessions
        self._provider_channel = provider_channel  # Slack channel for providers without a user
        self._cache = BusinessCache()
        bind = sessions.kw.get("bind")
        self._single = single_statements(bind) if isinstance(bind, Engine) else None

    def _business(self, session: Session) -> Business:
        business = self._cache.get(session)
        if business is None:
            raise DomainError(ErrorCode.INVALID_CONFIG, "no business is set up yet")
        return business

    def business(self) -> Business:
        with self._sessions() as s:
            return self._business(s)

    def add_drafts(self, drafts: Sequence[Draft], *, now: datetime) -> int:
        """Store notifications; a key already stored is left alone (the sweep ran before)."""
        if not drafts:
            return 0
        with self._sessions.begin() as s:
            return insert_drafts(s, drafts, now)

    # --- outbox ----------------------------------------------------------------------

    def claim_outbox(self, *, now: datetime, limit: int, lease: timedelta,
                     kinds: Sequence[str]) -> list[SqlOutboxItem]:
        """Due events of these kinds only: other kinds wait for the consumer that knows them."""
        due = (select(OUTBOX.c.id).where(
            OUTBOX.c.status.in_((OutboxStatus.PENDING.value, OutboxStatus.FAILED.value)),
            OUTBOX.c.kind.in_(list(kinds)),
            OUTBOX.c.next_attempt_at <= now).order_by(OUTBOX.c.id).limit(limit)
            .with_for_update(skip_locked=True))
        with self._sessions.begin() as s:
            ids = list(s.execute(due).scalars())
            if not ids:
                return []
            s.execute(update(OUTBOX).where(OUTBOX.c.id.in_(ids)).values(
                next_attempt_at=now + lease, attempts=OUTBOX.c.attempts + 1))
            rows = s.execute(select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.payload,
                                    OUTBOX.c.attempts, OUTBOX.c.request_id)
                             .where(OUTBOX.c.id.in_(ids)).order_by(OUTBOX.c.id)).all()
        return [SqlOutboxItem(r.id, r.kind, dict(r.payload), r.attempts, r.request_id)
                for r in rows]

    def booking_facts(self, booking_id: str, *, action: str | None = None) -> BookingFacts | None:
        with self._sessions() as s:
            return booking_facts(s, self._business(s), booking_id, action=action,
                                 provider_channel=self._provider_channel)

    @staticmethod
    def _mine(item_id: int, attempts: int) -> ColumnElement[bool]:
        # ``attempts`` was bumped by our claim: a later claim by anyone else changes it.
        return and_(OUTBOX.c.id == item_id, OUTBOX.c.attempts == attempts)

    def complete_outbox(self, item_id: int, attempts: int, drafts: Sequence[Draft], *,
                        now: datetime, note: str | None = None) -> bool:
        """The notifications an event produced and the event's "done" mark, in one commit."""
        with self._sessions.begin() as s:
            done = s.execute(update(OUTBOX).where(self._mine(item_id, attempts)).values(
                status=OutboxStatus.SENT.value, sent_at=now, last_error=note))
            if getattr(done, "rowcount", 0) != 1:
                return False  # our lease ran out and someone else owns the row now
            insert_drafts(s, drafts, now)
            return True

    def fail_outbox(self, item_id: int, attempts: int, *, error: str, now: datetime,
                    retry_at: datetime | None) -> None:
        status = OutboxStatus.FAILED if retry_at is not None else OutboxStatus.DEAD
        with self._sessions.begin() as s:
            s.execute(update(OUTBOX).where(self._mine(item_id, attempts)).values(
                status=status.value, last_error=error[:2000], next_attempt_at=retry_at or now))

    # --- notifications -----------------------------------------------------------------

    def claim_notifications(self, *, now: datetime, limit: int,
                            lease: timedelta) -> list[SqlClaimed]:
        token = str(uuid.uuid4())
        with self._sessions.begin() as s:
            rows = claim(s, now=now, limit=limit, lease=lease, token=token)
        return [SqlClaimed(
            id=r["id"], token=token, kind=r["kind"], channel=r["channel"],
            address=r["address"], text=r["text"],
            choices=tuple((str(a), str(b)) for a, b in r["choices"]), booking_id=r["booking_id"],
            start=r["start_at"], attempts=r["attempts"], quiet_tz=r["quiet_tz"],
            valid_until=(r["b_hold"] if r["kind"] == Kind.WAITLIST_OFFER.value
                         else r["b_start"]),
            opted_out=bool(r["c_opted_out"]), booking_status=r["b_status"],
            booking_start=r["b_start"], variables=_template(r)[0], lang=_template(r)[1],
            request_id=r["request_id"])
            for r in rows]

    def finish_many(self, outcomes: Sequence[Outcome]) -> int:
        """Record a group of delivery outcomes (and the reply contexts the sent ones leave)
        in one commit; returns how many were still ours (a lease that ran out is not)."""
        if not outcomes:
            return 0
        with self._sessions.begin() as s:
            return record_outcomes(s, outcomes)

    def release(self, notification_ids: Sequence[int], token: str, *, now: datetime) -> None:
        """Hand back claimed rows this worker will not get to (its lease is ending)."""
        with self._sessions.begin() as s:
            s.execute(update(N).where(N.c.id.in_(list(notification_ids)),
                                      N.c.claim_token == token)
                      .values(status="pending", claim_token=None, next_attempt_at=now,
                              attempts=N.c.attempts - 1))

    def known(self, keys: Sequence[str]) -> set[str]:
        """Which of these idempotency keys are stored already."""
        with self._sessions() as s:
            return set(s.execute(select(N.c.idempotency_key)
                                 .where(N.c.idempotency_key.in_(list(keys)))).scalars())

    def provider_recipients(self) -> dict[str, Recipient]:
        with self._sessions() as s:
            business = self._business(s)
        found = {p.key: provider_recipient(business, p.key, self._provider_channel)
                 for p in business.providers}
        return {k: r for k, r in found.items() if r is not None}

    # --- reminders -----------------------------------------------------------------------

    def plan_reminder_page(self, *, now: datetime, offsets: Sequence[timedelta],
                           slack: timedelta, after: tuple[datetime, str] | None, limit: int,
                           plan: PlanPage) -> tuple[int, int, tuple[datetime, str] | None]:
        """One page of confirmed, upcoming bookings with some offset due by ``now + slack``
        (the quiet-hours shift) and not yet recorded for this start, keyset-paged by
        (start, id); ``plan`` turns it into drafts, stored in the same transaction.
        Returns (candidates, new rows, the page's last key, None when none).

        On PostgreSQL the page's bookings are locked FOR NO KEY UPDATE SKIP LOCKED until the
        drafts are in: two workers planning at once take different pages instead of both
        computing every draft (the unique key would absorb the duplicates, at twice the
        cost). NO KEY, so rows referencing a booking can still be inserted meanwhile."""
        if not offsets:
            return 0, 0, None
        pending = [and_(B.c.start_at <= now + o + slack, ~exists().where(
            N.c.booking_id == B.c.id, N.c.kind == Kind.REMINDER.value,
            N.c.offset_s == int(o.total_seconds()), N.c.start_at == B.c.start_at))
            for o in offsets]
        stmt = (select(B, *[c.label(f"c_{c.name}") for c in C.c])
                .join(C, C.c.id == B.c.customer_id)
                .where(CONFIRMED_NOW, B.c.start_at > now,
                       C.c.opted_out.is_(False), or_(*pending))
                .order_by(B.c.start_at, B.c.id).limit(limit)
                .with_for_update(of=B, skip_locked=True, key_share=True))
        if after is not None:
            stmt = stmt.where(tuple_(B.c.start_at, B.c.id) > tuple_(*after))
        with self._sessions.begin() as s:
            business = self._business(s)
            rows = s.execute(stmt).mappings().all()
            if not rows:
                return 0, 0, None
            bookings: list[Booking] = [booking_from_row(r) for r in rows]
            done = recorded_offsets(s, bookings)
            page = [(facts_of(business, b, {k[2:]: v for k, v in row.items()
                                            if k.startswith("c_")},
                              provider_channel=self._provider_channel), frozenset(done[b.id]))
                    for row, b in zip(rows, bookings, strict=True)]
            stored = insert_drafts(s, plan(page), now)
        # The largest key, not the last row: a row changed under the lock may come back out
        # of order (PostgreSQL re-checks it after the sort).
        return len(rows), stored, max((b.start, b.id) for b in bookings)

    # --- conversation context --------------------------------------------------------------

    def merge_session_state(self, channel: str, address: str, values: dict[str, Any], *,
                            now: datetime) -> None:
        """Shallow-merge ``values`` into a conversation's state in one upsert (the row is
        created if the customer never wrote). The version is bumped, so a bot save racing
        with it fails its version check (BUSY) rather than silently losing either write."""
        with self._sessions.begin() as s:
            merge_state(s, channel, address, values, now=now)

    def session_state(self, channel: str, address: str) -> dict[str, Any]:
        """One lookup (read before every inbound message): a statement of its own."""
        params = {"channel": channel, "sender_id": address}
        if self._single is not None:  # a bare connection: no ORM session for one statement
            with self._single.connect() as conn:
                state = pipeline.fetch(conn, _STATE, params).scalar()
        else:
            with self._sessions() as s:
                state = s.execute(_STATE, params).scalar()
        return dict(state or {})

    # --- housekeeping ----------------------------------------------------------------------

    def cleanup(self, *, sessions_before: datetime, deliveries_before: datetime) -> int:
        """Forget long-idle conversations and old delivery ids; rows in use are skipped."""
        key = tuple_(SESSIONS.c.channel, SESSIONS.c.sender_id)
        idle = (select(SESSIONS.c.channel, SESSIONS.c.sender_id)
                .where(SESSIONS.c.updated_at < sessions_before)
                .with_for_update(skip_locked=True))
        with self._sessions.begin() as s:
            gone = s.execute(SESSIONS.delete().where(key.in_(idle)))
            old = s.execute(DELIVERIES.delete().where(DELIVERIES.c.processed_at
                                                      < deliveries_before))
            return int(getattr(gone, "rowcount", 0)) + int(getattr(old, "rowcount", 0))
