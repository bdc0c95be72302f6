"""check_start: one requested start, the most useful refusal first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.availability import Taken, check_start, resolve_local_start
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import Business
from tests.core.conftest import (
    LOOSE_RULES,
    every_day,
    make_business,
    make_provider,
    make_service,
    span,
    taken_at,
    utc,
)

NY = ZoneInfo("America/New_York")
NOW = utc(2026, 6, 1, 12)  # Monday 08:00 EDT


def business(*, hours: str = "09:00-17:00", breaks: Sequence[str] = ()) -> Business:
    weekly = every_day([span(*hours.split("-"))], [span(*b.split("-")) for b in breaks])
    rules = replace(LOOSE_RULES, min_notice=timedelta(hours=2), max_days_ahead=30,
                    max_per_day=2)
    return make_business(providers=[make_provider(tz=NY, weekly=weekly)],
                         services=[make_service(before=5, after=10), make_service("color")],
                         rules=rules)


def check(start: datetime, *, b: Business | None = None, taken: Sequence[Taken] = (),
          busy: Sequence[Interval] = (), service_key: str = "cut",
          provider_key: str = "ana") -> None:
    check_start(business=b or business(), service_key=service_key, provider_key=provider_key,
                start=start, now=NOW, taken=taken, busy={"ana": busy})


def refusal(start: datetime, *, b: Business | None = None, taken: Sequence[Taken] = (),
            busy: Sequence[Interval] = (), service_key: str = "cut",
            provider_key: str = "ana") -> ErrorCode:
    with pytest.raises(DomainError) as info:
        check(start, b=b, taken=taken, busy=busy, service_key=service_key,
              provider_key=provider_key)
    return info.value.code


def test_a_free_start_on_the_grid_passes() -> None:
    check(utc(2026, 6, 1, 15))  # 11:00 EDT


def test_a_start_off_the_grid_within_hours_passes() -> None:
    check(utc(2026, 6, 1, 14, 10))  # 10:10 EDT


def test_the_last_start_that_ends_at_closing_passes_one_minute_later_does_not() -> None:
    check(utc(2026, 6, 1, 20, 30))  # 16:30-17:00
    assert refusal(utc(2026, 6, 1, 20, 31)) is ErrorCode.OUTSIDE_HOURS


def test_unknown_service_comes_first() -> None:
    assert refusal(utc(2020, 1, 1), service_key="nope") is ErrorCode.UNKNOWN_SERVICE


def test_unknown_provider() -> None:
    assert refusal(utc(2020, 1, 1), provider_key="nobody") is ErrorCode.UNKNOWN_PROVIDER


def test_provider_does_not_offer() -> None:
    assert refusal(utc(2020, 1, 1), service_key="color") is ErrorCode.PROVIDER_DOES_NOT_OFFER


def test_in_the_past_beats_everything_about_time() -> None:
    assert refusal(NOW) is ErrorCode.IN_THE_PAST
    assert refusal(utc(2026, 5, 1, 3)) is ErrorCode.IN_THE_PAST  # also outside hours


def test_too_soon_beats_outside_hours() -> None:
    assert refusal(NOW + timedelta(minutes=30)) is ErrorCode.TOO_SOON  # 08:30, before opening
    assert refusal(utc(2026, 6, 1, 13, 59)) is ErrorCode.TOO_SOON  # 09:59 < 10:00
    check(utc(2026, 6, 1, 14))  # exactly two hours' notice is enough


def test_too_far_ahead_counts_provider_local_days() -> None:
    check(utc(2026, 7, 1, 20))  # 30 days ahead, 16:00 EDT
    assert refusal(utc(2026, 7, 2, 13)) is ErrorCode.TOO_FAR_AHEAD
    # 03:00Z on 2 July is still 1 July (23:00 EDT): within the horizon, only outside hours.
    assert refusal(utc(2026, 7, 2, 3)) is ErrorCode.OUTSIDE_HOURS


def test_outside_hours_break_and_day_full_and_taken_in_that_order() -> None:
    b = business(breaks=["12:30-13:15"])
    assert refusal(utc(2026, 6, 1, 16, 15), b=b) is ErrorCode.OUTSIDE_HOURS  # runs into lunch
    full = [taken_at("ana", utc(2026, 6, 1, 14)), taken_at("ana", utc(2026, 6, 1, 15))]
    assert refusal(utc(2026, 6, 1, 16, 15), b=b, taken=full) is ErrorCode.OUTSIDE_HOURS
    assert refusal(utc(2026, 6, 1, 14), b=b, taken=full) is ErrorCode.DAY_FULL
    assert refusal(utc(2026, 6, 1, 14), b=b, taken=full[:1]) is ErrorCode.SLOT_TAKEN


def test_buffers_make_a_neighbouring_start_taken() -> None:
    existing = [taken_at("ana", utc(2026, 6, 1, 15), before=5, after=10)]  # block 10:55-11:40
    assert refusal(utc(2026, 6, 1, 15, 35), taken=existing) is ErrorCode.SLOT_TAKEN
    check(utc(2026, 6, 1, 15, 45), taken=existing)
    check(utc(2026, 6, 1, 14, 15), taken=existing)  # cleanup ends 10:55 exactly


def test_busy_calendar_time_is_taken() -> None:
    busy = [Interval(utc(2026, 6, 1, 18), utc(2026, 6, 1, 19))]
    assert refusal(utc(2026, 6, 1, 17, 30), busy=busy) is ErrorCode.SLOT_TAKEN
    check(utc(2026, 6, 1, 19, 5), busy=busy)  # prep 5 min from 15:00 exactly


def test_taken_of_another_provider_does_not_count() -> None:
    check(utc(2026, 6, 1, 15), taken=[taken_at("bob", utc(2026, 6, 1, 15))] * 3)


def test_a_wall_time_the_clocks_skip_is_outside_hours() -> None:
    with pytest.raises(DomainError) as info:
        resolve_local_start(date(2026, 3, 8), time(2, 30), NY)
    assert info.value.code is ErrorCode.OUTSIDE_HOURS
    assert resolve_local_start(date(2026, 3, 8), time(3, 0), NY) == utc(2026, 3, 8, 7)


def test_second_occurrence_of_a_repeated_hour_may_be_booked_directly() -> None:
    b = make_business(providers=[make_provider(tz=NY, weekly=every_day([span("00:00", "03:00")]))])
    second_half_past_one = utc(2026, 11, 1, 6, 30)  # 01:30 EST, after falling back
    check_start(business=b, service_key="cut", provider_key="ana", start=second_half_past_one,
                now=utc(2026, 10, 1), taken=[], busy={})
