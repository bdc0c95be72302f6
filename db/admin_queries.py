"""``core.listing.BookingListing`` in SQL: the bookings list and export, a booking's notices.

The export reads through a server-side cursor (``stream_results`` + ``yield_per``): a year
of bookings goes out in batches, never whole into memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal, null, or_, select, union_all
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session, sessionmaker

from core.listing import (
    BookingFilter,
    BookingLine,
    CustomerLine,
    MoneyLine,
    NotificationLine,
    PaymentState,
)
from core.usecases.waitlist_offers import WaitlistOffer
from db.customers import SqlCustomerRepository
from db.jobs_tables import NOTIFICATIONS as N
from db.jobs_tables import WAITLIST_OFFERS as O
from db.offers import offer_from_row
from db.payments import PaymentRow, RefundRow
from db.tables import BookingRow, CustomerRow, table_of

P = table_of(PaymentRow)
R = table_of(RefundRow)
B = table_of(BookingRow)
C = table_of(CustomerRow)
BATCH = 500
SMS = "sms"


def _payment(state: str) -> Any:
    return {
        PaymentState.NONE_DUE: and_(B.c.due_minor == 0, B.c.paid_minor == 0),
        PaymentState.UNPAID: and_(B.c.due_minor > 0, B.c.paid_minor == 0),
        PaymentState.PAID: and_(B.c.paid_minor > 0, B.c.refunded_minor == 0),
        PaymentState.REFUNDED: B.c.refunded_minor > 0,
    }[state]


def _select(f: BookingFilter) -> Select[Any]:
    stmt = select(B, C.c.name, C.c.phone_e164, C.c.sender_id,
                  C.c.channel.label("customer_channel")).join(C, C.c.id == B.c.customer_id)
    conditions = []
    if f.start is not None:
        conditions.append(B.c.start_at >= f.start)
    if f.end is not None:
        conditions.append(B.c.start_at < f.end)
    if f.provider_keys is not None:
        conditions.append(B.c.provider_key.in_(f.provider_keys))
    for column, value in ((B.c.service_key, f.service_key), (B.c.status, f.status),
                          (B.c.channel, f.channel)):
        if value:
            conditions.append(column == value)
    if f.payment in PaymentState.ALL:
        conditions.append(_payment(f.payment))
    if f.customer_id:
        conditions.append(B.c.customer_id == f.customer_id)
    if f.text:
        like = f"%{f.text.lower()}%"
        conditions.append(or_(func.lower(C.c.name).like(like), C.c.phone_e164.like(like),
                              func.lower(C.c.sender_id).like(like)))
    return stmt.where(*conditions).order_by(B.c.start_at, B.c.id)


def _instant(value: Any) -> datetime:
    """A union loses the column type on SQLite (text comes back): read it as UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _line(m: RowMapping) -> BookingLine:
    who = m["name"] or m["phone_e164"] or f"{m['customer_channel']} {m['sender_id']}"
    return BookingLine(
        id=m["id"], start=m["start_at"], end=m["end_at"], provider_key=m["provider_key"],
        service_key=m["service_key"], status=m["status"], channel=m["channel"], customer=who,
        currency=m["currency"], price_minor=m["price_minor"], due_minor=m["due_minor"],
        paid_minor=m["paid_minor"], refunded_minor=m["refunded_minor"],
        created_at=m["created_at"])


