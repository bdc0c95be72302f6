"""Weekly series keep their wall-clock time across DST changes."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.recurrence import MAX_COUNT, series_summary, weekly_starts
from tests.core.conftest import PROPERTY, utc, zones

NY = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")


def test_ten_oclock_stays_ten_oclock_across_spring_forward() -> None:
    starts = weekly_starts(first_day=date(2026, 3, 1), at=time(10), tz=NY, count=3)
    assert starts == [utc(2026, 3, 1, 15), utc(2026, 3, 8, 14), utc(2026, 3, 15, 14)]


def test_ten_oclock_stays_ten_oclock_across_fall_back() -> None:
    starts = weekly_starts(first_day=date(2026, 10, 25), at=time(10), tz=NY, count=2)
    assert starts == [utc(2026, 10, 25, 14), utc(2026, 11, 1, 15)]


def test_a_skipped_wall_time_is_none_and_the_series_goes_on() -> None:
    starts = weekly_starts(first_day=date(2026, 3, 1), at=time(2, 30), tz=NY, count=3)
    assert starts == [utc(2026, 3, 1, 7, 30), None, utc(2026, 3, 15, 6, 30)]


def test_lord_howe_half_hour_gap() -> None:
    starts = weekly_starts(first_day=date(2026, 10, 4), at=time(2, 15), tz=LORD_HOWE, count=2)
    assert starts[0] is None
    assert starts[1] == utc(2026, 10, 10, 15, 15)  # 02:15 at +11:00


def test_a_repeated_wall_time_takes_its_first_occurrence() -> None:
    starts = weekly_starts(first_day=date(2026, 11, 1), at=time(1, 30), tz=NY, count=1)
    assert starts == [utc(2026, 11, 1, 5, 30)]  # 01:30 EDT, not EST


def test_every_other_week() -> None:
    starts = weekly_starts(first_day=date(2026, 6, 1), at=time(9), tz=NY, every_weeks=2,
                           count=3)
    assert starts == [utc(2026, 6, 1, 13), utc(2026, 6, 15, 13), utc(2026, 6, 29, 13)]


@pytest.mark.parametrize(("count", "every_weeks"), [(0, 1), (MAX_COUNT + 1, 1), (-1, 1), (3, 0)])
def test_bounds(count: int, every_weeks: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        weekly_starts(first_day=date(2026, 6, 1), at=time(9), tz=NY, every_weeks=every_weeks,
                      count=count)


def test_fifty_two_is_allowed() -> None:
    assert len(weekly_starts(first_day=date(2026, 1, 5), at=time(9), tz=NY, count=52)) == 52


def test_summary_names_skipped_dates() -> None:
    starts = weekly_starts(first_day=date(2026, 3, 1), at=time(2, 30), tz=NY, count=3)
    text = series_summary(first_day=date(2026, 3, 1), at=time(2, 30), starts=starts)
    assert text.startswith("every week on Sunday at 02:30, 3 times from 2026-03-01")
    assert "2026-03-08" in text
    plain = series_summary(first_day=date(2026, 6, 1), at=time(9), every_weeks=2,
                           starts=[utc(2026, 6, 1, 13)])
    assert plain == "every 2 weeks on Monday at 09:00, 1 times from 2026-06-01"


@PROPERTY
@given(tz=zones, first=st.dates(date(2026, 1, 1), date(2026, 12, 31)),
       quarter=st.integers(0, 95), every=st.integers(1, 4), count=st.integers(1, MAX_COUNT))
def test_every_occurrence_is_the_same_weekday_and_wall_time(tz: ZoneInfo, first: date,
                                                            quarter: int, every: int,
                                                            count: int) -> None:
    at = time(quarter // 4, quarter % 4 * 15)
    starts = weekly_starts(first_day=first, at=at, tz=tz, every_weeks=every, count=count)
    assert len(starts) == count
    for i, start in enumerate(starts):
        if start is None:
            continue
        local = start.astimezone(tz)
        assert local.date() == first + timedelta(weeks=every * i)
        assert local.time().replace(tzinfo=None) == at
        assert local.fold == 0
