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

import json
import logging
import queue
import threading
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Integer, String, bindparam, insert, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from core.errors import DomainError, ErrorCode
from core.tracing import current_request_id
from db import pipeline
from db.engine import single_statements
from db.jobs_tables import NOTIFICATIONS as N
from db.types import UTCDateTime

log = logging.getLogger(__name__)
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
        "provider_message_id": None, "created_at": now, "request_id": current_request_id(),
    }


def write_replies(conn: Connection, *, channel: str, address: str, delivery_id: str,
                  replies: Sequence[dict[str, Any]], now: datetime,
                  lease: timedelta = DEFAULT_LEASE) -> None:
    """In the caller's transaction: one row per reply (``Reply.to_json`` dicts), leased."""
    if replies:
        conn.execute(insert(N), [_row(channel, address, delivery_id, i, r, now=now, lease=lease)
                                 for i, r in enumerate(replies)])


_COLUMNS = ("idempotency_key", "kind", "audience", "channel", "address", "text", "choices",
            "status", "attempts", "next_attempt_at", "claim_token", "created_at", "request_id")
# PostgreSQL: the delivery record, the session's new state and the replies in ONE statement
# (one round trip, then COMMIT). The delivery goes first: a duplicate (already recorded)
# writes nothing else; then the session row, guarded by its version; then the replies.
_SAVE_PG = text(f"""
    WITH d AS (INSERT INTO processed_deliveries (channel, delivery_id, processed_at, reply,
                                                 sender_id)
               VALUES (:channel, :delivery, :now, CAST(:reply AS json), :sender)
               ON CONFLICT (channel, delivery_id) DO NOTHING
               RETURNING 1 AS new),
         s AS (UPDATE conversation_sessions SET state = CAST(:state AS json),
                      updated_at = :now, version = :version + 1
                WHERE channel = :channel AND sender_id = :sender AND version = :version
                  AND EXISTS (SELECT 1 FROM d)
               RETURNING 1 AS ok),
         n AS (INSERT INTO notifications ({", ".join(_COLUMNS)})
               SELECT r.* FROM unnest(:keys, :kinds, :audiences, :channels, :addresses,
                                      :texts, CAST(:choices AS json[]), :statuses, :attempts,
                                      :next_at, :tokens, :created, :request_ids)
                        AS r({", ".join(_COLUMNS)}), s)
    SELECT (SELECT count(*) FROM d) AS new, (SELECT count(*) FROM s) AS saved
""").bindparams(  # noqa: S608 - only our own column names are formatted in
    bindparam("now", type_=UTCDateTime()), bindparam("version", type_=Integer()),
    *[bindparam(c, type_=postgresql.ARRAY(String())) for c in
      ("keys", "kinds", "audiences", "channels", "addresses", "texts", "choices", "statuses",
       "tokens", "request_ids")],
    bindparam("attempts", type_=postgresql.ARRAY(Integer())),
    *[bindparam(c, type_=postgresql.ARRAY(UTCDateTime())) for c in ("next_at", "created")])


def save_pg(conn: Connection, *, channel: str, sender_id: str, version: int,
            state: dict[str, Any], delivery_id: str, replies: Sequence[dict[str, Any]],
            durable: bool, now: datetime, lease: timedelta = DEFAULT_LEASE) -> bool:
    """The conversation's save on PostgreSQL as one statement: True if the delivery was new,
    False for a duplicate (nothing written); BUSY if the session moved on meanwhile."""
    rows = [_row(channel, sender_id, delivery_id, i, r, now=now, lease=lease)
            for i, r in enumerate(replies)] if durable else []
    params = {"channel": channel, "sender": sender_id, "version": version,
              "state": json.dumps(state), "now": now, "delivery": delivery_id,
              "reply": json.dumps(list(replies))}
    for name, column in (("keys", "idempotency_key"), ("kinds", "kind"),
                         ("audiences", "audience"), ("channels", "channel"),
                         ("addresses", "address"), ("texts", "text"), ("statuses", "status"),
                         ("attempts", "attempts"), ("next_at", "next_attempt_at"),
                         ("tokens", "claim_token"), ("created", "created_at"),
                         ("request_ids", "request_id")):
        params[name] = [r[column] for r in rows]
    params["choices"] = [json.dumps(r["choices"]) for r in rows]
    row = pipeline.fetch(conn, _SAVE_PG, params).one()
    if not row.new:
        return False
    if not row.saved:  # the caller rolls back: the delivery record goes too
        raise DomainError(ErrorCode.BUSY, "the conversation moved on meanwhile")
    return True


