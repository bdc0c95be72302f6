"""A small clinic for the resource tests: two practitioners, treatment rooms, one laser."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

from core.model import (
    Business,
    DatedException,
    DayHours,
    ExceptionKind,
    LocalSpan,
    Resource,
    Service,
)
from core.money import Money
from tests.db.helpers import make_business

FACIAL = Service("facial", "Facial", timedelta(minutes=45), Money(6000, "EUR"), Money(0, "EUR"),
                 buffer_after=timedelta(minutes=15), requires=("room",))
MASSAGE = Service("massage", "Massage", timedelta(minutes=60), Money(7000, "EUR"),
                  Money(0, "EUR"), requires=("room",))
LASER = Service("laser", "Laser treatment", timedelta(minutes=30), Money(9000, "EUR"),
                Money(0, "EUR"), requires=("room", "laser"))
# The laser works only mornings 09:00-12:00 (business zone, Europe/London), and not on
# 2030-01-10 (serviced).
LASER_HOURS = (DayHours(spans=(LocalSpan(time(9), time(12)),)),) * 5 + (DayHours(),) * 2


def rooms(count: int) -> tuple[Resource, ...]:
    return tuple(Resource(f"room{i}", f"Room {i}", "room") for i in range(1, count + 1))


def clinic(room_count: int = 2) -> Business:
    """The salon of tests.db.helpers plus the clinic services (alice and bob both offer
    them) and ``room_count`` rooms and one laser."""
    business = make_business()
    extra = frozenset({"facial", "massage", "laser"})
    providers = tuple(replace(p, services=p.services | extra) for p in business.providers)
    laser = Resource("laser1", "Laser", "laser", weekly=LASER_HOURS, exceptions=(
        DatedException(date(2030, 1, 10), ExceptionKind.CLOSED, note="serviced"),))
    return replace(business, services=(*business.services, FACIAL, MASSAGE, LASER),
                   providers=providers, resources=(*rooms(room_count), laser))
