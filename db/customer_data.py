"""``core.usecases.customer_data.CustomerDataStore`` over the database.

What identifies a person, and where it lives:
- ``customers``: name, phone, the chat handle (``sender_id``);
- ``conversation_sessions`` / ``processed_deliveries``: the conversation (state, replies);
  deliveries carry their ``sender_id`` since migration 0006, so one person's can be found;
- ``notifications``: the texts we sent them, with their address;
- ``booking_answers``: their intake answers (may be health details): exported, deleted;
- ``waitlist_entries`` / ``waitlist_offers``: only ids and times (kept).
Bookings, their audit trail (actor ids are opaque customer ids) and payments are the
ledger: kept, with their totals, pointing at the anonymised customer row.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, null, or_, select, tuple_, update
from sqlalchemy.orm import Session, sessionmaker

from core.errors import DomainError, ErrorCode
from core.usecases.customer_data import ERASED, Erasure
from db.conversations import DELIVERIES, SESSIONS
from db.intake import A as ANSWERS
from db.jobs_tables import NOTIFICATIONS
from db.payments import PaymentRow
from db.service_windows import WINDOWS
from db.tables import BookingRow, CustomerRow, table_of

log = logging.getLogger(__name__)
C = table_of(CustomerRow)
B = table_of(BookingRow)
P = table_of(PaymentRow)
FINISHED = ("sent", "dead", "skipped", "obsolete")  # notifications nobody will send again
WHATSAPP_PREFIX = "whatsapp:"  # WhatsApp customers are found by their bare number too


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _rows(session: Session, stmt: Any) -> list[dict[str, Any]]:
    return [{k: _iso(v) for k, v in row.items()} for row in session.execute(stmt).mappings()]


class SqlCustomerData:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def find(self, ref: str) -> str | None:
        with self._sessions() as s:
            return s.execute(select(C.c.id).where(or_(
                C.c.id == ref, C.c.phone_e164 == ref, C.c.sender_id == ref,
                C.c.sender_id == WHATSAPP_PREFIX + ref)
            ).order_by(C.c.created_at).limit(1)).scalar()

    def _customer(self, s: Session, customer_id: str) -> dict[str, Any]:
        rows = _rows(s, select(C).where(C.c.id == customer_id))
        if not rows:
            raise DomainError(ErrorCode.INVALID_REQUEST, f"no customer {customer_id}")
        return rows[0]

    def export(self, customer_id: str) -> dict[str, Any]:
        with self._sessions() as s:
            customer = self._customer(s, customer_id)
            address = (customer["channel"], customer["sender_id"])
            bookings = _rows(s, select(
                B.c.id, B.c.service_key, B.c.provider_key, B.c.channel, B.c.start_at,
                B.c.end_at, B.c.status, B.c.currency, B.c.price_minor, B.c.paid_minor,
                B.c.refunded_minor, B.c.created_at
            ).where(B.c.customer_id == customer_id).order_by(B.c.start_at))
            payments = _rows(s, select(P.c.booking_id, P.c.amount_minor, P.c.currency,
                                       P.c.status, P.c.created_at).where(
                P.c.booking_id.in_([b["id"] for b in bookings])).order_by(P.c.created_at))
            answers = _rows(s, select(
                ANSWERS.c.booking_id, ANSWERS.c.question, ANSWERS.c.answer, ANSWERS.c.answered_at
            ).where(ANSWERS.c.booking_id.in_([b["id"] for b in bookings]))
                .order_by(ANSWERS.c.booking_id, ANSWERS.c.position))
            messages = _rows(s, select(
                NOTIFICATIONS.c.kind, NOTIFICATIONS.c.channel, NOTIFICATIONS.c.text,
                NOTIFICATIONS.c.status, NOTIFICATIONS.c.sent_at, NOTIFICATIONS.c.created_at
            ).where(or_(NOTIFICATIONS.c.customer_id == customer_id,
                        (NOTIFICATIONS.c.channel == address[0])
                        & (NOTIFICATIONS.c.address == address[1])))
                .order_by(NOTIFICATIONS.c.created_at))
            replies = _rows(s, select(DELIVERIES.c.processed_at, DELIVERIES.c.reply).where(
                DELIVERIES.c.channel == address[0], DELIVERIES.c.sender_id == address[1]
            ).order_by(DELIVERIES.c.processed_at))
            session = _rows(s, select(SESSIONS.c.state, SESSIONS.c.updated_at).where(
                SESSIONS.c.channel == address[0], SESSIONS.c.sender_id == address[1]))
        return {"customer": customer, "bookings": bookings, "payments": payments,
                "intake_answers": answers, "messages_sent": messages,
                "conversation_replies": replies,
                "conversation": session[0] if session else None}

    def erase(self, customer_id: str, *, now: datetime) -> Erasure:
        with self._sessions.begin() as s:
            customer = self._customer(s, customer_id)
            channel, handle = customer["channel"], customer["sender_id"]
            texts = s.execute(update(NOTIFICATIONS).where(
                or_(NOTIFICATIONS.c.customer_id == customer_id,
                    (NOTIFICATIONS.c.channel == channel) & (NOTIFICATIONS.c.address == handle)),
                NOTIFICATIONS.c.text != ERASED,
            ).values(text=ERASED, address=ERASED, template=null()))
            s.execute(update(NOTIFICATIONS).where(  # anything still queued is never sent now
                NOTIFICATIONS.c.address == ERASED,
                NOTIFICATIONS.c.status.notin_(FINISHED)).values(status="obsolete"))
            replies = s.execute(delete(DELIVERIES).where(
                DELIVERIES.c.channel == channel, DELIVERIES.c.sender_id == handle))
            sessions = s.execute(delete(SESSIONS).where(
                SESSIONS.c.channel == channel, SESSIONS.c.sender_id == handle))
            answers = s.execute(delete(ANSWERS).where(ANSWERS.c.booking_id.in_(
                select(B.c.id).where(B.c.customer_id == customer_id))))
            s.execute(delete(WINDOWS).where(  # WhatsApp: when they last wrote
                WINDOWS.c.channel == channel, WINDOWS.c.address == handle))
            s.execute(update(C).where(C.c.id == customer_id).values(
                name=None, phone_e164=None, tz=None, lang=None, lang_source=None, opted_out=True,
                sender_id=f"erased:{customer_id}"))
            kept = s.execute(select(func.count()).select_from(B).where(
                B.c.customer_id == customer_id)).scalar_one()
        done = Erasure(customer_id, int(kept),
                       _count(texts) + _count(replies) + _count(answers), _count(sessions))
        # the one trace an erasure leaves: that it happened, and when (no personal data)
        log.info("customer %s erased at %s: %s", customer_id, now.isoformat(), done)
        return done

    def purge_transcripts(self, *, before: datetime) -> int:
        key = tuple_(SESSIONS.c.channel, SESSIONS.c.sender_id)
        idle = (select(SESSIONS.c.channel, SESSIONS.c.sender_id)
                .where(SESSIONS.c.updated_at < before)
                .with_for_update(skip_locked=True))  # a conversation in progress is skipped
        with self._sessions.begin() as s:
            gone = s.execute(delete(SESSIONS).where(key.in_(idle)))
            old = s.execute(delete(DELIVERIES).where(DELIVERIES.c.processed_at < before))
            texts = s.execute(update(NOTIFICATIONS).where(
                NOTIFICATIONS.c.created_at < before, NOTIFICATIONS.c.status.in_(FINISHED),
                NOTIFICATIONS.c.text != ERASED).values(text=ERASED))
        return _count(gone) + _count(old) + _count(texts)


def _count(result: Any) -> int:
    return max(int(getattr(result, "rowcount", 0) or 0), 0)
