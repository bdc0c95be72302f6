"""Payments, refunds and processed gateway events: ``core.payments.PaymentRepository``.

No foreign key to ``bookings``: a payment for a booking we no longer (or never) had must
still be recorded, so that it can be refunded and shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Index,
    Integer,
    RowMapping,
    String,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.fees import FeeCharge, FeeKind, FeeStatus
from core.payments import (
    PaymentRecord,
    PaymentStatus,
    RefundReason,
    RefundRecord,
    RefundStatus,
)
from db.clock import Clock
from db.errors import translate
from db.tables import Base, BigId, table_of

PAYMENT_STATUSES = "('open', 'paid', 'expired')"
REFUND_STATUSES = "('pending', 'failed', 'submitted', 'succeeded', 'rejected')"
FEE_STATUSES = ("('pending', 'succeeded', 'declined', 'authentication_required', "
                "'no_card')")


class PaymentRow(Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(f"status IN {PAYMENT_STATUSES}", name="status"),
        Index("ix_payments_booking", "booking_id"),
        Index("ix_payments_intent", "payment_intent"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    booking_id: Mapped[str] = mapped_column(String(255))
    checkout_session_id: Mapped[str] = mapped_column(String(255), unique=True)
    payment_intent: Mapped[str | None] = mapped_column(String(255))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    livemode: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The card this checkout saved for fees (migration 0024): Stripe customer + intent.
    customer_ref: Mapped[str | None] = mapped_column(String(255))
    card_ref: Mapped[str | None] = mapped_column(String(255))


class RefundRow(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint(f"status IN {REFUND_STATUSES}", name="status"),
        Index("ix_refunds_status_next", "status", "next_attempt_at"),
        Index("ix_refunds_booking", "booking_id"),
        Index("ix_refunds_gateway_id", "gateway_refund_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    booking_id: Mapped[str] = mapped_column(String(255))
    payment_intent: Mapped[str] = mapped_column(String(255))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    gateway_refund_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FeeChargeRow(Base):
    """Fees charged off-session (core.fees): one row per booking and kind, by its key."""

    __tablename__ = "fee_charges"
    __table_args__ = (
        CheckConstraint(f"status IN {FEE_STATUSES}", name="status"),
        CheckConstraint("kind IN ('no_show', 'late_cancel')", name="kind"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_fee_charges_status_next", "status", "next_attempt_at"),
        Index("ix_fee_charges_booking", "booking_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    booking_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    gateway_charge_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StripeEventRow(Base):
    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime]


P = table_of(PaymentRow)
R = table_of(RefundRow)
E = table_of(StripeEventRow)
F = table_of(FeeChargeRow)
_DUE = (RefundStatus.PENDING.value, RefundStatus.FAILED.value)


def _payment(row: RowMapping) -> PaymentRecord:
    return PaymentRecord(
        booking_id=row["booking_id"], checkout_session_id=row["checkout_session_id"],
        amount_minor=row["amount_minor"], currency=row["currency"],
        status=PaymentStatus(row["status"]), created_at=row["created_at"],
        updated_at=row["updated_at"], payment_intent=row["payment_intent"], url=row["url"],
        expires_at=row["expires_at"], livemode=row["livemode"],
        customer_ref=row["customer_ref"], card_ref=row["card_ref"])


def _refund(row: RowMapping) -> RefundRecord:
    return RefundRecord(
        id=row["id"], booking_id=row["booking_id"], payment_intent=row["payment_intent"],
        amount_minor=row["amount_minor"], currency=row["currency"],
        reason=RefundReason(row["reason"]), idempotency_key=row["idempotency_key"],
        status=RefundStatus(row["status"]), created_at=row["created_at"],
        attempts=row["attempts"], next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"], gateway_refund_id=row["gateway_refund_id"])


def _fee(row: RowMapping) -> FeeCharge:
    return FeeCharge(
        id=row["id"], booking_id=row["booking_id"], kind=FeeKind(row["kind"]),
        amount_minor=row["amount_minor"], currency=row["currency"],
        idempotency_key=row["idempotency_key"], status=FeeStatus(row["status"]),
        created_at=row["created_at"], attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"], last_error=row["last_error"],
        gateway_charge_id=row["gateway_charge_id"])


def _fee_values(f: FeeCharge) -> dict[str, Any]:
    return {"booking_id": f.booking_id, "kind": f.kind.value, "amount_minor": f.amount_minor,
            "currency": f.currency, "idempotency_key": f.idempotency_key,
            "status": f.status.value, "attempts": f.attempts,
            "next_attempt_at": f.next_attempt_at, "last_error": f.last_error,
            "gateway_charge_id": f.gateway_charge_id}


def _refund_values(r: RefundRecord) -> dict[str, Any]:
    return {"booking_id": r.booking_id, "payment_intent": r.payment_intent,
            "amount_minor": r.amount_minor, "currency": r.currency, "reason": r.reason.value,
            "idempotency_key": r.idempotency_key, "status": r.status.value,
            "attempts": r.attempts, "next_attempt_at": r.next_attempt_at,
            "last_error": r.last_error, "gateway_refund_id": r.gateway_refund_id}


class SqlPaymentRepository:
    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def _insert_new(self, table: Any, values: dict[str, Any], key: str) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING; True when a row was written.

        RETURNING tells, where rowcount cannot: psycopg reports -1 for this statement."""
        dialect = self._session.get_bind().dialect.name
        stmt = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
        with translate():
            written = self._session.execute(
                stmt.on_conflict_do_nothing(index_elements=[key]).returning(table.c[key]),
                values).first()
        return written is not None

    def seen_event(self, event_id: str, kind: str, now: datetime) -> bool:
        # On PostgreSQL a concurrent duplicate waits here for the first one's commit.
        fresh = self._insert_new(E, {"id": event_id, "type": kind[:64], "processed_at": now},
                                 "id")
        return not fresh

    def payment(self, checkout_session_id: str, *, for_update: bool = False
                ) -> PaymentRecord | None:
        stmt = select(P).where(P.c.checkout_session_id == checkout_session_id)
        if for_update:
            stmt = stmt.with_for_update()
        with translate():
            row = self._session.execute(stmt).mappings().one_or_none()
        return None if row is None else _payment(row)

    def payments_for(self, booking_id: str) -> list[PaymentRecord]:
        stmt = select(P).where(P.c.booking_id == booking_id).order_by(P.c.created_at, P.c.id)
        return [_payment(r) for r in self._session.execute(stmt).mappings()]

    def by_intent(self, payment_intent: str) -> PaymentRecord | None:
        stmt = select(P).where(P.c.payment_intent == payment_intent).order_by(P.c.id).limit(1)
        row = self._session.execute(stmt).mappings().one_or_none()
        return None if row is None else _payment(row)

    def save_payment(self, record: PaymentRecord) -> None:
        values = {"booking_id": record.booking_id, "payment_intent": record.payment_intent,
                  "amount_minor": record.amount_minor, "currency": record.currency,
                  "status": record.status.value, "url": record.url,
                  "expires_at": record.expires_at, "livemode": record.livemode,
                  "updated_at": record.updated_at, "customer_ref": record.customer_ref,
                  "card_ref": record.card_ref}
        with translate():
            result = self._session.execute(
                update(P).where(P.c.checkout_session_id == record.checkout_session_id)
                .values(**values))
            if int(getattr(result, "rowcount", 0)) == 0:
                self._session.execute(insert(P), {
                    **values, "checkout_session_id": record.checkout_session_id,
                    "created_at": record.created_at})

    def add_refund(self, refund: RefundRecord) -> bool:
        values = {**_refund_values(refund), "id": refund.id, "created_at": refund.created_at,
                  "updated_at": self._clock()}
        return self._insert_new(R, values, "idempotency_key")

    def refund(self, refund_id: str, *, for_update: bool = False) -> RefundRecord | None:
        stmt = select(R).where(R.c.id == refund_id)
        if for_update:
            stmt = stmt.with_for_update()
        with translate():
            row = self._session.execute(stmt).mappings().one_or_none()
        return None if row is None else _refund(row)

    def refund_by_gateway_id(self, gateway_refund_id: str) -> RefundRecord | None:
        stmt = select(R).where(R.c.gateway_refund_id == gateway_refund_id).with_for_update()
        with translate():
            row = self._session.execute(stmt).mappings().first()
        return None if row is None else _refund(row)

    def save_refund(self, refund: RefundRecord) -> None:
        values = {**_refund_values(refund), "updated_at": self._clock()}
        with translate():
            self._session.execute(update(R).where(R.c.id == refund.id).values(**values))

    def due_refunds(self, now: datetime, limit: int) -> list[RefundRecord]:
        stmt = (select(R).where(R.c.status.in_(_DUE), R.c.next_attempt_at <= now)
                .order_by(R.c.next_attempt_at, R.c.id).limit(limit)
                .with_for_update(skip_locked=True))
        with translate():
            rows = self._session.execute(stmt).mappings().all()
        return [_refund(r) for r in rows]

    def refunds_for(self, booking_id: str) -> list[RefundRecord]:
        stmt = select(R).where(R.c.booking_id == booking_id).order_by(R.c.created_at, R.c.id)
        return [_refund(r) for r in self._session.execute(stmt).mappings()]

    def refunds_in(self, statuses: frozenset[RefundStatus]) -> list[RefundRecord]:
        stmt = (select(R).where(R.c.status.in_(sorted(s.value for s in statuses)))
                .order_by(R.c.created_at, R.c.id))
        return [_refund(r) for r in self._session.execute(stmt).mappings()]

    # --- fee charges ---------------------------------------------------------------------

    def add_fee(self, fee: FeeCharge) -> bool:
        # The unique key makes the second no-show click (or a racing worker) a no-op.
        values = {**_fee_values(fee), "id": fee.id, "created_at": fee.created_at,
                  "updated_at": self._clock()}
        return self._insert_new(F, values, "idempotency_key")

    def fee(self, fee_id: str, *, for_update: bool = False) -> FeeCharge | None:
        stmt = select(F).where(F.c.id == fee_id)
        if for_update:
            stmt = stmt.with_for_update()
        with translate():
            row = self._session.execute(stmt).mappings().one_or_none()
        return None if row is None else _fee(row)

    def save_fee(self, fee: FeeCharge) -> None:
        values = {**_fee_values(fee), "updated_at": self._clock()}
        with translate():
            self._session.execute(update(F).where(F.c.id == fee.id).values(**values))

    def fees_for(self, booking_id: str) -> list[FeeCharge]:
        stmt = select(F).where(F.c.booking_id == booking_id).order_by(F.c.created_at, F.c.id)
        return [_fee(r) for r in self._session.execute(stmt).mappings()]

    def fees_in(self, statuses: frozenset[FeeStatus], limit: int) -> list[FeeCharge]:
        stmt = (select(F).where(F.c.status.in_(sorted(s.value for s in statuses)))
                .order_by(F.c.created_at.desc(), F.c.id).limit(limit))
        return [_fee(r) for r in self._session.execute(stmt).mappings()]

    def due_fees(self, now: datetime, limit: int) -> list[FeeCharge]:
        stmt = (select(F).where(F.c.status == FeeStatus.PENDING.value,
                                F.c.next_attempt_at <= now)
                .order_by(F.c.next_attempt_at, F.c.id).limit(limit)
                .with_for_update(skip_locked=True))
        with translate():
            rows = self._session.execute(stmt).mappings().all()
        return [_fee(r) for r in rows]