class SqlAdminQueries:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def bookings(self, f: BookingFilter) -> list[BookingLine]:
        stmt = _select(f)
        if f.limit is not None:
            stmt = stmt.limit(f.limit)
        with self.sessions() as s:
            return [_line(m) for m in s.execute(stmt).mappings()]

    def stream_bookings(self, f: BookingFilter) -> Iterator[BookingLine]:
        with self.sessions() as s:
            rows = s.execute(_select(f).execution_options(stream_results=True,
                                                          yield_per=BATCH))
            for m in rows.mappings():
                yield _line(m)

    def stream_money(self, start: datetime, end: datetime) -> Iterator[MoneyLine]:
        payments = select(
            literal("payment").label("kind"), P.c.created_at.label("at"), P.c.booking_id,
            P.c.amount_minor, P.c.currency, P.c.status,
            P.c.checkout_session_id.label("stripe_id"),
            func.coalesce(P.c.payment_intent, "").label("payment_intent"),
            P.c.livemode.label("livemode"),
        ).where(P.c.created_at >= start, P.c.created_at < end)
        refunds = select(
            literal("refund").label("kind"), R.c.created_at.label("at"), R.c.booking_id,
            R.c.amount_minor, R.c.currency, R.c.status,
            func.coalesce(R.c.gateway_refund_id, "").label("stripe_id"),
            R.c.payment_intent, null().label("livemode"),
        ).where(R.c.created_at >= start, R.c.created_at < end)
        both = union_all(payments, refunds).subquery()
        stmt = select(both).order_by(both.c.at, both.c.kind, both.c.stripe_id)
        with self.sessions() as s:
            rows = s.execute(stmt.execution_options(stream_results=True, yield_per=BATCH))
            for m in rows.mappings():
                livemode = m["livemode"]
                yield MoneyLine(kind=m["kind"], at=_instant(m["at"]), booking_id=m["booking_id"],
                                amount_minor=m["amount_minor"], currency=m["currency"],
                                status=m["status"], stripe_id=m["stripe_id"],
                                payment_intent=m["payment_intent"],
                                livemode=None if livemode is None else bool(livemode))

    def notifications(self, booking_id: str) -> list[NotificationLine]:
        stmt = (select(N.c.kind, N.c.audience, N.c.channel, N.c.status, N.c.created_at,
                       N.c.sent_at).where(N.c.booking_id == booking_id)
                .order_by(N.c.created_at, N.c.id))
        with self.sessions() as s:
            return [NotificationLine(**m) for m in s.execute(stmt).mappings()]

    def open_offers(self, provider_keys: tuple[str, ...]) -> list[WaitlistOffer]:
        stmt = (select(O).where(O.c.status == "open", O.c.provider_key.in_(provider_keys))
                .order_by(O.c.start_at, O.c.id))
        with self.sessions() as s:
            return [offer_from_row(m) for m in s.execute(stmt).mappings()]

    def customers(self, provider_keys: tuple[str, ...] | None, text: str | None,
                  limit: int = 200) -> list[CustomerLine]:
        joined = B.c.customer_id == C.c.id
        if provider_keys is not None:
            joined = and_(joined, B.c.provider_key.in_(provider_keys))
        stmt = (select(C, func.count(B.c.id).label("n"), func.max(B.c.start_at).label("last"))
                .join(B, joined, isouter=provider_keys is None)
                .group_by(*C.c).order_by(C.c.name, C.c.created_at, C.c.id).limit(limit))
        if text:
            like = f"%{text.lower()}%"
            stmt = stmt.where(or_(func.lower(C.c.name).like(like), C.c.phone_e164.like(like),
                                  func.lower(C.c.sender_id).like(like)))
        with self.sessions() as s:
            rows = s.execute(stmt).mappings().all()
        return [CustomerLine(id=m["id"], label=m["name"] or m["phone_e164"]
                             or f"{m['channel']} {m['sender_id']}", channel=m["channel"],
                             sender_id=m["sender_id"], phone=m["phone_e164"],
                             opted_out=bool(m["opted_out"]), bookings=int(m["n"]),
                             last_start=None if m["last"] is None else _instant(m["last"]))
                for m in rows]


class SqlWalkinCustomers:
    """The web admin's walk-in customers: a caller is the SMS customer at their number, so
    the confirmation goes by SMS and a later text from that phone is the same customer."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def for_phone(self, *, phone_e164: str, name: str, now: datetime) -> str:
        with self.sessions() as s, s.begin():
            repo = SqlCustomerRepository(s)
            found = repo.get_or_create(SMS, phone_e164, now=now, name=name,
                                       phone_e164=phone_e164)
            if not found.name and name:  # known by number only, until now
                repo.set_name(found.id, name)
            if not found.phone_e164:
                repo.set_phone(found.id, phone_e164)
            return found.id

    def visible(self, customer_id: str, provider_keys: tuple[str, ...] | None) -> bool:
        stmt = select(C.c.id).where(C.c.id == customer_id)
        if provider_keys is not None:
            stmt = stmt.where(exists().where(B.c.customer_id == C.c.id,
                                             B.c.provider_key.in_(provider_keys)))
        with self.sessions() as s:
            return s.execute(stmt).first() is not None
