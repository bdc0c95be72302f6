"""What the admin is handed by the composition root: stores as Protocols, plus the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.booking import Actor
from core.entry_points import ChannelAddresses
from core.listing import BookingListing
from core.payments import PaymentsUnitOfWork
from core.ports import UnitOfWork
from core.reports import ReportQueries
from core.staff import Failures, Role, StaffAccount
from core.usecases.booking import CancelOutcome
from core.usecases.customer_data import CustomerDataStore
from core.usecases.provider import ProviderQueries


class StaffStore(Protocol):
    def add(self, *, email: str, role: Role, provider_key: str | None, password_hash: str,
            now: datetime) -> StaffAccount: ...

    def by_email(self, email: str) -> StaffAccount | None: ...

    def by_id(self, account_id: str) -> StaffAccount | None: ...

    def all(self) -> list[StaffAccount]: ...

    def end_sessions(self, account_id: str) -> None: ...

    def failures(self, key: str) -> Failures | None: ...

    def record_failure(self, key: str, now: datetime) -> Failures: ...

    def clear_failures(self, key: str) -> None: ...


Canceller = Callable[[str, Actor, datetime], CancelOutcome]


class WalkinCustomers(Protocol):
    """Who a walk-in booking is for: a caller known by phone, or a customer seen before."""

    def for_phone(self, *, phone_e164: str, name: str, now: datetime) -> str:
        """The customer id reached by SMS at that number (found or created)."""

    def visible(self, customer_id: str, provider_keys: tuple[str, ...] | None) -> bool:
        """Whether the customer exists (and, for a provider, has booked with them)."""


def no_channels() -> ChannelAddresses:
    return ChannelAddresses()


@dataclass(frozen=True)
class BusinessChange:
    """What became of an uploaded business file: refused with its problems (one
    ``file:line: key.path: message`` a line), or applied with what changed."""

    applied: bool
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deactivated: tuple[str, ...] = ()


class BusinessDesk(Protocol):
    """The business file, checked and applied the way ``bookingbot setup`` does it."""

    def current_text(self) -> str | None: ...

    def apply_text(self, text: str, *, source: str, now: datetime) -> BusinessChange: ...


@dataclass(frozen=True)
class AdminDeps:
    staff: StaffStore
    uow: Callable[[], UnitOfWork]
    queries: ProviderQueries
    clock: Callable[[], datetime]
    secret: bytes  # signs session cookies and CSRF tokens
    lists: BookingListing
    payments: Callable[[], PaymentsUnitOfWork]
    cancel: Canceller  # the chat's own: cancel and refund per the policy
    customer_data: CustomerDataStore  # the store `bookingbot customer export|erase` uses
    walkin: WalkinCustomers | None = None  # None: the walk-in page says it is not wired
    sms_configured: bool = False  # whether a walk-in caller hears back by SMS
    reports: ReportQueries | None = None  # read-only figures for the reports page
    business_file: BusinessDesk | None = None  # the settings page's upload
    # Charges a booking's owed fees at once (no-show marked); None: the payments sweep does.
    charge_fees: Callable[[str], None] | None = None
    # Where customers reach the business (bot username, SMS/WhatsApp numbers), per page view.
    addresses: Callable[[], ChannelAddresses] = no_channels
