"""Waitlist matching: who may take a freed slot, first come first served."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.availability import Slot
from core.interval import Interval
from core.model import LocalSpan
from core.waitlist import WaitlistEntry, matching_entries
from tests.core.conftest import span, utc

NY = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
WEEK = Interval(utc(2026, 6, 1, 4), utc(2026, 6, 8, 4))  # Mon-Sun in New York
T0 = utc(2026, 5, 20)


def entry(entry_id: str, *, created: datetime = T0, service: str = "cut",
          provider: str | None = None, window: Interval = WEEK,
          part: LocalSpan | None = None, tz: ZoneInfo | None = None) -> WaitlistEntry:
    return WaitlistEntry(id=entry_id, customer_id=f"c-{entry_id}", channel="telegram",
                         service_key=service, provider_key=provider, window=window,
                         created_at=created, part_of_day=part, tz=tz)


def slot(start: datetime, minutes: int = 30, provider: str = "ana") -> Slot:
    return Slot(provider, start, start + timedelta(minutes=minutes))


def ids(found: list[WaitlistEntry]) -> list[str]:
    return [e.id for e in found]


TUESDAY_2PM = slot(utc(2026, 6, 2, 18))  # 14:00 EDT


def test_service_and_provider_filter() -> None:
    entries = [entry("a"), entry("b", service="color"), entry("c", provider="ana"),
               entry("d", provider="bob")]
    assert ids(matching_entries(entries, TUESDAY_2PM, "cut")) == ["a", "c"]
    assert ids(matching_entries(entries, TUESDAY_2PM, "color")) == ["b"]


def test_the_window_must_hold_the_whole_appointment() -> None:
    window = Interval(utc(2026, 6, 2, 18), utc(2026, 6, 2, 18, 30))
    entries = [entry("exact", window=window),
               entry("short", window=Interval(window.start, window.end - timedelta(minutes=1))),
               entry("late", window=Interval(window.start + timedelta(minutes=1), window.end))]
    assert ids(matching_entries(entries, TUESDAY_2PM, "cut")) == ["exact"]


def test_first_come_first_served_then_id() -> None:
    entries = [entry("z", created=T0 + timedelta(seconds=1)), entry("b", created=T0),
               entry("a", created=T0), entry("y", created=T0 - timedelta(days=1))]
    assert ids(matching_entries(entries, TUESDAY_2PM, "cut")) == ["y", "a", "b", "z"]


def test_afternoons_next_week() -> None:
    afternoons = entry("pm", part=span("12:00", "18:00"), tz=NY)
    mornings = entry("am", part=span("08:00", "12:00"), tz=NY)
    entries = [afternoons, mornings]
    assert ids(matching_entries(entries, TUESDAY_2PM, "cut")) == ["pm"]
    assert ids(matching_entries(entries, slot(utc(2026, 6, 2, 21, 30)), "cut")) == ["pm"]
    assert ids(matching_entries(entries, slot(utc(2026, 6, 2, 21, 45)), "cut")) == []  # to 18:15
    assert ids(matching_entries(entries, slot(utc(2026, 6, 2, 15, 30)), "cut")) == ["am"]


def test_part_of_day_follows_dst_on_the_wall_clock() -> None:
    week = Interval(utc(2026, 3, 2), utc(2026, 3, 16))
    afternoons = [entry("pm", window=week, part=span("12:00", "18:00"), tz=NY)]
    before = slot(utc(2026, 3, 6, 17))  # 12:00 EST
    after = slot(utc(2026, 3, 13, 16))  # 12:00 EDT
    assert ids(matching_entries(afternoons, before, "cut")) == ["pm"]
    assert ids(matching_entries(afternoons, after, "cut")) == ["pm"]
    assert ids(matching_entries(afternoons, slot(utc(2026, 3, 13, 15, 45)), "cut")) == []


def test_part_of_day_in_the_customers_own_zone() -> None:
    evenings = [entry("eve", part=span("18:00", "00:00"), tz=KOLKATA)]
    # 14:00Z is 19:30 in Kolkata; 18:00Z is 23:30 and a 30-minute visit ends at midnight.
    assert ids(matching_entries(evenings, slot(utc(2026, 6, 2, 14)), "cut")) == ["eve"]
    assert ids(matching_entries(evenings, slot(utc(2026, 6, 2, 18)), "cut")) == ["eve"]
    assert ids(matching_entries(evenings, slot(utc(2026, 6, 2, 18, 15)), "cut")) == []


def test_matching_is_pure() -> None:
    entries = [entry("b", created=T0 + timedelta(1)), entry("a")]
    snapshot = list(entries)
    matching_entries(entries, TUESDAY_2PM, "cut")
    assert entries == snapshot


def test_part_of_day_needs_a_zone() -> None:
    with pytest.raises(ValueError, match="go together"):
        entry("x", part=span("12:00", "18:00"))
    with pytest.raises(ValueError, match="go together"):
        entry("x", tz=NY)
