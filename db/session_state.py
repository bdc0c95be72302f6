"""Merging a few keys into a conversation session's JSON state, in one upsert.

Used by the jobs to leave a reply context after a reminder or an offer (jobs.reply_context).
The row is created if the customer never wrote; the version is bumped, so a bot save racing
with it fails its own version check (BUSY) instead of silently losing either write.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from db.types import UTCDateTime

_UPSERT = ("INSERT INTO conversation_sessions AS cs (channel, sender_id, state, updated_at, "
           "version) VALUES (:channel, :sender_id, {value}, :now, 1) "
           "ON CONFLICT (channel, sender_id) DO UPDATE SET state = {merged}, "
           "updated_at = excluded.updated_at, version = cs.version + 1")
_MERGE = {
    "postgresql": text(_UPSERT.format(
        value="CAST(:state AS json)",
        merged="CAST(CAST(cs.state AS jsonb) || CAST(excluded.state AS jsonb) AS json)"))
    .bindparams(bindparam("now", type_=UTCDateTime())),
    "sqlite": text(_UPSERT.format(value="json(:state)",
                                  merged="json_patch(cs.state, excluded.state)"))
    .bindparams(bindparam("now", type_=UTCDateTime())),
}


def merge_state(session: Session, channel: str, address: str, values: dict[str, Any], *,
                now: datetime) -> None:
    """Shallow-merge ``values`` into the state of (channel, address), in the caller's txn."""
    session.execute(_MERGE[session.get_bind().dialect.name], {
        "channel": channel, "sender_id": address, "state": json.dumps(values), "now": now})
