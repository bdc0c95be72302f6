"""``lock_and_read`` and deferred writes (db.pipeline): the same answers and the same order
as one statement at a time, on both databases; on PostgreSQL the reads of a pipeline run
after the lock is granted, so they see what the lock holder committed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import pytest
from psycopg.types.json import Json
from sqlalchemy import Engine, Executable, bindparam, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.booking import SYSTEM, AuditEntry, BookingStatus, snapshot
from core.errors import DomainError, ErrorCode
from core.events import SlotHeld
from core.interval import Interval
from core.ports import Surroundings
from db import pipeline
from db.bookings import _INSERT, booking_values, stale_query, taken_query
from db.catalog import _REVISION
from db.customers import _FIND
from db.outbox import _INSERT_NEW, outbox_row
from db.rate_limits import _HIT
from db.repositories import _AUDIT_INSERT, busy_query
from db.tables import BookingRow, OutboxRow, table_of
from db.uow import _LOCK_PROVIDER, SqlUnitOfWork
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


def test_read_around_answers_as_the_single_reads_for_each_provider(uow: Uow) -> None:
    cid = seed(uow)
    with uow() as u:
        u.bookings.add(make_booking(cid, status=BookingStatus.CONFIRMED))
        u.bookings.add(make_booking(cid, provider="bob", start=T0 + timedelta(hours=1)))
        u.busy_blocks.add("bob", Interval(T0 + timedelta(hours=3), T0 + timedelta(hours=4)),
                          source="timeoff")
        u.commit()
    with uow() as u:
        one_by_one = {key: (u.bookings.taken(key, DAY, NOW), u.busy.busy(key, DAY))
                      for key in ("alice", "bob")}
    with uow() as u:
        read = u.read_around(["alice", "bob"], DAY, NOW)
    assert {key: tuple(around) for key, around in read.items()} == one_by_one
    assert [len(read[k].taken) for k in ("alice", "bob")] == [1, 1]
    assert [len(read[k].busy) for k in ("alice", "bob")] == [0, 1]


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


def _hot_statements(cid: str) -> list[tuple[Executable, dict[str, Any]]]:
    """What a hold sends, each with parameters as its caller passes them."""
    booking = make_booking(cid, status=BookingStatus.HELD)
    values = {**booking_values(booking), "created_at": NOW, "updated_at": NOW}
    return [
        (_LOCK_PROVIDER, {"provider": "alice"}), stale_query("alice", BLOCK, NOW),
        taken_query("alice", DAY, NOW, None), taken_query("alice", DAY, NOW, "x"),
        busy_query("alice", DAY, "postgresql"), (_REVISION, {}), (_INSERT, values),
        (_AUDIT_INSERT, {"booking_id": booking.id, "at": NOW, "actor_kind": "system",
                         "actor_id": "", "channel": "", "action": "booking.held",
                         "before": {}, "after": {"status": "held"}}),
        (_INSERT_NEW[True], outbox_row(SlotHeld(booking.id, NOW), NOW)),
    ]


def test_statements_compiled_once_send_what_sqlalchemy_would(uow: Uow, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("only PostgreSQL sessions pipeline")
    cid = seed(uow)
    with uow() as u:
        dialect = u.session.get_bind().dialect
        for statement, params in _hot_statements(cid):
            for _ in range(2):  # compiled on the first call, from the cache on the second
                fast = pipeline.bound(dialect, statement, params)
                slow = pipeline.captured_by_sqlalchemy(u.session, statement, params)
                assert [_plain(fast)] == [_plain(c) for c in slow]


def _plain(captured: pipeline.Captured | None) -> object:
    """psycopg's JSON wrappers compare by identity: compare what they wrap."""
    assert captured is not None
    sql, params, many = captured
    return sql, {k: ("json", v.obj) if isinstance(v, Json) else v for k, v in params.items()}, many


def test_what_only_sqlalchemy_can_run_is_left_to_it(uow: Uow, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("only PostgreSQL sessions pipeline")
    cid = seed(uow)
    booking = make_booking(cid)
    with uow() as u:
        u.bookings.add(booking)
        u.commit()
    bookings = table_of(BookingRow)
    by_ids = select(bookings.c.id).where(bookings.c.id.in_(bindparam("ids", expanding=True)))
    with uow() as u:
        params = {"ids": [booking.id, "nobody"]}
        assert pipeline.bound(u.session.get_bind().dialect, by_ids, params) is None
        assert pipeline.run(u.session, pipeline.captured(u.session, by_ids, params)) == [
            [(booking.id,)]]


def test_a_statement_alone_leaves_its_connection_as_the_pool_lent_it(
        engine: Engine, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("autocommit single statements are PostgreSQL's")
    probe = table_of(OutboxRow)
    for _ in range(3):  # the pool lends the same connection again
        assert pipeline.run_single(engine, select(func.count()).select_from(probe)) == [(0,)]
        with pytest.raises(DBAPIError):  # a refused statement: the connection survives
            pipeline.run_single(engine, text("SELECT 1 FROM no_such_table"))
        with engine.connect() as conn:  # not left in autocommit: a rollback still undoes
            conn.execute(text("CREATE TEMP TABLE undo (x int)"))
            conn.rollback()
            assert conn.execute(text("SELECT to_regclass('pg_temp.undo')")).scalar() is None
    assert engine.pool.checkedout() == 0


def test_fetch_reads_as_execute_does_and_commits_with_its_connection(
        uow: Uow, engine: Engine, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("fetch goes to the driver on PostgreSQL only")
    seed(uow)
    find = {"channel": "telegram", "sender_id": "42"}
    with engine.connect() as conn:
        fast = pipeline.fetch(conn, _FIND, find).mappings().all()
        assert fast == conn.execute(_FIND, find).mappings().all()
        assert fast[0]["created_at"].tzinfo is UTC  # read by our column type
        hit = {"key": "k", "now": NOW, "lapsed": NOW - timedelta(minutes=1)}
        assert [pipeline.fetch(conn, _HIT, hit).scalar_one() for _ in range(2)] == [1, 2]
        conn.rollback()  # begun by fetch as execute would have: the rollback undoes both
        assert pipeline.fetch(conn, _HIT, hit).scalar_one() == 1
        conn.commit()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT hits FROM rate_limits")).scalar_one() == 1
        with pytest.raises(IntegrityError):  # the driver's refusal as SQLAlchemy's
            pipeline.fetch(conn, text("INSERT INTO rate_limits (sender_key, window_start, "
                                      "hits) VALUES ('k', now(), 1)"))
