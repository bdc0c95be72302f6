"""Booking rules and the cancellation policy; anything left out keeps the core default."""

from __future__ import annotations

from typing import TypeVar

from bookingbot.business.problems import Problems
from bookingbot.business.schema import RulesIn, TierIn
from core.model import Rules
from core.policy import DEFAULT_POLICY, CancellationPolicy, RefundTier

T = TypeVar("T")


def _or(value: T | None, default: T) -> T:
    # Not ``value or default``: a written 0h minimum notice must stay 0.
    return default if value is None else value


def build_rules(given: RulesIn) -> Rules:
    default = Rules()
    reminders = None if given.reminders is None else tuple(sorted(set(given.reminders),
                                                                  reverse=True))
    return Rules(
        slot_step=_or(given.slot_step, default.slot_step),
        min_notice=_or(given.min_notice, default.min_notice),
        max_days_ahead=_or(given.max_days_ahead, default.max_days_ahead),
        max_per_day=_or(given.max_per_day, default.max_per_day),
        hold_duration=_or(given.hold, default.hold_duration),
        reminders=_or(reminders, default.reminders),
        waitlist_offer_window=_or(given.waitlist_offer_window, default.waitlist_offer_window),
        calendar_sync_interval=_or(given.calendar_sync_interval, default.calendar_sync_interval),
        calendar_max_age=_or(given.calendar_max_age, default.calendar_max_age),
        calendar_stale_limit=_or(given.calendar_stale_limit, default.calendar_stale_limit),
        transcript_retention=_or(given.transcript_retention, default.transcript_retention),
        confirm_by=given.confirm_by,
    )


def build_policy(tiers: list[tuple[int, TierIn]] | None, problems: Problems) -> CancellationPolicy:
    """The written tiers (none written: the core default; an empty list: no refunds)."""
    if tiers is None:
        return DEFAULT_POLICY
    first: dict[object, int] = {}
    for i, tier in tiers:
        if tier.before in first:
            problems.add(("cancellation_policy", i, "before"), "the same notice as "
                         f"cancellation_policy[{first[tier.before]}]; each tier needs its own")
        first.setdefault(tier.before, i)
    return CancellationPolicy(tiers=tuple(RefundTier(t.before, t.refund) for _, t in tiers))
