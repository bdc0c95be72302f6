"""Resources in availability: a slot needs a free provider *and* a free resource of each kind.

Pinned examples (explicit UTC numbers), including a resource's own hours across both DST
changes of New York, and a property: with an always-open resource nobody uses, the slots are
exactly the provider's free slots, in every fixture zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.availability import Slot, free_slots
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import Business, DatedException, ExceptionKind, Resource, Service
from core.resources import ResourceUse, check_kinds, resource_view, with_resources
from tests.core.conftest import (
    PROPERTY,
    ZONES,
    every_day,
    make_business,
    make_provider,
    make_service,
    span,
    utc,
)

NY = ZoneInfo("America/New_York")
EARLY = utc(2026, 1, 1)
MORNINGS = every_day([span("09:00", "12:00")])


def clinic(tz: ZoneInfo, resources: Sequence[Resource], *, hours: str = "08:00-18:00",
           after: int = 0, requires: tuple[str, ...] = ("room",)) -> Business:
    provider = make_provider(tz=tz, weekly=every_day([span(*hours.split("-"))]))
    service = replace(make_service(minutes=30, after=after), requires=requires)
    business = make_business(providers=[provider], services=[service])
    return replace(business, tz=tz, resources=tuple(resources))


def offered(business: Business, window: Interval, uses: Sequence[ResourceUse] = (),
            ) -> list[Slot]:
    service = business.services[0]
    found = free_slots(business=business, service_key=service.key, provider_key="ana",
                       window=window, now=EARLY, taken=[], busy={})
    view = resource_view(business, service, window=window, uses=uses)
    return with_resources(found, view, service)


def walls(found: Sequence[Slot], tz: ZoneInfo) -> list[str]:
    return [s.start.astimezone(tz).strftime("%H:%M") for s in found]


def day_of(day: date, tz: ZoneInfo) -> Interval:
    return Interval(datetime.combine(day, time(0), tzinfo=tz),
                    datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz))


ROOM1, ROOM2 = Resource("r1", "Room 1", "room"), Resource("r2", "Room 2", "room")
DAY = date(2026, 6, 3)  # a Wednesday, UTC business


def test_one_room_taken_the_other_is_picked_both_taken_no_slot() -> None:
    tz = ZoneInfo("UTC")
    business = clinic(tz, [ROOM1, ROOM2])
    service = business.services[0]
    at = utc(2026, 6, 3, 10)
    one = [ResourceUse("r1", at, at + timedelta(minutes=30))]
    view = resource_view(business, service, window=day_of(DAY, tz), uses=one)
    assert view.pick(service, at) == {"room": "r2"}
    assert "10:00" in walls(offered(business, day_of(DAY, tz), one), tz)
    both = [*one, ResourceUse("r2", at - timedelta(minutes=15), at + timedelta(minutes=15))]
    found = walls(offered(business, day_of(DAY, tz), both), tz)
    assert "09:30" in found  # r1 is free until 10:00
    assert "09:45" not in found  # r1 would run into 10:00; r2 is taken from 09:45
    assert "10:00" not in found
    assert "10:15" in found  # r2 is free again from 10:15 (r1 is taken until 10:30)
    view = resource_view(business, service, window=day_of(DAY, tz), uses=both)
    with pytest.raises(DomainError) as err:
        view.pick(service, at)
    assert err.value.code is ErrorCode.SLOT_TAKEN


def test_the_resource_keeps_the_services_buffer_too() -> None:
    tz = ZoneInfo("UTC")
    business = clinic(tz, [ROOM1], after=15)
    at = utc(2026, 6, 3, 10)
    # Another booking holds the room 10:45-11:00: a 10:00 slot would clean up until 10:45.
    uses = [ResourceUse("r1", at + timedelta(minutes=45), at + timedelta(hours=1))]
    found = walls(offered(business, day_of(DAY, tz), uses), tz)
    assert "10:00" in found
    assert "10:15" not in found  # its clean-up (10:45-11:00) meets the other booking
    assert "11:00" in found


def test_a_rescheduled_booking_keeps_its_room_when_free() -> None:
    tz = ZoneInfo("UTC")
    business = clinic(tz, [ROOM1, ROOM2])
    service = business.services[0]
    view = resource_view(business, service, window=day_of(DAY, tz), uses=[])
    at = utc(2026, 6, 3, 10)
    assert view.pick(service, at) == {"room": "r1"}  # business-file order
    assert view.pick(service, at, prefer={"room": "r2"}) == {"room": "r2"}


def test_resource_hours_and_closed_day() -> None:
    tz = ZoneInfo("UTC")
    laser = Resource("l1", "Laser", "laser", weekly=MORNINGS,
                     exceptions=(DatedException(DAY, ExceptionKind.CLOSED, note="serviced"),))
    business = clinic(tz, [ROOM1, laser], requires=("room", "laser"))
    next_day = walls(offered(business, day_of(DAY + timedelta(days=1), tz)), tz)
    assert next_day == ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30",
                        "10:45", "11:00", "11:15", "11:30"]
    assert offered(business, day_of(DAY, tz)) == []
    service = business.services[0]
    view = resource_view(business, service, window=day_of(DAY, tz), uses=[])
    with pytest.raises(DomainError) as err:
        view.pick(service, utc(2026, 6, 3, 10))
    assert err.value.code is ErrorCode.OUTSIDE_HOURS


def test_resource_time_off_blocks_part_of_its_day() -> None:
    tz = ZoneInfo("UTC")
    room = replace(ROOM1, exceptions=(DatedException(
        DAY, ExceptionKind.TIME_OFF, blocked=(span("12:00", "14:00"),)),))
    found = walls(offered(clinic(tz, [room]), day_of(DAY, tz)), tz)
    assert "11:30" in found
    assert "11:45" not in found
    assert "13:45" not in found
    assert "14:00" in found


@pytest.mark.parametrize(("day", "first_utc", "last_utc"), [
    # Spring forward (Sun 8 Mar 2026): 09:00 local is 13:00 UTC that day (EDT), 14:00 before.
    (date(2026, 3, 8), "13:00", "15:30"),
    (date(2026, 3, 7), "14:00", "16:30"),
    # Fall back (Sun 1 Nov 2026): 09:00 local is 14:00 UTC (EST), 13:00 the day before.
    (date(2026, 11, 1), "14:00", "16:30"),
    (date(2026, 10, 31), "13:00", "15:30"),
])
def test_resource_hours_are_wall_clock_across_dst(day: date, first_utc: str,
                                                  last_utc: str) -> None:
    laser = Resource("l1", "Laser", "laser", weekly=MORNINGS)
    business = clinic(NY, [laser], hours="07:00-19:00", requires=("laser",))
    found = offered(business, day_of(day, NY))
    assert walls(found, NY)[0] == "09:00"
    assert walls(found, NY)[-1] == "11:30"  # a 30-minute visit ends by the laser's 12:00
    assert walls(found, ZoneInfo("UTC"))[0] == first_utc
    assert walls(found, ZoneInfo("UTC"))[-1] == last_utc


def test_always_open_room_across_a_night_shift_on_the_dst_night() -> None:
    """A room with no hours of its own is open round the clock, also over midnight and
    the skipped hour: only the provider's hours apply."""
    business = clinic(NY, [ROOM1], hours="20:00-00:00")
    night = every_day([span("00:00", "04:00"), span("20:00", "00:00")])
    business = replace(business, providers=(replace(business.providers[0], weekly=night),))
    window = Interval(utc(2026, 3, 7, 12), utc(2026, 3, 9, 12))
    service = business.services[0]
    plain = free_slots(business=business, service_key=service.key, provider_key="ana",
                       window=window, now=EARLY, taken=[], busy={})
    assert any(s.start.astimezone(NY).hour == 23 for s in plain)  # across midnight
    assert offered(business, window) == plain


@PROPERTY
@given(zone=st.sampled_from(ZONES), day=st.dates(date(2026, 1, 2), date(2026, 12, 30)),
       hours=st.sampled_from(["00:00-04:00", "08:00-18:00", "20:00-00:00"]))
def test_an_unused_always_open_room_changes_nothing(zone: ZoneInfo, day: date,
                                                    hours: str) -> None:
    business = clinic(zone, [ROOM1], hours=hours)
    window = day_of(day, zone)
    service = business.services[0]
    plain = free_slots(business=business, service_key=service.key, provider_key="ana",
                       window=window, now=EARLY, taken=[], busy={})
    assert offered(business, window) == plain


def test_no_room_at_all_is_a_configuration_error() -> None:
    business = clinic(ZoneInfo("UTC"), [])
    service: Service = business.services[0]
    with pytest.raises(DomainError) as err:
        check_kinds(business, service)
    assert err.value.code is ErrorCode.INVALID_CONFIG
