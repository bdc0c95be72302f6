"""After the load: the outbox drained, then every reply accounted for exactly once.

The ground truth is the database: a delivery the conversation accepted has a
``processed_deliveries`` row, and its replies are ``notifications`` rows keyed
``reply:<channel>:<delivery>:<index>`` written in the same transaction. Each such reply must
reach the customer exactly once, by one of two roads:

* the web road: in the webhook's own response (Telegram's webhook-reply carries the first
  message of the first reply, Twilio's TwiML all of them), further Telegram messages by the
  web process through the Bot API (at the double, with no row naming their id);
* the worker road: the worker sent the row (its ``provider_message_id`` is the id the double
  gave that message).

A reply that took neither road is *missing*, one that took both (or the worker's twice) a
*duplicate*; an accepted delivery without any reply is missing too (the bot never stays
silent). Every other notification (a payment confirmation, a notice) that the worker marked
sent must be at the double under its id, once. Any message at the double that no row and
no web reply accounts for is a duplicate as well.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import psycopg
from load_client import Sent

from bot.messages import Choice, Reply
from channels.sms.render import render as sms_text
from channels.telegram.render import render as telegram_parts

DUE = "('pending', 'failed', 'sending')"
BACKLOG_SQL = f"""
    SELECT (SELECT count(*) FROM notifications
             WHERE status IN {DUE} AND (status = 'sending' OR next_attempt_at <= now()))
         + (SELECT count(*) FROM outbox WHERE status IN ('pending', 'failed'))"""
OVERLAPS_SQL = """
    SELECT count(*) FROM bookings a JOIN bookings b
      ON a.provider_key = b.provider_key AND a.id < b.id
     AND a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
     AND a.block_start < b.block_end AND b.block_start < a.block_end"""


def backlog(dsn: str) -> int:
    """Notifications due (or still leased to a web request) and events not yet dispatched."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute(BACKLOG_SQL).fetchone()
    return int(row[0]) if row else 0


