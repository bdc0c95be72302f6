"""Merging a few keys into a conversation session's JSON state, in one upsert.

Used by the jobs to leave a reply context after a reminder or an offer (jobs.reply_context).
The row is created if the customer never wrote; the version is bumped, so a bot save racing
with it fails its own version check (BUSY) instead of silently losing either write.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from db.types import UTCDateTime

_UPSERT = ("INSERT INTO conversation_sessions AS cs (channel, sender_id, state, updated_at, "
           "version) VALUES (:channel, :sender_id, {value}, :now, 1) "
           "ON CONFLICT (channel, sender_id) DO UPDATE SET state = {merged}, "
           "updated_at = excluded.updated_at, version = cs.version + 1")
_MERGE_SQLITE = text(_UPSERT.format(value="json(:state)",
                                    merged="json_patch(cs.state, excluded.state)")
                     ).bindparams(bindparam("now", type_=UTCDateTime()))


# PostgreSQL: a whole group in one statement, one row per conversation of the arrays.
_MERGE_MANY_PG = text(
    "INSERT INTO conversation_sessions AS cs (channel, sender_id, state, updated_at, version) "
    "SELECT v.channel, v.sender_id, CAST(v.state AS json), v.now, 1 "
    "FROM unnest(:channels, :senders, :states, :nows) AS v(channel, sender_id, state, now) "
    "ON CONFLICT (channel, sender_id) DO UPDATE SET "
    "state = CAST(CAST(cs.state AS jsonb) || CAST(excluded.state AS jsonb) AS json), "
    "updated_at = excluded.updated_at, version = cs.version + 1"
).bindparams(*[bindparam(c, type_=postgresql.ARRAY(String()))
               for c in ("channels", "senders", "states")],
             bindparam("nows", type_=postgresql.ARRAY(UTCDateTime())))


def merge_state(session: Session, channel: str, address: str, values: dict[str, Any], *,
                now: datetime) -> None:
    """Shallow-merge ``values`` into the state of (channel, address), in the caller's txn."""
    merge_states(session, [(channel, address, values, now)])


def merge_states(session: Session,
                 merges: Sequence[tuple[str, str, dict[str, Any], datetime]]) -> None:
    """Several merges, in order, as one ``executemany``. Merges into the same conversation
    are combined first (one upsert may not touch a row twice; applying them one after the
    other gives the same state), and rows are written in key order, so two workers writing
    overlapping groups lock them in the same order and cannot deadlock."""
    combined: dict[tuple[str, str], tuple[dict[str, Any], datetime]] = {}
    for channel, address, values, now in merges:
        before, _ = combined.get((channel, address), ({}, now))
        combined[(channel, address)] = ({**before, **values}, now)
    if not combined:
        return
    rows = sorted(combined.items())
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_MERGE_MANY_PG, {
            "channels": [c for (c, _), _ in rows], "senders": [a for (_, a), _ in rows],
            "states": [json.dumps(v) for _, (v, _) in rows], "nows": [n for _, (_, n) in rows]})
        return
    session.execute(_MERGE_SQLITE, [
        {"channel": channel, "sender_id": address, "state": json.dumps(values), "now": now}
        for (channel, address), (values, now) in rows])
