"""The outbox writer: events become rows in the caller's transaction (sent after commit).

The idempotency key is ``<kind>:<booking id>:<digest of the payload>``, so emitting the
same event twice (a retried webhook, a re-run sweep) leaves one row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.events import Event
from core.tracing import current_request_id
from db import pipeline
from db.codec import encode
from db.tables import OutboxRow, table_of

OUTBOX = table_of(OutboxRow)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # will be retried at next_attempt_at
    DEAD = "dead"  # gave up


def idempotency_key(event: Event) -> str:
    payload = encode(event)
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
    return f"{type(event).__name__}:{event.booking_id}:{digest}"


def outbox_row(event: Event, now: datetime) -> dict[str, Any]:
    return {
        "created_at": now, "kind": type(event).__name__, "payload": encode(event),
        "idempotency_key": idempotency_key(event), "status": OutboxStatus.PENDING.value,
        "attempts": 0, "next_attempt_at": now, "last_error": None, "sent_at": None,
        "request_id": current_request_id(),  # the worker binds it again (jobs.outbox)
    }


def emit(session: Session, events: Sequence[Event], *, now: datetime) -> None:
    if not events:
        return
    rows = list({r["idempotency_key"]: r for r in (outbox_row(e, now) for e in events)}.values())
    dialect = session.get_bind().dialect.name
    pipeline.execute_later(session, _INSERT_NEW[dialect == "postgresql"], rows)


# Built once (a statement built per call is compiled per call): a row whose key is there
# already is left alone, which is what makes emitting twice harmless.
_INSERT_NEW = {
    pg: (postgresql.insert(OUTBOX) if pg else sqlite.insert(OUTBOX))
    .inline().on_conflict_do_nothing(index_elements=["idempotency_key"])
    for pg in (True, False)}
