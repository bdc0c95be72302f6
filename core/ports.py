"""What the core needs from the outside world, as Protocols. Adapters live in db/ and elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

from core.availability import Taken
from core.booking import AuditEntry, Booking
from core.events import Event
from core.interval import Interval
from core.model import Business
from core.notifications import Outgoing
from core.resources import ResourceUse
from core.waitlist import WaitlistEntry

if TYPE_CHECKING:  # core.payments builds on these ports; a runtime import would be circular
    from core.confirmations import ConfirmationRepository
    from core.intake import IntakeRepository
    from core.payments import PaymentRepository


class BookingRepository(Protocol):
    def add(self, booking: Booking) -> None:
        """Insert; raises DomainError(SLOT_TAKEN) when the database refuses an overlap."""

    def get(self, booking_id: str, *, for_update: bool = False) -> Booking | None: ...

    def update(self, booking: Booking) -> None:
        """Persist status/range/amounts; a range overlap raises DomainError(SLOT_TAKEN)."""

    def occupying(self, provider_key: str, window: Interval, now: datetime) -> list[Booking]:
        """Held (unexpired) and confirmed bookings whose block overlaps ``window``."""

    def taken(self, provider_key: str, window: Interval, now: datetime, *,
              ignore: str | None = None) -> list[Taken]:
        """The same bookings as ``occupying`` (but ``ignore``), only as much as availability
        needs: read on every slot search, so it reads three columns, not whole bookings."""

    def stale_holds(self, provider_key: str, window: Interval, now: datetime) -> list[Booking]:
        """Held bookings past their expiry whose block overlaps ``window`` (still in the way)."""

    def expired_holds(self, now: datetime, limit: int) -> list[Booking]: ...

    def for_customer(self, customer_id: str, *, since: datetime) -> list[Booking]: ...

    def in_series(self, series_id: str) -> list[Booking]: ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def for_booking(self, booking_id: str) -> list[AuditEntry]: ...


class BusyRepository(Protocol):
    """External-calendar busy blocks and provider time-off, per provider."""

    def busy(self, provider_key: str, window: Interval) -> list[Interval]: ...


class WaitlistRepository(Protocol):
    def add(self, entry: WaitlistEntry) -> None: ...

    def waiting(self, service_key: str) -> list[WaitlistEntry]: ...

    def remove(self, entry_id: str) -> None: ...


class ResourceRepository(Protocol):
    """The resources bookings hold (rooms, machines): one row per booking and kind."""

    def lock(self, kinds: Sequence[str]) -> None:
        """Serialise writers picking resources of these kinds until commit (PostgreSQL: the
        resource rows FOR UPDATE in key order; SQLite: already one writer at a time)."""

    def taken(self, kinds: Sequence[str], window: Interval, now: datetime, *,
              ignore: str | None = None) -> list[ResourceUse]:
        """Resources of these kinds held by occupying bookings (held unexpired, confirmed)
        whose block meets ``window``, but booking ``ignore``."""

    def of_session(self, session_key: str, kinds: Sequence[str], now: datetime, *,
                   ignore: str | None = None) -> dict[str, str]:
        """kind -> resource key a class session's occupying seats hold (but ``ignore``'s):
        the room the session already has, which its next seat shares."""

    def stale(self, kinds: Sequence[str], window: Interval, now: datetime) -> list[str]:
        """Ids of lapsed holds still holding a resource of these kinds within ``window``."""

    def assign(self, booking: Booking, picks: dict[str, str]) -> None:
        """Record that ``booking`` holds ``picks`` (kind -> resource key); the database
        refuses a resource already held over an overlapping block (SLOT_TAKEN)."""

    def release(self, booking_id: str) -> None:
        """Forget the booking's resources (before it takes others when it moves)."""

    def of_booking(self, booking_id: str) -> dict[str, str]:
        """kind -> resource key held by the booking (whatever its status)."""


class Around(NamedTuple):
    """What stands in one provider's way over a window."""

    taken: list[Taken]
    busy: list[Interval]


class Surroundings(NamedTuple):
    """What a write for one provider checks, read under that provider's lock."""

    stale: list[Booking]  # lapsed holds in the way of the block (still 'held' rows)
    taken: list[Taken]  # occupying bookings around the start (but the one being moved)
    busy: list[Interval]  # time off and calendar blocks around the start


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back."""

    bookings: BookingRepository
    audit: AuditLog
    busy: BusyRepository
    waitlist: WaitlistRepository
    payments: PaymentRepository
    resources: ResourceRepository
    confirmations: ConfirmationRepository  # customers confirming ahead (core.confirmations)
    intake: IntakeRepository  # intake answers kept on bookings (core.intake)

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def lock_provider(self, provider_key: str) -> None:
        """Serialise writes for one provider until commit (per-day limits stay exact)."""

    def lock_and_read(self, provider_key: str, *, block: Interval, around: Interval,
                      now: datetime, ignore: str | None = None) -> Surroundings:
        """``lock_provider``, then ``bookings.stale_holds`` over ``block`` and
        ``bookings.taken`` and ``busy.busy`` over ``around``: every read made after the
        lock is granted, and on PostgreSQL all of it in one round trip."""

    def read_around(self, provider_keys: Sequence[str], window: Interval,
                    now: datetime) -> dict[str, Around]:
        """``bookings.taken`` and ``busy.busy`` over ``window`` for each provider (what
        availability needs), on PostgreSQL all in one round trip."""

    def business(self) -> Business:
        """The business as loaded by ``bookingbot setup``."""

    def emit(self, events: Sequence[Event]) -> None:
        """Queue events in this transaction (the outbox); delivered only after commit."""


class Sender(Protocol):
    """Delivers one message on one channel; adapters live in channels/.

    Raise ``core.errors.PermanentSendError`` for failures a retry cannot fix (an opted-out
    or invalid number, a blocked bot) and ``TransientSendError`` for the rest.
    """

    channel: str

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        """Send; returns the platform's message id."""


@runtime_checkable
class TemplateSender(Protocol):
    """A ``Sender`` that needs more of a notification than its text: its kind and values (an
    approved template, WhatsApp outside the customer-service window) or its language (the
    words SMS adds around the choices). The deliverer calls ``send_notification`` instead
    of ``send`` when a sender has it."""

    channel: str

    def send_notification(self, message: Outgoing) -> str:
        """Send; returns the platform's message id. Same errors as ``Sender.send``."""


class CalendarSource(Protocol):
    """A provider's own calendar, read as busy time. Raises ``CalendarError`` on failure."""

    def busy(self, window: Interval) -> list[Interval]: ...


class CalendarWriter(Protocol):
    """Writes our bookings into a provider's calendar, keyed by our booking id (idempotent)."""

    def upsert(self, booking: Booking, *, title: str, description: str) -> str:
        """Create or move the event for ``booking``; returns the calendar's event id."""

    def delete(self, booking_id: str) -> None:
        """Remove the event for ``booking_id``; removing a missing event is not an error."""
