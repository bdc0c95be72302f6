"""Staff accounts of the web admin: roles, what each may open, and the login throttle rule.

``owner``: everything. ``manager``: everything but accounts and settings. ``provider``: their
own agenda, bookings, customers and report figures only (``provider_key``). The admin asks
``may_open`` and ``sees_provider`` in one place per request; nothing else decides who sees
what.

The throttle counts wrong passwords per key (the account's e-mail and the client address,
separately): ``MAX_FAILURES`` within ``WINDOW`` locks the key until the window has passed
since the first of them, whatever password comes next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    PROVIDER = "provider"


class Area(StrEnum):
    """A part of the admin, as authorisation sees it."""

    AGENDA = "agenda"
    BOOKINGS = "bookings"
    CUSTOMERS = "customers"
    CUSTOMER_DATA = "customer_data"  # a customer's data export and erasure
    REPORTS = "reports"
    EXPORTS = "exports"
    ACCOUNTS = "accounts"
    SETTINGS = "settings"
    ENTRY_POINTS = "entry_points"  # links and QR codes that open a chat with a service


_AREAS: dict[Role, frozenset[Area]] = {
    Role.OWNER: frozenset(Area),
    Role.MANAGER: frozenset(Area) - {Area.ACCOUNTS, Area.SETTINGS},
    Role.PROVIDER: frozenset({Area.AGENDA, Area.BOOKINGS, Area.CUSTOMERS, Area.REPORTS,
                              Area.ENTRY_POINTS}),
}


@dataclass(frozen=True)
class StaffAccount:
    id: str
    email: str
    role: Role
    provider_key: str | None  # set for (and only for) the provider role
    password_hash: str
    session_epoch: int  # bumped by logout and password changes: old cookies stop working
    active: bool = True

    def may_open(self, area: Area) -> bool:
        return self.active and area in _AREAS[self.role]

    def sees_provider(self, provider_key: str) -> bool:
        """Whether this account may see data (bookings, customers) of that provider."""
        return self.role is not Role.PROVIDER or self.provider_key == provider_key

    def visible_providers(self, keys: list[str]) -> list[str]:
        return [k for k in keys if self.sees_provider(k)]


def account_problem(role: Role, provider_key: str | None,
                    provider_keys: frozenset[str]) -> str | None:
    """Why this role/provider pair cannot be an account, or None when it can."""
    if role is Role.PROVIDER and provider_key is None:
        return "a provider account needs --provider KEY"
    if role is not Role.PROVIDER and provider_key is not None:
        return "only provider accounts belong to a provider"
    if provider_key is not None and provider_key not in provider_keys:
        return f"no provider with key {provider_key!r}"
    return None


@dataclass(frozen=True)
class Failures:
    """Wrong passwords counted against one throttle key."""

    count: int
    first_at: datetime

    def throttled(self, now: datetime) -> bool:
        return self.count >= MAX_FAILURES and now < self.first_at + WINDOW

    def retry_at(self) -> datetime:
        return self.first_at + WINDOW

    def after_failure(self, now: datetime) -> Failures:
        if now >= self.first_at + WINDOW:
            return Failures(1, now)  # the old window is over: count afresh
        return Failures(self.count + 1, self.first_at)
