"""Provider-side use cases: agenda, time off, cancelling as the provider, the waitlist.

Reads and writes that ``core.ports.UnitOfWork`` does not offer (customer display data,
time-off rows with their ids, bookings by short reference, the delivery guard) go through
``ProviderQueries``, handed in next to the unit of work; its methods run inside that
unit of work's transaction (``db.provider_queries`` implements it structurally).

Time off over existing bookings is **refused** (held or confirmed, since a hold can still
be confirmed without a new check): the provider sees which bookings are in the way and
either cancels them first or repeats with ``force``, which blocks the time and keeps the
bookings. Refusing by default means no customer is silently left inside time off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from core.booking import Actor, Booking, BookingStatus, normalised_reference, reference
from core.errors import DomainError, ErrorCode
from core.events import Event
from core.intake import Answer
from core.interval import Interval
from core.model import Business, Provider
from core.ports import UnitOfWork
from core.timeutil import local_midnight, require_aware
from core.usecases.booking import CancelOutcome
from core.usecases.common import owned
from core.usecases.refunds import cancel
from core.waitlist import WaitlistEntry

TIME_OFF = "timeoff"  # busy_blocks.source of time off typed by the provider
# A booking's id prefix, as alerts showed it before they showed the customer's reference:
# still accepted by /bookings cancel and no-show (those messages are in people's Slack).
REF_LENGTH = 8
MIN_REF = 4
MAX_TIME_OFF = timedelta(days=31)
MAX_MESSAGE = 1000


@dataclass(frozen=True)
class CustomerCard:
    """What a provider may see of a customer: enough to recognise and reach them."""

    id: str
    channel: str
    sender_id: str
    name: str | None = None
    phone: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.phone or f"{self.channel} {self.sender_id}"


@dataclass(frozen=True)
class TimeOff:
    id: int
    provider_key: str
    span: Interval
    note: str = ""
    source: str = TIME_OFF

    @property
    def removable(self) -> bool:
        return self.source == TIME_OFF  # calendar blocks come and go with the calendar sync


@dataclass(frozen=True)
class AgendaItem:
    booking: Booking
    service_name: str
    customer: CustomerCard | None
    resources: tuple[str, ...] = ()  # names of the rooms/machines it holds
    answers: tuple[Answer, ...] = ()  # its intake answers (core.intake)

    @property
    def ref(self) -> str:
        return booking_ref(self.booking.id)


@dataclass(frozen=True)
class Agenda:
    provider: Provider
    day: date
    items: tuple[AgendaItem, ...]
    time_off: tuple[TimeOff, ...]
    closed: bool


@dataclass(frozen=True)
class Waiting:
    entry: WaitlistEntry
    service_name: str
    customer: CustomerCard | None


@dataclass(frozen=True)
class ProviderMessaged(Event):
    """A provider wrote to a booking's customer; the outbox delivers it on their channel.

    ``ref`` is the Slack delivery (view id), so the outbox's idempotency key dedupes a retry.
    """

    provider_key: str
    text: str
    ref: str = ""


class AlreadyDone(Exception):
    """This delivery was processed before (a retry): nothing was changed this time."""


class TimeOffConflict(DomainError):
    """Time off refused: these live bookings are in the way."""

    def __init__(self, bookings: Sequence[Booking]) -> None:
        super().__init__(ErrorCode.SLOT_TAKEN, "that time overlaps bookings")
        self.bookings = tuple(bookings)


class ProviderQueries(Protocol):
    """Runs inside the given unit of work's transaction."""

    def customer_cards(self, uow: UnitOfWork, ids: Sequence[str]) -> dict[str, CustomerCard]: ...

    def time_off(self, uow: UnitOfWork, provider_key: str, window: Interval) -> list[TimeOff]:
        """Every busy block (time off and calendar) overlapping ``window``, with ids."""

    def add_time_off(self, uow: UnitOfWork, provider_key: str, span: Interval,
                     note: str) -> TimeOff: ...

    def remove_time_off(self, uow: UnitOfWork, provider_key: str, block_id: int) -> bool: ...

    def bookings_by_ref(self, uow: UnitOfWork, provider_key: str, ref: str) -> list[Booking]:
        """This provider's bookings (any status) that ``ref`` names: the customer's
        reference (``core.booking.reference``), or the start of the id."""

    def once(self, uow: UnitOfWork, delivery_id: str) -> UnitOfWork:
        """``uow`` that raises ``AlreadyDone`` on entry when ``delivery_id`` was processed,
        and records it in the same commit as the effect."""


