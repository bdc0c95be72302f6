"""Cancellation policy: ordered tiers of notice -> refund percentage, exact in minor units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.money import Money
from core.timeutil import require_aware


class CancelledBy(StrEnum):
    CUSTOMER = "customer"
    PROVIDER = "provider"
    SYSTEM = "system"


@dataclass(frozen=True)
class RefundTier:
    min_notice: timedelta  # at least this long before the start ...
    refund_percent: int  # ... refunds this share of what was paid

    def __post_init__(self) -> None:
        if not 0 <= self.refund_percent <= 100:
            raise ValueError("refund_percent must be 0..100")
        if self.min_notice < timedelta(0):
            raise ValueError("min_notice must not be negative")


@dataclass(frozen=True)
class CancellationPolicy:
    tiers: tuple[RefundTier, ...]  # any order; evaluated from the longest notice down

    def refund_percent(self, *, starts_at: datetime, cancelled_at: datetime,
                       by: CancelledBy) -> int:
        if by is not CancelledBy.CUSTOMER:
            return 100  # a provider or system cancellation never costs the customer
        notice = require_aware(starts_at) - require_aware(cancelled_at)
        for tier in sorted(self.tiers, key=lambda t: t.min_notice, reverse=True):
            if notice >= tier.min_notice:
                return tier.refund_percent
        return 0

    def refund(self, paid: Money, *, starts_at: datetime, cancelled_at: datetime,
               by: CancelledBy) -> Money:
        pct = self.refund_percent(starts_at=starts_at, cancelled_at=cancelled_at, by=by)
        return paid.percent(pct)

    def describe(self) -> str:
        parts = []
        for tier in sorted(self.tiers, key=lambda t: t.min_notice, reverse=True):
            hours = tier.min_notice.total_seconds() / 3600
            when = f"{hours:g}h+ before" if tier.min_notice else "later"
            parts.append(f"{when}: {tier.refund_percent}% back")
        return "; ".join(parts) or "no refunds"


DEFAULT_POLICY = CancellationPolicy(
    tiers=(RefundTier(timedelta(hours=24), 100), RefundTier(timedelta(hours=2), 50),
           RefundTier(timedelta(0), 0)),
)
