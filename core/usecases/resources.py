"""Taking the resources (rooms, machines) a booking's service needs, inside its transaction.

Called by every use case that writes an occupying booking at a new time (hold, waitlist
offer, reschedule) right after the booking row is written: the resources are locked in
key order after the provider (one fixed order everywhere, so no two writers wait on each
other in a cycle), lapsed holds in the way are expired, one free resource of each kind is
picked (``core.resources``) and recorded; a class seat joins the room its session already
holds (one room per session, refused to any other session by the database). The database
refuses a resource held twice at once whatever this concluded; a failure leaves the
transaction uncommitted, so the booking and its resources are written together or not at
all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from core.availability import Slot
from core.booking import Booking, BookingStatus
from core.interval import Interval
from core.model import Business, Service
from core.ports import UnitOfWork
from core.resources import check_kinds, resource_view, with_resources
from core.usecases.common import CONTEXT, expire


def take_resources(uow: UnitOfWork, business: Business, service: Service, booking: Booking,
                   now: datetime, *, prefer: Mapping[str, str] | None = None) -> dict[str, str]:
    """Pick and record one free resource of each kind ``service`` requires for ``booking``
    (already written); kind -> resource key. Raises SLOT_TAKEN / OUTSIDE_HOURS."""
    picks = pick_resources(uow, business, service, booking, now, prefer=prefer)
    uow.resources.assign(booking, picks)
    return picks


def pick_resources(uow: UnitOfWork, business: Business, service: Service, booking: Booking,
                   now: datetime, *, prefer: Mapping[str, str] | None = None) -> dict[str, str]:
    """``take_resources`` without the write, for a caller that must know before it writes
    the booking; the resources stay locked until its commit."""
    if not service.requires:
        return {}
    check_kinds(business, service)
    kinds = service.requires
    uow.resources.lock(kinds)
    _expire_lapsed(uow, kinds, booking, now)
    session = booking.session_key if service.is_class else None
    if session is not None:  # one room per session: a seat joins the room it already has
        held = uow.resources.of_session(session, kinds, now, ignore=booking.id)
        if set(held) == set(kinds):
            return held
    uses = uow.resources.taken(kinds, booking.block, now, ignore=booking.id)
    view = resource_view(business, service, window=booking.appointment, uses=uses)
    return view.pick(service, booking.start, prefer, session)


def _expire_lapsed(uow: UnitOfWork, kinds: Sequence[str], booking: Booking,
                   now: datetime) -> None:
    """Lapsed holds are still 'held' rows, so the database would refuse us their room."""
    for booking_id in uow.resources.stale(kinds, booking.block, now):
        hold = uow.bookings.get(booking_id, for_update=True)
        if (hold is not None and booking_id != booking.id and hold.status is BookingStatus.HELD
                and not hold.occupies(now)):  # a checkout may have stretched it since
            expire(uow, hold, now)


def free_of_resources(uow: UnitOfWork, business: Business, service: Service,
                      slots: list[Slot], *, window: Interval, now: datetime) -> list[Slot]:
    """``slots`` (the providers' free ones) kept where every required kind has a free resource."""
    if not service.requires or not slots:
        return slots
    check_kinds(business, service)
    uses = uow.resources.taken(service.requires, window.widen(CONTEXT, CONTEXT), now)
    return with_resources(slots, resource_view(business, service, window=window, uses=uses),
                          service)
