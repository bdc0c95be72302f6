"""Pieces shared by the use cases: loading context, ownership, audit, validation under lock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from core.availability import Taken, check_start
from core.booking import SYSTEM, Actor, AuditEntry, Booking, BookingStatus, snapshot
from core.errors import DomainError, ErrorCode
from core.interval import Interval
from core.model import Business, Service
from core.ports import UnitOfWork

# How far around a requested start we load what is taken: a whole local day either side
# covers per-day limits in any zone plus any realistic buffer.
CONTEXT = timedelta(days=2)


def service_of(business: Business, key: str) -> Service:
    service = business.service(key)
    if service is None:
        raise DomainError(ErrorCode.UNKNOWN_SERVICE, f"no service called {key!r}")
    return service


def candidates(business: Business, service_key: str, provider_key: str | None) -> list[str]:
    if provider_key is not None:
        if business.provider(provider_key) is None:
            raise DomainError(ErrorCode.UNKNOWN_PROVIDER, f"no provider called {provider_key!r}")
        return [provider_key]
    return [p.key for p in business.providers_for(service_key)]


def contexts(uow: UnitOfWork, provider_keys: Sequence[str], around: Interval,
             now: datetime) -> tuple[list[Taken], dict[str, list[Interval]]]:
    """``context`` of several providers at once: what free_slots takes (everyone's
    bookings, each one's busy time)."""
    read = uow.read_around(provider_keys, around.widen(CONTEXT, CONTEXT), now)
    return [t for key in provider_keys for t in read[key].taken], {
        key: read[key].busy for key in provider_keys}


def context(uow: UnitOfWork, provider_key: str, around: Interval, now: datetime, *,
            ignore: str | None = None) -> tuple[list[Taken], list[Interval]]:
    window = around.widen(CONTEXT, CONTEXT)
    taken = uow.bookings.taken(provider_key, window, now, ignore=ignore)
    return taken, uow.busy.busy(provider_key, window)


def record(uow: UnitOfWork, *, before: Booking | None, after: Booking, actor: Actor,
           action: str, now: datetime) -> None:
    uow.audit.record(AuditEntry(after.id, now, actor, action, snapshot(before), snapshot(after)))


def expire(uow: UnitOfWork, hold: Booking, now: datetime) -> Booking:
    expired = hold.transition(BookingStatus.EXPIRED)
    uow.bookings.update(expired)
    record(uow, before=hold, after=expired, actor=SYSTEM, action="booking.expired", now=now)
    return expired


def expire_in_the_way(uow: UnitOfWork, holds: Iterable[Booking], now: datetime) -> None:
    """Expire the lapsed holds standing in the way, each read again under its row lock.

    They were read without that lock, and since then a payment may have confirmed one (the
    webhook holds the row, not the provider) or a checkout stretched it; writing the stale
    copy back would undo that: a paid booking silently expired and its slot given away. One
    that is no longer a lapsed hold is left alone, and the database then refuses the overlap
    (slot_taken).
    """
    for seen in holds:
        hold = uow.bookings.get(seen.id, for_update=True)
        if hold is not None and hold.status is BookingStatus.HELD and not hold.occupies(now):
            expire(uow, hold, now)


def block_of(service: Service, start: datetime) -> tuple[datetime, Interval]:
    end = start + service.duration
    return end, Interval(start, end).widen(service.buffer_before, service.buffer_after)


def validate_under_lock(uow: UnitOfWork, business: Business, service: Service, *,
                        provider_key: str, start: datetime, now: datetime,
                        moving: str | None = None, seats: int = 1) -> list[Booking]:
    """Check ``start`` for one provider while holding its lock.

    Returns the lapsed holds standing in the way; the caller expires them in the same
    transaction (they are still 'held' rows, so the database would refuse us otherwise).
    """
    end, block = block_of(service, start)
    seen = uow.lock_and_read(provider_key, block=block, now=now, ignore=moving,
                             around=Interval(start, end).widen(CONTEXT, CONTEXT))
    stale = [b for b in seen.stale if b.id != moving]
    check_start(business=business, service_key=service.key, provider_key=provider_key,
                start=start, now=now, taken=seen.taken, busy={provider_key: seen.busy},
                seats=seats)
    return stale


def owned(uow: UnitOfWork, booking_id: str, actor: Actor) -> Booking:
    booking = uow.bookings.get(booking_id, for_update=True)
    if booking is None:
        raise DomainError(ErrorCode.UNKNOWN_BOOKING, "no such booking")
    if actor.kind == "customer" and booking.customer_id != actor.id:
        # Same answer as "unknown": never confirm that someone else's booking exists.
        raise DomainError(ErrorCode.UNKNOWN_BOOKING, "no such booking")
    if actor.kind == "provider" and booking.provider_key != actor.id:
        raise DomainError(ErrorCode.NOT_YOURS, "that booking is with another provider")
    return booking
