"""Writing notifications in bulk: new drafts, and the outcomes of a group of deliveries.

Used by ``db.jobs_store`` inside its transactions. Both are on the hot path of a reminder
run (10,000 reminders: 10,000 rows in, 10,000 outcomes out), so each is a fixed statement
text executed once per group:

* Drafts on PostgreSQL go in as one ``INSERT ... SELECT FROM unnest(<one array per
  column>)``. The text does not depend on the number of rows, so psycopg parses it once
  and prepares it on the server (a multi-row ``VALUES`` list is a new, long text for every
  batch, which psycopg re-parses on every call and never prepares). SQLite executes the
  single-row INSERT for each row in-process (``executemany``), which is cheap there.
* A claim is one statement on PostgreSQL (lock, lease, join), three on SQLite.
* A group of outcomes is one ``UPDATE ... FROM unnest(...)`` on PostgreSQL, guarded by
  each row's claim token; SQLite runs the single-row UPDATE per outcome in-process.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Integer, RowMapping, String, bindparam, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from core.delivery import SENT, Outcome
from core.notifications import Draft
from core.tracing import current_request_id
from db.bookings import B
from db.jobs_facts import C
from db.jobs_tables import DUE_STATUSES, in_list
from db.jobs_tables import NOTIFICATIONS as N
from db.session_state import merge_states
from db.types import UTCDateTime

_COLUMNS = [c.name for c in N.c if c.name != "id"]
_PG_ARRAY: dict[str, TypeEngine[Any]] = {
    "start_at": UTCDateTime(), "next_attempt_at": UTCDateTime(), "sent_at": UTCDateTime(),
    "created_at": UTCDateTime(), "offset_s": Integer(), "attempts": Integer()}
_JSON = ("choices", "template")
_ARRAYS = ", ".join(f"CAST(:{c} AS json[])" if c in _JSON else f":{c}" for c in _COLUMNS)
# Only our own column names are formatted into the text.
_PG_INSERT = text(
    f"INSERT INTO notifications ({', '.join(_COLUMNS)}) SELECT * FROM unnest({_ARRAYS}) "  # noqa: S608
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
).bindparams(*[bindparam(c, type_=postgresql.ARRAY(_PG_ARRAY.get(c, String())))
               for c in _COLUMNS])


def _template(d: Draft) -> dict[str, Any] | None:
    m = d.message
    if not m.variables and m.lang is None:
        return None
    return {"lang": m.lang, "variables": list(m.variables)}


def draft_row(d: Draft, now: datetime) -> dict[str, Any]:
    n, who = d.notice, d.notice.recipient
    return {
        "idempotency_key": n.key, "kind": n.kind.value, "audience": who.audience.value,
        "booking_id": n.booking_id, "start_at": n.start,
        "offset_s": int(n.offset.total_seconds()) if n.offset is not None else None,
        "channel": who.channel, "address": who.address, "customer_id": who.customer_id,
        "quiet_tz": who.tz.key if who.quiet_hours else None, "text": d.message.text,
        "choices": [list(c) for c in d.message.choices], "template": _template(d),
        "status": "skipped" if d.skip_reason else "pending", "attempts": 0,
        "next_attempt_at": d.not_before, "claim_token": None, "last_error": d.skip_reason,
        "sent_at": None, "provider_message_id": None, "created_at": now,
        # The request being served, or the one of the outbox event being dispatched.
        "request_id": current_request_id(),
    }


def insert_drafts(session: Session, drafts: Sequence[Draft], now: datetime) -> int:
    """Store drafts; a key already stored is left alone. Returns how many rows were new."""
    rows = list({r["idempotency_key"]: r for r in (draft_row(d, now) for d in drafts)}
                .values())
    if not rows:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        columns: dict[str, list[Any]] = {c: [r[c] for r in rows] for c in _COLUMNS}
        columns["choices"] = [json.dumps(c) for c in columns["choices"]]
        columns["template"] = [None if t is None else json.dumps(t) for t in columns["template"]]
        return len(session.execute(_PG_INSERT, columns).all())
    stmt = (sqlite.insert(N).on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(N.c.id))
    return len(session.execute(stmt, rows).all())


# Literal, like the partial index's predicate, so that the planner can use that index
# for every plan (a bound parameter would hide from a generic plan that they match).
DUE_NOW = text(f"notifications.status IN {in_list(DUE_STATUSES)}")
_CLAIMED_COLUMNS = (C.c.opted_out.label("c_opted_out"), B.c.status.label("b_status"),
                    B.c.start_at.label("b_start"), B.c.hold_expires_at.label("b_hold"))


def claim(session: Session, *, now: datetime, limit: int, lease: timedelta,
          token: str) -> Sequence[RowMapping]:
    """Lease up to ``limit`` due rows to ``token``; each with what delivery re-checks.

    PostgreSQL: one statement (the due rows locked SKIP LOCKED, leased, and joined to their
    customer and booking in one go). SQLite: the same three steps one by one, inside the
    caller's BEGIN IMMEDIATE."""
    due = (select(N.c.id).where(DUE_NOW, N.c.next_attempt_at <= now)
           .order_by(N.c.next_attempt_at, N.c.id).limit(limit)
           .with_for_update(skip_locked=True))
    lease_them = update(N).values(status="sending", next_attempt_at=now + lease,
                                  attempts=N.c.attempts + 1, claim_token=token)
    if session.get_bind().dialect.name == "postgresql":
        leased = (lease_them.where(N.c.id.in_(due.scalar_subquery()))
                  .returning(*N.c).cte("leased"))
        stmt = (select(leased, *_CLAIMED_COLUMNS)
                .outerjoin(C, C.c.id == leased.c.customer_id)
                .outerjoin(B, B.c.id == leased.c.booking_id).order_by(leased.c.id))
        return session.execute(stmt).mappings().all()
    ids = list(session.execute(due).scalars())
    if not ids:
        return []
    session.execute(lease_them.where(N.c.id.in_(ids)))
    return session.execute(
        select(N, *_CLAIMED_COLUMNS).outerjoin(C, C.c.id == N.c.customer_id)
        .outerjoin(B, B.c.id == N.c.booking_id).where(N.c.id.in_(ids)).order_by(N.c.id)
    ).mappings().all()


