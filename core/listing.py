"""Bookings as lists: the filter a person sets, the line they see, the notices sent.

Read models for the web admin's lists and exports (``db.admin_queries`` implements
``BookingListing``); no rule lives here, only what to select.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.usecases.waitlist_offers import WaitlistOffer


class PaymentState:
    """The payment filter's values (over the booking's due/paid/refunded amounts)."""

    NONE_DUE = "none_due"
    UNPAID = "unpaid"
    PAID = "paid"
    REFUNDED = "refunded"
    ALL = (NONE_DUE, UNPAID, PAID, REFUNDED)


@dataclass(frozen=True)
class BookingFilter:
    start: datetime | None = None  # appointments starting at or after
    end: datetime | None = None  # ... and before
    provider_keys: tuple[str, ...] | None = None  # None: every provider
    service_key: str | None = None
    status: str | None = None
    channel: str | None = None
    payment: str | None = None  # a PaymentState value
    text: str | None = None  # customer name, phone or chat handle (substring)
    customer_id: str | None = None
    limit: int | None = 200  # None: all (the streamed export)


@dataclass(frozen=True)
class BookingLine:
    id: str
    start: datetime
    end: datetime
    provider_key: str
    service_key: str
    status: str
    channel: str
    customer: str  # name, phone or "channel handle"
    currency: str
    price_minor: int
    due_minor: int
    paid_minor: int
    refunded_minor: int
    created_at: datetime


@dataclass(frozen=True)
class NotificationLine:
    kind: str
    audience: str
    channel: str
    status: str
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class MoneyLine:
    """One movement of money: a payment taken or a refund given (the accountant's view)."""

    kind: str  # "payment" | "refund"
    at: datetime  # when it was recorded
    booking_id: str
    amount_minor: int
    currency: str
    status: str
    stripe_id: str  # checkout session (payment) or refund id
    payment_intent: str
    livemode: bool | None  # payments only


@dataclass(frozen=True)
class CustomerLine:
    id: str
    label: str  # name, phone or "channel handle"
    channel: str
    sender_id: str
    phone: str | None
    opted_out: bool
    bookings: int
    last_start: datetime | None


class BookingListing(Protocol):
    """Read-only lists (the web admin's); each call is its own short read."""

    def bookings(self, f: BookingFilter) -> list[BookingLine]: ...

    def stream_bookings(self, f: BookingFilter) -> Iterator[BookingLine]:
        """Every matching booking by start, read in batches from a server-side cursor."""

    def stream_money(self, start: datetime, end: datetime) -> Iterator[MoneyLine]:
        """Payments and refunds recorded in [start, end), by time, from a server-side cursor."""

    def notifications(self, booking_id: str) -> list[NotificationLine]: ...

    def customers(self, provider_keys: tuple[str, ...] | None, text: str | None,
                  limit: int = 200) -> list[CustomerLine]:
        """Customers (with a booking with one of ``provider_keys``, when given), by name."""

    def open_offers(self, provider_keys: tuple[str, ...]) -> list[WaitlistOffer]:
        """Waitlist offers still waiting for the customer's answer, by slot."""