def booking_ref(booking_id: str) -> str:
    """What the provider is shown: the customer's own reference (``core.booking.reference``),
    so the code a customer quotes is the one in the provider's alert and agenda."""
    return reference(booking_id)


def provider_of_user(business: Business, slack_user_id: str) -> Provider | None:
    return next((p for p in business.providers if p.slack_user_id == slack_user_id), None)


def find_provider(uow: UnitOfWork, slack_user_id: str) -> Provider | None:
    """The provider a chat user is mapped to (business file ``slack_user``), or None."""
    with uow:
        return provider_of_user(uow.business(), slack_user_id)


def _provider(business: Business, key: str) -> Provider:
    provider = business.provider(key)
    if provider is None:
        raise DomainError(ErrorCode.UNKNOWN_PROVIDER, f"no provider called {key!r}")
    return provider


def _day_window(provider: Provider, day: date) -> Interval:
    return Interval(local_midnight(day, provider.tz),
                    local_midnight(day + timedelta(days=1), provider.tz))


def agenda_items(uow: UnitOfWork, q: ProviderQueries, business: Business,
           bookings: Sequence[Booking]) -> tuple[AgendaItem, ...]:
    cards = q.customer_cards(uow, sorted({b.customer_id for b in bookings}))
    out = []
    names = {r.key: r.name for r in business.resources}
    answers = uow.intake.of_bookings([b.id for b in bookings if _asks(business, b)])
    for b in sorted(bookings, key=lambda b: (b.start, b.id)):
        service = business.service(b.service_key)
        kinds = service.requires if service else ()
        held = uow.resources.of_booking(b.id) if kinds else {}
        out.append(AgendaItem(b, service.name if service else b.service_key,
                              cards.get(b.customer_id),
                              tuple(names.get(held[k], held[k]) for k in kinds if k in held),
                              answers.get(b.id, ())))
    return tuple(out)


def _asks(business: Business, b: Booking) -> bool:
    service = business.service(b.service_key)
    return service is not None and bool(service.questions)


def agenda(uow: UnitOfWork, q: ProviderQueries, *, provider_key: str, day: date,
           now: datetime) -> Agenda:
    """Held and confirmed bookings starting on ``day`` (provider-local), and time off."""
    with uow:
        business = uow.business()
        provider = _provider(business, provider_key)
        window = _day_window(provider, day)
        live = [b for b in uow.bookings.occupying(provider_key, window, now)
                if window.start <= b.start < window.end]
        hours, _ = provider.hours_on(day)
        return Agenda(provider, day, agenda_items(uow, q, business, live),
                      tuple(q.time_off(uow, provider_key, window)), hours.closed)


def upcoming(uow: UnitOfWork, q: ProviderQueries, *, provider_key: str, now: datetime,
             days: int = 7) -> list[Agenda]:
    """The next ``days`` provider-local days, today first (the App Home schedule)."""
    with uow:
        tz = _provider(uow.business(), provider_key).tz
    today = now.astimezone(tz).date()
    return [agenda(uow, q, provider_key=provider_key, day=today + timedelta(days=i), now=now)
            for i in range(days)]


@dataclass(frozen=True)
class Blocked:
    time_off: TimeOff
    kept: tuple[Booking, ...] = ()  # live bookings inside it, kept because of ``force``


