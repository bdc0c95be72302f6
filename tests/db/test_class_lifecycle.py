"""A class booking's seats through its life: held, confirmed, moved, cancelled, expired;
what availability says is left, and what a one-to-one booking of the same provider meets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.usecases.booking import available_slots, confirm, hold_slot
from core.usecases.lifecycle import expire_holds, reschedule
from core.usecases.refunds import cancel
from db.tables import ClassSessionRow, table_of
from db.uow import SqlUnitOfWork, session_factory
from tests.db.helpers import NOW, T0
from tests.db.test_class_seats import CAPACITY, YOGA, _actor, _seed

CS = table_of(ClassSessionRow)
WEEK = Interval(T0 - timedelta(hours=1), T0 + timedelta(days=8))


def _uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(session_factory(engine))


def _left(engine: Engine) -> dict[str, int | None]:
    slots = available_slots(_uow(engine), service_key="yoga", provider_key="alice", window=WEEK,
                            now=NOW)
    return {s.start.isoformat(): s.seats_left for s in slots}


def _counters(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {k: t for k, t in conn.execute(select(CS.c.session_key, CS.c.taken)) if t}


def test_seats_are_taken_moved_and_given_back(engine: Engine) -> None:
    ann, bob, *_ = _seed(engine)
    next_week = T0 + timedelta(days=7)
    assert _left(engine) == {T0.isoformat(): CAPACITY, next_week.isoformat(): CAPACITY}

    two = hold_slot(_uow(engine), service_key="yoga", provider_key="alice", start=T0,
                    customer_id=ann, actor=_actor(ann), now=NOW, seats=2)
    assert (two.seats, two.price_minor) == (2, 2 * YOGA.price.amount_minor)
    confirm(_uow(engine), two.id, actor=_actor(ann), now=NOW)
    one = hold_slot(_uow(engine), service_key="yoga", provider_key="alice", start=T0,
                    customer_id=bob, actor=_actor(bob), now=NOW)
    assert _left(engine)[T0.isoformat()] == CAPACITY - 3

    moved = reschedule(_uow(engine), two.id, new_start=next_week, actor=_actor(ann), now=NOW)
    assert moved.session_key != two.session_key
    assert _left(engine) == {T0.isoformat(): CAPACITY - 1, next_week.isoformat(): CAPACITY - 2}
    assert sorted(_counters(engine).values()) == [1, 2]

    cancel(_uow(engine), moved.id, actor=_actor(ann), now=NOW)
    assert _left(engine)[next_week.isoformat()] == CAPACITY
    expire_holds(_uow(engine), now=one.hold_expires_at or NOW)
    assert _counters(engine) == {}


def test_class_blocks_the_provider_for_one_to_one_and_limits_seats(engine: Engine) -> None:
    ann, bob, *_ = _seed(engine)
    hold_slot(_uow(engine), service_key="yoga", provider_key="alice", start=T0,
              customer_id=ann, actor=_actor(ann), now=NOW)
    with pytest.raises(DomainError) as err:
        hold_slot(_uow(engine), service_key="cut", provider_key="alice", start=T0,
                  customer_id=bob, actor=_actor(bob), now=NOW)
    assert err.value.code is ErrorCode.SLOT_TAKEN
    with pytest.raises(DomainError) as err:
        hold_slot(_uow(engine), service_key="yoga", provider_key="alice", start=T0,
                  customer_id=bob, actor=_actor(bob), now=NOW, seats=YOGA.max_seats + 1)
    assert err.value.code is ErrorCode.TOO_MANY_SEATS
    with pytest.raises(DomainError) as err:  # not a time on the timetable
        hold_slot(_uow(engine), service_key="yoga", provider_key="alice",
                  start=T0 + timedelta(hours=1), customer_id=bob, actor=_actor(bob), now=NOW)
    assert err.value.code is ErrorCode.OUTSIDE_HOURS
