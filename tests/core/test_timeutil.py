"""Local-time conversion: gaps, overlaps, boundaries, and duration parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.timeutil import (
    days,
    local_boundary,
    local_date,
    local_instant,
    local_midnight,
    parse_duration,
    require_aware,
    to_utc,
)
from tests.core.conftest import PROPERTY, utc, zones

NY = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
CHATHAM = ZoneInfo("Pacific/Chatham")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
KOLKATA = ZoneInfo("Asia/Kolkata")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        require_aware(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(2026, 1, 1))


def test_to_utc_converts_offsets() -> None:
    plus_545 = timezone(timedelta(hours=5, minutes=45))
    assert to_utc(datetime(2026, 1, 1, 5, 45, tzinfo=plus_545)) == utc(2026, 1, 1)
    assert to_utc(datetime(2026, 1, 1, 5, 45, tzinfo=plus_545)).tzinfo is UTC


@pytest.mark.parametrize(("day", "at", "tz"), [
    (date(2026, 3, 8), time(2, 30), NY),
    (date(2026, 10, 4), time(2, 15), LORD_HOWE),  # 02:00 -> 02:30
    (date(2026, 9, 27), time(3, 0), CHATHAM),  # 02:45 -> 03:45
])
def test_wall_times_in_a_gap_do_not_exist(day: date, at: time, tz: ZoneInfo) -> None:
    assert local_instant(day, at, tz) is None
    assert local_instant(day, at, tz, fold=1) is None


def test_ambiguous_wall_time_fold_picks_the_occurrence() -> None:
    assert local_instant(date(2026, 11, 1), time(1, 30), NY) == utc(2026, 11, 1, 5, 30)
    assert local_instant(date(2026, 11, 1), time(1, 30), NY, fold=1) == utc(2026, 11, 1, 6, 30)
    lh = local_instant(date(2026, 4, 5), time(1, 45), LORD_HOWE)
    assert lh == utc(2026, 4, 4, 14, 45)  # first occurrence, +11:00


def test_non_whole_hour_offsets() -> None:
    assert local_instant(date(2026, 6, 1), time(5, 45), KATHMANDU) == utc(2026, 6, 1)
    assert local_instant(date(2026, 6, 1), time(5, 30), KOLKATA) == utc(2026, 6, 1)


@pytest.mark.parametrize(("day", "at", "tz", "expected"), [
    (date(2026, 3, 8), time(2, 30), NY, utc(2026, 3, 8, 7)),
    (date(2026, 10, 4), time(2, 15), LORD_HOWE, utc(2026, 10, 3, 15, 30)),
    (date(2026, 9, 27), time(3, 0), CHATHAM, utc(2026, 9, 26, 14)),
    (date(2026, 3, 8), time(9), NY, utc(2026, 3, 8, 13)),
])
def test_boundary_in_a_gap_is_the_instant_the_clocks_jump(day: date, at: time, tz: ZoneInfo,
                                                          expected: datetime) -> None:
    assert local_boundary(day, at, tz) == expected


def test_local_midnight_and_local_date_across_utc_midnight() -> None:
    assert local_midnight(date(2026, 6, 2), KOLKATA) == utc(2026, 6, 1, 18, 30)
    assert local_date(utc(2026, 6, 1, 18, 30), KOLKATA) == date(2026, 6, 2)
    assert local_date(utc(2026, 6, 1, 18, 29), KOLKATA) == date(2026, 6, 1)


def test_days_is_inclusive() -> None:
    assert days(date(2026, 2, 27), date(2026, 3, 2)) == [
        date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)]
    assert days(date(2026, 3, 2), date(2026, 3, 2)) == [date(2026, 3, 2)]
    assert days(date(2026, 3, 2), date(2026, 3, 1)) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("24h", timedelta(hours=24)), ("90m", timedelta(minutes=90)), ("90s", timedelta(seconds=90)),
    ("1d", timedelta(days=1)), ("1h30m", timedelta(minutes=90)), ("45", timedelta(minutes=45)),
    (" 2H ", timedelta(hours=2)), ("1 h 5 m", timedelta(minutes=65)),
])
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "h", "1x", "1h30", "-5m", "1.5h", "m5"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


days_2026 = st.dates(date(2026, 1, 1), date(2026, 12, 31))
wall_times = st.integers(0, 24 * 12 - 1).map(lambda m: time(m // 12, m % 12 * 5))


@PROPERTY
@given(tz=zones, day=days_2026, at=wall_times)
def test_local_instant_round_trips_or_the_time_is_skipped(tz: ZoneInfo, day: date,
                                                          at: time) -> None:
    instant = local_instant(day, at, tz)
    boundary = local_boundary(day, at, tz)
    if instant is not None:
        local = instant.astimezone(tz)
        assert (local.date(), local.time().replace(tzinfo=None), local.fold) == (day, at, 0)
        assert boundary == instant
    else:
        wanted = datetime.combine(day, at)
        # The boundary is the first instant at or after the wanted wall time.
        assert boundary.astimezone(tz).replace(tzinfo=None) >= wanted
        before = (boundary - timedelta(minutes=1)).astimezone(tz).replace(tzinfo=None)
        assert before < wanted


@PROPERTY
@given(tz=zones, day=days_2026, a=wall_times, b=wall_times)
def test_boundaries_keep_wall_clock_order(tz: ZoneInfo, day: date, a: time, b: time) -> None:
    if a <= b:
        assert local_boundary(day, a, tz) <= local_boundary(day, b, tz)
    assert local_midnight(day, tz) < local_midnight(day + timedelta(days=1), tz)
