"""Catalog sync: idempotent upserts by key, guarded deactivation, lossless round trip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from core.booking import BookingStatus
from core.errors import DomainError, ErrorCode
from core.model import Business, Rules
from core.policy import CancellationPolicy, RefundTier
from db.catalog import SyncReport, load_business, sync_business
from db.tables import BusinessRow, ProviderRow, ServiceRow, table_of
from db.uow import SqlUnitOfWork
from tests.db.helpers import NOW, T0, make_booking, make_business, seed

Uow = Callable[[], SqlUnitOfWork]


def _sync(uow: Uow, business: Business, raw: str = "v1") -> SyncReport:
    with uow() as u:
        report = sync_business(u.session, business, raw_text=raw, now=NOW)
        u.commit()
    return report


def _load(uow: Uow) -> Business | None:
    with uow() as u:
        return load_business(u.session)


def _counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(table_of(t))).scalar_one()
            for t in (BusinessRow, ServiceRow, ProviderRow))


def test_round_trip_is_lossless(uow: Uow) -> None:
    business = make_business(
        rules=Rules(slot_step=timedelta(minutes=20), min_notice=timedelta(seconds=90),
                    max_per_day=None, hold_duration=timedelta(minutes=7, microseconds=5)),
        policy=CancellationPolicy((RefundTier(timedelta(hours=48), 100),
                                   RefundTier(timedelta(hours=1, minutes=30), 25))),
        tz=ZoneInfo("Australia/Lord_Howe"))
    _sync(uow, business)
    assert _load(uow) == business


def test_sync_twice_changes_nothing(uow: Uow, engine: Engine) -> None:
    first = _sync(uow, make_business())
    assert sorted(first.created) == ["business", "provider:alice", "provider:bob",
                                     "service:color", "service:consult", "service:cut"]
    second = _sync(uow, make_business())
    assert not second.changed
    assert len(second.unchanged) == 6
    assert _counts(engine) == (1, 3, 2)


def test_edit_updates_in_place(uow: Uow, engine: Engine) -> None:
    _sync(uow, make_business())
    business = make_business()
    alice = replace(business.providers[0], name="Alice B.", slack_user_id=None)
    edited = replace(business, providers=(alice, business.providers[1]))
    report = _sync(uow, edited, raw="v2")
    assert report.updated == ["provider:alice", "business"]
    assert _counts(engine) == (1, 3, 2)
    assert _load(uow) == edited


def _without_bob(business: Business) -> Business:
    alice = business.providers[0]
    return replace(business, providers=(alice,))


def test_removing_a_provider_with_future_bookings_is_refused(uow: Uow) -> None:
    cid = seed(uow)
    with uow() as u:
        u.bookings.add(make_booking(cid, provider="bob", service="consult"))
        u.bookings.add(make_booking(cid, provider="bob", start=T0 + timedelta(hours=2)))
        u.commit()
    with pytest.raises(DomainError) as info, uow() as u:
        sync_business(u.session, _without_bob(replace(make_business(), name="New")),
                      raw_text="v2", now=NOW)
    assert info.value.code is ErrorCode.INVALID_CONFIG
    assert "provider bob has 2 future booking(s)" in info.value.message
    assert _load(uow) == make_business()  # nothing applied, not even the new name


def test_removing_a_provider_without_future_bookings_deactivates(uow: Uow) -> None:
    cid = seed(uow)
    with uow() as u:  # a past booking and a cancelled one do not count
        u.bookings.add(make_booking(cid, provider="bob", start=NOW - timedelta(days=1)))
        u.bookings.add(make_booking(cid, provider="bob", status=BookingStatus.CANCELLED))
        u.commit()
    report = _sync(uow, _without_bob(make_business()))
    assert report.deactivated == ["provider:bob"]
    loaded = _load(uow)
    assert loaded is not None
    assert [p.key for p in loaded.providers] == ["alice"]
    back = _sync(uow, make_business())  # re-adding reactivates the same row
    assert back.updated == ["provider:bob"]
    assert _load(uow) == make_business()


def test_removing_a_service_with_future_bookings_is_refused(uow: Uow) -> None:
    cid = seed(uow)
    with uow() as u:
        u.bookings.add(make_booking(cid, provider="bob", service="consult"))
        u.commit()
    business = make_business()
    bob = replace(business.providers[1], services=frozenset({"cut"}))
    without = replace(business, services=business.services[:2],
                      providers=(business.providers[0], bob))
    with pytest.raises(DomainError) as info, uow() as u:
        sync_business(u.session, without, raw_text="v2", now=NOW)
    assert "service consult has 1 future booking(s)" in info.value.message


def test_provider_offering_an_unknown_service_is_invalid(uow: Uow) -> None:
    business = make_business()
    bob = replace(business.providers[1], services=frozenset({"cut", "massage"}))
    with pytest.raises(DomainError) as info, uow() as u:
        sync_business(u.session, replace(business, providers=(business.providers[0], bob)),
                      raw_text="", now=NOW)
    assert info.value.code is ErrorCode.INVALID_CONFIG
    assert "massage" in info.value.message
