"""``lock_and_read`` and deferred writes (db.pipeline): the same answers and the same order
as one statement at a time, on both databases; on PostgreSQL the reads of a pipeline run
after the lock is granted, so they see what the lock holder committed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, text

from core.booking import SYSTEM, AuditEntry, BookingStatus, snapshot
from core.errors import DomainError, ErrorCode
from core.events import SlotHeld
from core.interval import Interval
from core.ports import Surroundings
from db.tables import OutboxRow, table_of
from db.uow import SqlUnitOfWork
from tests.db.helpers import NOW, T0, make_booking, seed

Uow = Callable[[], SqlUnitOfWork]
DAY = Interval(T0 - timedelta(hours=9), T0 + timedelta(hours=15))
BLOCK = Interval(T0, T0 + timedelta(hours=2))


def test_lock_and_read_answers_as_the_single_reads(uow: Uow) -> None:
    cid = seed(uow)
    live = make_booking(cid, status=BookingStatus.CONFIRMED)
    stale = make_booking(cid, start=T0 + timedelta(hours=1), status=BookingStatus.HELD,
                         hold_until=NOW - timedelta(minutes=1))
    with uow() as u:
        u.bookings.add(live)
        u.bookings.add(stale)
        u.busy_blocks.add("alice", Interval(T0 + timedelta(hours=3), T0 + timedelta(hours=4)),
                          source="timeoff")
        u.commit()
    with uow() as u:
        one_by_one = Surroundings(stale=u.bookings.stale_holds("alice", BLOCK, NOW),
                                  taken=u.bookings.taken("alice", DAY, NOW),
                                  busy=u.busy.busy("alice", DAY))
    with uow() as u:
        seen = u.lock_and_read("alice", block=BLOCK, around=DAY, now=NOW)
        ignoring = u.lock_and_read("alice", block=BLOCK, around=DAY, now=NOW, ignore=live.id)
    assert seen == one_by_one
    assert [b.id for b in seen.stale] == [stale.id]
    assert len(seen.taken) == 1
    assert len(seen.busy) == 1
    assert ignoring.taken == []
    with uow() as u, pytest.raises(DomainError) as info:
        u.lock_and_read("nobody", block=BLOCK, around=DAY, now=NOW)
    assert info.value.code is ErrorCode.UNKNOWN_PROVIDER


def test_deferred_writes_keep_their_order_and_die_with_a_rollback(uow: Uow,
                                                                   engine: Engine) -> None:
    cid = seed(uow)
    booking = make_booking(cid, status=BookingStatus.HELD)
    entry = AuditEntry(booking.id, NOW, SYSTEM, "booking.held", snapshot(None), snapshot(booking))
    outbox = table_of(OutboxRow)
    count = select(func.count()).select_from(outbox)
    with uow() as u:
        u.bookings.add(booking)
        u.audit.record(entry)
        u.emit([SlotHeld(booking.id, NOW)])
        assert u.audit.for_booking(booking.id) == [entry]  # a later read sees the write
    with engine.connect() as conn:
        assert conn.execute(count).scalar_one() == 0  # left without commit: nothing stays
    with uow() as u:
        u.bookings.add(booking)
        u.audit.record(entry)
        u.emit([SlotHeld(booking.id, NOW)])
        u.commit()
    with uow() as u:
        assert u.audit.for_booking(booking.id) == [entry]
    with engine.connect() as conn:
        assert conn.execute(count).scalar_one() == 1


def test_pipelined_reads_wait_for_the_lock_and_see_its_commit(uow: Uow, engine: Engine,
                                                              backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite transactions already hold the write lock from BEGIN IMMEDIATE")
    cid = seed(uow)
    booking = make_booking(cid)
    seen: list[Surroundings | BaseException] = []
    holder = uow()
    holder.__enter__()
    try:
        holder.lock_provider("alice")
        holder.bookings.add(booking)

        def reader() -> None:
            try:
                with uow() as u:
                    seen.append(u.lock_and_read("alice", block=BLOCK, around=DAY, now=NOW))
            except BaseException as exc:  # reported by the assertion below
                seen.append(exc)

        thread = threading.Thread(target=reader)
        thread.start()
        while not _waiting_for_lock(engine):  # the control: the reader is queued on the lock
            assert thread.is_alive()
            assert not seen
        holder.commit()
    finally:
        holder.__exit__(None, None, None)
    thread.join(timeout=30)
    (result,) = seen
    assert isinstance(result, Surroundings)
    assert [t.block for t in result.taken] == [booking.block]


def _waiting_for_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar())
