"""A lapsed hold confirmed (paid late) while another customer takes its slot: the payer keeps
the booking (PostgreSQL, interleaving forced).

The hold's time ran out but nothing has marked it expired yet. Customer B's hold_slot finds it
in the way and expires it; meanwhile the payment webhook, holding the hold's row lock, confirms
it. B's expiry used to write its stale copy of the row over the confirmation once the lock was
released (a paid booking silently expired, B given the slot). Now what is in the way is read
again under its row lock before it is expired, so B sees the confirmation and is refused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from core.booking import Actor, Booking, BookingStatus
from core.errors import DomainError, ErrorCode
from core.usecases import hold_slot
from db.uow import SqlUnitOfWork
from tests.db.helpers import NOW, T0, make_booking, overlap_count, seed

Uow = Callable[[], SqlUnitOfWork]


def _waiting_for_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar())


def test_a_late_payment_confirmed_under_the_row_lock_is_not_expired_by_a_taker(
        uow: Uow, engine: Engine, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite serialises whole transactions (BEGIN IMMEDIATE): no interleaving")
    cid = seed(uow)
    lapsed = make_booking(cid, status=BookingStatus.HELD, hold_until=NOW - timedelta(minutes=1))
    with uow() as u:
        u.bookings.add(lapsed)
        other = u.customers.get_or_create("telegram", "43", now=NOW, name="Ben").id
        u.commit()

    payer = uow()
    payer.__enter__()
    outcome: list[Booking | BaseException] = []
    try:
        held = payer.bookings.get(lapsed.id, for_update=True)  # as payment_completed does
        assert held is not None
        payer.bookings.update(held.transition(BookingStatus.CONFIRMED))

        def taker() -> None:
            try:
                outcome.append(hold_slot(uow(), service_key="cut", provider_key="alice",
                                         start=T0, customer_id=other,
                                         actor=Actor("customer", other, "telegram"), now=NOW))
            except BaseException as exc:  # reported by the assertions below
                outcome.append(exc)

        thread = threading.Thread(target=taker)
        thread.start()
        while not _waiting_for_lock(engine):  # B is queued behind the payer's row lock
            assert thread.is_alive(), outcome
        payer.commit()
    finally:
        payer.__exit__(None, None, None)
    thread.join(timeout=60)

    (result,) = outcome
    assert isinstance(result, DomainError), result
    assert result.code is ErrorCode.SLOT_TAKEN
    with uow() as u:
        kept = u.bookings.get(lapsed.id)
    assert kept is not None
    assert kept.status is BookingStatus.CONFIRMED
    assert overlap_count(engine) == 0
