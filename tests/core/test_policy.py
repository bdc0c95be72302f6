"""Refund tiers: exact at the boundaries, provider cancellations always full."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.money import Money
from core.policy import DEFAULT_POLICY, CancellationPolicy, CancelledBy, RefundTier
from tests.core.conftest import utc

START = utc(2026, 6, 10, 15)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(("notice", "percent"), [
    (timedelta(days=3), 100),
    (timedelta(hours=24), 100),  # exactly 24 h before
    (timedelta(hours=24) - SECOND, 50),
    (timedelta(hours=2), 50),  # exactly 2 h before
    (timedelta(hours=2) - SECOND, 0),
    (timedelta(0), 0),
    (-timedelta(hours=1), 0),  # after the start
])
def test_customer_tiers_are_exact_at_the_boundaries(notice: timedelta, percent: int) -> None:
    got = DEFAULT_POLICY.refund_percent(starts_at=START, cancelled_at=START - notice,
                                        by=CancelledBy.CUSTOMER)
    assert got == percent


@pytest.mark.parametrize("by", [CancelledBy.PROVIDER, CancelledBy.SYSTEM])
def test_provider_or_system_cancellation_refunds_everything(by: CancelledBy) -> None:
    late = START - timedelta(minutes=1)
    assert DEFAULT_POLICY.refund_percent(starts_at=START, cancelled_at=late, by=by) == 100
    paid = Money(2999, "USD")
    assert DEFAULT_POLICY.refund(paid, starts_at=START, cancelled_at=START, by=by) == paid


def test_refund_of_odd_cents_rounds_half_up() -> None:
    half = DEFAULT_POLICY.refund(Money(2999, "USD"), starts_at=START,
                                 cancelled_at=START - timedelta(hours=3), by=CancelledBy.CUSTOMER)
    assert half == Money(1500, "USD")  # 14.995 -> 15.00


def test_refund_in_zero_decimal_currency() -> None:
    half = DEFAULT_POLICY.refund(Money(1001, "JPY"), starts_at=START,
                                 cancelled_at=START - timedelta(hours=3), by=CancelledBy.CUSTOMER)
    assert half == Money(501, "JPY")


def test_tiers_may_be_given_in_any_order() -> None:
    policy = CancellationPolicy(tiers=(RefundTier(timedelta(hours=2), 50),
                                       RefundTier(timedelta(hours=48), 100)))
    at = START - timedelta(hours=30)
    assert policy.refund_percent(starts_at=START, cancelled_at=at, by=CancelledBy.CUSTOMER) == 50
    at = START - timedelta(hours=1)
    assert policy.refund_percent(starts_at=START, cancelled_at=at, by=CancelledBy.CUSTOMER) == 0


def test_tier_validation() -> None:
    with pytest.raises(ValueError, match=r"0\.\.100"):
        RefundTier(timedelta(hours=1), 101)
    with pytest.raises(ValueError, match="negative"):
        RefundTier(-timedelta(hours=1), 10)


def test_describe() -> None:
    assert DEFAULT_POLICY.describe() == (
        "24h+ before: 100% back; 2h+ before: 50% back; later: 0% back")
    assert CancellationPolicy(tiers=()).describe() == "no refunds"