_FINISH_PG = text("""
    UPDATE notifications AS n SET status = v.status, claim_token = NULL, last_error = v.error,
           next_attempt_at = v.next_at,
           sent_at = CASE WHEN v.status = 'sent' THEN v.at ELSE n.sent_at END,
           provider_message_id = CASE WHEN v.status = 'sent' THEN v.message_id
                                      ELSE n.provider_message_id END
      FROM unnest(:ids, :tokens, :statuses, :errors, :next_at, :at, :message_ids)
           AS v(id, token, status, error, next_at, at, message_id)
     WHERE n.id = v.id AND n.claim_token = v.token
""").bindparams(bindparam("ids", type_=postgresql.ARRAY(BigInteger())),
                *[bindparam(c, type_=postgresql.ARRAY(String()))
                  for c in ("tokens", "statuses", "errors", "message_ids")],
                *[bindparam(c, type_=postgresql.ARRAY(UTCDateTime())) for c in ("next_at", "at")])
_GUARD = (N.c.id == bindparam("nid", type_=BigInteger()),
          N.c.claim_token == bindparam("token", type_=String()))
_FINISH = update(N).where(*_GUARD).values(
    status=bindparam("new_status"), claim_token=None, last_error=bindparam("error"),
    next_attempt_at=bindparam("next_at", type_=UTCDateTime()))
_FINISH_SENT = _FINISH.values(sent_at=bindparam("sent_at", type_=UTCDateTime()),
                              provider_message_id=bindparam("message_id"))


def _params(o: Outcome) -> dict[str, Any]:
    values = {"nid": o.id, "token": o.token, "new_status": o.status, "error": o.error,
              "next_at": o.retry_at or o.at}
    if o.status == SENT:
        values.update(sent_at=o.at, message_id=o.message_id)
    return values


def _finish(session: Session, ordered: Sequence[Outcome]) -> int:
    if session.get_bind().dialect.name == "postgresql":  # one statement for the group
        result = session.execute(_FINISH_PG, {
            "ids": [o.id for o in ordered], "tokens": [o.token for o in ordered],
            "statuses": [o.status for o in ordered], "errors": [o.error for o in ordered],
            "next_at": [o.retry_at or o.at for o in ordered], "at": [o.at for o in ordered],
            "message_ids": [o.message_id for o in ordered]})
        return int(getattr(result, "rowcount", 0))
    updated = 0
    for sent in (True, False):
        group = [_params(o) for o in ordered if (o.status == SENT) is sent]
        if group:
            result = session.execute(_FINISH_SENT if sent else _FINISH, group)
            updated += int(getattr(result, "rowcount", 0))
    return updated


def record_outcomes(session: Session, outcomes: Sequence[Outcome]) -> int:
    """Write the outcomes whose claim is still theirs, and merge the conversation state the
    sent ones leave; returns how many rows were updated (fewer: leases that ran out)."""
    updated = _finish(session, sorted(outcomes, key=lambda o: o.id))  # one lock order
    merge_states(session, [(*o.session, o.at) for o in outcomes if o.session is not None])
    return updated