def block_time(uow: UnitOfWork, q: ProviderQueries, *, provider_key: str, span: Interval,
               note: str, now: datetime, force: bool = False) -> Blocked:
    """Time off: new bookings cannot land in ``span``. Refuses over live bookings unless
    ``force`` (then the bookings stay and only the rest of the span is closed)."""
    require_aware(span.start)
    if span.end <= now:
        raise DomainError(ErrorCode.IN_THE_PAST, "that time has already passed")
    if span.empty or span.duration > MAX_TIME_OFF:
        raise DomainError(ErrorCode.INVALID_REQUEST, "time off must be 1 minute to 31 days")
    with uow:
        _provider(uow.business(), provider_key)
        uow.lock_provider(provider_key)  # no booking can slip in between check and insert
        clash = [b for b in uow.bookings.occupying(provider_key, span, now)
                 if b.appointment.overlaps(span)]
        if clash and not force:
            raise TimeOffConflict(sorted(clash, key=lambda b: b.start))
        block = q.add_time_off(uow, provider_key, span, note.strip()[:200])
        uow.commit()
        return Blocked(block, tuple(sorted(clash, key=lambda b: b.start)))


def time_off_at(uow: UnitOfWork, q: ProviderQueries, *, provider_key: str,
                window: Interval) -> list[TimeOff]:
    """Removable time off overlapping (or, for an instant, containing) ``window``."""
    probe = window if not window.empty else Interval(window.start,
                                                     window.start + timedelta(seconds=1))
    with uow:
        return [t for t in q.time_off(uow, provider_key, probe) if t.removable]


def unblock(uow: UnitOfWork, q: ProviderQueries, *, provider_key: str, block_id: int) -> None:
    with uow:
        if not q.remove_time_off(uow, provider_key, block_id):
            raise DomainError(ErrorCode.INVALID_REQUEST, f"no time off #{block_id}")
        uow.commit()


def resolve_ref(uow: UnitOfWork, q: ProviderQueries, *, provider_key: str, ref: str) -> Booking:
    clean = ref.strip().lower().lstrip("#").replace("-", "")
    if (len(clean) < MIN_REF or not clean.isalnum()) and normalised_reference(ref) is None:
        raise DomainError(ErrorCode.UNKNOWN_BOOKING, "give the booking's reference")
    with uow:
        found = q.bookings_by_ref(uow, provider_key, ref.strip())
    if not found:
        raise DomainError(ErrorCode.UNKNOWN_BOOKING, f"no booking {ref!r}")
    if len(found) > 1:
        raise DomainError(ErrorCode.INVALID_REQUEST, f"{ref!r} matches several bookings")
    return found[0]


def cancel_as_provider(uow: UnitOfWork, *, provider_key: str, booking_id: str,
                       now: datetime, channel: str) -> CancelOutcome:
    """A provider cancellation: the customer gets everything paid back (the policy gives
    100 % for provider cancellations) and hears about it from the outbox event.

    Unlike a customer's retried cancel, a provider pressing Cancel on a booking that is
    already cancelled is told so instead of seeing a second "cancelled, no refund"."""
    actor = Actor("provider", provider_key, channel)
    with uow:
        if owned(uow, booking_id, actor).status is BookingStatus.CANCELLED:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "that booking is already cancelled")
    return cancel(uow, booking_id, actor=actor, now=now)


def waitlist(uow: UnitOfWork, q: ProviderQueries, *, provider_key: str,
             now: datetime) -> list[Waiting]:
    """People waiting for this provider (or for anyone offering one of their services)."""
    with uow:
        business = uow.business()
        provider = _provider(business, provider_key)
        entries = [e for key in sorted(provider.services) for e in uow.waitlist.waiting(key)
                   if e.provider_key in (None, provider_key) and e.window.end > now]
        cards = q.customer_cards(uow, sorted({e.customer_id for e in entries}))
    entries.sort(key=lambda e: (e.created_at, e.id))
    return [Waiting(e, _service_name(business, e.service_key), cards.get(e.customer_id))
            for e in entries]


def _service_name(business: Business, key: str) -> str:
    service = business.service(key)
    return service.name if service else key


def message_customer(uow: UnitOfWork, *, provider_key: str, booking_id: str, text: str,
                     ref: str, channel: str) -> Booking:
    """Queue a provider's message to the booking's customer (sent after commit)."""
    body = text.strip()
    if not body or len(body) > MAX_MESSAGE:
        raise DomainError(ErrorCode.INVALID_REQUEST, "a message needs 1-1000 characters")
    with uow:
        booking = owned(uow, booking_id, Actor("provider", provider_key, channel))
        uow.emit([ProviderMessaged(booking.id, provider_key, body, ref)])
        uow.commit()
        return booking
