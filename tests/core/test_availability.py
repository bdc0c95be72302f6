"""Example tests for free slots: DST days pinned with explicit numbers, then each rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.availability import Slot, Taken, free_slots
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import Business, DatedException, DayHours, ExceptionKind, Rules
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
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
KOLKATA = ZoneInfo("Asia/Kolkata")
EARLY = utc(2026, 1, 1)  # a "now" long before every test day


def slots(business: Business, window: Interval, *, now: datetime = EARLY,
          provider_key: str | None = "ana", taken: Sequence[Taken] = (),
          busy: Mapping[str, Sequence[Interval]] | None = None) -> list[Slot]:
    return free_slots(business=business, service_key="cut", provider_key=provider_key,
                      window=window, now=now, taken=taken, busy=busy or {})


def local_day(day: date, tz: ZoneInfo) -> Interval:
    start = datetime.combine(day, time(0), tzinfo=tz)
    return Interval(start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz))


def walls(found: Sequence[Slot], tz: ZoneInfo) -> list[str]:
    return [s.start.astimezone(tz).strftime("%H:%M") for s in found]


def one_provider(tz: ZoneInfo, hours: str = "09:00-17:00", *, minutes: int = 30,
                 before: int = 0, after: int = 0, rules: Rules | None = None,
                 exceptions: Sequence[DatedException] = (),
                 breaks: Sequence[str] = ()) -> Business:
    weekly = every_day([span(*hours.split("-"))], [span(*b.split("-")) for b in breaks])
    provider = make_provider(tz=tz, weekly=weekly, exceptions=exceptions)
    service = make_service(minutes=minutes, before=before, after=after)
    return make_business(providers=[provider], services=[service], rules=rules)


# ---- DST days --------------------------------------------------------------------------


def test_new_york_spring_forward_day_keeps_local_nine_to_five() -> None:
    found = slots(one_provider(NY), local_day(date(2026, 3, 8), NY))
    assert found[0].start == utc(2026, 3, 8, 13)  # 09:00 EDT
    assert found[-1].end == utc(2026, 3, 8, 21)  # 17:00 EDT
    assert len(found) == 31  # 8 hours of 30-minute visits on a 15-minute grid


def test_new_york_overnight_on_spring_forward_never_offers_two_oclock() -> None:
    found = slots(one_provider(NY, "00:00-04:00", minutes=15), local_day(date(2026, 3, 8), NY))
    assert walls(found, NY) == ["00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30",
                                "01:45", "03:00", "03:15", "03:30", "03:45"]
    assert found[0].start == utc(2026, 3, 8, 5)
    assert found[-1].end == utc(2026, 3, 8, 8)  # 04:00 EDT


def test_new_york_fall_back_offers_the_repeated_hour_once() -> None:
    found = slots(one_provider(NY, "00:00-03:00", minutes=15), local_day(date(2026, 11, 1), NY))
    labels = walls(found, NY)
    for wall in ("01:00", "01:15", "01:30", "01:45"):
        assert labels.count(wall) == 1
    assert [s.start for s in found if s.start.astimezone(NY).hour == 1] == [
        utc(2026, 11, 1, 5), utc(2026, 11, 1, 5, 15), utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 1, 5, 45)]  # the first occurrence, EDT
    assert found[-1].end == utc(2026, 11, 1, 8)  # 03:00 EST
    assert len(found) == 12


def test_lord_howe_half_hour_spring_forward_skips_two_to_half_past() -> None:
    found = slots(one_provider(LORD_HOWE, "00:00-04:00"), local_day(date(2026, 10, 4), LORD_HOWE))
    labels = walls(found, LORD_HOWE)
    assert "02:00" not in labels
    assert "02:15" not in labels
    assert labels[labels.index("01:45") + 1] == "02:30"
    assert found[0].start == utc(2026, 10, 3, 13, 30)  # 00:00 at +10:30
    assert found[-1].end == utc(2026, 10, 3, 17)  # 04:00 at +11:00


def test_lord_howe_half_hour_fall_back_offers_half_past_one_once() -> None:
    found = slots(one_provider(LORD_HOWE, "00:00-03:00", minutes=15),
                  local_day(date(2026, 4, 5), LORD_HOWE))
    labels = walls(found, LORD_HOWE)
    assert labels.count("01:30") == 1
    assert labels.count("01:45") == 1
    assert len(found) == 12
    assert found[-1].end - found[0].start == timedelta(hours=3, minutes=30)


def test_kolkata_provider_seen_across_utc_midnight() -> None:
    business = one_provider(KOLKATA, "04:00-08:00")
    found = slots(business, Interval(utc(2026, 6, 1), utc(2026, 6, 2)))
    starts = [s.start for s in found]
    # Local 1 June 05:30-07:30 is 00:00Z-02:00Z; local 2 June from 04:00 is 22:30Z on 1 June.
    assert starts[:9] == [utc(2026, 6, 1) + timedelta(minutes=15 * k) for k in range(9)]
    assert starts[9:] == [utc(2026, 6, 1, 22, 30) + timedelta(minutes=15 * k) for k in range(6)]


# ---- hours, exceptions, breaks -----------------------------------------------------------

MONDAY = date(2026, 6, 1)


def monday_walls(business: Business, *, now: datetime = EARLY, taken: Sequence[Taken] = (),
                 busy: Mapping[str, Sequence[Interval]] | None = None) -> list[str]:
    found = slots(business, local_day(MONDAY, NY), now=now, taken=taken, busy=busy)
    return walls(found, NY)


def test_holiday_closes_the_day() -> None:
    holiday = DatedException(MONDAY, ExceptionKind.CLOSED, note="holiday")
    business = one_provider(NY, exceptions=[holiday])
    assert monday_walls(business) == []
    assert slots(business, local_day(MONDAY + timedelta(days=1), NY))


def test_special_hours_replace_the_weekly_hours() -> None:
    special = DatedException(MONDAY, ExceptionKind.HOURS,
                             hours=DayHours((span("12:00", "14:00"),)))
    assert monday_walls(one_provider(NY, exceptions=[special])) == [
        "12:00", "12:15", "12:30", "12:45", "13:00", "13:15", "13:30"]


def test_time_off_blocks_part_of_the_day() -> None:
    off = DatedException(MONDAY, ExceptionKind.TIME_OFF, blocked=(span("10:00", "11:00"),))
    labels = monday_walls(one_provider(NY, exceptions=[off]))
    assert "09:30" in labels
    assert "11:00" in labels
    assert not {"09:45", "10:00", "10:15", "10:30", "10:45"} & set(labels)


def test_lunch_break_is_never_overlapped() -> None:
    labels = monday_walls(one_provider(NY, breaks=["12:30-13:15"]))
    assert "12:00" in labels
    assert "13:15" in labels
    assert not {"12:15", "12:30", "12:45", "13:00"} & set(labels)


def test_overlapping_and_touching_spans_offer_each_start_once() -> None:
    weekly = every_day([span("09:00", "12:00"), span("11:00", "13:00"), span("13:00", "14:00")])
    business = make_business(providers=[make_provider(tz=NY, weekly=weekly)],
                             rules=replace(LOOSE_RULES, slot_step=timedelta(minutes=60)))
    labels = monday_walls(business)
    assert labels == ["09:00", "10:00", "11:00", "12:00", "13:00"]  # 12:00 spans the seam


# ---- buffers, busy time, notice, horizon, per-day limit ----------------------------------


def test_buffers_back_to_back_and_past_opening_hours() -> None:
    business = one_provider(NY, before=5, after=10)
    existing = taken_at("ana", utc(2026, 6, 1, 14), before=5, after=10)  # 10:00 EDT
    labels = monday_walls(business, taken=[existing])
    assert "09:15" in labels  # its cleanup ends 09:55, exactly where the booking's prep starts
    assert "09:30" not in labels
    assert "10:30" not in labels
    assert "10:45" in labels  # prep from 10:40, exactly where the booking's cleanup ends
    assert labels[0] == "09:00"  # prep may start before opening
    assert labels[-1] == "16:30"  # cleanup may run past closing


def test_external_busy_time_blocks_slots() -> None:
    busy = {"ana": [Interval(utc(2026, 6, 1, 15), utc(2026, 6, 1, 16))]}  # 11:00-12:00 EDT
    labels = monday_walls(one_provider(NY), busy=busy)
    assert "10:30" in labels
    assert "12:00" in labels
    assert not {"10:45", "11:00", "11:30", "11:45"} & set(labels)


def test_busy_time_of_another_provider_is_ignored() -> None:
    busy = {"bob": [Interval(utc(2026, 6, 1), utc(2026, 6, 2))]}
    assert len(monday_walls(one_provider(NY), busy=busy)) == 31


def test_min_notice_from_now() -> None:
    business = one_provider(NY, rules=replace(LOOSE_RULES, min_notice=timedelta(hours=2)))
    now = utc(2026, 6, 1, 14, 7)  # 10:07 EDT
    assert monday_walls(business, now=now)[0] == "12:15"


def test_horizon_counts_days_in_the_providers_zone() -> None:
    business = one_provider(KOLKATA, "09:00-10:00",
                            rules=replace(LOOSE_RULES, max_days_ahead=2))
    now = utc(2026, 6, 1, 20)  # already 2 June 01:30 in Kolkata
    found = slots(business, Interval(now, now + timedelta(days=10)), now=now)
    assert sorted({s.start.astimezone(KOLKATA).date() for s in found}) == [
        date(2026, 6, 2), date(2026, 6, 3), date(2026, 6, 4)]


def test_max_per_day_closes_a_full_provider_local_day() -> None:
    business = one_provider(KOLKATA, rules=replace(LOOSE_RULES, max_per_day=2))
    # 20:00Z is 01:30 the next day in Kolkata: one booking on 2 June, one on 3 June.
    taken = [taken_at("ana", utc(2026, 6, 1, 20)), taken_at("ana", utc(2026, 6, 2, 20))]
    found = slots(business, Interval(utc(2026, 6, 1), utc(2026, 6, 5)), taken=taken)
    per_day = {s.start.astimezone(KOLKATA).date() for s in found}
    assert date(2026, 6, 2) in per_day
    assert date(2026, 6, 3) in per_day
    taken.append(taken_at("ana", utc(2026, 6, 1, 21)))  # a second one on 2 June
    found = slots(business, Interval(utc(2026, 6, 1), utc(2026, 6, 5)), taken=taken)
    assert date(2026, 6, 2) not in {s.start.astimezone(KOLKATA).date() for s in found}


def test_window_bounds_are_half_open() -> None:
    window = Interval(utc(2026, 6, 1, 13), utc(2026, 6, 1, 14))  # 09:00-10:00 EDT
    assert walls(slots(one_provider(NY), window), NY) == ["09:00", "09:15", "09:30", "09:45"]


# ---- any provider ----------------------------------------------------------------------


def two_providers() -> Business:
    weekly = every_day([span("09:00", "17:00")])
    return make_business(providers=[make_provider("ana", tz=NY, weekly=weekly),
                                    make_provider("bob", tz=NY, weekly=weekly)])


def test_any_provider_prefers_the_less_loaded_and_then_business_order() -> None:
    business = two_providers()
    day = local_day(MONDAY, NY)
    assert {s.provider_key for s in slots(business, day, provider_key=None)} == {"ana"}
    ana_busy = [taken_at("ana", utc(2026, 6, 1, 20)), taken_at("ana", utc(2026, 6, 1, 20, 30))]
    found = slots(business, day, provider_key=None, taken=ana_busy)
    by_start = {s.start: s.provider_key for s in found}
    assert by_start[utc(2026, 6, 1, 13)] == "bob"
    assert len(by_start) == len(found)  # one slot per start instant
    bob_busy = [*ana_busy, taken_at("bob", utc(2026, 6, 1, 13)),
                taken_at("bob", utc(2026, 6, 1, 13, 30))]
    found = slots(business, day, provider_key=None, taken=bob_busy)
    assert {s.start: s.provider_key for s in found}[utc(2026, 6, 1, 14)] == "ana"  # tie


def test_any_provider_falls_back_to_whoever_is_free() -> None:
    taken = [taken_at("bob", utc(2026, 6, 1, 13))]
    found = slots(two_providers(), local_day(MONDAY, NY), provider_key=None, taken=taken)
    by_start = {s.start: s.provider_key for s in found}
    assert by_start[utc(2026, 6, 1, 13)] == "ana"  # ana has fewer bookings: 0 vs 1
    assert [s.start for s in found] == sorted(by_start)


def test_any_provider_when_nobody_offers_the_service() -> None:
    provider = make_provider(tz=NY, weekly=every_day([span("09:00", "17:00")]),
                             services=["other"])
    business = make_business(providers=[provider],
                             services=[make_service(), make_service("other")])
    assert slots(business, local_day(MONDAY, NY), provider_key=None) == []


# ---- refusals --------------------------------------------------------------------------


@pytest.mark.parametrize(("service_key", "provider_key", "code"), [
    ("nope", "ana", ErrorCode.UNKNOWN_SERVICE),
    ("cut", "nobody", ErrorCode.UNKNOWN_PROVIDER),
    ("color", "ana", ErrorCode.PROVIDER_DOES_NOT_OFFER),
])
def test_unknown_or_unoffered(service_key: str, provider_key: str, code: ErrorCode) -> None:
    provider = make_provider(tz=NY, weekly=every_day([span("09:00", "17:00")]))
    business = make_business(providers=[provider],
                             services=[make_service(), make_service("color")])
    with pytest.raises(DomainError) as info:
        free_slots(business=business, service_key=service_key, provider_key=provider_key,
                   window=local_day(MONDAY, NY), now=EARLY, taken=[], busy={})
    assert info.value.code is code


def test_a_zero_slot_step_is_a_configuration_error() -> None:
    business = one_provider(NY, rules=replace(LOOSE_RULES, slot_step=timedelta(0)))
    with pytest.raises(DomainError) as info:
        slots(business, local_day(MONDAY, NY))
    assert info.value.code is ErrorCode.INVALID_CONFIG
