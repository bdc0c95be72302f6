"""Durable conversation replies: written with the conversation's state, settled after sending.

A reply is a ``notifications`` row (kind ``reply``) inserted in the same transaction that
saves the session and records the delivery id, so "this update was handled" and "its
replies exist" commit together. The row is born leased (status ``sending``) to the web
request that wrote it, under a token derived from the delivery id, until ``now + lease``:

* the web path answers the platform in the webhook response itself (Telegram's
  webhook-reply, Twilio's TwiML) and then ``settle``s the row as sent, one UPDATE;
* if the process dies first, nobody settles it; when the lease runs out the row is due
  again, and the worker's ``jobs.delivery.Deliverer`` claims and sends it like any other
  notification. A retried webhook is a duplicate delivery and is not answered again, so
  the outbox is what sends it: once.

The one gap left is a death after the response was written but before the settle: the
platform shows the reply and the worker sends it again after the lease (Telegram does not
report what it did with a webhook-reply, so nothing narrower is possible).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, update
from sqlalchemy.engine import Connection

from db.jobs_tables import NOTIFICATIONS as N

KIND = "reply"
DEFAULT_LEASE = timedelta(seconds=30)
_TOKENS = uuid.UUID("6c1f9a52-55a5-4d0e-9d7e-3f4b2b1c0a18")  # namespace of web tokens


def reply_key(channel: str, delivery_id: str, index: int) -> str:
    return f"reply:{channel}:{delivery_id}:{index}"


def web_token(channel: str, delivery_id: str) -> str:
    """The lease token of the request that wrote the replies: known to it without a read."""
    return str(uuid.uuid5(_TOKENS, f"{channel}:{delivery_id}"))


def _row(channel: str, address: str, delivery_id: str, index: int, reply: dict[str, Any], *,
         now: datetime, lease: timedelta) -> dict[str, Any]:
    choices = [[str(label), str(payload)] for label, payload in reply.get("choices", [])]
    return {
        "idempotency_key": reply_key(channel, delivery_id, index), "kind": KIND,
        "audience": "customer", "booking_id": None, "start_at": None, "offset_s": None,
        "channel": channel, "address": address, "customer_id": None, "quiet_tz": None,
        "text": reply.get("text", ""), "choices": choices, "status": "sending",
        "attempts": 1, "next_attempt_at": now + lease,
        "claim_token": web_token(channel, delivery_id), "last_error": None, "sent_at": None,
        "provider_message_id": None, "created_at": now,
    }


def write_replies(conn: Connection, *, channel: str, address: str, delivery_id: str,
                  replies: Sequence[dict[str, Any]], now: datetime,
                  lease: timedelta = DEFAULT_LEASE) -> None:
    """In the caller's transaction: one row per reply (``Reply.to_json`` dicts), leased."""
    if replies:
        conn.execute(insert(N), [_row(channel, address, delivery_id, i, r, now=now, lease=lease)
                                 for i, r in enumerate(replies)])


class SqlReplyLedger:
    """``channels.mount.ReplyLedger``: the web path's "these went out" (or "drop these")."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def settle(self, channel: str, delivery_id: str, *, sent: Sequence[int] = (),
               dropped: Sequence[int] = (), now: datetime) -> None:
        """Rows still leased to this request become ``sent`` / ``skipped``; a row the worker
        claimed meanwhile (its lease ran out) carries the worker's token and is left alone."""
        token = web_token(channel, delivery_id)
        with self._engine.begin() as conn:
            for indices, status in ((sent, "sent"), (dropped, "skipped")):
                if not indices:
                    continue
                keys = [reply_key(channel, delivery_id, i) for i in indices]
                conn.execute(update(N).where(
                    N.c.idempotency_key.in_(keys), N.c.claim_token == token,
                    N.c.status == "sending",
                ).values(status=status, claim_token=None, next_attempt_at=now,
                         sent_at=now if status == "sent" else None))