def backlog_detail(dsn: str) -> dict[str, int]:
    """The backlog by what it is: ``notifications <kind>/<status>`` and ``outbox <status>``."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(f"""
            SELECT 'notifications ' || kind || '/' || status, count(*) FROM notifications
             WHERE status IN {DUE} AND (status = 'sending' OR next_attempt_at <= now())
             GROUP BY 1
            UNION ALL
            SELECT 'outbox ' || status, count(*) FROM outbox
             WHERE status IN ('pending', 'failed') GROUP BY 1""").fetchall()
    return {str(k): int(n) for k, n in rows}


def drain(dsn: str, *, limit: float = 120.0) -> tuple[int, float]:
    """Wait (bounded) until nothing is due; (what was left, seconds waited)."""
    begin = time.monotonic()
    while (left := backlog(dsn)) and time.monotonic() - begin < limit:
        time.sleep(0.2)
    return left, time.monotonic() - begin


def overlaps(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(OVERLAPS_SQL).fetchone()
    return int(row[0]) if row else 0


def booking_counts(dsn: str) -> Counter[str]:
    with psycopg.connect(dsn) as conn:
        return Counter({str(s): int(n) for s, n in conn.execute(
            "SELECT status, count(*) FROM bookings GROUP BY status")})


@dataclass
class Tally:
    accepted: int = 0
    refused: int = 0  # answered 200 but not recorded: busy / rate-limited (no durable reply)
    duplicates: int = 0
    missing: int = 0
    by_worker: int = 0  # replies the worker had to send (the web road did not settle them)
    in_response: int = 0  # replies the webhook's own response carried
    by_bot_api: int = 0  # Telegram messages the web process sent after its response
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if len(self.notes) < 8:
            self.notes.append(text)


@dataclass(frozen=True)
class Row:
    kind: str
    channel: str
    address: str
    status: str
    key: str
    message_id: str | None
    text: str
    choices: list[list[str]]

    def messages(self) -> list[str]:
        """The texts the channel makes of this reply: Telegram's messages (a long one is
        split), or the one SMS text (footer included). The load test's customers write in
        English, the language the replies are rendered in."""
        reply = Reply(self.text, tuple(Choice(label, payload) for label, payload in
                                       self.choices), "en")
        if self.channel == "telegram":
            return [part.text for part in telegram_parts(reply)]
        return [sms_text(reply)]


def _rows(dsn: str) -> tuple[list[Row], set[tuple[str, str]]]:
    with psycopg.connect(dsn) as conn:
        rows = [Row(*r) for r in conn.execute(
            "SELECT kind, channel, address, status, idempotency_key, provider_message_id, "
            "text, choices FROM notifications")]
        done = {(str(c), str(d)) for c, d in conn.execute(
            "SELECT channel, delivery_id FROM processed_deliveries")}
    return rows, done


def account(dsn: str, log: list[Sent],
            messages: list[tuple[str, str, str, str]]) -> tuple[dict[str, Tally], Tally]:
    """A tally per level (the level each delivery was sent at), and one for the rest:
    notifications other than replies, and messages at the double nothing accounts for."""
    levels: dict[str, Tally] = defaultdict(Tally)
    rest = Tally()
    rows, done = _rows(dsn)
    by_delivery: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if row.kind == "reply":
            _, channel, tail = row.key.split(":", 2)
            by_delivery[(channel, tail.rsplit(":", 1)[0])].append(row)
    at_double = {m[3]: m for m in messages}
    claimed: set[str] = set()  # double message ids some row or web reply accounts for
    # The web road's Bot API messages, by chat: matched to replies by their text below.
    loose: dict[str, list[tuple[str, str]]] = defaultdict(list)
    named = {r.message_id for r in rows if r.message_id}
    for _platform, address, text, mid in messages:
        if mid not in named:
            loose[address].append((text, mid))
    for sent in log:
        if sent.channel == "stripe":
            continue
        tally = levels[sent.level]
        if sent.status != 200:
            continue
        if (sent.channel, sent.delivery) not in done:
            tally.refused += 1
            continue
        tally.accepted += 1
        replies = sorted(by_delivery.get((sent.channel, sent.delivery), []), key=_index)
        if not replies:
            tally.missing += 1
            tally.note(f"{sent.channel} {sent.delivery} ({sent.said!r}): no reply at all")
            continue
        for row in replies:
            _one(row, sent, tally, at_double, loose, claimed)
    _others(rows, at_double, claimed, rest)
    for platform, address, text, mid in messages:
        if mid not in claimed:
            rest.duplicates += 1
            rest.note(f"{platform} {address}: unaccounted message {text[:60]!r}")
    return levels, rest


def _index(row: Row) -> int:
    return int(row.key.rsplit(":", 1)[1])


def _one(row: Row, sent: Sent, tally: Tally, at_double: dict[str, Any],
         loose: dict[str, list[tuple[str, str]]], claimed: set[str]) -> None:
    if row.status == "skipped":  # dropped on purpose (the customer opted out meanwhile)
        return
    roads = 0
    if _web(row, sent, tally, loose, claimed):
        roads += 1
    if row.message_id:
        if row.message_id in at_double:
            claimed.add(row.message_id)
            roads += 1
            tally.by_worker += 1
        else:
            tally.note(f"{row.key}: marked sent as {row.message_id}, not at the double")
    if roads == 0:
        tally.missing += 1
        tally.note(f"{row.key} ({row.status}): never delivered: {row.text[:60]!r}")
    elif roads > 1:
        tally.duplicates += roads - 1
        tally.note(f"{row.key}: delivered {roads} times: {row.text[:60]!r}")


def _web(row: Row, sent: Sent, tally: Tally, loose: dict[str, list[tuple[str, str]]],
         claimed: set[str]) -> bool:
    """Did the web road deliver all of this reply? Telegram: the webhook's response carries
    the first message of the first reply, the web process sends the rest through the Bot
    API (found at the double by chat and text); Twilio: the TwiML carries every reply of
    the delivery, joined into one message."""
    texts = row.messages()
    if row.channel != "telegram":
        carried = sent.text is not None and texts[0] in sent.text
        tally.in_response += carried
        return carried
    if _index(row) == 0:
        if sent.text != texts[0]:
            return False
        tally.in_response += 1
        texts = texts[1:]
    found = [m for text in texts
             if (m := next((m for m in loose[row.address] if m[0] == text), None)) is not None]
    for m in found:
        loose[row.address].remove(m)
        claimed.add(m[1])
    tally.by_bot_api += len(found)
    if found and len(found) < len(texts):
        tally.note(f"{row.key}: {len(found)} of its {len(texts)} Bot API messages arrived")
    return len(found) == len(texts)


def _others(rows: list[Row], at_double: dict[str, Any], claimed: set[str],
            tally: Tally) -> None:
    """Notifications other than replies: each one marked sent is at the double, once."""
    for row in rows:
        if row.kind == "reply" or row.status != "sent":
            continue
        if row.message_id and row.message_id in at_double:
            claimed.add(row.message_id)
            tally.accepted += 1
        else:
            tally.missing += 1
            tally.note(f"{row.kind} {row.key}: marked sent, not at the double")
