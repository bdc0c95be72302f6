"""The web admin's lists and exports over SQL (db.admin_queries) on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from core.booking import BookingStatus
from core.listing import BookingFilter, PaymentState
from core.payments import (
    PaymentRecord,
    PaymentStatus,
    RefundReason,
    RefundRecord,
    RefundStatus,
)
from db.admin_queries import SqlAdminQueries
from db.uow import SqlUnitOfWork
from tests.db.helpers import NOW, T0, make_booking, seed


def test_filters_search_and_the_streamed_export(uow: Callable[[], SqlUnitOfWork],
                                                sessions: sessionmaker[Session]) -> None:
    ann = seed(uow)
    first = make_booking(ann, start=T0)
    later = make_booking(ann, start=T0 + timedelta(days=2), provider="bob",
                         status=BookingStatus.CANCELLED)
    with uow() as u:
        u.bookings.add(first)
        u.bookings.add(later)
        u.commit()
    q = SqlAdminQueries(sessions)

    def ids(**f: object) -> list[str]:
        return [b.id for b in q.bookings(BookingFilter(**f))]  # type: ignore[arg-type]

    assert ids() == [first.id, later.id]  # by start
    assert ids(start=T0 + timedelta(days=1)) == [later.id]
    assert ids(end=T0 + timedelta(days=1)) == [first.id]
    assert ids(provider_keys=("bob",)) == [later.id]
    assert ids(provider_keys=()) == []  # nobody visible: nothing, not everything
    assert ids(status="cancelled") == [later.id]
    assert ids(text="ANN") == [first.id, later.id]
    assert ids(text="4") == [first.id, later.id]  # the chat handle "42"
    assert ids(text="zed") == []
    assert ids(payment=PaymentState.NONE_DUE) == [first.id, later.id]
    assert ids(payment=PaymentState.PAID) == []
    assert ids(limit=1) == [first.id]
    streamed = list(q.stream_bookings(BookingFilter(limit=None)))
    assert [b.id for b in streamed] == [first.id, later.id]
    assert streamed[0].customer == "Ann"
    assert streamed[0].start == T0


def test_money_movements_in_a_range(uow: Callable[[], SqlUnitOfWork],
                                    sessions: sessionmaker[Session]) -> None:
    booking_id = str(uuid.uuid4())
    with uow() as u:
        u.payments.save_payment(PaymentRecord(
            booking_id=booking_id, checkout_session_id=f"cs_{booking_id}", amount_minor=12000,
            currency="USD", status=PaymentStatus.PAID, created_at=NOW, updated_at=NOW,
            payment_intent=f"pi_{booking_id}"))
        u.payments.add_refund(RefundRecord(
            id=str(uuid.uuid4()), booking_id=booking_id, payment_intent=f"pi_{booking_id}",
            amount_minor=6000, currency="USD", reason=RefundReason.CANCELLED,
            idempotency_key=f"k_{booking_id}", status=RefundStatus.SUCCEEDED,
            created_at=NOW + timedelta(hours=1), gateway_refund_id=f"re_{booking_id}"))
        u.commit()
    q = SqlAdminQueries(sessions)
    lines = [m for m in q.stream_money(NOW, NOW + timedelta(days=1)) if m.booking_id == booking_id]
    assert [(m.kind, m.amount_minor, m.status, m.stripe_id) for m in lines] == [
        ("payment", 12000, "paid", f"cs_{booking_id}"),
        ("refund", 6000, "succeeded", f"re_{booking_id}")]
    assert lines[0].at == NOW
    assert lines[1].at == NOW + timedelta(hours=1)
    assert lines[0].livemode is False
    assert lines[1].livemode is None
    later = [m for m in q.stream_money(NOW + timedelta(minutes=30), NOW + timedelta(days=1))
             if m.booking_id == booking_id]
    assert [m.kind for m in later] == ["refund"]