_SETTLE_PG = text("""
    UPDATE notifications AS n SET status = v.status, claim_token = NULL, next_attempt_at = v.at,
           sent_at = CASE WHEN v.status = 'sent' THEN v.at END
      FROM unnest(:keys, :tokens, :statuses, :ats) AS v(key, token, status, at)
     WHERE n.idempotency_key = v.key AND n.claim_token = v.token AND n.status = 'sending'
""").bindparams(*[bindparam(c, type_=postgresql.ARRAY(String()))
                  for c in ("keys", "tokens", "statuses")],
                bindparam("ats", type_=postgresql.ARRAY(UTCDateTime())))
_SETTLE = update(N).where(
    N.c.idempotency_key == bindparam("key"), N.c.claim_token == bindparam("token"),
    N.c.status == "sending",
).values(status=bindparam("new_status"), claim_token=None,
         next_attempt_at=bindparam("at", type_=UTCDateTime()),
         sent_at=bindparam("sent_at", type_=UTCDateTime()))
Mark = tuple[str, str, str, datetime]  # (idempotency key, web token, new status, at)
GROUP = 500


class SqlReplyLedger:
    """``channels.mount.ReplyLedger``: the web path's "these went out" (or "drop these").

    ``settle`` only queues the marks (it is called on the event loop and must not block);
    a thread of its own writes whatever has queued up as one UPDATE, so under load one
    statement settles the replies of many requests, and at rest a mark is written at once.
    Rows still leased to their request become ``sent`` / ``skipped``; a row the worker
    claimed meanwhile (its lease ran out) carries the worker's token and is left alone.
    A mark lost with the process only means that reply is sent again after the lease.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = single_statements(engine)  # each UPDATE stands alone
        self._pg = engine.dialect.name == "postgresql"
        self._queue: queue.SimpleQueue[Mark | threading.Event | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def settle(self, channel: str, delivery_id: str, *, sent: Sequence[int] = (),
               dropped: Sequence[int] = (), now: datetime) -> None:
        token = web_token(channel, delivery_id)
        for indices, status in ((sent, "sent"), (dropped, "skipped")):
            for i in indices:
                self._queue.put((reply_key(channel, delivery_id, i), token, status, now))
        self._start()

    def flush(self) -> None:
        """Wait until every mark queued so far is written (tests; shutdown)."""
        if self._thread is None:
            return
        done = threading.Event()
        self._queue.put(done)
        done.wait()

    def close(self) -> None:
        """Write what is queued and stop the thread."""
        with self._guard:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _start(self) -> None:
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="reply-ledger",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            marks: list[Mark] = []
            waiting: list[threading.Event] = []
            stop = False
            while True:  # take whatever else is queued already: one statement for all
                if item is None:
                    stop = True
                elif isinstance(item, threading.Event):
                    waiting.append(item)
                else:
                    marks.append(item)
                if len(marks) >= GROUP or self._queue.empty():
                    break
                item = self._queue.get()
            self._write(marks)
            for event in waiting:
                event.set()
            if stop:
                return

    def _write(self, marks: list[Mark]) -> None:
        if not marks:
            return
        try:
            with self._engine.begin() as conn:
                if self._pg:
                    pipeline.fetch(conn, _SETTLE_PG, {
                        "keys": [m[0] for m in marks], "tokens": [m[1] for m in marks],
                        "statuses": [m[2] for m in marks], "ats": [m[3] for m in marks]})
                else:
                    conn.execute(_SETTLE, [
                        {"key": k, "token": t, "new_status": st, "at": at,
                         "sent_at": at if st == "sent" else None} for k, t, st, at in marks])
        except Exception as exc:  # the database: these are sent again after the lease
            log.warning("reply outbox: %d marks not written: %s", len(marks), exc)
