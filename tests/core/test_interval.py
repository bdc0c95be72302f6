"""Half-open UTC intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.interval import Interval, merge, subtract
from tests.core.conftest import PROPERTY, utc


def iv(a: int, b: int) -> Interval:
    """An interval in hours after 2026-06-01 00:00Z."""
    base = utc(2026, 6, 1)
    return Interval(base + timedelta(hours=a), base + timedelta(hours=b))


def test_construction_rules() -> None:
    with pytest.raises(ValueError, match="naive"):
        Interval(datetime(2026, 1, 1), utc(2026, 1, 2))
    with pytest.raises(ValueError, match="ends before"):
        iv(2, 1)
    assert iv(1, 3).duration == timedelta(hours=2)


def test_half_open_overlap_and_containment() -> None:
    assert iv(1, 3).overlaps(iv(2, 4))
    assert not iv(1, 2).overlaps(iv(2, 3))  # touching is not overlapping: back-to-back works
    assert iv(1, 4).contains(iv(1, 4))
    assert iv(1, 4).contains(iv(2, 3))
    assert not iv(1, 4).contains(iv(3, 5))


def test_an_empty_interval_overlaps_nothing() -> None:
    assert iv(2, 2).empty
    assert not iv(2, 2).overlaps(iv(1, 3))
    assert not iv(1, 3).overlaps(iv(2, 2))


def test_widen() -> None:
    base = utc(2026, 6, 1)
    widened = iv(1, 2).widen(timedelta(minutes=5), timedelta(minutes=10))
    assert widened == Interval(base + timedelta(minutes=55), base + timedelta(hours=2, minutes=10))


def test_merge_joins_touching_and_overlapping() -> None:
    assert merge([iv(5, 6), iv(1, 2), iv(2, 3), iv(2, 4)]) == [iv(1, 4), iv(5, 6)]
    assert merge([iv(1, 5), iv(2, 3)]) == [iv(1, 5)]
    assert merge([]) == []


def test_subtract() -> None:
    assert subtract([iv(9, 17)], [iv(12, 13)]) == [iv(9, 12), iv(13, 17)]
    assert subtract([iv(9, 17)], [iv(8, 10), iv(16, 18)]) == [iv(10, 16)]
    assert subtract([iv(9, 17)], [iv(8, 18)]) == []
    assert subtract([iv(9, 12), iv(13, 17)], []) == [iv(9, 12), iv(13, 17)]


pieces = st.lists(st.builds(lambda a, n: iv(a, a + n), st.integers(0, 40), st.integers(0, 8)),
                  max_size=6)


@PROPERTY
@given(base=pieces, holes=pieces, probe=st.integers(0, 96))
def test_subtract_is_set_difference(base: list[Interval], holes: list[Interval],
                                    probe: int) -> None:
    point = utc(2026, 6, 1) + timedelta(minutes=30 * probe)

    def inside(ivs: list[Interval]) -> bool:
        return any(i.start <= point < i.end for i in ivs)

    result = subtract(base, holes)
    assert inside(result) == (inside(base) and not inside(holes))
    assert all(a.end < b.start for a, b in pairwise(result))


def test_trusted_interval_is_the_same_value_as_a_checked_one() -> None:
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    trusted = Interval.trusted(start, start + timedelta(hours=1))
    checked = Interval(start, start + timedelta(hours=1))
    assert trusted == checked
    assert hash(trusted) == hash(checked)
    assert trusted.overlaps(checked)
    assert trusted.duration == timedelta(hours=1)
